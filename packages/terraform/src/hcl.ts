/**
 * A small HCL writer that prints what `terraform fmt` prints: two-space indentation, `=` aligned
 * over runs of consecutive single-line attributes. As in hclwrite's `formatCells`, a run ends at a
 * blank line, a comment, a block, and at an attribute that opens a multi-line list or object (its
 * line has unbalanced brackets, so hclwrite gives it no "assign" cell and does not pad it).
 * Lists of two or more items are written one item per line, so a one-host change is a one-line diff. Every string goes through `hclString`, so no text from a profile can become an expression.
 */

/** A Terraform expression written by this package itself (a `var.` reference). Never profile text. */
export type HclReference = {
  kind: 'reference'
  /** e.g. `var.source_addresses`; checked against a strict grammar before it is printed. */
  expression: string
}

/** An object value (`{ source = "…" }`), written one entry per line. */
export type HclObject = {
  kind: 'object'
  entries: readonly (readonly [name: string, value: HclValue])[]
}

/** A value an attribute can hold. */
export type HclValue = string | number | boolean | HclReference | HclObject | readonly HclValue[]

/** One item of a body. */
export type HclItem =
  | { kind: 'attribute'; name: string; value: HclValue }
  | { kind: 'block'; type: string; labels: readonly string[]; body: readonly HclItem[] }
  | { kind: 'comment'; text: string }
  | { kind: 'blank' }

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/
// The only expressions this package writes, each a fixed shape around names it chose itself:
// a variable reference (optionally `+ N`), a type keyword, a resource id reference, and the
// range check of a priority variable.
const NAME = '[A-Za-z_][A-Za-z0-9_]*'
const INT = '(0|[1-9][0-9]*)'
const EXPRESSIONS = [
  new RegExp(`^var\\.${NAME}( \\+ ${INT})?$`),
  /^(string|number|bool|list\(string\))$/,
  new RegExp(`^azurerm_[a-z_]+\\.${NAME}\\.id$`),
  new RegExp(`^var\\.(${NAME}) >= ${INT} && var\\.\\1( \\+ ${INT})? <= ${INT}$`),
]

/** True for a valid HCL identifier (attribute names, block types, resource local names). */
export function isHclIdentifier(name: string): boolean {
  return IDENTIFIER.test(name)
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0)
  return code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029
}

/**
 * An HCL string literal. Escapes `\`, `"`, control characters and the template introducers
 * (`${` → `$${`, `%{` → `%%{`) so the text stays a literal.
 * @example hclString('a"${b}') // "\"a\\\"$${b}\""
 */
export function hclString(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? ''
    const code = char.charCodeAt(0)
    const next = text[i + 1]
    if (char === '\\') out += '\\\\'
    else if (char === '"') out += '\\"'
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if ((char === '$' || char === '%') && next === '{') out += char + char
    else if (isControl(char)) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += char
  }
  return `"${out}"`
}

/** An expression this package writes; throws on any other shape because only code builds these. */
export function hclReference(expression: string): HclReference {
  if (!EXPRESSIONS.some((pattern) => pattern.test(expression)))
    throw new Error(`not a plain reference: ${expression}`)
  return { kind: 'reference', expression }
}

function isReference(value: HclValue): value is HclReference {
  return (
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'kind' in value &&
    value.kind === 'reference'
  )
}

function isObject(value: HclValue): value is HclObject {
  return (
    typeof value === 'object' && !Array.isArray(value) && 'kind' in value && value.kind === 'object'
  )
}

function inlineValue(value: HclValue): string | undefined {
  if (typeof value === 'string') return hclString(value)
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`only integers are written: ${value}`)
    return String(value)
  }
  if (typeof value === 'boolean') return String(value)
  if (isReference(value)) return value.expression
  if (isObject(value)) return value.entries.length === 0 ? '{}' : undefined
  const list = value as readonly HclValue[]
  if (list.length === 0) return '[]'
  if (list.length === 1) {
    const only = list[0]
    if (only !== undefined && !Array.isArray(only)) return `[${inlineValue(only)}]`
  }
  return undefined
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charAt(i))) return true
  return false
}

/** Comment text on one line: a newline in it would end the comment and start code. */
function commentLine(text: string): string {
  // Almost no comment has a control character: only then split it into characters.
  const clean = (
    hasControl(text) ? [...text].map((char) => (isControl(char) ? ' ' : char)).join('') : text
  ).trimEnd()
  return clean === '' ? '#' : `# ${clean}`
}

type Line = { indent: number; lead: string; assign?: string }

/**
 * Output lines as they are produced: `=` aligned over each run of consecutive attribute lines,
 * like hclwrite. Only the current run is kept, not every line of the file (a 10,000-workspace
 * fleet is over a million lines).
 */
type Output = { out: string[]; run: Line[] }

function flush(output: Output): void {
  const width = Math.max(0, ...output.run.map((line) => line.indent + line.lead.length))
  for (const line of output.run)
    output.out.push(
      `${' '.repeat(line.indent)}${line.lead}${' '.repeat(width - line.indent - line.lead.length)} = ${line.assign}`,
    )
  output.run = []
}

function emit(output: Output, line: Line): void {
  if (line.assign !== undefined) {
    output.run.push(line)
    return
  }
  flush(output)
  output.out.push(line.lead === '' ? '' : `${' '.repeat(line.indent)}${line.lead}`)
}

function attributeLines(name: string, value: HclValue, indent: number, output: Output): void {
  if (!isHclIdentifier(name)) throw new Error(`bad attribute name ${name}`)
  const inline = inlineValue(value)
  if (inline !== undefined) {
    emit(output, { indent, lead: name, assign: inline })
    return
  }
  if (isObject(value)) {
    emit(output, { indent, lead: `${name} = {` })
    for (const [key, entry] of value.entries) attributeLines(key, entry, indent + 2, output)
    emit(output, { indent, lead: '}' })
    return
  }
  emit(output, { indent, lead: `${name} = [` })
  for (const element of value as readonly HclValue[]) {
    const text = inlineValue(element)
    if (text === undefined) throw new Error('nested lists and objects in lists are not written')
    emit(output, { indent: indent + 2, lead: `${text},` })
  }
  emit(output, { indent, lead: ']' })
}

function bodyLines(body: readonly HclItem[], indent: number, output: Output): void {
  for (const item of body) {
    switch (item.kind) {
      case 'blank':
        emit(output, { indent: 0, lead: '' })
        break
      case 'comment':
        emit(output, { indent, lead: commentLine(item.text) })
        break
      case 'attribute':
        attributeLines(item.name, item.value, indent, output)
        break
      case 'block': {
        if (!isHclIdentifier(item.type)) throw new Error(`bad block type ${item.type}`)
        const labels = item.labels.map((label) => `${hclString(label)} `).join('')
        emit(output, { indent, lead: `${item.type} ${labels}{` })
        bodyLines(item.body, indent + 2, output)
        emit(output, { indent, lead: '}' })
        break
      }
    }
  }
}

/**
 * Prints a file body as `terraform fmt` would.
 * @example formatHcl([{ kind: 'attribute', name: 'a', value: 1 }]) // "a = 1\n"
 */
export function formatHcl(body: readonly HclItem[]): string {
  const output: Output = { out: [], run: [] }
  bodyLines(body, 0, output)
  flush(output)
  return `${output.out.join('\n')}\n`
}
