/**
 * A small evaluator for ARM template expressions (`[parameters('x')]`, `[concat(...)]`), enough
 * for what firewall templates use. Anything it does not know becomes `UNKNOWN`, never a guess.
 */

/** The value of an expression that could not be evaluated. */
export const UNKNOWN: unique symbol = Symbol('unknown')

/** A resolved template value; `UNKNOWN` where it depends on something unresolvable. */
export type ArmValue =
  | string
  | number
  | boolean
  | null
  | typeof UNKNOWN
  | ArmValue[]
  | { [key: string]: ArmValue }

/** Where names resolve: template parameters (with supplied values) and variables. */
export type ArmScope = {
  /** Parameter values from a parameters file or the command line. */
  values: Record<string, unknown>
  /** The template's `parameters` section (for `defaultValue`). */
  parameters: Record<string, unknown>
  /** The template's `variables` section. */
  variables: Record<string, unknown>
}

/** The empty scope: plain resource JSON without a template. */
export const emptyScope: ArmScope = { values: {}, parameters: {}, variables: {} }

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'punct'; text: string }

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const char = text[i] ?? ''
    if (/\s/.test(char)) {
      i++
    } else if (char === "'") {
      let value = ''
      i++
      for (;;) {
        if (i >= text.length) return undefined
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'"
            i += 2
            continue
          }
          i++
          break
        }
        value += text[i]
        i++
      }
      tokens.push({ kind: 'string', text: value })
    } else if (/[0-9-]/.test(char)) {
      const match = /^-?\d+/.exec(text.slice(i))
      if (!match) return undefined
      tokens.push({ kind: 'number', value: Number(match[0]) })
      i += match[0].length
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))
      if (!match) return undefined
      tokens.push({ kind: 'ident', text: match[0] })
      i += match[0].length
    } else if ('(),.[]'.includes(char)) {
      tokens.push({ kind: 'punct', text: char })
      i++
    } else return undefined
  }
  return tokens
}

type Node =
  | { kind: 'literal'; value: string | number }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'property'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node }

function parse(tokens: Token[]): Node | undefined {
  let position = 0
  const peek = (): Token | undefined => tokens[position]
  const isPunct = (text: string): boolean => {
    const token = peek()
    return token?.kind === 'punct' && token.text === text
  }
  const expression = (): Node | undefined => {
    const token = peek()
    if (!token) return undefined
    position++
    let node: Node
    if (token.kind === 'string') node = { kind: 'literal', value: token.text }
    else if (token.kind === 'number') node = { kind: 'literal', value: token.value }
    else if (token.kind === 'ident') {
      if (!isPunct('(')) return undefined
      position++
      const args: Node[] = []
      if (!isPunct(')'))
        for (;;) {
          const arg = expression()
          if (!arg) return undefined
          args.push(arg)
          if (isPunct(',')) {
            position++
            continue
          }
          break
        }
      if (!isPunct(')')) return undefined
      position++
      node = { kind: 'call', name: token.text.toLowerCase(), args }
    } else return undefined
    for (;;) {
      if (isPunct('.')) {
        position++
        const name = peek()
        if (name?.kind !== 'ident') return undefined
        position++
        node = { kind: 'property', target: node, name: name.text }
      } else if (isPunct('[')) {
        position++
        const index = expression()
        if (!index || !isPunct(']')) return undefined
        position++
        node = { kind: 'index', target: node, index }
      } else return node
    }
  }
  const node = expression()
  return node && position === tokens.length ? node : undefined
}

// Templates repeat the same expressions on every rule; parse each text once.
const parseCache = new Map<string, Node | undefined>()

function parsed(expression: string): Node | undefined {
  if (parseCache.has(expression)) return parseCache.get(expression)
  const tokens = tokenize(expression.slice(1, -1))
  const node = tokens ? parse(tokens) : undefined
  if (parseCache.size < 10_000) parseCache.set(expression, node)
  return node
}

/** True for a string ARM treats as an expression: `[...]` but not `[[...` (an escaped literal). */
export function isArmExpression(value: string): boolean {
  return value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function containsUnknown(value: ArmValue): boolean {
  if (value === UNKNOWN) return true
  if (Array.isArray(value)) return value.some(containsUnknown)
  if (isRecord(value)) return Object.values(value).some((v) => containsUnknown(v as ArmValue))
  return false
}

const MAX_DEPTH = 20

function lookup(record: Record<string, unknown>, name: string): [string, unknown] | undefined {
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase())
  return key === undefined ? undefined : [key, record[key]]
}

