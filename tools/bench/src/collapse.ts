/**
 * Scaling rows for the normalisation steps that could be quadratic: Squid's dstdomain collapsing
 * and the plan minimality checker, at growing n; time per n·log2(n) should stay flat.
 */
import { parseProfile, resolvePlan } from '@aml-egress/core'
import { collapseDomains } from '@aml-egress/squid'
import { fleetProfile } from './fleet'
import { type Timing, timed } from './measure'
import { findRedundantRules } from './minimality'

/** One row: what ran, at which n, how long, and the output size. */
export type ScalingRow = { step: string; n: number; timing: Timing; output: number }

/** Patterns like a big estate: wildcards with children under them, and distinct hosts. */
function domainPatterns(count: number): { name: string; wildcard: boolean }[] {
  const patterns: { name: string; wildcard: boolean }[] = []
  for (let i = 0; i < count; i++) {
    const zone = `region${i % 60}.example${i % 7}.net`
    if (i % 10 === 0) patterns.push({ name: `acct${i.toString(36)}.${zone}`, wildcard: true })
    else if (i % 10 === 1)
      patterns.push({ name: `child.acct${(i - 1).toString(36)}.${zone}`, wildcard: false })
    else patterns.push({ name: `acct${i.toString(36)}.${zone}`, wildcard: false })
  }
  // Reverse so the input is not already in the order the collapse sorts into.
  return patterns.reverse()
}

/**
 * Squid `collapseDomains` at 10k, 100k and 1M patterns, and `findRedundantRules` on resolved
 * fleet plans of 1k and 10k workspaces.
 */
export function measureScaling(): ScalingRow[] {
  const rows: ScalingRow[] = []
  for (const n of [10_000, 100_000, 1_000_000]) {
    const patterns = domainPatterns(n)
    const { result, timing } = timed(() => collapseDomains(patterns))
    rows.push({ step: 'squid collapseDomains', n, timing, output: result.length })
  }
  for (const size of [1000, 10_000]) {
    const plan = resolvePlan(parseProfile(fleetProfile(size)))
    const { result, timing } = timed(() => findRedundantRules(plan))
    rows.push({
      step: 'minimality check (plan rules)',
      n: plan.rules.length,
      timing,
      output: result.length,
    })
  }
  return rows
}
