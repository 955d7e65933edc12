import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Everything a command touches outside itself. Commands take it as a parameter so tests run them
 * in memory; `nodeIo()` is the real one the bin uses.
 */
export type Io = {
  /** The file's text, or `undefined` when it does not exist. Other errors throw. */
  readFile(path: string): Promise<string | undefined>
  /** The files directly in a directory (joined to its path, sorted); `undefined` if not a directory. */
  listDirectory(path: string): Promise<string[] | undefined>
  /** Writes atomically (temp file + rename), creating parent directories. */
  writeFile(path: string, contents: string): Promise<void>
  /** Writes to standard output. */
  stdout(text: string): void
  /** Writes to standard error. */
  stderr(text: string): void
  /** Is stdout a terminal? Colours are only used when it is. */
  isTTY: boolean
  /** Is stderr a terminal? Progress indicators are only drawn when it is. */
  stderrIsTTY?: boolean
  env: Readonly<Record<string, string | undefined>>
}

function isMissing(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'ENOENT' || error.code === 'ENOTDIR')
  )
}

let temporaryCounter = 0

/**
 * Writes `contents` to `path` through a temporary file in the same directory and a rename, so a
 * reader never sees half a file and an interrupted run leaves the old file in place.
 */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  temporaryCounter += 1
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${temporaryCounter}.tmp`)
  try {
    await writeFile(temporary, contents, 'utf8')
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}

/** The process's real I/O. */
export function nodeIo(): Io {
  return {
    async readFile(path) {
      try {
        return await readFile(path, 'utf8')
      } catch (error) {
        if (isMissing(error)) return undefined
        throw error
      }
    },
    async listDirectory(path) {
      try {
        const entries = await readdir(path, { withFileTypes: true })
        return entries
          .filter((entry) => entry.isFile())
          .map((entry) => join(path, entry.name))
          .sort()
      } catch (error) {
        if (isMissing(error)) return undefined
        throw error
      }
    },
    writeFile: writeFileAtomic,
    stdout: (text) => {
      process.stdout.write(text)
    },
    stderr: (text) => {
      process.stderr.write(text)
    },
    isTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
  }
}
