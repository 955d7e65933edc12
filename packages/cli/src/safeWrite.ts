import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { chmod, lstat, mkdir, open, rename, rmdir, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** What is at a path, a symbolic link not followed. */
export type EntryKind = 'missing' | 'file' | 'directory' | 'symlink' | 'other'

/** One file of a batch: its path under the root, new text, and the text it replaces (rollback). */
export type FileChange = {
  /** Relative to the batch's root, `/`-separated, no `.` or `..` parts. */
  path: string
  contents: string
  /** `contents` encoded as UTF-8, when the caller has it already (written instead of encoding again). */
  utf8?: Uint8Array
  /** What is there now; `undefined` when the file is new. Restored if the batch fails. */
  before: string | undefined
}

/** A batch of changes under one root, applied all together or not at all. */
export type FileBatch = {
  root: string
  writes: readonly FileChange[]
  /** Files to delete, with their current text (restored if the batch fails). */
  removals: readonly { path: string; before: string }[]
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined
}

/** `lstat` as an `EntryKind`: a symlink is reported, never followed. */
export async function entryKind(path: string): Promise<EntryKind> {
  try {
    const stats = await lstat(path)
    if (stats.isSymbolicLink()) return 'symlink'
    if (stats.isFile()) return 'file'
    if (stats.isDirectory()) return 'directory'
    return 'other'
  } catch (error) {
    const code = errorCode(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing'
    throw error
  }
}

/**
 * A regular file's text, opened with O_NOFOLLOW where the platform has it: a symlink planted at
 * the path after it was checked is not read through.
 */
export async function readFileNoFollow(path: string): Promise<string | undefined> {
  try {
    const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
    try {
      return await handle.readFile('utf8')
    } finally {
      await handle.close()
    }
  } catch (error) {
    const code = errorCode(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw error
  }
}

/** Thrown when the tree changed under us between the check and the write (a link appeared). */
function notADirectory(path: string): Error {
  return Object.assign(new Error(`'${path}' is not a plain directory; nothing was written`), {
    code: 'ENOTDIR',
    path,
  })
}

/**
 * Creates the directories of `relative` under `root` one at a time, refusing any that is a
 * symbolic link (a link in the tree would take the write elsewhere). Returns those it created.
 */
async function makeDirectories(root: string, relative: string): Promise<string[]> {
  const created: string[] = []
  let current = root
  for (const part of relative === '.' ? [] : relative.split('/')) {
    current = join(current, part)
    try {
      await mkdir(current)
      created.push(current)
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error
      if ((await entryKind(current)) !== 'directory') throw notADirectory(current)
    }
  }
  return created
}

/**
 * Writes `contents` to a new temporary file beside `target`: an unpredictable name, created with
 * O_EXCL (`wx`) so that nothing already there, a planted link included, is opened. The mode of
 * the file it replaces is kept.
 */
async function stage(target: string, contents: string | Uint8Array): Promise<string> {
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${randomBytes(12).toString('hex')}.tmp`,
  )
  const handle = await open(temporary, 'wx', 0o666)
  try {
    await handle.writeFile(contents)
  } finally {
    await handle.close()
  }
  const existing = await lstat(target).catch(() => undefined)
  if (existing?.isFile()) await chmod(temporary, existing.mode & 0o7777)
  return temporary
}

async function removeQuietly(paths: readonly string[]): Promise<void> {
  for (const path of paths) await unlink(path).catch(() => undefined)
}

async function removeDirectoriesQuietly(directories: readonly string[]): Promise<void> {
  for (const directory of [...directories].reverse()) await rmdir(directory).catch(() => undefined)
}

/** Puts back what a failed batch changed: the files it replaced, created and removed. */
async function rollBack(input: {
  root: string
  renamed: readonly FileChange[]
  removed: readonly { path: string; before: string }[]
}): Promise<void> {
  for (const change of input.renamed) {
    const target = join(input.root, change.path)
    if (change.before === undefined) await unlink(target).catch(() => undefined)
    else await restore(target, change.before)
  }
  for (const removal of input.removed) await restore(join(input.root, removal.path), removal.before)
}

async function restore(target: string, contents: string): Promise<void> {
  try {
    await rename(await stage(target, contents), target)
  } catch {
    // Best effort: the error that started the roll-back is the one reported.
  }
}

/**
 * Applies a batch under `root`: every new file is staged first (temporary files created
 * exclusively), then renamed into place, then the removals are made. A failure while staging
 * leaves nothing behind; a failure later puts back the files already replaced or removed.
 * Directories are created one by one and never through a symbolic link.
 */
export async function applyFileBatch(batch: FileBatch): Promise<void> {
  const { root } = batch
  const createdDirectories: string[] = []
  const staged: { change: FileChange; temporary: string }[] = []
  try {
    await mkdir(root, { recursive: true })
    for (const change of batch.writes) {
      createdDirectories.push(...(await makeDirectories(root, dirname(change.path))))
      const temporary = await stage(join(root, change.path), change.utf8 ?? change.contents)
      staged.push({ change, temporary })
    }
  } catch (error) {
    await removeQuietly(staged.map((entry) => entry.temporary))
    await removeDirectoriesQuietly(createdDirectories)
    throw error
  }
  const renamed: FileChange[] = []
  const removed: { path: string; before: string }[] = []
  try {
    for (const { change, temporary } of staged) {
      await rename(temporary, join(root, change.path))
      renamed.push(change)
    }
    for (const removal of batch.removals) {
      await unlink(join(root, removal.path))
      removed.push(removal)
    }
  } catch (error) {
    await removeQuietly(staged.slice(renamed.length).map((entry) => entry.temporary))
    await rollBack({ root, renamed, removed })
    await removeDirectoriesQuietly(createdDirectories)
    throw error
  }
}

/**
 * Writes one file atomically (temporary file created exclusively, then a rename), creating its
 * directory. For files the user names (`init --out`); `render` writes batches.
 */
export async function writeFileAtomic(path: string, contents: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temporary = await stage(path, contents)
  try {
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}
