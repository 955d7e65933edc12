import { join } from 'node:path'
import { UsageError } from './errors'
import type { EntryKind, Io } from './io'

/** A path under `--out` that stands in the way of the render. */
export type BlockedPath = {
  /** The path as the user sees it (`out/terraform`). */
  path: string
  /** What is there. */
  found: EntryKind
  /** What the render needs there. */
  needs: 'directory' | 'file'
  /** The file whose writing needs it, under `--out`. */
  forFile: string
}

function describeFound(found: EntryKind): string {
  switch (found) {
    case 'symlink':
      return 'a symbolic link'
    case 'file':
      return 'a file'
    case 'directory':
      return 'a directory'
    default:
      return 'not a regular file or directory (a device, socket or pipe)'
  }
}

/** One line of the refusal: what is where, and what the render needs there. */
export function describeBlockedPath(blocked: BlockedPath): string {
  if (blocked.found === 'symlink')
    return `'${blocked.path}' is a symbolic link; render never writes through a link (needed for '${blocked.forFile}')`
  return `'${blocked.path}' is ${describeFound(blocked.found)} where render writes a ${blocked.needs} (for '${blocked.forFile}')`
}

/**
 * The entries `relative` passes through under `out`, each with what the render needs there:
 * directories, then the file itself.
 */
function stepsOf(relative: string): { path: string; needs: 'directory' | 'file' }[] {
  const parts = relative.split('/')
  return parts.map((_, index) => ({
    path: parts.slice(0, index + 1).join('/'),
    needs: index === parts.length - 1 ? 'file' : 'directory',
  }))
}

/**
 * Checks every path a render will write (or remove) under `out`, without following a link:
 * each parent must be a plain directory or missing, each file a regular file or missing. Returns
 * what stands in the way; empty when the render can go ahead. `--out` itself may be a link to a
 * directory (the user named it); nothing under it may be.
 */
export async function blockedPaths(input: {
  out: string
  files: readonly string[]
  io: Pick<Io, 'entryKind' | 'listDirectory'>
}): Promise<BlockedPath[]> {
  const { out, io } = input
  const root = await io.entryKind(out)
  const rootIsDirectory =
    root === 'directory' || (root === 'symlink' && (await io.listDirectory(out)) !== undefined)
  if (root !== 'missing' && !rootIsDirectory) {
    const forFile = input.files[0] ?? out
    return [{ path: out, found: root, needs: 'directory', forFile: join(out, forFile) }]
  }
  if (root === 'missing') return []
  const kinds = new Map<string, Promise<EntryKind>>()
  const kindOf = (path: string) => {
    let kind = kinds.get(path)
    if (!kind) {
      kind = io.entryKind(join(out, path))
      kinds.set(path, kind)
    }
    return kind
  }
  const blocked = new Map<string, BlockedPath>()
  for (const file of input.files)
    for (const step of stepsOf(file)) {
      const found = await kindOf(step.path)
      if (found === 'missing') break
      if (found === step.needs) continue
      if (!blocked.has(step.path))
        blocked.set(step.path, {
          path: join(out, step.path),
          found,
          needs: step.needs,
          forFile: join(out, file),
        })
      break
    }
  return [...blocked.values()]
}

/** Refuses the render (exit 2, nothing written) when a path is in the way. */
export function assertNothingBlocked(input: {
  out: string
  blocked: readonly BlockedPath[]
}): void {
  const { blocked, out } = input
  if (blocked.length === 0) return
  const [first] = blocked
  if (first && first.path === out)
    throw new UsageError(
      `--out '${out}' is ${describeFound(first.found)}, not a directory; nothing was written`,
      'pass a directory for --out (it is created when missing), or move that file away',
    )
  throw new UsageError(
    `cannot render into '${out}': ${blocked.length === 1 ? 'a path is' : `${blocked.length} paths are`} in the way; nothing was written\n${blocked.map((entry) => `  ${describeBlockedPath(entry)}`).join('\n')}`,
    'move or delete the paths named above (render replaces only regular files it writes), or pass another --out',
  )
}
