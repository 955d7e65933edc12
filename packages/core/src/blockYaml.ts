/**
 * A line scanner for the plain block YAML that fleet profiles are written in: mappings and
 * sequences by indentation, plain and simply quoted scalars, one-line flow lists, comments. It
 * answers only where it is sure to give what js-yaml gives (the same values, the same types, the
 * same key order) and returns `undefined` for anything else (an anchor, a tag, a multi-line
 * scalar, an escape, a word that some YAML version reads as a boolean or a number, a duplicate
 * key, text that is not printable ASCII...), so that js-yaml reads it and reports any error. A
 * profile of 10,000 workspaces is read in a fraction of js-yaml's first run, which is mostly spent
 * warming up its general parser. The differential test holds it to js-yaml's answers.
 */

import { yaml11ReadsAsNonString, yamlCoreReadsAsNonString } from './yamlTypes'

/** Thrown inside the scanner when the text leaves the subset it reads; never escapes. */
class OutsideSubset extends Error {}

const outside = (): never => {
  throw new OutsideSubset()
}

// Anything but printable ASCII and newlines (tabs, carriage returns, a byte-order mark, Unicode)
// leaves the subset, as do directives and document markers.
const UNUSUAL_TEXT = /[^\n\x20-\x7e]|^(?:%|---|\.\.\.)/m
// A mapping key: a word and a colon, then a space or the end of the line.
const KEY = '[A-Za-z][A-Za-z0-9_./-]*(?=:(?: |$))'
const DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/
// Profiles nest five deep; js-yaml refuses more than 100 levels, the scanner leaves 30 to it.
const MAX_DEPTH = 30
const SPACE = 32
const HASH = 35
const DASH = 45

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
}

/** Plain text that YAML 1.2 or 1.1 reads as a number, boolean, null or date. */
function readsAsNonString(text: string): boolean {
  return yamlCoreReadsAsNonString(text) || yaml11ReadsAsNonString(text)
}

/** A plain scalar's value: a string, `true`/`false` or a decimal integer; outside otherwise. */
function plainScalar(text: string): unknown {
  const first = text.charCodeAt(0)
  if (isDigit(first)) {
    if (DECIMAL.test(text)) return Number(text)
  } else if (isLetter(first)) {
    if (text === 'true') return true
    if (text === 'false') return false
  } else if (first !== 95 && first !== 47) {
    // Neither `_` nor `/`: an indicator, a quote or nothing at all.
    return outside()
  }
  if (readsAsNonString(text) || text.endsWith(':') || text.includes(': ')) return outside()
  return text
}

/** The text before a ` #` comment, without the spaces around it. */
function withoutComment(text: string): string {
  const comment = text.indexOf(' #')
  return comment === -1 && text.charCodeAt(text.length - 1) !== SPACE
    ? text
    : (comment === -1 ? text : text.slice(0, comment)).trim()
}

