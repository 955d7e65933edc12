import { dirname, isAbsolute, join, posix, resolve } from 'node:path'
import {
  createDiagnostic,
  type EnvironmentFileScan,
  environmentFilesOf,
  type Profile,
} from '@aml-egress/core'
import { UsageError } from './errors'
import type { Io } from './io'

/** `-r` includes followed from one file: pip sets no limit, a loop or a deep chain is a mistake. */
export const includeDepthLimit = 5
/** Files read for one profile in all, includes counted. */
export const environmentFileLimit = 100

type Pending = {
  path: string
  root: string
  depth: number
  from?: { scan: EnvironmentFileScan; line: number }
}

function reportInclude(scan: EnvironmentFileScan, line: number, message: string): void {
  scan.diagnostics.push(
    createDiagnostic({
      code: 'AML_EGRESS_ENVIRONMENT_FILE_LINE',
      message,
      location: { file: scan.path, line },
    }),
  )
}

/** An include's path as the including file names it, relative to the profile's directory. */
function includedPath(scan: EnvironmentFileScan, include: string): string {
  if (isAbsolute(include)) return include
  return posix.normalize(posix.join(posix.dirname(scan.path.replaceAll('\\', '/')), include))
}

/** Follows one scan's includes: queued while within the bounds, reported past them. */
function queueIncludes(
  scan: EnvironmentFileScan,
  input: { depth: number; queue: Pending[]; seen: Set<string>; base: string },
): void {
  for (const include of scan.includes) {
    const path = includedPath(scan, include.path)
    const key = resolve(input.base, path)
    if (input.seen.has(key)) continue
    if (input.depth + 1 > includeDepthLimit) {
      reportInclude(
        scan,
        include.line,
        `'${path}' is more than ${includeDepthLimit} includes deep: not read`,
      )
      continue
    }
    if (input.seen.size >= environmentFileLimit) {
      reportInclude(
        scan,
        include.line,
        `'${path}' would be file ${environmentFileLimit + 1}: not read`,
      )
      continue
    }
    input.seen.add(key)
    input.queue.push({
      path,
      root: scan.root,
      depth: input.depth + 1,
      from: { scan, line: include.line },
    })
  }
}

/**
 * Reads the environment files a profile names in `features.pythonPackages.from` (relative to the
 * profile's directory) and the requirement files they include (`-r`, `-c`; bounded: depth 5,
 * 100 files, each once), and scans each with core's `parseEnvironmentFile`. A file the profile
 * names that does not exist is a `UsageError` (exit 2); a missing include is a diagnostic of the
 * file that includes it.
 */
export async function readEnvironmentFiles(input: {
  profilePath: string
  profile: Profile
  io: Pick<Io, 'readFile'>
}): Promise<EnvironmentFileScan[]> {
  const base = dirname(input.profilePath)
  const named = environmentFilesOf(input.profile.features.pythonPackages)
  if (named.length === 0) return []
  // Loaded here: a profile without environment files never loads the parsers.
  const { parseEnvironmentFile } = await import('@aml-egress/core/environment-files')
  const queue: Pending[] = named.map((path) => ({ path, root: path, depth: 0 }))
  const seen = new Set(named.map((path) => resolve(base, path)))
  const scans: EnvironmentFileScan[] = []
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const text = await input.io.readFile(isAbsolute(next.path) ? next.path : join(base, next.path))
    if (text === undefined) {
      if (next.from) {
        reportInclude(
          next.from.scan,
          next.from.line,
          `cannot read the included file '${next.path}'`,
        )
        continue
      }
      const index = named.indexOf(next.path)
      throw new UsageError(
        `cannot read features.pythonPackages.from[${index}] '${next.path}' of ${input.profilePath}: no such file`,
        `paths are relative to the profile's directory (${base}); fix the path or remove the entry`,
      )
    }
    const scan = parseEnvironmentFile({
      path: next.path,
      text,
      root: next.root,
      ...(next.from ? { kind: 'requirements' as const } : {}),
    })
    scans.push(scan)
    queueIncludes(scan, { depth: next.depth, queue, seen, base })
  }
  return scans
}
