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

// A character `isControl` is true for.
const CONTROL = /[^\x20-\x7e\u0080-\u2027\u202a-\uffff]/

/**
 * True when `hclString` must change the text: a `\`, `"`, control character, `${` or `%{`. A
 * code loop: every string of a file passes here, and this is several times cheaper than a regex.
 */
function needsEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0x20 && code < 0x7f) {
      if (code === 0x22 || code === 0x5c) return true
      if ((code === 0x24 || code === 0x25) && text.charCodeAt(i + 1) === 0x7b) return true
    } else if (code < 0x80 || code === 0x2028 || code === 0x2029) return true
  }
  return false
}

/** The text of an HCL string literal between its quotes. */
function escapedText(text: string): string {
  if (!needsEscape(text)) return text
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
  // Almost no comment has a control character: only then split it into characters.
  const clean = (
    CONTROL.test(text) ? [...text].map((char) => (isControl(char) ? ' ' : char)).join('') : text
  ).trimEnd()
  return clean === '' ? '#' : `# ${clean}`
}

const indents: string[] = []

function spaces(count: number): string {
  let text = indents[count]
  if (text === undefined) {
    text = ' '.repeat(count)
    indents[count] = text
  }
  return text
}

/** Pieces appended per chunk of output text (see `HclWriter.piece`). */
const CHUNK_PIECES = 12288

/** Longest recurring text joined into one piece: bounds the texts cached. */
const MAX_JOINED = 256

/** How an aligned attribute's value is written: as HCL text, a string, or a one-string list. */
type ValueForm = typeof TEXT | typeof STRING | typeof STRING_LIST
const TEXT = 0
const STRING = 1
const STRING_LIST = 2
/** Around the value, by form. */
const OPENERS = [' = ', ' = "', ' = ["'] as const
const CLOSERS = ['\n', '"\n', '"]\n'] as const

/**
 * Writes HCL as `terraform fmt` prints it, line by line: `=` aligned over each run of
 * consecutive single-line attributes, like hclwrite. Only the current run is kept, not every line
 * of the file (a 10,000-workspace fleet is over a million lines), and no item tree is needed.
 * Output is appended in as few pieces as it can (each append is a rope node the garbage
 * collector copies until the chunk is flattened): indentation, name, padding and `= "` of an
 * attribute are one cached piece, and so are recurring lines.
 */
export class HclWriter {
  private readonly chunks: string[] = []
  private chunk = ''
  private chunkPieces = 0
  private written = false
  // The current run of aligned attributes, as parallel lists reused from run to run.
  private readonly runIndents: number[] = []
  private readonly runNames: string[] = []
  /** HCL text, or the escaped text of a string (see `runForms`). */
  private readonly runValues: string[] = []
  private readonly runForms: ValueForm[] = []
  private runLength = 0
  /**
   * By attribute name (only names found valid are keys): the text before the value, by indent,
   * alignment width and value form. A file has a few names, widths and indents, so few entries.
   */
  private readonly heads = new Map<string, Map<number, string>>()
  /** Lines a block type opens with no labels, and closing braces, by indent. */
  private readonly openLines = new Map<string, string[]>()
  private readonly closeLines: string[] = []
  /** The indentation and opening quote of a string item of a multi-line list, by indent. */
  private readonly itemOpeners: string[] = []
  /** Recurring text not appended yet (see `recurring`). */
  private pending = ''
  /** Recurring texts joined, by first and second text. */
  private readonly joined = new Map<string, Map<string, string>>()

  /** `name = value` on one line, `value` already HCL text; joins the current run. */
  assign(indent: number, name: string, value: string): void {
    this.join(indent, name, value, TEXT)
  }

  /** `name = "text"`. */
  string(indent: number, name: string, text: string): void {
    this.join(indent, name, escapedText(text), STRING)
  }

  /** A list of strings: inline when it has at most one item, else one item a line. */
  strings(indent: number, name: string, values: readonly string[]): void {
    if (values.length === 0) this.assign(indent, name, '[]')
    else if (values.length === 1)
      this.join(indent, name, escapedText(values[0] as string), STRING_LIST)
    else this.attribute(indent, name, values)
  }

  /** An attribute with any value. */
  attribute(indent: number, name: string, value: HclValue): void {
    this.checkName(name)
    if (typeof value === 'string') {
      this.string(indent, name, value)
      return
    }
    const inline = inlineValue(value)
    if (inline !== undefined) {
      this.assign(indent, name, inline)
      return
    }
    if (isObject(value)) {
      this.line(indent, `${name} = {`)
      for (const [key, entry] of value.entries) this.attribute(indent + 2, key, entry)
      this.line(indent, '}')
      return
    }
    this.line(indent, `${name} = [`)
    for (const element of value as readonly HclValue[]) {
      if (typeof element === 'string') {
        let opener = this.itemOpeners[indent]
        if (opener === undefined) {
          opener = `${spaces(indent + 2)}"`
          this.itemOpeners[indent] = opener
        }
        this.recurring(opener)
        this.append(escapedText(element))
        this.recurring('",\n')
        continue
      }
      const text = inlineValue(element)
      if (text === undefined) throw new Error('nested lists and objects in lists are not written')
      this.line(indent + 2, `${text},`)
    }
    this.line(indent, ']')
  }

