/**
 * Values as `@cdktf/hcl2json` hands them over: Terraform's JSON syntax, where every string is a
 * template (`${…}` interpolates, `$${` is a literal `${`, `%{` starts a directive, `%%{` is a
 * literal `%{`). This module tells literals from expressions and resolves the few expression forms
 * a hand-written config uses for values that decide flows: `var.x`, `local.x`, `x + 1`.
 * Anything else stays unresolved; callers turn that into 'unknown', never into 'allowed'.
 */

/** A string after template parsing. */
export type Template =
  | { kind: 'literal'; value: string }
  | { kind: 'template'; parts: readonly (string | { expression: string })[]; directive: boolean }

/** A JSON value as hcl2json produces it. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue }

/** Where named values come from: variables (default or tfvars) and locals. */
export type Scope = {
  /** Variable values in hcl2json form (defaults, overridden by tfvars). */
  variables: ReadonlyMap<string, JsonValue>
  /** Locals in hcl2json form. */
  locals: ReadonlyMap<string, JsonValue>
  /** Resolved values of `each`, `count` and dynamic-block iterators (`{ key, value }`). */
  iterators?: ReadonlyMap<string, JsonValue>
  /**
   * Filled while resolving: variables a value needed that have no default and no tfvars value
   * (their value comes from `-var` or `TF_VAR_`, which the reader cannot see).
   */
  unseenVariables?: Set<string>
}

/** Resolution result: a plain JSON value (strings are literal text) or unresolved. */
export type Resolved = { ok: true; value: JsonValue } | { ok: false; expression: string }

/** The end of a `${` … `}` sequence, skipping nested braces and quoted strings. */
function closingBrace(text: string, start: number): number {
  let depth = 0
  let quoted = false
  for (let i = start; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '\\') i++
      else if (char === '"') quoted = false
      continue
    }
    if (char === '"') quoted = true
    else if (char === '{') depth++
    else if (char === '}') {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}

/**
 * Splits a JSON-syntax template into literal text and interpolations.
 * @example parseTemplate('$${x}') // { kind: 'literal', value: '${x}' }
 */
export function parseTemplate(text: string): Template {
  const parts: (string | { expression: string })[] = []
  let literal = ''
  let directive = false
  let i = 0
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      literal += `${text[i]}{`
      i += 3
    } else if (text.startsWith('${', i) || text.startsWith('%{', i)) {
      const end = closingBrace(text, i + 1)
      if (end === -1) {
        literal += text.slice(i)
        break
      }
      if (text[i] === '%') directive = true
      if (literal !== '') parts.push(literal)
      literal = ''
      parts.push({ expression: text.slice(i + 2, end).trim() })
      i = end + 1
    } else {
      literal += text[i]
      i++
    }
  }
  if (parts.length === 0) return { kind: 'literal', value: literal }
  if (literal !== '') parts.push(literal)
  return { kind: 'template', parts, directive }
}

// `root.a.b`, `root["a"]`, `root[0]`: a traversal as Terraform writes it.
const TRAVERSAL =
  /^([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\["[^"\\]*"\])*)$/
const STEP = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["([^"\\]*)"\]/g
const ARITHMETIC = /^(.+?)\s*([+-])\s*(\d+)$/

function steps(path: string): (string | number)[] {
  return [...path.matchAll(STEP)].map((match) =>
    match[2] !== undefined ? Number(match[2]) : (match[1] ?? match[3] ?? ''),
  )
}

function navigate(value: JsonValue, path: readonly (string | number)[]): Resolved | undefined {
  let current: JsonValue = value
  for (const step of path) {
    if (typeof step === 'number' && Array.isArray(current) && step < current.length)
      current = current[step] ?? null
    else if (
      typeof step === 'string' &&
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      step in current
    )
      current = current[step] ?? null
    else return undefined
  }
  return { ok: true, value: current }
}

function resolveTraversal(text: string, scope: Scope, depth: number): Resolved | undefined {
  const match = TRAVERSAL.exec(text)
  if (!match) return undefined
  const root = match[1] ?? ''
  const path = steps(match[2] ?? '')
  if (root === 'var' || root === 'local') {
    const [name, ...rest] = path
    const table = root === 'var' ? scope.variables : scope.locals
    if (typeof name !== 'string' || !table.has(name)) {
      if (root === 'var' && typeof name === 'string') scope.unseenVariables?.add(name)
      return undefined
    }
    // Variable values and locals are kept in hcl2json form: they are templates themselves.
    const resolved = resolveValue(table.get(name) ?? null, scope, depth + 1)
    return resolved.ok ? navigate(resolved.value, rest) : undefined
  }
  // Iterators of dynamic blocks and `each`/`count` hold values that are already resolved.
  const iterator = scope.iterators?.get(root)
  if (iterator === undefined) return undefined
  return navigate(iterator, path)
}

function resolveExpression(expression: string, scope: Scope, depth: number): Resolved {
  const failed: Resolved = { ok: false, expression }
  if (depth > 16) return failed
  const text = expression.trim()
  if (/^-?\d+$/.test(text)) return { ok: true, value: Number(text) }
  if (text === 'true' || text === 'false') return { ok: true, value: text === 'true' }
  const arithmetic = ARITHMETIC.exec(text)
  if (arithmetic) {
    const left = resolveExpression(arithmetic[1] ?? '', scope, depth + 1)
    if (!left.ok || typeof left.value !== 'number') return failed
    const right = Number(arithmetic[3])
    return { ok: true, value: arithmetic[2] === '+' ? left.value + right : left.value - right }
  }
  return resolveTraversal(text, scope, depth) ?? failed
}

/**
 * Resolves a hcl2json value: literals become plain text, `${var.x}`-style references are looked up.
 * @example resolveValue('${var.n + 1}', { variables: new Map([['n', 1]]), locals: new Map() }) // { ok: true, value: 2 }
 */
export function resolveValue(value: JsonValue, scope: Scope, depth = 0): Resolved {
  if (typeof value === 'string') {
    const template = parseTemplate(value)
    if (template.kind === 'literal') return { ok: true, value: template.value }
    if (template.directive) return { ok: false, expression: value }
    const [only] = template.parts
    if (template.parts.length === 1 && typeof only === 'object')
      return resolveExpression(only.expression, scope, depth)
    let text = ''
    for (const part of template.parts) {
      if (typeof part === 'string') {
        text += part
        continue
      }
      const resolved = resolveExpression(part.expression, scope, depth)
      if (!resolved.ok) return { ok: false, expression: value }
      if (typeof resolved.value !== 'string' && typeof resolved.value !== 'number')
        return { ok: false, expression: value }
      text += String(resolved.value)
    }
    return { ok: true, value: text }
  }
  if (Array.isArray(value)) {
    const items: JsonValue[] = []
    for (const item of value) {
      const resolved = resolveValue(item, scope, depth)
      if (!resolved.ok) return resolved
      items.push(resolved.value)
    }
    return { ok: true, value: items }
  }
  if (value !== null && typeof value === 'object') {
    const entries: Record<string, JsonValue> = {}
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolveValue(item, scope, depth)
      if (!resolved.ok) return resolved
      entries[key] = resolved.value
    }
    return { ok: true, value: entries }
  }
  return { ok: true, value }
}

/** Literal text in hcl2json (template) form: `${` and `%{` doubled, as `.tfvars.json` needs. */
export function escapeTemplate(text: string): string {
  return text.replace(/([$%])\{/g, '$1$1{')
}
