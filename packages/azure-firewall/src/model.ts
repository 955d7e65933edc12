/**
 * The Azure Firewall policy model: one typed tree that every serialisation shares.
 *
 * `FirewallPolicy` → `ruleCollectionGroups[]` ({ name, priority, ruleCollections }) →
 * `ruleCollections[]`, either a filter collection ({ name, priority, action `Allow | Deny`,
 * ruleType `application | network`, rules }) or a NAT collection (read back only, never rendered)
 * → rules (`ApplicationRule`, `NetworkRule`, `NatRule`). Field names and value spellings are the
 * ARM ones (`ipProtocols: ['TCP']`, `protocols: [{ protocolType: 'Https', port: 443 }]`,
 * `destinationPorts: ['443', '8000-8010', '*']`), so an ARM or HCL serialiser maps fields 1:1.
 *
 * Who builds it: `buildFirewallPolicy(plan, options)` (render), the ARM reader, and the Terraform
 * reader in `@aml-egress/terraform`. Who consumes it: the ARM serialiser here, the HCL serialiser
 * there, and `evaluateAzureFirewall(policy, flow)` for both.
 *
 * Values a reader could not resolve (an ARM expression without a default, a Terraform variable)
 * are not guessed: the field name goes into `unresolved` on the rule, collection, group or policy
 * and the evaluator answers `unknown` for flows that depend on it. Lists then hold only what could
 * be resolved. Arrays are always present (empty when absent in the source) to keep consumers simple.
 *
 * Stability: names and shapes only grow (new optional fields); nothing is renamed or removed.
 */

import type { EvaluationIndex } from './evaluate'

/** `ipProtocols` of network and NAT rules, spelled as ARM spells them. */
export type NetworkIpProtocol = 'TCP' | 'UDP' | 'ICMP' | 'Any'

/** Application-rule protocols. `Mssql` is accepted by the service but not by the ARM schema. */
export type ApplicationProtocolType = 'Http' | 'Https' | 'Mssql'

/** One `protocols[]` entry of an application rule, e.g. `{ protocolType: 'Https', port: 443 }`. */
export type ApplicationRuleProtocol = {
  protocolType: ApplicationProtocolType
  /** 0–64000 per the ARM schema. */
  port: number
}

/** Where a model element came from, for verdicts and diagnostics. */
export type ModelOrigin = {
  /** Relative path of the file that held it. */
  file?: string
  /** 1-based line of the element in that file, when known. */
  line?: number
}

/** Fields shared by every rule. */
type RuleBase = {
  /** Rule name: `^[^\W_][\w-.]*[\w]$`, at most 80 characters. */
  name: string
  description?: string
  /** IPs, CIDRs, ranges (`10.0.0.1-10.0.0.9`) or `*`. */
  sourceAddresses: string[]
  /** IP group resource ids (or names); resolved through `FirewallPolicy.ipGroups`. */
  sourceIpGroups: string[]
  /** Field names whose value a reader could not resolve; flows that depend on them are unknown. */
  unresolved?: string[]
  origin?: ModelOrigin
}

/** L7 rule: matched on the TLS SNI / HTTP Host of TCP traffic on the listed ports. */
export type ApplicationRule = RuleBase & {
  ruleType: 'ApplicationRule'
  protocols: ApplicationRuleProtocol[]
  /** Exact hosts, `*.suffix` (never the apex), `*suffix` or `*` (any host). */
  targetFqdns: string[]
  /** Microsoft-maintained FQDN groups (`WindowsUpdate`, …); members are unknown offline. */
  fqdnTags: string[]
  /** URL prefixes; need Premium with `terminateTLS`. */
  targetUrls: string[]
  terminateTLS: boolean
  /** IPs/CIDRs as destination instead of FQDNs. */
  destinationAddresses: string[]
  webCategories: string[]
}

/** L3/L4 rule. Every network rule is processed before any application rule. */
export type NetworkRule = RuleBase & {
  ruleType: 'NetworkRule'
  ipProtocols: NetworkIpProtocol[]
  /** IPs, CIDRs, ranges, service tags (`Storage.WestEurope`, `AzureMachineLearning`) or `*`. */
  destinationAddresses: string[]
  /** Exact hosts only (no wildcards); needs the policy DNS proxy. */
  destinationFqdns: string[]
  destinationIpGroups: string[]
  /** Strings: `443`, `1-1024`, `*`. */
  destinationPorts: string[]
}

/** DNAT rule, read back only. */
export type NatRule = RuleBase & {
  ruleType: 'NatRule'
  ipProtocols: NetworkIpProtocol[]
  /** The firewall's public (or private) address. */
  destinationAddresses: string[]
  destinationPorts: string[]
  translatedAddress?: string
  translatedFqdn?: string
  translatedPort?: string
}

