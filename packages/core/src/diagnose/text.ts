import type { LogChunks } from './model'

/** Longest line a reader is handed; the rest of a longer line is skipped (bounded memory). */
export const MAX_LINE_LENGTH = 1024 * 1024

/** Largest JSON record (one element of `records`, one array row) the splitter keeps. */
export const MAX_RECORD_LENGTH = 64 * 1024 * 1024

/**
 * How many bytes of `bytes` end on a whole UTF-8 character: a sequence cut at the end of a chunk
 * waits for the next one.
 * @example completeUtf8Length(new Uint8Array([0x61, 0xe2, 0x82])) // 1
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  let index = bytes.length - 1
  let continuation = 0
  while (index >= 0 && continuation < 3 && ((bytes[index] as number) & 0xc0) === 0x80) {
    index--
    continuation++
  }
  if (index < 0) return bytes.length
  const lead = bytes[index] as number
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  return bytes.length - index >= length ? bytes.length : index
}

/**
 * Chunks as text: UTF-8 decoded across chunk boundaries, a leading byte-order mark dropped. Each
 * chunk is decoded whole up to its last complete character (the decoder's fast path; its
 * streaming mode is several times slower), the cut character is carried to the next chunk.
 */
export async function* decodeChunks(chunks: LogChunks): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8')
  let first = true
  let carry: Uint8Array | undefined
  for await (const chunk of chunks) {
    let text: string
    if (typeof chunk === 'string') text = chunk
    else {
      let bytes = chunk
      if (carry) {
        bytes = new Uint8Array(carry.length + chunk.length)
        bytes.set(carry)
        bytes.set(chunk, carry.length)
      }
      const end = completeUtf8Length(bytes)
      carry = end < bytes.length ? bytes.slice(end) : undefined
      text = decoder.decode(end < bytes.length ? bytes.subarray(0, end) : bytes)
    }
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      first = false
    }
    if (text.length > 0) yield text
  }
  if (carry) yield decoder.decode(carry)
}

/** What `forEachLine` calls for each line that is too long to hand over. */
export type OnTooLong = (at: number) => void

/**
 * Calls `onLine` for every non-empty line (without its `\r\n` or `\n`), with its 1-based number;
 * a last line without a newline too. A line over `MAX_LINE_LENGTH` is skipped and reported to
 * `onTooLong`, so a file without newlines never fills memory.
 */
export async function forEachLine(
  chunks: LogChunks,
  onLine: (line: string, at: number) => void,
  onTooLong: OnTooLong = () => undefined,
): Promise<number> {
  let pending = ''
  let lineNumber = 0
  let skipping = false
  const emit = (line: string): void => {
    lineNumber++
    const end = line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length
    if (end > 0) onLine(end === line.length ? line : line.slice(0, end), lineNumber)
  }
  for await (const text of decodeChunks(chunks)) {
    let start = 0
    let newline = text.indexOf('\n')
    while (newline !== -1) {
      if (skipping) {
        skipping = false
        lineNumber++
      } else
        emit(pending.length > 0 ? pending + text.slice(start, newline) : text.slice(start, newline))
      pending = ''
      start = newline + 1
      newline = text.indexOf('\n', start)
    }
    if (skipping) continue
    pending = start === 0 ? pending + text : text.slice(start)
    if (pending.length > MAX_LINE_LENGTH) {
      pending = ''
      skipping = true
      onTooLong(lineNumber + 1)
    }
  }
  if (skipping) lineNumber++
  else if (pending.length > 0) emit(pending)
  return lineNumber
}

/**
 * Splits one CSV line (RFC 4180 quoting: `"a, b"`, `""` for a quote). Undefined when a quote is
 * left open (a field that spans lines, or a truncated line).
 */
export function parseCsvLine(line: string): string[] | undefined {
  const fields: string[] = []
  let index = 0
  while (index <= line.length) {
    if (line.charCodeAt(index) === 34) {
      let value = ''
      let at = index + 1
      for (;;) {
        const quote = line.indexOf('"', at)
        if (quote === -1) return undefined
        value += line.slice(at, quote)
        if (line.charCodeAt(quote + 1) === 34) {
          value += '"'
          at = quote + 2
          continue
        }
        index = quote + 1
        break
      }
      fields.push(value)
      if (index < line.length && line.charCodeAt(index) !== 44) return undefined
      index++
    } else {
      const comma = line.indexOf(',', index)
      const end = comma === -1 ? line.length : comma
      fields.push(line.slice(index, end))
      index = end + 1
    }
  }
  return fields
}