function call(name: string, args: ArmValue[], scope: ArmScope, depth: number): ArmValue {
  const [first, second, third] = args
  switch (name) {
    case 'parameters': {
      if (typeof first !== 'string') return UNKNOWN
      const supplied = lookup(scope.values, first)
      if (supplied) return resolveArm(supplied[1], { ...scope, values: {} }, depth + 1, false)
      const declared = lookup(scope.parameters, first)?.[1]
      if (isRecord(declared) && 'defaultValue' in declared)
        return resolveArm(declared.defaultValue, scope, depth + 1)
      return UNKNOWN
    }
    case 'variables': {
      if (typeof first !== 'string') return UNKNOWN
      const declared = lookup(scope.variables, first)
      return declared ? resolveArm(declared[1], scope, depth + 1) : UNKNOWN
    }
    case 'if':
      if (typeof first !== 'boolean') return UNKNOWN
      return (first ? second : third) ?? UNKNOWN
  }
  if (args.some(containsUnknown)) return UNKNOWN
  switch (name) {
    case 'concat':
      if (args.every((a) => Array.isArray(a))) return args.flat()
      return args.every((a) => typeof a === 'string' || typeof a === 'number')
        ? args.join('')
        : UNKNOWN
    case 'format':
      return typeof first === 'string'
        ? first.replace(/\{(\d+)\}/g, (_, n: string) => String(args[Number(n) + 1] ?? ''))
        : UNKNOWN
    case 'createarray':
      return args
    case 'array':
      return Array.isArray(first) ? first : first === undefined ? UNKNOWN : [first]
    case 'add':
    case 'sub':
    case 'mul':
      if (typeof first !== 'number' || typeof second !== 'number') return UNKNOWN
      return name === 'add' ? first + second : name === 'sub' ? first - second : first * second
    case 'int':
      return typeof first === 'number' || (typeof first === 'string' && /^-?\d+$/.test(first))
        ? Number(first)
        : UNKNOWN
    case 'string':
      return typeof first === 'string' || typeof first === 'number' || typeof first === 'boolean'
        ? String(first)
        : UNKNOWN
    case 'bool':
      return typeof first === 'boolean' ? first : UNKNOWN
    case 'true':
      return true
    case 'false':
      return false
    case 'tolower':
      return typeof first === 'string' ? first.toLowerCase() : UNKNOWN
    case 'toupper':
      return typeof first === 'string' ? first.toUpperCase() : UNKNOWN
    case 'empty':
      if (typeof first === 'string' || Array.isArray(first)) return first.length === 0
      if (isRecord(first)) return Object.keys(first).length === 0
      return first === null
    case 'equals':
      return JSON.stringify(first) === JSON.stringify(second)
    case 'not':
      return typeof first === 'boolean' ? !first : UNKNOWN
    case 'and':
    case 'or':
      if (!args.every((a) => typeof a === 'boolean')) return UNKNOWN
      return name === 'and' ? args.every(Boolean) : args.some(Boolean)
    case 'length':
      return typeof first === 'string' || Array.isArray(first) ? first.length : UNKNOWN
    case 'split':
      return typeof first === 'string' && typeof second === 'string' ? first.split(second) : UNKNOWN
    case 'last':
      return Array.isArray(first) ? (first.at(-1) ?? UNKNOWN) : UNKNOWN
    case 'first':
      return Array.isArray(first) ? (first[0] ?? UNKNOWN) : UNKNOWN
    case 'union':
      return args.every((a) => Array.isArray(a)) ? [...new Set(args.flat())] : UNKNOWN
    case 'json':
      if (typeof first !== 'string') return UNKNOWN
      try {
        return JSON.parse(first) as ArmValue
      } catch {
        return UNKNOWN
      }
    case 'resourceid': {
      // resourceId([subscriptionId], [resourceGroup], type, name1, name2…): keep type and names.
      const strings = args.filter((a): a is string => typeof a === 'string')
      const typeIndex = strings.findIndex((a) => /^[A-Za-z.]+\/[A-Za-z/]+$/.test(a))
      if (typeIndex < 0) return UNKNOWN
      return `/providers/${strings.slice(typeIndex).join('/')}`
    }
  }
  return UNKNOWN
}

function evaluate(node: Node, scope: ArmScope, depth: number): ArmValue {
  if (depth > MAX_DEPTH) return UNKNOWN
  switch (node.kind) {
    case 'literal':
      return node.value
    case 'call':
      return call(
        node.name,
        node.args.map((arg) => evaluate(arg, scope, depth)),
        scope,
        depth,
      )
    case 'property': {
      const target = evaluate(node.target, scope, depth)
      if (!isRecord(target)) return UNKNOWN
      const found = lookup(target, node.name)
      return found ? (found[1] as ArmValue) : UNKNOWN
    }
    case 'index': {
      const target = evaluate(node.target, scope, depth)
      const index = evaluate(node.index, scope, depth)
      if (Array.isArray(target) && typeof index === 'number') return target[index] ?? UNKNOWN
      if (isRecord(target) && typeof index === 'string')
        return (lookup(target, index)?.[1] as ArmValue) ?? UNKNOWN
      return UNKNOWN
    }
  }
}

/**
 * Resolves a JSON value from a template: expression strings are evaluated in `scope`, `[[` escapes
 * are unescaped, arrays and objects are resolved member by member.
 * @example resolveArm("[parameters('n')]", { values: {}, parameters: { n: { defaultValue: 1 } }, variables: {} }) // 1
 */
export function resolveArm(
  value: unknown,
  scope: ArmScope,
  depth = 0,
  expressions = true,
): ArmValue {
  if (depth > MAX_DEPTH) return UNKNOWN
  if (typeof value === 'string') {
    if (!expressions) return value
    if (value.startsWith('[[')) return value.slice(1)
    if (!isArmExpression(value)) return value
    const node = parsed(value)
    return node ? evaluate(node, scope, depth + 1) : UNKNOWN
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value
  if (Array.isArray(value)) return value.map((item) => resolveArm(item, scope, depth, expressions))
  if (isRecord(value)) {
    const result: Record<string, ArmValue> = {}
    for (const [key, item] of Object.entries(value))
      result[key] = resolveArm(item, scope, depth, expressions)
    return result
  }
  return UNKNOWN
}