/** Any rule. */
export type FirewallRule = ApplicationRule | NetworkRule | NatRule

/** Allow or deny: the action of a filter collection. */
export type FilterAction = 'Allow' | 'Deny'

/** Fields shared by every rule collection. */
type CollectionBase = {
  /** Collection name, unique in its group. */
  name: string
  /** 100 (first) – 65000 (last); unique within its group. */
  priority: number
  unresolved?: string[]
  origin?: ModelOrigin
}

/** `FirewallPolicyFilterRuleCollection` with application rules. */
export type ApplicationRuleCollection = CollectionBase & {
  collectionType: 'filter'
  action: FilterAction
  ruleType: 'application'
  rules: ApplicationRule[]
}

/** `FirewallPolicyFilterRuleCollection` with network rules. */
export type NetworkRuleCollection = CollectionBase & {
  collectionType: 'filter'
  action: FilterAction
  ruleType: 'network'
  rules: NetworkRule[]
}

/** A filter collection: one rule type per collection, as Azure requires. */
export type FilterRuleCollection = ApplicationRuleCollection | NetworkRuleCollection

/** `FirewallPolicyNatRuleCollection` (action DNAT). Read back only. */
export type NatRuleCollection = CollectionBase & {
  collectionType: 'nat'
  action: 'DNAT'
  rules: NatRule[]
}

/** Any rule collection. */
export type RuleCollection = FilterRuleCollection | NatRuleCollection

/** `Microsoft.Network/firewallPolicies/ruleCollectionGroups`. */
export type RuleCollectionGroup = {
  /** Group name (the last segment of the ARM resource name). */
  name: string
  /** 100–65000, lower first; unique within the policy. */
  priority: number
  ruleCollections: RuleCollection[]
  unresolved?: string[]
  origin?: ModelOrigin
}

/** `Microsoft.Network/ipGroups`: a named address list rules can reference. */
export type IpGroup = {
  /** Resource id or name, as rules reference it. Matched case-insensitively by last segment. */
  id: string
  addresses: string[]
}

/** A firewall policy: what a firewall enforces. */
export type FirewallPolicy = {
  /** Policy name, when known. */
  name?: string
  /** `Basic | Standard | Premium`, when known. */
  sku?: string
  /** `dnsSettings.enableProxy`; absent when unknown (e.g. only groups were read). */
  dnsProxy?: boolean
  /** A parent policy id: its rules run first. Absent when none. */
  basePolicy?: string
  ruleCollectionGroups: RuleCollectionGroup[]
  ipGroups: IpGroup[]
  /** Catalog that produced the policy, for rendering headers. */
  catalog?: { version: string; docDate: string }
  unresolved?: string[]
}

/**
 * The config type of the `azure-firewall` format: one policy, and the index the evaluator looks
 * rules up in (the reader builds it once; without it each evaluation builds its own).
 */
export type FirewallPolicyConfig = FirewallPolicy & { readonly evaluationIndex?: EvaluationIndex }

/** Azure's documented limits, as the renderer applies them. */
export const firewallLimits = {
  minPriority: 100,
  maxPriority: 65000,
  /** Child resource names; no official max was found, ARM child names are ≤ 80 in practice. */
  maxNameLength: 80,
  /** 2 MB for policies created after July 2022, 1 MB before: 1 MB is safe for both. */
  maxGroupBytes: 1_000_000,
  /** 50 groups per policy (older policies); newer docs quote 60 or 90. */
  maxGroupsPerPolicy: 50,
  /** Performance guidance: FQDNs across all network rules of one firewall. */
  maxNetworkRuleFqdns: 1000,
  /**
   * Unique source/destination pairs across network rules (sources × destinations of each rule,
   * an IP group counting as one): a documented limit.
   */
  maxNetworkRulePairs: 20_000,
  /** Self-imposed: keeps a collection readable in the portal and a diff local. */
  maxRulesPerCollection: 1000,
  /** Self-imposed (Azure documents no per-rule limit): a rule of 1000 hosts is ~50 KB. */
  maxDestinationsPerRule: 1000,
  /** The ARM schema caps application-rule ports at 64000. */
  maxApplicationPort: 64000,
} as const

/** The name rule azurerm applies to groups, collections and rules. */
export const firewallNamePattern: RegExp = /^[^\W_][\w\-.]*[\w]$/

/**
 * True for a name Azure accepts for a group, collection or rule.
 * @example isValidFirewallName('aml-app-basic-configuration') // true
 */
export function isValidFirewallName(name: string): boolean {
  return name.length <= firewallLimits.maxNameLength && firewallNamePattern.test(name)
}
