/**
 * A fleet through the built CLI, end to end: `aml-egress render --profile fleet.yaml --format all`
 * in a fresh process, profile parsing and file writes included. Wall time is the median of
 * `runs`; CPU time and peak RSS are the process's own, reported by a preloaded module at exit.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProfileInput } from '@aml-egress/core'
import { stringify } from 'yaml'
import { runBuiltCli } from './cliProcess'
import { builtCli } from './cliStartup'
import { median } from './measure'

/** What `measureCliFleet` returns. */
export type CliFleet = {
  /** Size of the profile file written, bytes. */
  profileBytes: number
  wallMs: number
  /** CPU time (user + system) of the CLI process, GC threads included. */
  cpuMs: number
  peakRssMb: number
  /** Files and bytes the render wrote. */
  files: number
  outputBytes: number
  /** Lines the CLI printed (stdout and stderr). */
  printedLines: number
  /** The widest of those lines, in characters (the default summary keeps within 120). */
  maxColumns: number
  status: number | null
}

function treeSize(directory: string): { files: number; bytes: number } {
  let files = 0
  let bytes = 0
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    files++
    bytes += statSync(join(entry.parentPath, entry.name)).size
  }
  return { files, bytes }
}

function renderOnce(profile: string, out: string) {
  rmSync(out, { recursive: true, force: true })
  const run = runBuiltCli(['render', '--profile', profile, '--format', 'all', '--out', out])
  const lines = run.printed === '' ? [] : run.printed.split('\n')
  return {
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    peakRssMb: run.peakRssMb,
    printedLines: lines.length,
    maxColumns: Math.max(0, ...lines.map((line) => line.length)),
    status: run.result.status,
  }
}

/** Renders `profile` with the built CLI `runs` times (after one warm-up); undefined when not built. */
export function measureCliFleet(input: {
  profile: ProfileInput
  runs: number
}): CliFleet | undefined {
  if (!existsSync(builtCli)) return undefined
  const directory = mkdtempSync(join(tmpdir(), 'aml-egress-fleet-'))
  try {
    const profile = join(directory, 'fleet.yaml')
    const text = stringify(input.profile)
    writeFileSync(profile, text)
    const out = join(directory, 'out')
    renderOnce(profile, out)
    const runs = Array.from({ length: input.runs }, () => renderOnce(profile, out))
    const last = runs.at(-1)
    const written = treeSize(out)
    return {
      profileBytes: Buffer.byteLength(text),
      wallMs: median(runs.map((run) => run.wallMs)),
      cpuMs: median(runs.map((run) => run.cpuMs)),
      peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
      files: written.files,
      outputBytes: written.bytes,
      printedLines: last?.printedLines ?? 0,
      maxColumns: last?.maxColumns ?? 0,
      status: last?.status ?? null,
    }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
