/**
 * `@aml-egress/test-matrix/bench`: the contract between `npm run bench` (tools/bench/src/run.ts)
 * and a format package's own benchmarks, `packages/<format>/bench/index.ts`, which the runner finds
 * on disk. A package exports `runBenchmarks(options): Promise<BenchSection[]>`; the runner prints
 * the sections in the report and collects their targets. Here too: the timing, formatting and fleet
 * helpers both sides use. (Not in `tools/bench`: the bench depends on every format package, so a
 * package importing from it would close a cycle.)
 */
import { type Flow, type Plan, planFlows, type RenderedFile } from '@aml-egress/core'

export { fleetProfile, kubernetesFleetProfile } from './fleet'

/** Wall and CPU milliseconds of one call (CPU includes V8's GC helper threads). */
export type Timing = { wallMs: number; cpuMs: number }

/** A target the report lists at its end: what, whether it is met, the figure that says so. */
export type BenchTarget = { what: string; met: boolean; figure: string }

/** One row of the scaling table: a step at size `n`; time per n·log2(n) should stay flat. */
export type ScalingRow = { step: string; n: number; timing: Timing; output: number }

/** A large config read back and evaluated against every flow of the plan it was rendered from. */
export type ReadbackRow = {
  label: string
  /** What was read: `100,000 domains`, `10,091 rules`. */
  size: string
  bytes: number
  read: Timing
  evaluate: Timing
  flows: number
  /** Flows of the plan the config did not allow (should be 0). */
  notAllowed: number
  /** The target's own parser run on the same file, when it is installed: command and time. */
  nativeParse?: { command: string; wallMs: number; status: number | null; warnings: number }
}

/**
 * What a package reports. `scaling` and `readback` rows join the report's shared tables (each
 * read-back row is a target: under 1 s, every flow allowed); a `table` is a section of its own.
 */
export type BenchSection =
  | { kind: 'scaling'; rows: ScalingRow[] }
  | { kind: 'readback'; rows: ReadbackRow[] }
  | {
      kind: 'table'
      title: string
      header: string[]
      rows: string[][]
      targets: BenchTarget[]
    }

/** `quick`: smaller inputs, for a run that checks the report rather than the figures. */
export type BenchOptions = { quick: boolean }

/** The one function a package's `bench/index.ts` exports under this name. */
export type RunBenchmarks = (options: BenchOptions) => Promise<BenchSection[]>

/**
 * Runs `run` once and times it.
 * @example const { result, timing } = timed(() => resolvePlan(profile))
 */
export function timed<T>(run: () => T): { result: T; timing: Timing } {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const result = run()
  const wallMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  return { result, timing: { wallMs, cpuMs: (used.user + used.system) / 1000 } }
}

/** `1,234 ms`, `0.8 ms`. */
export function ms(value: number): string {
  return value >= 10 ? `${Math.round(value).toLocaleString('en-US')} ms` : `${value.toFixed(1)} ms`
}

/** `12.3 MB`, `45.6 KB`, `789 B`. */
export function bytes(value: number): string {
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MB`
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KB`
  return `${value} B`
}

/** The part of a format a read-back needs: its reader and evaluator. */
export type ReadableFormat<Config> = {
  read(files: readonly RenderedFile[]): Promise<{ config: Config }>
  evaluate(config: Config, flow: Flow): { verdict: string }
}

/**
 * Reads `files` with the format's reader and evaluates every flow of `plan` against the result.
 * @example const measured = await readAndEvaluate({ format: xFormat, files, plan })
 */
export async function readAndEvaluate<Config>(input: {
  format: ReadableFormat<Config>
  files: readonly RenderedFile[]
  plan: Plan
}): Promise<Pick<ReadbackRow, 'read' | 'evaluate' | 'flows' | 'notAllowed'>> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const { config } = await input.format.read(input.files)
  const used = process.cpuUsage(cpu)
  const read = { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }
  const flows = planFlows(input.plan)
  const evaluated = timed(() => flows.map((flow) => input.format.evaluate(config, flow).verdict))
  return {
    read,
    evaluate: evaluated.timing,
    flows: flows.length,
    notAllowed: evaluated.result.filter((verdict) => verdict !== 'allowed').length,
  }
}
