import { buildFirewallPolicy, type FirewallPolicy } from '@aml-egress/azure-firewall'
import { type Plan, parseProfile, resolvePlan } from '@aml-egress/core'
import { fleetProfile } from '@aml-egress/test-matrix/bench'

/**
 * The bench fleet of `workspaces` resolved to a plan, that plan's firewall policy, and the number of
 * firewall rules in it.
 * @example fleetPolicy(10).rules // 149: 89 estate-wide rules and 6 per workspace
 */
export function fleetPolicy(workspaces: number): {
  plan: Plan
  policy: FirewallPolicy
  rules: number
} {
  const plan = resolvePlan(parseProfile(fleetProfile(workspaces)))
  const { policy } = buildFirewallPolicy(plan)
  const rules = policy.ruleCollectionGroups
    .flatMap((group) => group.ruleCollections)
    .reduce((sum, collection) => sum + collection.rules.length, 0)
  return { plan, policy, rules }
}
