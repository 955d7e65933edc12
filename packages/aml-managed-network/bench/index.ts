/**
 * The managed-network format's own benchmarks, run by `npm run bench` (tools/bench/src/run.ts
 * finds this file on disk): rendering both bench fleets (one directory per rule set, plus
 * `managed-by-aml.json`: files and bytes grow with the rule sets, not the workspaces), and a
 * fleet's files read back and every plan flow evaluated. Imports the package by name: the bench
 * measures the built package, as users run it.
 */
import { amlManagedNetworkFormat } from '@aml-egress/aml-managed-network'
import { parseProfile, type RenderedFile, resolvePlan } from '@aml-egress/core'
import {
  type BenchOptions,
  type BenchSection,
  bytes,
  fleetProfile,
  kubernetesFleetProfile,
  ms,
  type ReadbackRow,
  readAndEvaluate,
  timed,
} from '@aml-egress/test-matrix/bench'

function size(files: readonly RenderedFile[]): number {
  return files.reduce((sum, file) => sum + Buffer.byteLength(file.contents), 0)
}

const fleets = { fleet: fleetProfile, 'Kubernetes fleet': kubernetesFleetProfile }

/** Render time and output size of both fleets: a row per fleet and size. */
function renderRows(sizes: readonly number[]): string[][] {
  return Object.entries(fleets).flatMap(([fleet, profile]) =>
    sizes.map((workspaces) => {
      const plan = resolvePlan(parseProfile(profile(workspaces)))
      const { result, timing } = timed(() => amlManagedNetworkFormat.render(plan))
      const yaml = result.files.filter((file) => file.path.endsWith('.yaml'))
      const rules = yaml.reduce(
        (sum, file) => sum + (file.contents.match(/^ {2}- name:/gm) ?? []).length,
        0,
      )
      // aml-managed-network/<rule set>/<file>: a directory per rule set.
      const parts = result.files.map((file) => file.path.split('/'))
      const sets = new Set(parts.filter((p) => p.length > 2).map((p) => p[1]))
      return [
        fleet,
        workspaces.toLocaleString('en-US'),
        plan.rules.length.toLocaleString('en-US'),
        sets.size.toLocaleString('en-US'),
        result.files.length.toLocaleString('en-US'),
        rules.toLocaleString('en-US'),
        bytes(size(result.files)),
        ms(timing.wallMs),
      ]
    }),
  )
}

/** A fleet's rendered files read back, every plan flow evaluated. */
async function readback(workspaces: number): Promise<ReadbackRow> {
  const plan = resolvePlan(parseProfile(fleetProfile(workspaces)))
  const { files } = amlManagedNetworkFormat.render(plan)
  const measured = await readAndEvaluate({ format: amlManagedNetworkFormat, files, plan })
  return {
    label: 'AML managed network',
    size: `${workspaces.toLocaleString('en-US')} workspaces, ${files.length.toLocaleString('en-US')} files`,
    bytes: size(files),
    ...measured,
  }
}

/**
 * The sections this package adds to the bench report.
 * @example const sections = await runBenchmarks({ quick: true })
 */
export async function runBenchmarks(options: BenchOptions): Promise<BenchSection[]> {
  const sizes = options.quick ? [1, 100] : [1, 100, 1000, 10_000]
  return [
    {
      kind: 'table',
      title: 'AML managed network: fleets rendered',
      header: [
        'fleet',
        'workspaces',
        'plan rules',
        'rule sets',
        'files',
        'user-defined rules (YAML)',
        'output',
        'render',
      ],
      rows: renderRows(sizes),
      targets: [],
    },
    { kind: 'readback', rows: [await readback(options.quick ? 10 : 100)] },
  ]
}
