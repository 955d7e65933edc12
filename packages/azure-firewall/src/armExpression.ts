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

/**
 * Deepest function nesting an expression may have, and deepest JSON a value may have, before the
 * reader answers unknown: real templates stay far below; a hostile one (5,000 levels) must not
 * exhaust the stack.
 */
const MAX_NESTING = 64
const MAX_JSON_NESTING = 128

function parse(tokens: Token[]): Node | undefined {
  let position = 0
  let nesting = 0
  const peek = (): Token | undefined => tokens[position]
  const isPunct = (text: string): boolean => {
    const token = peek()
    return token?.kind === 'punct' && token.text === text
  }
  const expression = (): Node | undefined => {
    const token = peek()
    if (!token || nesting >= MAX_NESTING) return undefined
    nesting++
    const node = term(token)
    nesting--
    return node
  }
  const term = (token: Token): Node | undefined => {
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
    // A chain of `.name` and `[index]` nests as deeply as calls do when evaluated.
    for (let steps = nesting; steps < MAX_NESTING; steps++) {
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
    return undefined
  }
  const node = expression()
  return node && position === tokens.length ? node : undefined
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

/**
 * One resolution: the scope names resolve in, and the expressions parsed so far. Templates repeat
 * the same few expressions on every rule; parsing each once saves ~20 % of reading a 10,000-rule
 * template.
 */
type Resolution = { scope: ArmScope; parsed: Map<string, Node | undefined> }

function parsed(resolution: Resolution, expression: string): Node | undefined {
  if (resolution.parsed.has(expression)) return resolution.parsed.get(expression)
  const tokens = tokenize(expression.slice(1, -1))
  const node = tokens ? parse(tokens) : undefined
  resolution.parsed.set(expression, node)
  return node
}

/** `parameters(name)`: the supplied value (taken literally), else the declared default. */
function parameterValue(name: ArmValue | undefined, resolution: Resolution, depth: number) {
  if (typeof name !== 'string') return UNKNOWN
  const { scope } = resolution
  const supplied = lookup(scope.values, name)
  if (supplied)
    return resolveValue(
      supplied[1],
      { ...resolution, scope: { ...scope, values: {} } },
      depth + 1,
      false,
    )
  const declared = lookup(scope.parameters, name)?.[1]
  if (isRecord(declared) && 'defaultValue' in declared)
    return resolveValue(declared.defaultValue, resolution, depth + 1, true)
  return UNKNOWN
}

/** `variables(name)`: the declared value, itself possibly an expression. */
function variableValue(name: ArmValue | undefined, resolution: Resolution, depth: number) {
  if (typeof name !== 'string') return UNKNOWN
  const declared = lookup(resolution.scope.variables, name)
  return declared ? resolveValue(declared[1], resolution, depth + 1, true) : UNKNOWN
}

type ArmFunction = (args: ArmValue[]) => ArmValue

const isText = (value: ArmValue | undefined): value is string | number =>
  typeof value === 'string' || typeof value === 'number'

/** The template functions firewall templates use, by lower-case name; their arguments are known. */
const armFunctions = new Map<string, ArmFunction>([
  [
    'concat',
    (args) => {
      if (args.every((a) => Array.isArray(a))) return args.flat()
      return args.every(isText) ? args.join('') : UNKNOWN
    },
  ],
  [
    'format',
    ([pattern, ...values]) =>
      typeof pattern === 'string'
        ? pattern.replace(/\{(\d+)\}/g, (_, n: string) => String(values[Number(n)] ?? ''))
        : UNKNOWN,
  ],
  ['createarray', (args) => args],
  ['array', ([value]) => (Array.isArray(value) ? value : value === undefined ? UNKNOWN : [value])],
  ['add', ([a, b]) => (typeof a === 'number' && typeof b === 'number' ? a + b : UNKNOWN)],
  ['sub', ([a, b]) => (typeof a === 'number' && typeof b === 'number' ? a - b : UNKNOWN)],
  ['mul', ([a, b]) => (typeof a === 'number' && typeof b === 'number' ? a * b : UNKNOWN)],
  [
    'int',
    ([value]) =>
      typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value))
        ? Number(value)
        : UNKNOWN,
  ],
  ['string', ([value]) => (isText(value) || typeof value === 'boolean' ? String(value) : UNKNOWN)],
  ['bool', ([value]) => (typeof value === 'boolean' ? value : UNKNOWN)],
  ['true', () => true],
  ['false', () => false],
  ['tolower', ([value]) => (typeof value === 'string' ? value.toLowerCase() : UNKNOWN)],
  ['toupper', ([value]) => (typeof value === 'string' ? value.toUpperCase() : UNKNOWN)],
  [
    'empty',
    ([value]) => {
      if (typeof value === 'string' || Array.isArray(value)) return value.length === 0
      if (isRecord(value)) return Object.keys(value).length === 0
      return value === null
    },
  ],
  ['equals', ([a, b]) => JSON.stringify(a) === JSON.stringify(b)],
  ['not', ([value]) => (typeof value === 'boolean' ? !value : UNKNOWN)],
  ['and', (args) => (args.every((a) => typeof a === 'boolean') ? args.every(Boolean) : UNKNOWN)],
  ['or', (args) => (args.every((a) => typeof a === 'boolean') ? args.some(Boolean) : UNKNOWN)],
  [
    'length',
    ([value]) => (typeof value === 'string' || Array.isArray(value) ? value.length : UNKNOWN),
  ],
  [
    'split',
    ([value, separator]) =>
      typeof value === 'string' && typeof separator === 'string' ? value.split(separator) : UNKNOWN,
  ],
  ['last', ([list]) => (Array.isArray(list) ? (list.at(-1) ?? UNKNOWN) : UNKNOWN)],
  ['first', ([list]) => (Array.isArray(list) ? (list[0] ?? UNKNOWN) : UNKNOWN)],
  ['union', (args) => (args.every((a) => Array.isArray(a)) ? [...new Set(args.flat())] : UNKNOWN)],
  [
    'json',
    ([text]) => {
      if (typeof text !== 'string') return UNKNOWN
      try {
        return JSON.parse(text) as ArmValue
      } catch {
        return UNKNOWN
      }
    },
  ],
  [
    'resourceid',
    (args) => {
      // resourceId([subscriptionId], [resourceGroup], type, name1, name2…): keep type and names.
      const strings = args.filter((a): a is string => typeof a === 'string')
      const typeIndex = strings.findIndex((a) => /^[A-Za-z.]+\/[A-Za-z/]+$/.test(a))
      return typeIndex < 0 ? UNKNOWN : `/providers/${strings.slice(typeIndex).join('/')}`
    },
  ],
])

