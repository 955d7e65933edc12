/**
 * The fleet hashes the bench keeps: a SHA-256 of every format's files for fleets of 1, 100 and
 * 10,000 workspaces and a Kubernetes fleet of 1,000, compared with `fleet-hashes.json`. A refactoring that must not change output
 * runs this after every step:
 *   node --conditions=@aml-egress/source --import tsx tools/bench/src/fleetHashes.ts [--write]
 * Exit 1 when a hash differs (and `--write` was not given).
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { parseProfile, type RenderResult, resolvePlan } from '@aml-egress/core'
import { fleetProfile, kubernetesFleetProfile } from '@aml-egress/test-matrix/bench'
import { formats } from './formats'

/** Fleet → format → hash of the rendered files (paths and contents, in order). */
export type FleetHashes = Record<string, Record<string, string>>

const hashFile = new URL('../fleet-hashes.json', import.meta.url)
/** Fleets by name: the bench's sizes, and a Kubernetes fleet for the Kubernetes formats. */
const fleets = {
  '1': fleetProfile(1),
  '100': fleetProfile(100),
  '10000': fleetProfile(10_000),
  'kubernetes-1000': kubernetesFleetProfile(1000),
}

function filesHash(result: RenderResult): string {
  const hash = createHash('sha256')
  for (const file of result.files) hash.update(`${file.path}\0${file.contents}\0`)
  return hash.digest('hex').slice(0, 16)
}

/** The hashes of today's code. */
export function fleetHashes(): FleetHashes {
  const hashes: FleetHashes = {}
  for (const [name, profile] of Object.entries(fleets)) {
    const plan = resolvePlan(parseProfile(profile))
    const byFormat: Record<string, string> = {}
    for (const format of formats) byFormat[format.name] = filesHash(format.render(plan))
    hashes[name] = byFormat
  }
  return hashes
}

/** Lines `size format: kept|CHANGED`, and whether every hash is the kept one. */
export function compareFleetHashes(actual: FleetHashes): { lines: string[]; same: boolean } {
  const kept = JSON.parse(readFileSync(hashFile, 'utf8')) as FleetHashes
  const lines: string[] = []
  let same = true
  for (const [size, byFormat] of Object.entries(actual))
    for (const [format, hash] of Object.entries(byFormat)) {
      const equal = kept[size]?.[format] === hash
      same &&= equal
      lines.push(`${size} ${format}: ${equal ? 'unchanged' : `CHANGED (${hash})`}`)
    }
  return { lines, same }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const actual = fleetHashes()
  if (process.argv.includes('--write'))
    writeFileSync(hashFile, `${JSON.stringify(actual, null, 2)}\n`)
  else {
    const { lines, same } = compareFleetHashes(actual)
    console.log(lines.join('\n'))
    process.exitCode = same ? 0 : 1
  }
}
