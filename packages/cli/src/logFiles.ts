import { isAscii } from 'node:buffer'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createGunzip } from 'node:zlib'
import { completeUtf8Length } from '@aml-egress/core/log-readers'
import { UsageError } from './errors'

/** Bytes of a file's start that detection sees (decompressed). */
const HEAD_BYTES = 64 * 1024

/** Read size: large reads keep a 100 MB log to a hundred system calls. */
const READ_SIZE = 1024 * 1024

/** An opened log: its size on disk, its first text for detection, and every byte (decompressed). */
export type OpenedLog = {
  path: string
  /** Size on disk (compressed size for `.gz`). */
  size: number
  gzip: boolean
  /** The start of the decompressed text. */
  head: string
  /**
   * The whole decompressed content as text, the head included; `onRead` gets on-disk bytes as they
   * come. Decoded here with Node's UTF-8 decoder, several times faster than a streaming TextDecoder.
   */
  chunks(onRead?: (bytes: number) => void): AsyncIterable<string>
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

/** The file's bytes, decompressed when they start with the gzip magic number (1f 8b). */
async function* fileBytes(
  path: string,
  gzip: boolean,
  onRead: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  const file = createReadStream(path, { highWaterMark: READ_SIZE })
  file.on('data', (chunk) => onRead(chunk.length))
  try {
    if (!gzip) {
      yield* file as AsyncIterable<Uint8Array>
      return
    }
    const gunzip = createGunzip({ chunkSize: READ_SIZE })
    file.on('error', (error) => gunzip.destroy(error))
    yield* file.pipe(gunzip) as AsyncIterable<Uint8Array>
  } finally {
    // Also when the reader stops early (detection reads only the head).
    file.destroy()
  }
}

/**
 * Opens a log file for streaming (gzip too: exported blobs often are `.gz`). A missing file, a
 * directory or a broken gzip header is a usage error (exit 2) before any output.
 */
export async function openLog(path: string): Promise<OpenedLog> {
  let size: number
  try {
    const info = await stat(path)
    if (!info.isFile())
      throw new UsageError(`'${path}' is not a file`, 'pass log files, not directories')
    size = info.size
  } catch (error) {
    if (isMissing(error))
      throw new UsageError(
        `cannot read the log '${path}': no such file`,
        'pass the path of an exported deny log',
      )
    throw error
  }
  const magic = await firstBytes(path, 2)
  const gzip = magic[0] === 0x1f && magic[1] === 0x8b
  let head: string
  try {
    head = await headText(path, gzip)
  } catch (error) {
    throw unreadable(path, error)
  }
  return {
    path,
    size,
    gzip,
    head,
    chunks: (onRead = () => undefined) => fileText(path, gzip, onRead),
  }
}

/**
 * The file as text. Logs are nearly always ASCII: such a chunk is copied as Latin-1 (the same
 * characters, at memory speed); any other is decoded as UTF-8, a character cut at the chunk's end
 * carried to the next. Decoding dominated the time of a large log otherwise.
 */
async function* fileText(
  path: string,
  gzip: boolean,
  onRead: (bytes: number) => void,
): AsyncGenerator<string> {
  let carry: Buffer | undefined
  for await (const chunk of fileBytes(path, gzip, onRead)) {
    const bytes = carry
      ? Buffer.concat([carry, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
    const end = completeUtf8Length(bytes)
    carry = end < bytes.length ? Buffer.from(bytes.subarray(end)) : undefined
    const whole = bytes.subarray(0, end)
    yield isAscii(whole) ? whole.toString('latin1') : whole.toString('utf8')
  }
  if (carry) yield carry.toString('utf8')
}
/** A stream error while reading (a corrupt gzip member, an I/O error) as a usage error. */
export function unreadable(path: string, error: unknown): UsageError {
  return new UsageError(
    `cannot read the log '${path}': ${error instanceof Error ? error.message : String(error)}`,
    'pass the file as exported (plain text, JSON or gzip); a truncated .gz can be recovered with `zcat FILE > FILE.txt`',
  )
}

async function firstBytes(path: string, count: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let length = 0
  for await (const chunk of createReadStream(path, { start: 0, end: count - 1 })) {
    parts.push(chunk as Uint8Array)
    length += (chunk as Uint8Array).length
  }
  return Buffer.concat(parts, length)
}

async function headText(path: string, gzip: boolean): Promise<string> {
  const parts: Uint8Array[] = []
  let length = 0
  const source = fileBytes(path, gzip, () => undefined)
  for await (const chunk of source) {
    parts.push(chunk)
    length += chunk.length
    if (length >= HEAD_BYTES) break
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(parts, length).subarray(0, HEAD_BYTES))
}
