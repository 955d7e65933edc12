import { ruleCollectionGroupBytes } from './arm'
import {
  type ApplicationRule,
  type FirewallPolicy,
  type FirewallRule,
  firewallLimits,
  isValidFirewallName,
  type NetworkRule,
  type RuleCollection,
  type RuleCollectionGroup,
} from './model'

/** One rule Azure enforces that the ARM schema cannot express, broken at `path`. */
export type PolicyCheck = {
  /** `group`, `group/collection` or `group/collection/rule`. */
  path: string
  message: string
}

function inRange(priority: number): boolean {
  return (
    Number.isInteger(priority) &&
    priority >= firewallLimits.minPriority &&
    priority <= firewallLimits.maxPriority
  )
}

function duplicates(values: readonly (string | number)[]): string[] {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const value of values) {
    const key = String(value).toLowerCase()
    if (seen.has(key)) repeated.add(String(value))
    seen.add(key)
  }
  return [...repeated]
}

function networkRuleProblems(rule: NetworkRule, path: string): PolicyCheck[] {
  const problems: PolicyCheck[] = []
  for (const fqdn of rule.destinationFqdns)
    if (fqdn.includes('*')) problems.push({ path, message: `wildcard ${fqdn} in destinationFqdns` })
  const destinations =
    rule.destinationAddresses.length +
    rule.destinationFqdns.length +
    rule.destinationIpGroups.length
  if (destinations === 0) problems.push({ path, message: 'no destination' })
  if (rule.destinationPorts.length === 0) problems.push({ path, message: 'no ports' })
  return problems
}

function applicationRuleProblems(rule: ApplicationRule, path: string): PolicyCheck[] {
  const problems: PolicyCheck[] = []
  if (rule.protocols.length === 0) problems.push({ path, message: 'no protocols' })
  for (const protocol of rule.protocols)
    if (protocol.port < 0 || protocol.port > firewallLimits.maxApplicationPort)
      problems.push({ path, message: `application port ${protocol.port} out of range` })
  for (const fqdn of rule.targetFqdns)
    if (fqdn.includes('*') && !fqdn.startsWith('*'))
      problems.push({ path, message: `wildcard not in front: ${fqdn}` })
  if (rule.targetUrls.length > 0 && !rule.terminateTLS)
    problems.push({ path, message: 'targetUrls without terminateTLS' })
  return problems
}

function ruleProblems(rule: FirewallRule, input: { path: string; expected: string }) {
  const { path, expected } = input
  const problems: PolicyCheck[] = []
  if (rule.ruleType !== expected)
    problems.push({ path, message: `${rule.ruleType} in a collection of ${expected}s` })
  if (!isValidFirewallName(rule.name)) problems.push({ path, message: 'invalid rule name' })
  if (rule.sourceAddresses.length === 0 && rule.sourceIpGroups.length === 0)
    problems.push({ path, message: 'no source addresses or IP groups' })
  if (rule.ruleType === 'NetworkRule') problems.push(...networkRuleProblems(rule, path))
  if (rule.ruleType === 'ApplicationRule') problems.push(...applicationRuleProblems(rule, path))
  return problems
}

function collectionProblems(collection: RuleCollection, at: string): PolicyCheck[] {
  const problems: PolicyCheck[] = []
  if (!isValidFirewallName(collection.name))
    problems.push({ path: at, message: 'invalid collection name' })
  if (!inRange(collection.priority))
    problems.push({ path: at, message: `collection priority ${collection.priority} out of range` })
  const expected =
    collection.collectionType === 'nat'
      ? 'NatRule'
      : collection.ruleType === 'application'
        ? 'ApplicationRule'
        : 'NetworkRule'
  for (const rule of collection.rules)
    problems.push(...ruleProblems(rule, { path: `${at}/${rule.name}`, expected }))
  return problems
}

function groupProblems(group: RuleCollectionGroup, maxBytes: number): PolicyCheck[] {
  const problems: PolicyCheck[] = []
  const collections = group.ruleCollections
  if (!isValidFirewallName(group.name))
    problems.push({ path: group.name, message: 'invalid group name' })
  if (!inRange(group.priority))
    problems.push({ path: group.name, message: `group priority ${group.priority} out of range` })
  const bytes = ruleCollectionGroupBytes(group)
  if (bytes > maxBytes)
    problems.push({ path: group.name, message: `group is ${bytes} bytes; at most ${maxBytes}` })
  for (const name of duplicates(collections.map((c) => c.name)))
    problems.push({ path: `${group.name}/${name}`, message: 'collection name is not unique' })
  for (const priority of duplicates(collections.map((c) => c.priority)))
    problems.push({ path: group.name, message: `collection priority ${priority} is not unique` })
  for (const collection of collections)
    problems.push(...collectionProblems(collection, `${group.name}/${collection.name}`))
  // Rule names are unique across the whole group, not only per collection.
  for (const name of duplicates(collections.flatMap((c) => c.rules.map((r) => r.name))))
    problems.push({ path: group.name, message: `rule name ${name} is not unique in the group` })
  return problems
}

/**
 * Cross-field checks Azure applies and the schema does not: priorities in range and unique per
 * level, valid and unique names, one rule type per collection, no wildcard network-rule FQDNs,
 * group size and group count. Empty when the policy is deployable as far as we can tell offline.
 * @example validatePolicy(buildFirewallPolicy(plan).policy) // []
 */
export function validatePolicy(
  policy: FirewallPolicy,
  limits: { maxGroupBytes?: number; maxGroups?: number } = {},
): PolicyCheck[] {
  const problems: PolicyCheck[] = []
  const groups = policy.ruleCollectionGroups
  const maxGroups = limits.maxGroups ?? firewallLimits.maxGroupsPerPolicy
  const maxBytes = limits.maxGroupBytes ?? firewallLimits.maxGroupBytes
  if (groups.length > maxGroups)
    problems.push({ path: '', message: `${groups.length} groups; at most ${maxGroups}` })
  for (const name of duplicates(groups.map((g) => g.name)))
    problems.push({ path: name, message: 'group name is not unique in the policy' })
  for (const priority of duplicates(groups.map((g) => g.priority)))
    problems.push({ path: '', message: `group priority ${priority} is not unique` })
  for (const group of groups) problems.push(...groupProblems(group, maxBytes))
  return problems
}
