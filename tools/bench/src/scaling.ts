/**
 * The scaling row of the plan minimality checker (`findRedundantRules`) on resolved fleet plans of
 * 1k and 10k workspaces: time per n·log2(n) should stay flat. A format's own scaling rows come from
 * its package's `bench/index.ts`.
 */
import { parseProfile, resolvePlan } from '@aml-egress/core'
import { fleetProfile, type ScalingRow, timed } from '@aml-egress/test-matrix/bench'
import { findRedundantRules } from './minimality'

/** `findRedundantRules` on the 1,000- and 10,000-workspace fleet plans. */
export function measureMinimalityScaling(): ScalingRow[] {
  return [1000, 10_000].map((size) => {
    const plan = resolvePlan(parseProfile(fleetProfile(size)))
    const { result, timing } = timed(() => findRedundantRules(plan))
    return {
      step: 'minimality check (plan rules)',
      n: plan.rules.length,
      timing,
      output: result.length,
    }
  })
}