/** A quoted scalar with nothing to unescape, then nothing but spaces or a comment. */
function quotedScalar(text: string): string {
  const quote = text[0] as string
  const end = text.indexOf(quote, 1)
  if (end === -1 || (quote === '"' && text.lastIndexOf('\\', end) !== -1)) return outside()
  const rest = text.slice(end + 1)
  if (rest.trim() !== '' && !/^ +#/.test(rest)) return outside()
  return text.slice(1, end)
}

/** `[a, b, 3]` with plain scalars only; `[]` and `{}` are empty. */
function flowCollection(text: string): unknown {
  const flow = withoutComment(text)
  if (flow === '{}') return {}
  if (!flow.startsWith('[') || !flow.endsWith(']')) return outside()
  const inner = flow.slice(1, -1)
  if (inner.trim() === '') return []
  if (/["'#:[\]{}]/.test(inner)) return outside()
  return inner.split(',').map((item) => plainScalar(item.trim()))
}

/** The value written after `key: ` or `- ` on the same line. */
function inlineValue(text: string): unknown {
  const first = text[0]
  if (first === '"' || first === "'") return quotedScalar(text)
  if (first === '[' || first === '{') return flowCollection(text)
  return plainScalar(withoutComment(text))
}

/**
 * Reads block nodes line by line. The current line is kept as offsets into the text (no line
 * objects): where its content starts, where it ends and its indentation, -1 past the last line.
 */
class Reader {
  private content = 0
  private end = 0
  private indent = -1
  private depth = 0
  private readonly key = new RegExp(KEY, 'my')

  constructor(private readonly text: string) {
    this.seek(0)
  }

  /** Moves to the first line from `from` on that is neither blank nor a whole-line comment. */
  private seek(from: number): void {
    const { text } = this
    for (let start = from; start < text.length; ) {
      let end = text.indexOf('\n', start)
      if (end === -1) end = text.length
      let content = start
      while (content < end && text.charCodeAt(content) === SPACE) content++
      if (content < end && text.charCodeAt(content) !== HASH) {
        this.content = content
        this.end = end
        this.indent = content - start
        return
      }
      start = end + 1
    }
    this.indent = -1
  }

  private next(): void {
    this.seek(this.end + 1)
  }

  get done(): boolean {
    return this.indent === -1
  }

  /** Where the key starting at `at` ends (at its colon), or -1 when no key starts there. */
  private keyEnd(at: number): number {
    this.key.lastIndex = at
    return this.key.test(this.text) ? this.key.lastIndex : -1
  }

  private skipSpaces(at: number): number {
    let position = at
    while (position < this.end && this.text.charCodeAt(position) === SPACE) position++
    return position
  }

  /** True when nothing but a comment follows `at` on the current line. */
  private emptyFrom(at: number): boolean {
    return at === this.end || this.text.charCodeAt(at) === HASH
  }

  private isDash(): boolean {
    const { content } = this
    return (
      this.text.charCodeAt(content) === DASH &&
      (content + 1 === this.end || this.text.charCodeAt(content + 1) === SPACE)
    )
  }

  /** The node whose first line is the current one, at that line's indentation. */
  private node(): unknown {
    return this.isDash() ? this.sequence(this.indent) : this.mapping(this.indent)
  }

  /** What follows `key:` or `-` with nothing after it: a nested node, or null. */
  private nested(indent: number, isKey: boolean): unknown {
    if (this.indent > indent) return this.node()
    // A key's list may sit at the key's own indentation.
    return isKey && this.indent === indent && this.isDash() ? this.sequence(indent) : null
  }

  /** Counts one more level of nesting (undone by `leave`); too deep is outside the subset. */
  private enter(): void {
    if (++this.depth > MAX_DEPTH) outside()
  }

  private leave<T>(node: T): T {
    this.depth--
    return node
  }

  mapping(indent: number): Record<string, unknown> {
    const { text } = this
    const map: Record<string, unknown> = {}
    this.enter()
    while (this.indent >= indent) {
      if (this.indent > indent) return outside()
      const keyEnd = this.keyEnd(this.content)
      if (keyEnd === -1) return outside()
      const key = text.slice(this.content, keyEnd)
      if (readsAsNonString(key) || Object.hasOwn(map, key)) return outside()
      const value = this.skipSpaces(keyEnd + 1)
      if (this.emptyFrom(value)) {
        this.next()
        map[key] = this.nested(indent, true)
      } else {
        map[key] = inlineValue(text.slice(value, this.end))
        this.next()
      }
    }
    return this.leave(map)
  }

  private sequence(indent: number): unknown[] {
    const { text } = this
    const list: unknown[] = []
    this.enter()
    while (this.indent >= indent) {
      if (this.indent > indent) return outside()
      // A key at this indentation ends a list written at its key's own indentation.
      if (!this.isDash()) break
      const item = this.skipSpaces(this.content + 1)
      if (this.emptyFrom(item)) {
        this.next()
        list.push(this.nested(indent, false))
      } else if (this.keyEnd(item) !== -1) {
        // `- key: value` opens a mapping at the key's column, starting on this very line.
        this.indent += item - this.content
        this.content = item
        list.push(this.mapping(this.indent))
      } else if (text.charCodeAt(item) === DASH) {
        return outside()
      } else {
        list.push(inlineValue(text.slice(item, this.end)))
        this.next()
      }
    }
    return this.leave(list)
  }
}

/**
 * The value js-yaml would load from `text`, when `text` is a block mapping inside the plain subset
 * described above; `undefined` when it is not (js-yaml must then read it).
 */
export function loadBlockYamlSubset(text: string): Record<string, unknown> | undefined {
  if (UNUSUAL_TEXT.test(text)) return undefined
  const reader = new Reader(text)
  // js-yaml reads a text without a node as `undefined`.
  if (reader.done) return undefined
  try {
    const root = reader.mapping(0)
    return reader.done ? root : undefined
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined
    throw error
  }
}
