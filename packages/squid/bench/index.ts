/**
 * The Squid format's own benchmarks, run by `npm run bench` (tools/bench/src/run.ts finds this
 * file on disk): `collapseDomains` at growing n, and a large config read back, evaluated against
 * its plan and parsed by `squid -k parse`. Imports the package by name: the bench measures the
 * built package (dist), as users run it.
 */
import { collapseDomains } from '@aml-egress/squid'
import {
  type BenchOptions,
  type BenchSection,
  type ScalingRow,
  timed,
} from '@aml-egress/test-matrix/bench'
import { estateDomains } from './estate'
import { squidReadback } from './readback'

/** `collapseDomains` on 10k, 100k and 1M estate domains, given in reverse of its sort order. */
function collapseScaling(): ScalingRow[] {
  return [10_000, 100_000, 1_000_000].map((n) => {
    const patterns = estateDomains(n).reverse()
    const { result, timing } = timed(() => collapseDomains(patterns))
    return { step: 'squid collapseDomains', n, timing, output: result.length }
  })
}

/**
 * The sections this package adds to the bench report: the collapse scaling rows, and the read-back
 * of a 100,000-domain config (10,000 with `quick`).
 * @example const sections = await runBenchmarks({ quick: true })
 */
export async function runBenchmarks(options: BenchOptions): Promise<BenchSection[]> {
  return [
    { kind: 'scaling', rows: collapseScaling() },
    { kind: 'readback', rows: [await squidReadback(options.quick ? 10_000 : 100_000)] },
  ]
}
