import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import {
  applyFileBatch,
  type EntryKind,
  entryKind,
  type FileBatch,
  readFileNoFollow,
  writeFileAtomic,
} from './safeWrite'

export type { EntryKind, FileBatch, FileChange } from './safeWrite'

/**
 * Everything a command touches outside itself. Commands take it as a parameter so tests run them
 * in memory; `nodeIo()` is the real one the bin uses.
 */
export type Io = {
  /**
   * The file's text, or `undefined` when it does not exist. Other errors throw. With `noFollow`,
   * a symbolic link at the path is not read through (render's output files).
   */
  readFile(path: string, options?: { noFollow?: boolean }): Promise<string | undefined>
  /** What is at a path, a symbolic link reported as such, never followed. */
  entryKind(path: string): Promise<EntryKind>
  /**
   * The files in a directory (joined to its path, sorted), `depth` levels down (default 1: directly
   * in it); `undefined` if not a directory.
   */
  listDirectory(path: string, options?: { depth?: number }): Promise<string[] | undefined>
  /** Writes atomically (temp file + rename), creating parent directories. */
  writeFile(path: string, contents: string): Promise<void>
  /**
   * Writes and removes files under a root all together or not at all, never through a symbolic
   * link: what `render` does once it has checked every path.
   */
  applyFileBatch(batch: FileBatch): Promise<void>
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

/** The process's real I/O. */
export function nodeIo(): Io {
  return {
    async readFile(path, options) {
      if (options?.noFollow) return readFileNoFollow(path)
      try {
        return await readFile(path, 'utf8')
      } catch (error) {
        if (isMissing(error)) return undefined
        throw error
      }
    },
    async listDirectory(path, options) {
      const depth = options?.depth ?? 1
      try {
        // Recursive listings report links as links: a linked directory is never entered.
        const entries = await readdir(path, { withFileTypes: true, recursive: depth > 1 })
        return entries
          .filter((entry) => entry.isFile())
          .map((entry) => join(entry.parentPath ?? path, entry.name))
          .filter((file) => relative(path, file).split(sep).length <= depth)
          .sort()
      } catch (error) {
        if (isMissing(error)) return undefined
        throw error
      }
    },
    entryKind,
    writeFile: writeFileAtomic,
    applyFileBatch,
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
