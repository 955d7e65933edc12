import { createHash } from 'node:crypto'
import { compareOrdinal } from '@aml-egress/core'
import { UsageError } from './errors'

/** The file in `--out` that lists what `render` wrote there. */
export const MANIFEST_NAME = '.aml-egress-manifest.json'

/** What render wrote under `--out`: by format, each file's path and SHA-256 (hex). */
export type Manifest = {
  formats: Readonly<Record<string, Readonly<Record<string, string>>>>
}

const ABOUT =
  'Files `aml-egress render` wrote in this directory, by format, with their SHA-256. A later render removes a listed file it no longer produces, if the file is unchanged; it never touches a file that is not listed. Keep this file with the output.'

/** The SHA-256 of a file's text (or of its UTF-8 bytes), hex. */
export function contentHash(contents: string | Uint8Array): string {
  return createHash('sha256').update(contents).digest('hex')
}

/** True for a path render could have written: relative, `/`-separated, no `.`, `..` or empty part. */
export function isSafeRelativePath(path: string): boolean {
  return (
    path !== '' &&
    !path.startsWith('/') &&
    !/^[a-zA-Z]:/.test(path) &&
    !path.includes('\\') &&
    !path.split('/').some((part) => part === '..' || part === '.' || part === '')
  )
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Reads a manifest's text. One that is not what render writes (edited by hand, a path outside
 * `--out`) is refused: trusting it could remove files render did not write.
 */
export function parseManifest(text: string, path: string): Manifest {
  const refuse = (why: string) =>
    new UsageError(
      `'${path}' is not a manifest aml-egress wrote: ${why}; nothing was written`,
      `delete '${path}' (render then owns only the files it writes next; remove stale ones by hand)`,
    )
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw refuse('it is not valid JSON')
  }
  if (!isRecord(value) || !isRecord(value.formats)) throw refuse('it has no "formats" object')
  const formats: Record<string, Record<string, string>> = {}
  for (const [format, files] of Object.entries(value.formats)) {
    if (!isRecord(files)) throw refuse(`"formats.${format}" is not an object`)
    for (const [file, hash] of Object.entries(files))
      if (!isSafeRelativePath(file) || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))
        throw refuse(`"formats.${format}" lists ${JSON.stringify(file.slice(0, 200))}`)
    formats[format] = files as Record<string, string>
  }
  return { formats }
}

/** A manifest's text: keys in ordinal order, so the same output gives the same bytes. */
export function manifestText(manifest: Manifest): string {
  const sorted = (record: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareOrdinal(a, b)))
  const formats = Object.fromEntries(
    Object.entries(manifest.formats)
      .filter(([, files]) => Object.keys(files).length > 0)
      .sort(([a], [b]) => compareOrdinal(a, b))
      .map(([format, files]) => [format, sorted(files)]),
  )
  return `${JSON.stringify({ about: ABOUT, formats }, null, 2)}\n`
}

/** A file an earlier render wrote that this one no longer produces. */
export type StaleFile = { format: string; path: string; hash: string }

/**
 * The files the manifest gives to the formats being rendered that this render does not produce,
 * and that no other format (not rendered now) claims too.
 */
export function staleFiles(input: {
  manifest: Manifest
  formats: readonly string[]
  produced: ReadonlySet<string>
}): StaleFile[] {
  const { manifest, formats, produced } = input
  const claimedByOthers = new Set(
    Object.entries(manifest.formats)
      .filter(([format]) => !formats.includes(format))
      .flatMap(([, files]) => Object.keys(files)),
  )
  return formats.flatMap((format) =>
    Object.entries(manifest.formats[format] ?? {})
      .filter(([path]) => !produced.has(path) && !claimedByOthers.has(path))
      .map(([path, hash]) => ({ format, path, hash })),
  )
}
