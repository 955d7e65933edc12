import type { LogChunks, LogSink } from './model'
import { decodeChunks, forEachLine, MAX_RECORD_LENGTH } from './text'

/** Where the JSON splitter sends records and what it could not read. */
export type JsonRecordSink = {
  /** One record: an element of a top-level array or of `records`, or a whole object. */
  record(value: unknown, at: number): void
  /** A record that is not JSON, or is cut off: `at` is its first line. */
  malformed(at: number, text: string, reason: string): void
  /**
   * JSON Lines only: a line the reader can tell is of no interest without parsing it (an allowed
   * record of a busy firewall), reported to `ignored` instead of parsed.
   */
  skipLine?: ((line: string) => boolean) | undefined
  /** Where a skipped line is counted. */
  ignored?: (() => void) | undefined
}

const BRACE = 123
const BRACKET = 91
const CLOSE_BRACE = 125
const CLOSE_BRACKET = 93
const QUOTE = 34
const BACKSLASH = 92
const NEWLINE = 10

function isRecordWrapper(value: unknown): value is { records: unknown[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Array.isArray((value as { records?: unknown }).records)
  )
}

/** Hands a parsed top-level value over: the elements of an array or of `records`, else itself. */
function emitValue(value: unknown, at: number, sink: JsonRecordSink): void {
  const records = Array.isArray(value) ? value : isRecordWrapper(value) ? value.records : [value]
  for (const record of records) sink.record(record, at)
}

function parseAndEmit(text: string, at: number, sink: JsonRecordSink): void {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    sink.malformed(at, text.slice(0, 200), `not JSON (${(error as Error).message})`)
    return
  }
  emitValue(value, at, sink)
}

/**
 * A streaming splitter for one JSON document of any size (a pretty-printed `{"records":[…]}`, an
 * array of rows): it tracks depth and strings character by character and keeps only the record
 * being read, so memory is bounded by the largest record, not the file.
 */
class JsonScanner {
  private depth = 0
  private inString = false
  private escape = false
  /** Depth whose direct children are records; -1 while none is known. */
  private target = -1
  private topIsObject = false
  /** The last string closed at depth 1 of a top-level object (a key, then `[`: `records`). */
  private keyAtDepthOne = ''
  private keyStart = -1
  private keyPrefix = ''
  private pieces: string[] = []
  private captureStart = -1
  private captureLength = 0
  /** Depth a capture ends at: 0 for a whole top-level object, `target` for a record. */
  private captureEnd = -1
  private captureLine = 0
  private line = 1
  private overflow = false

  constructor(private readonly sink: JsonRecordSink) {}

  feed(text: string): void {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index)
      if (code === NEWLINE) this.line++
      if (this.inString) {
        if (this.escape) this.escape = false
        else if (code === BACKSLASH) this.escape = true
        else if (code === QUOTE) this.closeString(text, index)
        continue
      }
      if (code === QUOTE) {
        this.inString = true
        if (this.depth === 1 && this.topIsObject) this.keyStart = index + 1
      } else if (code === BRACE || code === BRACKET) this.open(code, index)
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) this.close(code, text, index)
    }
    if (this.captureStart !== -1) {
      this.keep(text.slice(this.captureStart))
      this.captureStart = 0
    }
    if (this.keyStart !== -1) {
      // A key that goes on in the next chunk.
      this.keyPrefix += text.slice(this.keyStart)
      this.keyStart = 0
    }
  }

  private closeString(text: string, index: number): void {
    this.inString = false
    if (this.keyStart !== -1) {
      this.keyAtDepthOne = this.keyPrefix + text.slice(this.keyStart, index)
      this.keyPrefix = ''
      this.keyStart = -1
    }
  }

  private open(code: number, index: number): void {
    if (this.depth === 0) {
      this.topIsObject = code === BRACE
      this.target = this.topIsObject ? -1 : 1
      if (this.topIsObject) this.startCapture(index, 0)
    } else if (this.depth === 1 && this.topIsObject && code === BRACKET) {
      if (this.keyAtDepthOne === 'records') {
        // The wrapper itself is not a record: drop it and take the array's elements instead.
        this.dropCapture()
        this.target = 2
      }
    } else if (this.depth === this.target && this.captureEnd === -1)
      this.startCapture(index, this.target)
    this.depth++
  }

  private close(code: number, text: string, index: number): void {
    if (this.depth === 0) return
    this.depth--
    if (this.captureEnd === this.depth && this.captureEnd !== -1)
      this.finishCapture(text, index + 1)
    if (this.depth === 1 && this.target === 2 && code === CLOSE_BRACKET) this.target = -1
    if (this.depth === 0) this.target = -1
  }

  private startCapture(index: number, endDepth: number): void {
    this.pieces = []
    this.captureStart = index
    this.captureLength = 0
    this.captureEnd = endDepth
    this.captureLine = this.line
    this.overflow = false
  }

  private dropCapture(): void {
    this.pieces = []
    this.captureStart = -1
    this.captureEnd = -1
  }

  private keep(piece: string): void {
    if (this.overflow) return
    this.captureLength += piece.length
    if (this.captureLength > MAX_RECORD_LENGTH) {
      this.overflow = true
      this.pieces = []
    } else this.pieces.push(piece)
  }

  private finishCapture(text: string, end: number): void {
    this.keep(text.slice(this.captureStart, end))
    const at = this.captureLine
    const overflow = this.overflow
    const record = overflow ? '' : this.pieces.join('')
    this.dropCapture()
    if (overflow) this.sink.malformed(at, '', `record longer than ${MAX_RECORD_LENGTH} characters`)
    else parseAndEmit(record, at, this.sink)
  }

  end(): void {
    if (this.captureEnd !== -1 || this.depth > 0 || this.inString) {
      const text = this.pieces.join('').slice(0, 200)
      this.dropCapture()
      this.sink.malformed(this.line, text, 'truncated: the file ends inside a record')
    }
  }
}