  /** `type "label" … {`; the body follows, then `close`. */
  open(indent: number, type: string, labels: readonly string[] = []): void {
    if (labels.length === 0) {
      this.flush()
      let byIndent = this.openLines.get(type)
      if (byIndent === undefined) {
        if (!isHclIdentifier(type)) throw new Error(`bad block type ${type}`)
        byIndent = []
        this.openLines.set(type, byIndent)
      }
      let text = byIndent[indent]
      if (text === undefined) {
        text = `${spaces(indent)}${type} {\n`
        byIndent[indent] = text
      }
      this.recurring(text)
      return
    }
    if (!isHclIdentifier(type)) throw new Error(`bad block type ${type}`)
    let head = `${type} `
    for (const label of labels) head += `${hclString(label)} `
    this.line(indent, `${head}{`)
  }

  close(indent: number): void {
    this.flush()
    let text = this.closeLines[indent]
    if (text === undefined) {
      text = `${spaces(indent)}}\n`
      this.closeLines[indent] = text
    }
    this.recurring(text)
  }

  comment(indent: number, text: string): void {
    this.line(indent, commentLine(text))
  }

  blank(): void {
    this.flush()
    this.recurring('\n')
  }

  /**
   * Lines of HCL already formatted, each ended by a newline, that recur: a block written once by
   * another writer and reused. They end the current run. Keep such texts few: they are cached
   * joined with their neighbours.
   */
  formatted(text: string): void {
    this.flush()
    this.recurring(text)
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
    if (this.pending !== '') this.piece(this.pending)
    this.pending = ''
    if (!this.written) return '\n'
    this.chunks.push(this.chunk)
    this.chunk = ''
    return this.chunks.join('')
  }

  /**
   * The heads of a name (see `heads`); throws on a name that is not an identifier. A file
   * repeats a few names, checked once each.
   */
  private checkName(name: string): Map<number, string> {
    let heads = this.heads.get(name)
    if (heads === undefined) {
      if (!isHclIdentifier(name)) throw new Error(`bad attribute name ${name}`)
      heads = new Map()
      this.heads.set(name, heads)
    }
    return heads
  }

  private join(indent: number, name: string, value: string, form: ValueForm): void {
    this.checkName(name)
    const at = this.runLength++
    this.runIndents[at] = indent
    this.runNames[at] = name
    this.runValues[at] = value
    this.runForms[at] = form
  }

  /** A line that is not an aligned attribute: it ends the current run. */
  private line(indent: number, text: string): void {
    this.flush()
    if (text !== '') {
      this.recurring(spaces(indent))
      this.append(text)
    }
    this.recurring('\n')
  }

  private flush(): void {
    const length = this.runLength
    if (length === 0) return
    let width = 0
    for (let at = 0; at < length; at++)
      width = Math.max(
        width,
        (this.runIndents[at] as number) + (this.runNames[at] as string).length,
      )
    for (let at = 0; at < length; at++) {
      const indent = this.runIndents[at] as number
      const name = this.runNames[at] as string
      const form = this.runForms[at] as ValueForm
      const heads = this.checkName(name)
      // Indents and widths stay far below 1024.
      const key = (width * 1024 + indent) * 4 + form
      let head = heads.get(key)
      if (head === undefined) {
        head = `${spaces(indent)}${name}${spaces(width - indent - name.length)}${OPENERS[form]}`
        heads.set(key, head)
      }
      this.recurring(head)
      this.append(this.runValues[at] as string)
      this.recurring(CLOSERS[form])
    }
    this.runLength = 0
  }

  /**
   * Appends text that recurs (indentation, attribute heads, cached lines). Consecutive ones are
   * joined into one piece, itself cached, up to `MAX_JOINED` characters.
   */
  private recurring(text: string): void {
    this.written = true
    const pending = this.pending
    if (pending === '') {
      this.pending = text
      return
    }
    if (pending.length + text.length > MAX_JOINED) {
      this.piece(pending)
      this.pending = text
      return
    }
    let byNext = this.joined.get(pending)
    if (byNext === undefined) {
      byNext = new Map()
      this.joined.set(pending, byNext)
    }
    let both = byNext.get(text)
    if (both === undefined) {
      both = pending + text
      byNext.set(text, both)
    }
    this.pending = both
  }

  /** Appends text that varies (values, comments). */
  private append(text: string): void {
    if (this.pending !== '') {
      this.piece(this.pending)
      this.pending = ''
    }
    this.piece(text)
  }

  private piece(piece: string): void {
    this.chunk += piece
    this.written = true
    if (++this.chunkPieces < CHUNK_PIECES) return
    // Appending leaves a rope node per piece; kept for a whole file, a fleet's millions of nodes
    // would be copied by every young-generation collection. Converting the chunk to a number
    // makes V8 flatten it into one block, after which its nodes are garbage.
    Number(this.chunk)
    this.chunks.push(this.chunk)
    this.chunk = ''
    this.chunkPieces = 0
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
