/**
 * A small HCL writer that prints what `terraform fmt` prints: two-space indentation, `=` aligned
 * over runs of consecutive single-line attributes. As in hclwrite's `formatCells`, a run ends at a
 * blank line, a comment, a block, and at an attribute that opens a multi-line list or object (its
 * line has unbalanced brackets, so hclwrite gives it no "assign" cell and does not pad it).
 * Lists of two or more items are written one item per line, so a one-host change is a one-line
 * diff. Every string goes through `hclString`, so no text from a profile can become an expression.
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

// What `escapedText` changes: a control character (what `isControl` is true for), `\`, `"`,
// `${` or `%{`.
const NEEDS_ESCAPE = /[^\x20-\x7e\u0080-\u2027\u202a-\uffff]|[\\"]|[$%]\{/

/** The text of an HCL string literal between its quotes. */
function escapedText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text
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
  return out
}

/**
 * An HCL string literal. Escapes `\`, `"`, control characters and the template introducers
 * (`${` → `$${`, `%{` → `%%{`) so the text stays a literal.
 * @example hclString('a"${b}') // "\"a\\\"$${b}\""
 */
export function hclString(text: string): string {
  return `"${escapedText(text)}"`
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

/** Comment text on one line: a newline in it would end the comment and start code. */
function commentLine(text: string): string {
  const clean = [...text]
    .map((char) => (isControl(char) ? ' ' : char))
    .join('')
    .trimEnd()
  return clean === '' ? '#' : `# ${clean}`
}

/** Runs of spaces for indentation and alignment, by length. */
const SPACES = Array.from({ length: 64 }, (_, count) => ' '.repeat(count))

function spaces(count: number): string {
  return SPACES[count] ?? ' '.repeat(count)
}

/** Lines appended before the text is flattened (see `emit`). */
const FLAT_LINES = 1024

/** A single-line attribute waiting for the end of its run to be aligned. */
type RunAttribute = { indent: number; name: string; value: string }

/**
 * Writes HCL as `terraform fmt` prints it, line by line: `=` aligned over each run of
 * consecutive single-line attributes, like hclwrite. Only the current run is kept apart, so a
 * file of a million lines needs no item tree.
 */
export class HclWriter {
  /** Text written, in flat pieces of `FLAT_LINES` lines; then the lines since. */
  private readonly chunks: string[] = []
  private out = ''
  private lineCount = 0
  private run: RunAttribute[] = []

  /** `name = value` on one line, `value` already HCL text; joins the current run. */
  assign(indent: number, name: string, value: string): void {
    if (!isHclIdentifier(name)) throw new Error(`bad attribute name ${name}`)
    this.run.push({ indent, name, value })
  }

  /** `name = "text"`. */
  string(indent: number, name: string, text: string): void {
    this.assign(indent, name, hclString(text))
  }

  /**
   * An attribute with any value. Lists of at most one item and empty objects stay on the line;
   * longer lists (one item a line) and objects end the current run.
   */
  attribute(indent: number, name: string, value: HclValue): void {
    const inline = inlineValue(value)
    if (inline !== undefined) {
      this.assign(indent, name, inline)
      return
    }
    if (!isHclIdentifier(name)) throw new Error(`bad attribute name ${name}`)
    if (isObject(value)) {
      this.line(indent, `${name} = {`)
      for (const [key, entry] of value.entries) this.attribute(indent + 2, key, entry)
      this.line(indent, '}')
      return
    }
    this.line(indent, `${name} = [`)
    for (const element of value as readonly HclValue[]) {
      const text = inlineValue(element)
      if (text === undefined) throw new Error('nested lists and objects in lists are not written')
      this.line(indent + 2, `${text},`)
    }
    this.line(indent, ']')
  }

  /** `type "label" … {`; the body follows, then `close`. */
  open(indent: number, type: string, labels: readonly string[] = []): void {
    if (!isHclIdentifier(type)) throw new Error(`bad block type ${type}`)
    this.line(
      indent,
      labels.length === 0 ? `${type} {` : `${type} ${labels.map(hclString).join(' ')} {`,
    )
  }

  close(indent: number): void {
    this.line(indent, '}')
  }

  comment(indent: number, text: string): void {
    this.line(indent, commentLine(text))
  }

  blank(): void {
    this.line(0, '')
  }

  /** Every item of a body. */
  body(items: readonly HclItem[], indent: number): void {
    for (const item of items) {
      switch (item.kind) {
        case 'blank':
          this.blank()
          break
        case 'comment':
          this.comment(indent, item.text)
          break
        case 'attribute':
          this.attribute(indent, item.name, item.value)
          break
        case 'block':
          this.open(indent, item.type, item.labels)
          this.body(item.body, indent + 2)
          this.close(indent)
          break
      }
    }
  }

  /** The text written, every line ended by a newline. */
  text(): string {
    this.flush()
    return this.lineCount > 0 ? this.chunks.join('') + this.out : '\n'
  }

  /** A line that is not an aligned attribute: it ends the current run. */
  private line(indent: number, text: string): void {
    this.flush()
    this.emit(text === '' ? '\n' : `${spaces(indent)}${text}\n`)
  }

  private emit(line: string): void {
    this.out += line
    if (++this.lineCount % FLAT_LINES !== 0) return
    // Converting the text to a number makes V8 flatten its tree of appended pieces: kept as a
    // tree, a fleet's 600,000 lines make the 10,000-workspace render over 50 % slower.
    Number(this.out)
    this.chunks.push(this.out)
    this.out = ''
  }

  /** The current run, `=` aligned one column after its longest name. */
  private flush(): void {
    if (this.run.length === 0) return
    const width = this.run.reduce(
      (max, entry) => Math.max(max, entry.indent + entry.name.length),
      0,
    )
    for (const { indent, name, value } of this.run)
      this.emit(`${spaces(indent)}${name}${spaces(width - indent - name.length)} = ${value}\n`)
    this.run = []
  }
}

/**
 * Prints a file body as `terraform fmt` would.
 * @example formatHcl([{ kind: 'attribute', name: 'a', value: 1 }]) // "a = 1\n"
 */
export function formatHcl(body: readonly HclItem[]): string {
  const writer = new HclWriter()
  writer.body(body, 0)
  return writer.text()
}
