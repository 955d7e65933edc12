/**
 * One fleet size in a fresh process (so memory and JIT state are its own): generate, parse,
 * resolve and render every format `runs` times; print one JSON line with medians and checks.
 *   npm run build && node --import tsx tools/bench/src/fleetWorker.ts 10000 3 [format|all] [kubernetes]
 * With a format name, only that format is rendered (to see each format's own peak memory);
 * `kubernetes` takes the Kubernetes-heavy fleet instead of the light one.
 */
import { parseProfileText, resolvePlan } from '@aml-egress/core'
import {
  fleetProfile,
  kubernetesFleetProfile,
  type Timing,
  timed,
} from '@aml-egress/test-matrix/bench'
import { stringify } from 'yaml'
import { formats } from './formats'
import { median } from './measure'
import { findRedundantRules } from './minimality'

/** What the worker prints. */
export type FleetResult = {
  size: number
  rules: number
  /** Median per stage, over the runs. */
  stages: Record<string, Timing>
  /** Median of resolve + every render, per run. */
  total: Timing
  /** Resolve + every render of the first run: cold, as one CLI call is. */
  firstRun: Timing
  outputs: Record<string, { files: number; bytes: number; diagnostics: number }>
  /** Peak resident set of this process after the first run, MB. */
  peakRssMb: number
  redundantRules: number
}

const size = Number(process.argv[2] ?? 1000)
const runs = Number(process.argv[3] ?? 3)
const only = process.argv[4] === 'all' ? undefined : process.argv[4]
const profileOf = process.argv[5] === 'kubernetes' ? kubernetesFleetProfile : fleetProfile

const samples = new Map<string, Timing[]>()
const record = (stage: string, timing: Timing) => {
  samples.set(stage, [...(samples.get(stage) ?? []), timing])
}
const outputs: FleetResult['outputs'] = {}
let peakRssMb = 0
let rules = 0
let redundantRules = 0

for (let run = 0; run < runs; run++) {
  // No state survives a run: a fresh input, profile, plan and rendering each time.
  // Parsed from YAML text, as the CLI reads a profile file.
  const input = stringify(profileOf(size))
  const profile = timed(() => parseProfileText(input))
  record('parse', profile.timing)
  const plan = timed(() => resolvePlan(profile.result))
  record('resolve', plan.timing)
  let total: Timing = { ...plan.timing }
  for (const format of formats) {
    if (only && format.name !== only) continue
    const rendered = timed(() => format.render(plan.result))
    record(format.name, rendered.timing)
    total = {
      wallMs: total.wallMs + rendered.timing.wallMs,
      cpuMs: total.cpuMs + rendered.timing.cpuMs,
    }
    outputs[format.name] = {
      files: rendered.result.files.length,
      bytes: rendered.result.files.reduce((sum, file) => sum + Buffer.byteLength(file.contents), 0),
      diagnostics: rendered.result.diagnostics.length,
    }
  }
  record('total', total)
  if (run === 0) {
    peakRssMb = process.resourceUsage().maxRSS / 1024
    rules = plan.result.rules.length
    redundantRules = findRedundantRules(plan.result).length
  }
}

const firstRun = samples.get('total')?.[0] ?? { wallMs: 0, cpuMs: 0 }
const stages: Record<string, Timing> = {}
for (const [stage, timings] of samples)
  stages[stage] = {
    wallMs: median(timings.map((timing) => timing.wallMs)),
    cpuMs: median(timings.map((timing) => timing.cpuMs)),
  }
const { total, ...rest } = stages
const result: FleetResult = {
  size,
  rules,
  stages: rest,
  total: total ?? { wallMs: 0, cpuMs: 0 },
  firstRun,
  outputs,
  peakRssMb,
  redundantRules,
}
console.log(JSON.stringify(result))
