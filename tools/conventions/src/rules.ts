import ts from 'typescript'
import { lineOf, type SourceFile } from './sourceFiles'

/** A place that breaks a rule: `path:line name (detail)`. */
export type Finding = string

/** Functions longer than this many lines are split by responsibility (CONTRIBUTING rule 8). */
export const maxFunctionLines = 80

type FunctionLike =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.ArrowFunction
  | ts.FunctionExpression

function functionName(node: FunctionLike): string {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text
  const parent = node.parent
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text
  return '(anonymous)'
}

/**
 * A body that is one returned (or assigned) literal: a table, whose length is its data. Such a
 * function may be long; its logic is not.
 */
function isTableLike(node: FunctionLike): boolean {
  const body = node.body
  if (!body) return false
  if (!ts.isBlock(body))
    return ts.isObjectLiteralExpression(body) || ts.isArrayLiteralExpression(body)
  const statements = body.statements
  const last = statements.at(-1)
  return (
    statements.length <= 3 &&
    last !== undefined &&
    ts.isReturnStatement(last) &&
    last.expression !== undefined &&
    (ts.isObjectLiteralExpression(last.expression) || ts.isArrayLiteralExpression(last.expression))
  )
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node)
  node.forEachChild((child) => walk(child, visit))
}

/** Functions over `maxFunctionLines` lines, table-like literals aside. */
export function longFunctions(files: readonly SourceFile[]): Finding[] {
  const findings: Finding[] = []
  for (const { path, source } of files)
    walk(source, (node) => {
      if (
        !ts.isFunctionDeclaration(node) &&
        !ts.isMethodDeclaration(node) &&
        !ts.isArrowFunction(node) &&
        !ts.isFunctionExpression(node)
      )
        return
      const first = lineOf(source, node.getStart(source))
      const lines = lineOf(source, node.getEnd()) - first + 1
      if (lines > maxFunctionLines && !isTableLike(node))
        findings.push(`${path}:${first} ${functionName(node)} (${lines} lines)`)
    })
  return findings
}

/** Calls of `localeCompare`: their order follows the machine's locale. */
export function localeComparisons(files: readonly SourceFile[]): Finding[] {
  const findings: Finding[] = []
  for (const { path, source } of files)
    walk(source, (node) => {
      if (ts.isPropertyAccessExpression(node) && node.name.text === 'localeCompare')
        findings.push(`${path}:${lineOf(source, node.getStart(source))} localeCompare`)
    })
  return findings
}

const MUTABLE_CONTAINERS = new Set(['Map', 'WeakMap', 'Set', 'WeakSet', 'Array'])

/** A container built empty is filled later: state. One built from entries is a lookup table. */
function isMutableInitializer(expression: ts.Expression | undefined): boolean {
  if (!expression || !ts.isNewExpression(expression)) return false
  const empty = (expression.arguments ?? []).length === 0
  return (
    ts.isIdentifier(expression.expression) &&
    MUTABLE_CONTAINERS.has(expression.expression.text) &&
    empty
  )
}

/**
 * Module-level state a render could change: `let` bindings and containers built empty at the top
 * of a module (caches). Constant tables (`const x = { … }`, `new Set([…])`) are not state.
 */
export function moduleState(files: readonly SourceFile[]): Finding[] {
  const findings: Finding[] = []
  for (const { path, source } of files)
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue
      const isLet = (statement.declarationList.flags & ts.NodeFlags.Let) !== 0
      for (const declaration of statement.declarationList.declarations)
        if (isLet || isMutableInitializer(declaration.initializer))
          findings.push(
            `${path}:${lineOf(source, declaration.getStart(source))} ${declaration.name.getText(source)}`,
          )
    }
  return findings
}