/**
 * The first line of a stream (up to its newline, without it) and the whole text again, for readers
 * that choose how to read a file by its first line (CSV header, JSON Lines or one document).
 */
export async function peekFirstLine(
  chunks: LogChunks,
): Promise<{ firstLine: string; text: AsyncIterable<string> }> {
  const iterator = decodeChunks(chunks)[Symbol.asyncIterator]()
  const head: string[] = []
  let firstLine: string | undefined
  let length = 0
  while (firstLine === undefined) {
    const next = await iterator.next()
    if (next.done) {
      firstLine = head.join('')
      break
    }
    head.push(next.value)
    length += next.value.length
    const newline = next.value.indexOf('\n')
    if (newline !== -1) firstLine = (head.join('').split('\n', 1)[0] ?? '').replace(/\r$/, '')
    else if (length > MAX_RECORD_LENGTH) firstLine = ''
  }
  async function* all(): AsyncGenerator<string> {
    yield* head
    for (;;) {
      const next = await iterator.next()
      if (next.done) return
      yield next.value
    }
  }
  return { firstLine, text: all() }
}

/**
 * Streams the JSON records of a log export, whatever its shape: JSON Lines (one record, one
 * `{"records":[…]}` or one array per line), or one document over many lines (a pretty-printed
 * Event Hub body or flow-log blob, the array `az monitor log-analytics query` prints). Bad records
 * go to `malformed`; nothing throws.
 */
export async function forEachJsonRecord(chunks: LogChunks, sink: JsonRecordSink): Promise<void> {
  const { firstLine, text } = await peekFirstLine(chunks)
  if (isJsonLine(firstLine)) {
    const skip = sink.skipLine
    await forEachLine(
      text,
      (line, at) => {
        if (skip?.(line)) sink.ignored?.()
        else if (line.trim().length > 0) parseAndEmit(line, at, sink)
      },
      (at) => sink.malformed(at, '', 'line longer than the reader accepts'),
    )
    return
  }
  const scanner = new JsonScanner(sink)
  for await (const piece of text) scanner.feed(piece)
  scanner.end()
}

/**
 * Is the first line a whole JSON value (JSON Lines), rather than the opening of a document spread
 * over lines (`{`, `[`, `{"records": [`)? Judged by its ends, so that a damaged first record does
 * not turn a JSON Lines file into one broken document.
 */
function isJsonLine(line: string): boolean {
  const trimmed = line.trim()
  const first = trimmed.charCodeAt(0)
  const last = trimmed.charCodeAt(trimmed.length - 1)
  return (
    trimmed.length > 1 &&
    (first === BRACE || first === BRACKET) &&
    (last === CLOSE_BRACE || last === CLOSE_BRACKET)
  )
}

/**
 * A JSON log read record by record into a sink: what a reader of a JSON family passes its
 * record reader to. Unparsable records are the sink's malformed ones.
 * @example await readJsonLog(chunks, sink, readHubbleRecord)
 */
export function readJsonLog(
  chunks: LogChunks,
  sink: LogSink,
  readRecord: (value: unknown, at: number, sink: LogSink) => void,
  skipLine?: (line: string) => boolean,
): Promise<void> {
  return forEachJsonRecord(chunks, {
    record: (value, at) => readRecord(value, at, sink),
    malformed: (at, text, reason) => sink.malformed(at, text, reason),
    skipLine,
    ignored: () => sink.ignored(),
  })
}
