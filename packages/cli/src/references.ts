import { compareOrdinal, type FileReference, type RenderedFile } from '@aml-egress/core'
import type { Io } from './io'
import type { RegisteredFormat } from './registry'

/** Rounds of following references: Squid's include depth limit (16) plus the main file. */
const MAX_ROUNDS = 17
/** Files read in all, given ones included: a glob over a huge directory stops here. */
const MAX_FILES = 1000

const GLOB_CHARACTERS = /[*?[]/

function splitPath(path: string): { dir: string; name: string } {
  const slash = path.lastIndexOf('/')
  return slash === -1
    ? { dir: '.', name: path }
    : { dir: slash === 0 ? '/' : path.slice(0, slash), name: path.slice(slash + 1) }
}

/** glob(3) for one segment: `*`, `?` and `[…]`; a leading dot is matched only by a dot. */
function segmentPattern(glob: string): RegExp {
  let body = ''
  for (let index = 0; index < glob.length; index++) {
    const char = glob.charAt(index)
    if (char === '*') body += '[^/]*'
    else if (char === '?') body += '[^/]'
    else if (char === '[') {
      const close = glob.indexOf(']', index + 2)
      if (close === -1) body += '\\['
      else {
        const set = glob.slice(index + 1, close)
        body += `[${set.startsWith('!') ? `^${set.slice(1)}` : set}]`
        index = close
      }
    } else body += char.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${glob.startsWith('.') ? '' : '(?!\\.)'}${body}$`)
}

/**
 * The files a path or glob names on disk, in sorted order. Wildcards only in the last segment
 * (as configs use them: `/etc/squid/conf.d/*.conf`); undefined for a wildcard in a directory.
 */
async function expand(io: Io, path: string): Promise<string[] | undefined> {
  if (!GLOB_CHARACTERS.test(path)) return [path]
  const { dir, name } = splitPath(path)
  if (GLOB_CHARACTERS.test(dir)) return undefined
  const pattern = segmentPattern(name)
  const listed = (await io.listDirectory(dir)) ?? []
  const prefix = dir === '.' ? '' : dir === '/' ? '/' : `${dir}/`
  return listed
    .map((file) => splitPath(file).name)
    .filter((file) => pattern.test(file))
    .sort(compareOrdinal)
    .map((file) => `${prefix}${file}`)
}

/** Reads a file, or undefined when it is missing or no regular file (a directory). */
async function readIfFile(io: Io, path: string): Promise<string | undefined> {
  try {
    return await io.readFile(path)
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : ''
    if (code === 'EISDIR') return undefined
    throw error
  }
}

/** What following the references found: every file to read, and what could not be read. */
export type ReferencedFiles = {
  files: RenderedFile[]
  /** Required references that match no given file and nothing on disk. */
  missing: FileReference[]
}

/**
 * Follows what the given config files load by name (the format's `references`: Squid includes
 * and ACL values files, Terraform's auto-loaded tfvars) and reads those files from disk, again
 * for what they name, bounded in rounds and files. A loop stops because a file is read once.
 */
export async function readReferencedFiles(input: {
  io: Io
  format: Pick<RegisteredFormat, 'references'>
  files: readonly RenderedFile[]
}): Promise<ReferencedFiles> {
  const { io, format } = input
  const files = [...input.files]
  if (!format.references) return { files, missing: [] }
  const known = new Set(files.map((file) => file.path))
  for (let round = 0; round < MAX_ROUNDS && files.length < MAX_FILES; round++) {
    let added = 0
    for (const reference of format.references(files)) {
      for (const path of (await expand(io, reference.path)) ?? []) {
        if (known.has(path) || files.length >= MAX_FILES) continue
        known.add(path)
        const contents = await readIfFile(io, path)
        if (contents === undefined) continue
        files.push({ path, contents })
        added++
      }
    }
    if (added === 0) break
  }
  return { files, missing: format.references(files).filter((reference) => reference.required) }
}
