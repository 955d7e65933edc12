/**
 * The built CLI in a fresh process, with its own peak RSS and CPU time: a preloaded reporter
 * prints them at exit, and they are taken out of what the CLI printed.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { builtCli } from './cliStartup'

const reporter = fileURLToPath(new URL('./peakRssReporter.mjs', import.meta.url))
const USAGE = /^aml-egress-bench peak-rss-kb (\d+) cpu-ms (\d+)$/m

/** What `runBuiltCli` returns. */
export type CliProcess = {
  result: SpawnSyncReturns<string>
  wallMs: number
  /** CPU time (user + system) of the CLI process, GC threads included. */
  cpuMs: number
  peakRssMb: number
  /** What the CLI printed (stdout, then stderr), without the reporter's line. */
  printed: string
}

/** Runs `aml-egress <args>` with the built CLI and waits for it. */
export function runBuiltCli(args: readonly string[]): CliProcess {
  const started = performance.now()
  const result = spawnSync(process.execPath, ['--import', reporter, builtCli, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  const wallMs = performance.now() - started
  const usage = USAGE.exec(result.stderr)
  return {
    result,
    wallMs,
    cpuMs: Number(usage?.[2] ?? Number.NaN),
    peakRssMb: Number(usage?.[1] ?? Number.NaN) / 1024,
    printed: `${result.stdout}${result.stderr.replace(USAGE, '')}`.trim(),
  }
}
