import { createHash } from 'node:crypto'
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'

/**
 * The commands that get caches of their own. A cache holds the functions its run compiled, so one
 * made by `--help` would leave `render` compiling its code at every start; anything else shares
 * `other`. main.ts's list is in the bundle, which the cache must be chosen before loading; a test
 * keeps the two the same.
 */
const CACHED_COMMANDS: readonly string[] = [
  'render',
  'check',
  'list',
  'explain',
  'probe',
  'compare',
  'diagnose',
  'init',
  'schema',
]

/** `render --format squid` → `render-squid`: each format compiles code of its own. */
export function cacheName(args: readonly string[]): string {
  const command = CACHED_COMMANDS.includes(args[0] ?? '') ? (args[0] as string) : 'other'
  const format = formatArgument(args)
  return format !== undefined && /^[a-z0-9,-]{1,64}$/.test(format)
    ? `${command}-${format.replaceAll(',', '+')}`
    : command
}

function formatArgument(args: readonly string[]): string | undefined {
  for (const [index, arg] of args.entries()) {
    if (arg === '--format' || arg === '-f') return args[index + 1]
    if (arg.startsWith('--format=')) return arg.slice('--format='.length)
  }
  return undefined
}

const CACHE_SUFFIX = '.v8cache'

/** Where one command's code cache for one bundle, Node build and set of V8 flags lives. */
export type CodeCacheSlot = {
  directory: string
  /** Whether the folders above `directory` may be made: only under `NODE_COMPILE_CACHE`. */
  makeParents: boolean
  name: string
  file: string
  /** The user the folder and file must belong to; undefined where there are no owner ids. */
  uid: number | undefined
}

/** What the cache's location depends on: the process, passed in so tests choose it. */
export type CacheContext = {
  env: Readonly<Record<string, string | undefined>>
  tmpdir: string
  uid: number | undefined
  v8Version: string
  execArgv: readonly string[]
}

/**
 * The cache slot for a run of `bundle` with these arguments, or `undefined` when caching is off.
 * Node's own switches apply: `NODE_DISABLE_COMPILE_CACHE=1` turns it off and `NODE_COMPILE_CACHE`
 * moves it (into an `aml-egress` folder there). By default it is a folder of this user's own in
 * the temporary directory, as Node 22's compile cache is.
 */
export function codeCacheSlot(
  bundle: Uint8Array,
  args: readonly string[],
  context: CacheContext,
): CodeCacheSlot | undefined {
  const { env } = context
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined
  const directory = env.NODE_COMPILE_CACHE
    ? join(env.NODE_COMPILE_CACHE, 'aml-egress')
    : join(context.tmpdir, `aml-egress-compile-cache-${context.uid ?? 'user'}`)
  const name = cacheName(args)
  // V8 checks its version, its flags and the source's length, not the source itself: a cache
  // of another build of the same length would run that build's code. The key covers all four.
  const key = createHash('sha256')
    .update(bundle)
    .update(`\0${context.v8Version}\0${context.execArgv.join(' ')}\0${env.NODE_OPTIONS ?? ''}`)
    .digest('hex')
    .slice(0, 32)
  return {
    directory,
    makeParents: Boolean(env.NODE_COMPILE_CACHE),
    name,
    file: join(directory, `${name}.${key}${CACHE_SUFFIX}`),
    uid: context.uid,
  }
}

/**
 * Whether the directory may hold code this process runs: a real directory (not a link), owned by
 * this user and writable by no one else. Another user who could write there could make us run
 * their code. Windows has no owner ids and keeps a temporary directory per user.
 */
function isPrivateDirectory(path: string, uid: number | undefined): boolean {
  const stats = lstatSync(path, { throwIfNoEntry: false })
  if (stats === undefined || !stats.isDirectory()) return false
  return uid === undefined || (stats.uid === uid && (stats.mode & 0o022) === 0)
}

/** The cached code in the slot, or `undefined` when there is none this process may trust. */
export function readCodeCache(slot: CodeCacheSlot): Buffer | undefined {
  const { uid } = slot
  try {
    if (!isPrivateDirectory(slot.directory, uid)) return undefined
    const descriptor = openSync(slot.file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
    try {
      const stats = fstatSync(descriptor)
      if (!stats.isFile() || (uid !== undefined && stats.uid !== uid)) return undefined
      return readFileSync(descriptor)
    } finally {
      closeSync(descriptor)
    }
  } catch {
    // A missing or unreadable cache costs a compile, nothing more.
    return undefined
  }
}

/** Caches of other builds are kept this long after they were written: two installed versions
 * used side by side keep theirs, and an upgrade's leftovers go. */
export const STALE_CACHE_AGE_MS = 7 * 24 * 60 * 60 * 1000

/**
 * Stores the code in the slot: written whole under a name of this process's own, then renamed, so
 * a concurrent run reads the old file or the new one. The same command's caches of other builds
 * written more than a week ago are removed. Failures are ignored: the cache only saves time.
 */
export function writeCodeCache(
  slot: CodeCacheSlot,
  data: Uint8Array,
  now: number = Date.now(),
): void {
  const staging = `${slot.file}.${process.pid}.tmp`
  try {
    makeDirectory(slot)
    if (!isPrivateDirectory(slot.directory, slot.uid)) return
    writeFileSync(staging, data, { flag: 'wx', mode: 0o600 })
    renameSync(staging, slot.file)
    removeStaleCaches(slot, now)
  } catch {
    // A read-only or full disk, or a cache path that is not a folder: the next run compiles again.
    removeQuietly(staging)
  }
}

/** The cache folder; a missing temporary directory is not made. */
function makeDirectory(slot: CodeCacheSlot): void {
  try {
    mkdirSync(slot.directory, { recursive: slot.makeParents, mode: 0o700 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
}

/** Runs at exit: an error here would end the command with a stack trace. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true })
  } catch {
    // Nothing was staged there (the folder is missing or not a folder).
  }
}

function removeStaleCaches(slot: CodeCacheSlot, now: number): void {
  for (const entry of readdirSync(slot.directory)) {
    const path = join(slot.directory, entry)
    if (!entry.startsWith(`${slot.name}.`) || !entry.endsWith(CACHE_SUFFIX) || path === slot.file)
      continue
    const stats = lstatSync(path, { throwIfNoEntry: false })
    if (stats !== undefined && now - stats.mtimeMs > STALE_CACHE_AGE_MS) unlinkSync(path)
  }
}