function call(name: string, args: ArmValue[], resolution: Resolution, depth: number): ArmValue {
  const [first, second, third] = args
  switch (name) {
    case 'parameters':
      return parameterValue(first, resolution, depth)
    case 'variables':
      return variableValue(first, resolution, depth)
    case 'if':
      // Only the branch taken needs to be known.
      if (typeof first !== 'boolean') return UNKNOWN
      return (first ? second : third) ?? UNKNOWN
  }
  const armFunction = armFunctions.get(name)
  if (!armFunction || args.some(containsUnknown)) return UNKNOWN
  return armFunction(args)
}

function evaluate(node: Node, resolution: Resolution, depth: number): ArmValue {
  if (depth > MAX_DEPTH) return UNKNOWN
  switch (node.kind) {
    case 'literal':
      return node.value
    case 'call':
      return call(
        node.name,
        node.args.map((arg) => evaluate(arg, resolution, depth)),
        resolution,
        depth,
      )
    case 'property': {
      const target = evaluate(node.target, resolution, depth)
      if (!isRecord(target)) return UNKNOWN
      const found = lookup(target, node.name)
      return found ? (found[1] as ArmValue) : UNKNOWN
    }
    case 'index': {
      const target = evaluate(node.target, resolution, depth)
      const index = evaluate(node.index, resolution, depth)
      if (Array.isArray(target) && typeof index === 'number') return target[index] ?? UNKNOWN
      if (isRecord(target) && typeof index === 'string')
        return (lookup(target, index)?.[1] as ArmValue) ?? UNKNOWN
      return UNKNOWN
    }
  }
}

function resolveValue(
  value: unknown,
  resolution: Resolution,
  depth: number,
  expressions: boolean,
  nesting = 0,
): ArmValue {
  if (depth > MAX_DEPTH || nesting > MAX_JSON_NESTING) return UNKNOWN
  if (typeof value === 'string') {
    if (!expressions) return value
    if (value.startsWith('[[')) return value.slice(1)
    if (!isArmExpression(value)) return value
    const node = parsed(resolution, value)
    return node ? evaluate(node, resolution, depth + 1) : UNKNOWN
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value
  if (Array.isArray(value))
    return value.map((item) => resolveValue(item, resolution, depth, expressions, nesting + 1))
  if (isRecord(value)) {
    const result: Record<string, ArmValue> = {}
    for (const [key, item] of Object.entries(value))
      result[key] = resolveValue(item, resolution, depth, expressions, nesting + 1)
    return result
  }
  return UNKNOWN
}

/**
 * Resolves a JSON value from a template: expression strings are evaluated in `scope`, `[[` escapes
 * are unescaped, arrays and objects are resolved member by member. `expressions: false` takes
 * strings literally (supplied parameter values are not expressions).
 * @example resolveArm("[parameters('n')]", { values: {}, parameters: { n: { defaultValue: 1 } }, variables: {} }) // 1
 */
export function resolveArm(
  value: unknown,
  scope: ArmScope,
  depth = 0,
  expressions = true,
): ArmValue {
  return resolveValue(value, { scope, parsed: new Map() }, depth, expressions)
}
