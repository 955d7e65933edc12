/**
 * The Azure Firewall format's own benchmarks, run by `npm run bench` (tools/bench/src/run.ts finds
 * this file on disk): a large fleet checked against Azure's limits and the ARM schemas, and a
 * 10,000-rule policy read back and evaluated against its plan. Imports the package by name: the
 * bench measures the built package (dist), as users run it.
 */
import type { BenchOptions, BenchSection } from '@aml-egress/test-matrix/bench'
import { limitsSection } from './limits'
import { firewallReadback } from './readback'

/**
 * The sections this package adds to the bench report: the limits of a 10,000-workspace fleet
 * (1,000 with `quick`), and the read-back of a 10,000-rule policy.
 * @example const sections = await runBenchmarks({ quick: true })
 */
export async function runBenchmarks(options: BenchOptions): Promise<BenchSection[]> {
  return [
    limitsSection(options.quick ? 1000 : 10_000),
    { kind: 'readback', rows: [await firewallReadback(10_000)] },
  ]
}
