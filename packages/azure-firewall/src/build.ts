import {
  canonicalHost,
  createDiagnostic,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticSeverity,
  formatPortRanges,
  isIpv4Cidr,
  isValidHostPattern,
  mergePortRanges,
  type Plan,
  type PlanRule,
  type PortRange,
  portInRanges,
} from '@aml-egress/core'
import { filterRuleBytes, ruleCollectionBytes } from './arm'
import { sameList } from './lists'
import {
  type ApplicationRule,
  type ApplicationRuleProtocol,
  type FilterRuleCollection,
  type FirewallPolicy,
  firewallLimits,
  type NetworkIpProtocol,
  type NetworkRule,
  type RuleCollectionGroup,
} from './model'
import { fingerprint, firewallName } from './names'

/** The format name used in diagnostics. */
export const formatName = 'azure-firewall'

/** How the plan becomes a policy. Every field is optional; defaults are documented per field. */
export type AzureFirewallRenderOptions = {
  /** Name of the (first) rule collection group; later groups get `-2`, `-3`. Default `aml-egress`. */
  groupName?: string
  /** Priority of the first group; later groups get +1 each. Default 1000. */
  basePriority?: number
  /** Source addresses of every rule. Default: the plan's compute subnets. */
  sourceAddresses?: string[]
  /** Source IP group resource ids of every rule. Default none. */
  sourceIpGroups?: string[]
  /**
   * The policy has DNS proxy on, so exact hosts on non-HTTP ports can be network-rule FQDNs.
   * Default true (with an AML_EGRESS_DNS_PROXY_REQUIRED diagnostic); false uses service tags.
   */
  dnsProxy?: boolean
  /** Rules per collection before a split. Default 1000 (self-imposed). */
  maxRulesPerCollection?: number
  /** Serialised bytes per group before a split. Default 1,000,000 (the 1 MB limit). */
  maxGroupBytes?: number
  /** Groups per policy. Default 50. */
  maxGroups?: number
}

/** What `buildFirewallPolicy` returns. */
export type FirewallPolicyBuild = {
  policy: FirewallPolicy
  diagnostics: Diagnostic[]
}

type Draft =
  | { ruleType: 'application'; scenario: string; rule: ApplicationRule }
  | { ruleType: 'network'; scenario: string; rule: NetworkRule }

type Context = {
  plan: Plan
  options: Required<Pick<AzureFirewallRenderOptions, 'dnsProxy'>>
  sourceAddresses: string[]
  sourceIpGroups: string[]
  drafts: Draft[]
  diagnostics: Diagnostic[]
  /** Every description written, to share equal ones. */
  descriptions: Map<string, string>
  /** The description of the rules with a requirement list (without a note), and their level. */
  descriptionsByRequirements: Map<
    PlanRule['requirementIds'],
    { level: PlanRule['level']; description: string }
  >
}

const ALL_PORTS: PortRange[] = [{ from: 1, to: 65535 }]
// The ports application rules carry, as lists shared by every rule (never modified).
const HTTP_AND_HTTPS: readonly number[] = [80, 443]
const HTTP_ONLY: readonly number[] = [80]
const HTTPS_ONLY: readonly number[] = [443]
const NO_PORTS: readonly number[] = []
const NO_RANGES: readonly PortRange[] = []
const DESCRIPTION_MAX = 1000

/** `createDiagnostic`'s result per code and severity for rule diagnostics, `message` etc. empty. */
const ruleDiagnosticTemplates = new Map<string, Diagnostic>()

/**
 * A diagnostic about one plan rule. Fleets have one per rule, tens of thousands: core's
 * `createDiagnostic` makes a template per code once, and each diagnostic copies it with its own
 * fields (the same keys in the same order, so every copy has one object shape and copies fast).
 */
function ruleDiagnostic(
  input: { code: DiagnosticCode; severity: DiagnosticSeverity; message: string },
  rule: PlanRule,
  index: number,
): Diagnostic {
  const key = `${input.code} ${input.severity}`
  let template = ruleDiagnosticTemplates.get(key)
  if (template === undefined) {
    template = createDiagnostic({
      code: input.code,
      severity: input.severity,
      message: '',
      format: formatName,
      ruleId: '',
      requirementIds: [],
      path: [],
    })
    ruleDiagnosticTemplates.set(key, template)
  }
  return {
    ...template,
    message: input.message,
    ruleId: rule.id,
    requirementIds: rule.requirementIds,
    path: ['rules', index],
  }
}

function diagnose(
  context: Context,
  input: {
    code: DiagnosticCode
    severity: DiagnosticSeverity
    message: string
    rule?: PlanRule
    index?: number
  },
): void {
  const { code, severity, message, rule } = input
  context.diagnostics.push(
    rule
      ? ruleDiagnostic(input, rule, input.index ?? 0)
      : createDiagnostic({ code, severity, message, format: formatName }),
  )
}

/** True when the ranges are sorted, apart and not adjacent: what mergePortRanges would return. */
function isMerged(ranges: readonly PortRange[]): boolean {
  for (let index = 1; index < ranges.length; index++) {
    const previous = ranges[index - 1] as PortRange
    const range = ranges[index] as PortRange
    if (range.from <= previous.to + 1) return false
  }
  return ranges.every((range) => range.from <= range.to)
}

/**
 * The ranges merged. Plan ranges usually are, and these are only read, so they are used as they
 * are instead of copied (hundreds of thousands of ranges in a fleet).
 */
function merged(ranges: readonly PortRange[]): readonly PortRange[] {
  return isMerged(ranges) ? ranges : mergePortRanges(ranges)
}

/** Ranges minus single ports, e.g. 80-443 minus 80 and 443 → 81-442. */
function withoutPorts(
  ranges: readonly PortRange[],
  ports: readonly number[],
): readonly PortRange[] {
  let result = merged(ranges)
  for (const port of ports) {
    const rest: PortRange[] = []
    for (const range of result) {
      if (port < range.from || port > range.to) rest.push(range)
      else {
        if (range.from < port) rest.push({ from: range.from, to: port - 1 })
        if (port < range.to) rest.push({ from: port + 1, to: range.to })
      }
    }
    result = rest
  }
  return result
}

function describe(context: Context, rule: PlanRule, note?: string): string {
  if (note) return describeText(context, rule, note)
  // The plan's rules of one requirement share their requirement list: one look-up by identity
  // instead of joining the list and hashing the text for each of them.
  const known = context.descriptionsByRequirements.get(rule.requirementIds)
  if (known?.level === rule.level) return known.description
  const description = describeText(context, rule)
  context.descriptionsByRequirements.set(rule.requirementIds, { level: rule.level, description })
  return description
}

function describeText(context: Context, rule: PlanRule, note?: string): string {
  const text = `aml-egress ${rule.level}: ${rule.requirementIds.join(', ')}${note ? `; ${note}` : ''}`
  const description =
    text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1)}…` : text
  // A fleet's rules share a few requirement lists: keep one copy of each description.
  const shared = context.descriptions.get(description)
  if (shared !== undefined) return shared
  context.descriptions.set(description, description)
  return description
}

function protocolLabel(protocols: readonly NetworkIpProtocol[], ports: readonly string[]): string {
  const portText = ports.length === 1 && ports[0] === '*' ? 'all' : ports.join('_')
  return `${protocols.join('-').toLowerCase()}-${portText}`
}

function scenarioOf(rule: PlanRule): string {
  return rule.scenarios[0] ?? 'general'
}

function pushNetwork(
  context: Context,
  input: {
    rule: PlanRule
    label: string
    protocols: NetworkIpProtocol[]
    /** The port ranges, formatted. */
    ports: string[]
    destination: Pick<NetworkRule, 'destinationAddresses' | 'destinationFqdns'>
    note?: string
  },
): void {
  const { ports } = input
  context.drafts.push({
    ruleType: 'network',
    scenario: scenarioOf(input.rule),
    rule: {
      ruleType: 'NetworkRule',
      name: firewallName(`${input.label}-${protocolLabel(input.protocols, ports)}`),
      description: describe(context, input.rule, input.note),
      ipProtocols: input.protocols,
      sourceAddresses: context.sourceAddresses,
      sourceIpGroups: context.sourceIpGroups,
      destinationAddresses: input.destination.destinationAddresses,
      destinationFqdns: input.destination.destinationFqdns,
      destinationIpGroups: [],
      destinationPorts: ports,
    },
  })
}

/** Network-rule remainder of a host rule: TCP and UDP ranges the application rules do not carry. */
function hostNetworkPart(
  context: Context,
  input: {
    rule: PlanRule
    index: number
    host: string
    tcp: readonly PortRange[]
    udp: readonly PortRange[]
  },
): void {
  const { rule, index, host } = input
  const wildcard = host.startsWith('*')
  // Ports formatted once, for the rules and for the diagnostic.
  const tcp = input.tcp.length > 0 ? formatPortRanges(input.tcp) : undefined
  const udp = input.udp.length > 0 ? formatPortRanges(input.udp) : undefined
  const parts: { protocols: NetworkIpProtocol[]; ports: string[] }[] = []
  if (tcp && udp && sameList(tcp, udp)) parts.push({ protocols: ['TCP', 'UDP'], ports: tcp })
  else {
    if (tcp) parts.push({ protocols: ['TCP'], ports: tcp })
    if (udp) parts.push({ protocols: ['UDP'], ports: udp })
  }
  if (parts.length === 0) return
  const what = parts
    .map((part) => `${part.protocols.join('/')} ${part.ports.join(',')}`)
    .join(' and ')
  if (!wildcard && context.options.dnsProxy) {
    for (const part of parts)
      pushNetwork(context, {
        rule,
        label: host,
        ...part,
        destination: { destinationAddresses: [], destinationFqdns: [host] },
      })
    diagnose(context, {
      code: 'AML_EGRESS_DNS_PROXY_REQUIRED',
      severity: 'warning',
      message: `${host} on ${what} is a network rule with a destination FQDN: the firewall policy needs DNS proxy on (dnsSettings.enableProxy).`,
      rule,
      index,
    })
    return
  }
  const tags = rule.serviceTagFallbacks
  if (tags.length > 0) {
    const tagText = tags.join(', ')
    for (const part of parts)
      pushNetwork(context, {
        rule,
        label: host,
        ...part,
        destination: { destinationAddresses: [...tags], destinationFqdns: [] },
        note: `service tag ${tagText} for ${host}`,
      })
    const why = wildcard
      ? 'network-rule FQDNs take no wildcards'
      : 'the dnsProxy option is off, so network-rule FQDNs are not used'
    diagnose(context, {
      code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
      severity: 'warning',
      message: `${host} on ${what} is rendered as service tag ${tagText} (${why}); the tag covers more than the host.`,
      rule,
      index,
    })
    return
  }
  diagnose(context, {
    code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
    severity: 'warning',
    message: `${host} on ${what} cannot be expressed: application rules carry only HTTP/HTTPS, network-rule FQDNs ${wildcard ? 'take no wildcards' : 'need DNS proxy (dnsProxy option is off)'} and the plan gives no service tag equivalent. Allow it by address, or with a proxy that matches host names on this port.`,
    rule,
    index,
  })
}

function hostRule(context: Context, rule: PlanRule, index: number, fqdn: string): void {
  const host = canonicalHost(fqdn)
  if (!isValidHostPattern(host)) {
    diagnose(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      severity: 'error',
      message: `${fqdn} is not a host name or leading-wildcard pattern; it was left out.`,
      rule,
      index,
    })
    return
  }
  const tcp = rule.protocol !== 'UDP'
  const udp = rule.protocol !== 'TCP'
  const wildcard = host.startsWith('*')
  const networkByName = !wildcard && context.options.dnsProxy
  // One network rule with the FQDN says "all ports" exactly; splitting off 80/443 would only add rules.
  const appRule = tcp && !(rule.ports.length === 0 && networkByName)
  const http = appRule && portInRanges(80, rule.ports)
  const https = appRule && portInRanges(443, rule.ports)
  const appPorts = http ? (https ? HTTP_AND_HTTPS : HTTP_ONLY) : https ? HTTPS_ONLY : NO_PORTS
  if (appPorts.length > 0) {
    // Literals: a list pushed to reserves room for 17 entries, in each of 40,000 rules of a fleet.
    const protocols: ApplicationRuleProtocol[] = http
      ? https
        ? [
            { protocolType: 'Http', port: 80 },
            { protocolType: 'Https', port: 443 },
          ]
        : [{ protocolType: 'Http', port: 80 }]
      : [{ protocolType: 'Https', port: 443 }]
    context.drafts.push({
      ruleType: 'application',
      scenario: scenarioOf(rule),
      rule: {
        ruleType: 'ApplicationRule',
        name: firewallName(`${host}${http ? '-http' : ''}${https ? '-https' : ''}`),
        description: describe(context, rule),
        sourceAddresses: context.sourceAddresses,
        sourceIpGroups: context.sourceIpGroups,
        protocols,
        targetFqdns: [host],
        fqdnTags: [],
        targetUrls: [],
        terminateTLS: false,
        destinationAddresses: [],
        webCategories: [],
      },
    })
  }
  const ranges = rule.ports.length === 0 ? ALL_PORTS : rule.ports
  hostNetworkPart(context, {
    rule,
    index,
    host,
    tcp: tcp ? withoutPorts(ranges, appPorts) : NO_RANGES,
    udp: udp ? merged(ranges) : NO_RANGES,
  })
  if (rule.destination.kind === 'fqdn' && rule.destination.urlPath)
    diagnose(context, {
      code: 'AML_EGRESS_TLS_INSPECTION_REQUIRED',
      severity: 'info',
      message: `${host}${rule.destination.urlPath}: only the host is allowed; filtering the path needs TLS inspection (Azure Firewall Premium, targetUrls with terminateTLS).`,
      rule,
      index,
    })
}

function ipProtocolsOf(rule: PlanRule): NetworkIpProtocol[] {
  // ANY is TCP and UDP in the docs; the firewall's `Any` would also pass ICMP.
  return rule.protocol === 'ANY' ? ['TCP', 'UDP'] : [rule.protocol]
}

function outboundRule(context: Context, rule: PlanRule, index: number): void {
  if (rule.source.kind !== 'addresses') {
    diagnose(context, {
      code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
      severity: 'warning',
      message: `A firewall cannot select traffic by ${rule.source.kind === 'pods' ? 'pod labels or namespaces' : 'this source'}; render this rule as a Kubernetes NetworkPolicy.`,
      rule,
      index,
    })
    return
  }
  const destination = rule.destination
  const ranges = rule.ports.length === 0 ? ALL_PORTS : rule.ports
  switch (destination.kind) {
    case 'fqdn':
      hostRule(context, rule, index, destination.fqdn)
      return
    case 'serviceTag':
      pushNetwork(context, {
        rule,
        label: destination.tag,
        protocols: ipProtocolsOf(rule),
        ports: formatPortRanges(ranges),
        destination: { destinationAddresses: [destination.tag], destinationFqdns: [] },
      })
      return
    case 'addresses':
    case 'apiServer': {
      const addresses = destination.addresses.filter((address) => isIpv4Cidr(address))
      if (addresses.length === 0) {
        diagnose(context, {
          code:
            destination.kind === 'apiServer'
              ? 'AML_EGRESS_UNRESOLVED_ADDRESS'
              : 'AML_EGRESS_UNSUPPORTED_FEATURE',
          severity: 'warning',
          message:
            destination.kind === 'apiServer'
              ? 'The Kubernetes API server address is unknown: set kubernetes.apiServerAddresses in the profile.'
              : 'The rule has no IPv4 destination address this format can express.',
          rule,
          index,
        })
        return
      }
      const label =
        addresses.length === 1 ? (addresses[0] ?? '') : `addresses-${fingerprint(addresses.join())}`
      pushNetwork(context, {
        rule,
        label: destination.kind === 'apiServer' ? `apiserver-${label}` : label,
        protocols: ipProtocolsOf(rule),
        ports: formatPortRanges(ranges),
        destination: { destinationAddresses: addresses, destinationFqdns: [] },
      })
      return
    }
    case 'pods':
      diagnose(context, {
        code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
        severity: 'warning',
        message:
          'Traffic to pods stays inside the cluster and never reaches the firewall; render this rule as a Kubernetes NetworkPolicy.',
        rule,
        index,
      })
      return
  }
}

function planRule(context: Context, rule: PlanRule, index: number): void {
  switch (rule.direction) {
    case 'inCluster':
      diagnose(context, {
        code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
        severity: 'warning',
        message:
          'In-cluster traffic (pod to pod, pod to API server) does not pass the firewall; render it as a Kubernetes NetworkPolicy.',
        rule,
        index,
      })
      return
    case 'inbound': {
      const from =
        rule.source.kind === 'serviceTag' ? ` from ${rule.source.tag}` : ' to the compute subnet'
      diagnose(context, {
        code: 'AML_EGRESS_NOT_EGRESS',
        severity: 'warning',
        message: `Inbound ${rule.protocol} ${formatPortRanges(rule.ports).join(',')}${from} is not firewall egress: allow it in the subnet NSG and route it with a UDR (next hop Internet) so replies bypass the firewall.`,
        rule,
        index,
      })
      return
    }
    case 'outbound':
      outboundRule(context, rule, index)
      return
  }
}

function byRuleName(a: Draft, b: Draft): number {
  return a.rule.name < b.rule.name ? -1 : a.rule.name > b.rule.name ? 1 : 0
}

/**
 * Gives every rule a name unique in the policy (a clash gets a fingerprint of the plan content)
 * and returns the drafts in name order, the order collections list their rules in. Clashes are
 * rare: sorting finds them (side by side) for less than a set of every name costs.
 */
function uniqueNames(drafts: readonly Draft[]): Draft[] {
  const sorted = [...drafts].sort(byRuleName)
  for (let index = 1; index < sorted.length; index++)
    if ((sorted[index] as Draft).rule.name === (sorted[index - 1] as Draft).rule.name) {
      renameClashes(drafts)
      return [...drafts].sort(byRuleName)
    }
  return sorted
}

/** Renames the later of two drafts with one name, in plan order. */
function renameClashes(drafts: readonly Draft[]): void {
  const seen = new Set<string>()
  for (const draft of drafts) {
    let name = draft.rule.name
    if (seen.has(name)) {
      const tail = fingerprint(JSON.stringify(draft.rule))
      name = firewallName(`${name.slice(0, firewallLimits.maxNameLength - 9)}-${tail}`)
      for (let n = 2; seen.has(name); n++) name = firewallName(`${draft.rule.name}-${tail}-${n}`)
      draft.rule.name = name
    }
    seen.add(name)
  }
}

type Chunk = { collection: FilterRuleCollection; bytes: number }

const COLLECTION_OVERHEAD = 200
const GROUP_OVERHEAD = 200
// Network and application collections get separate bands, so a new scenario of one type does not
// renumber the other. All collections are Allow, so their order only matters for readability.
const FIRST_COLLECTION_PRIORITY = { network: 1000, application: 30000 } as const
const COLLECTION_PRIORITY_STEP = 10
const MAX_COLLECTIONS_PER_BAND = 2900
/** A rule's share of its group is measured as a collection of that rule alone: the collection part. */
const SINGLE_RULE_COLLECTION_BYTES = ruleCollectionBytes({
  collectionType: 'filter',
  name: '',
  priority: 0,
  action: 'Allow',
  ruleType: 'network',
  rules: [],
})

/** Collections of the drafts, which are in name order (as each collection lists its rules). */
function collectionsOf(
  context: Context,
  byName: readonly Draft[],
  limits: { maxRules: number; maxBytes: number },
): Chunk[] {
  // By rule type, then scenario: the plan's scenario strings are shared, so grouping a draft
  // builds no key string.
  const byType = { app: new Map<string, Draft[]>(), net: new Map<string, Draft[]>() }
  // Indexed loops over the drafts: this runs once per build, too few times to be optimised, and
  // unoptimised `for…of` allocates an iterator result per item.
  for (let index = 0; index < byName.length; index++) {
    const draft = byName[index] as Draft
    const byScenario = draft.ruleType === 'application' ? byType.app : byType.net
    const list = byScenario.get(draft.scenario)
    if (list) list.push(draft)
    else byScenario.set(draft.scenario, [draft])
  }
  const keyed: { key: string; drafts: Draft[] }[] = []
  for (const [type, byScenario] of Object.entries(byType))
    for (const [scenario, drafts] of byScenario) keyed.push({ key: `${type}-${scenario}`, drafts })
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const chunks: Chunk[] = []
  for (const { key, drafts } of keyed) {
    const base = firewallName(`aml-${key}`)
    const parts: { drafts: Draft[]; bytes: number }[] = []
    let current: { drafts: Draft[]; bytes: number } | undefined
    let reason = ''
    for (let index = 0; index < drafts.length; index++) {
      const draft = drafts[index] as Draft
      const bytes =
        SINGLE_RULE_COLLECTION_BYTES + filterRuleBytes(draft.rule) - COLLECTION_OVERHEAD / 2
      const full =
        current &&
        (current.drafts.length >= limits.maxRules || current.bytes + bytes > limits.maxBytes)
      if (current && full)
        reason =
          current.drafts.length >= limits.maxRules
            ? `${limits.maxRules} rules per collection`
            : `${limits.maxBytes} bytes per group`
      if (!current || full) {
        current = { drafts: [], bytes: COLLECTION_OVERHEAD }
        parts.push(current)
      }
      current.drafts.push(draft)
      current.bytes += bytes + 1
    }
    if (parts.length > 1)
      diagnose(context, {
        code: 'AML_EGRESS_LIMIT_SPLIT',
        severity: 'info',
        message: `Collection ${base} was split into ${parts.length} collections (${reason}).`,
      })
    parts.forEach((part, index) => {
      const name = index === 0 ? base : firewallName(`${base}-${index + 1}`)
      // Every draft of a part has the part's rule type (the key starts with it).
      const collection: FilterRuleCollection =
        part.drafts[0]?.ruleType === 'application'
          ? {
              collectionType: 'filter',
              name,
              priority: 0,
              action: 'Allow',
              ruleType: 'application',
              rules: part.drafts.map((draft) => draft.rule as ApplicationRule),
            }
          : {
              collectionType: 'filter',
              name,
              priority: 0,
              action: 'Allow',
              ruleType: 'network',
              rules: part.drafts.map((draft) => draft.rule as NetworkRule),
            }
      chunks.push({ collection, bytes: part.bytes })
    })
  }
  return chunks
}

function groupsOf(
  context: Context,
  chunks: readonly Chunk[],
  input: { groupName: string; maxBytes: number },
): RuleCollectionGroup[] {
  const groups: { chunks: Chunk[]; bytes: number }[] = []
  let current: { chunks: Chunk[]; bytes: number } | undefined
  for (const chunk of chunks) {
    const type = chunk.collection.ruleType
    if (
      !current ||
      current.bytes + chunk.bytes > input.maxBytes ||
      current.chunks.filter((c) => c.collection.ruleType === type).length >=
        MAX_COLLECTIONS_PER_BAND
    ) {
      current = { chunks: [], bytes: GROUP_OVERHEAD }
      groups.push(current)
    }
    current.chunks.push(chunk)
    current.bytes += chunk.bytes + 1
  }
  if (groups.length > 1)
    diagnose(context, {
      code: 'AML_EGRESS_LIMIT_SPLIT',
      severity: 'info',
      message: `The rules were split into ${groups.length} rule collection groups (${input.maxBytes} bytes per group).`,
    })
  return groups.map((group, index) => ({
    name: index === 0 ? input.groupName : firewallName(`${input.groupName}-${index + 1}`),
    // Relative: `withBasePriority` adds the base, so builds that differ only in it can share.
    priority: index,
    ruleCollections: group.chunks.map((chunk) => {
      const type = chunk.collection.ruleType
      const position = group.chunks.filter((c) => c.collection.ruleType === type).indexOf(chunk)
      return {
        ...chunk.collection,
        priority: FIRST_COLLECTION_PRIORITY[type] + position * COLLECTION_PRIORITY_STEP,
      }
    }),
  }))
}

function checkPolicyLimits(
  context: Context,
  groups: readonly RuleCollectionGroup[],
  maxGroups: number,
): void {
  // Group priorities are checked by `withBasePriority`, which knows the base.
  if (groups.length > maxGroups)
    diagnose(context, {
      code: 'AML_EGRESS_LIMIT_EXCEEDED',
      severity: 'error',
      message: `The policy needs ${groups.length} rule collection groups; Azure allows ${maxGroups} per policy.`,
    })
  const fqdns = new Set<string>()
  // IP groups count as one source each (documented).
  let product = 0
  for (const group of groups)
    for (const collection of group.ruleCollections)
      if (collection.collectionType === 'filter' && collection.ruleType === 'network')
        // Indexed, as in `collectionsOf`.
        for (let index = 0; index < collection.rules.length; index++) {
          const rule = collection.rules[index] as NetworkRule
          for (let fqdn = 0; fqdn < rule.destinationFqdns.length; fqdn++)
            fqdns.add(rule.destinationFqdns[fqdn] as string)
          product +=
            (rule.sourceAddresses.length + rule.sourceIpGroups.length) *
            (rule.destinationAddresses.length +
              rule.destinationFqdns.length +
              rule.destinationIpGroups.length)
        }
  if (fqdns.size > firewallLimits.maxNetworkRuleFqdns)
    diagnose(context, {
      code: 'AML_EGRESS_LIMIT_EXCEEDED',
      severity: 'warning',
      message: `Network rules name ${fqdns.size} distinct FQDNs; Azure's guidance is at most ${firewallLimits.maxNetworkRuleFqdns} per firewall. Prefer service tags (dnsProxy: false) or split the estate.`,
    })
  if (product > 20000)
    diagnose(context, {
      code: 'AML_EGRESS_LIMIT_EXCEEDED',
      severity: 'warning',
      message: `Network rules have ${product} unique source/destination pairs; Azure allows 20,000. Use an IP group for the sources.`,
    })
}

/**
 * Builds the firewall-policy model for a plan: outbound host rules on HTTP 80 / HTTPS 443 become
 * application rules, everything else network rules; inbound and in-cluster rules become
 * diagnostics. Pure and deterministic.
 * @example const { policy, diagnostics } = buildFirewallPolicy(plan, { basePriority: 1000 })
 */
export function buildFirewallPolicy(
  plan: Plan,
  options: AzureFirewallRenderOptions = {},
): FirewallPolicyBuild {
  return withBasePriority(buildRelative(plan, options), options.basePriority ?? 1000)
}

/** The build with group priorities 0, 1, 2…: everything but the base priority. */
function buildRelative(plan: Plan, options: AzureFirewallRenderOptions): FirewallPolicyBuild {
  const context: Context = {
    plan,
    options: { dnsProxy: options.dnsProxy ?? true },
    sourceAddresses: [...(options.sourceAddresses ?? plan.sourceAddresses)],
    sourceIpGroups: [...(options.sourceIpGroups ?? [])],
    drafts: [],
    diagnostics: [],
    descriptions: new Map(),
    descriptionsByRequirements: new Map(),
  }
  if (context.sourceAddresses.length === 0 && context.sourceIpGroups.length === 0)
    diagnose(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      severity: 'warning',
      message:
        'The plan has no source addresses: pass sourceAddresses or sourceIpGroups when deploying.',
    })
  plan.rules.forEach((rule, index) => {
    planRule(context, rule, index)
  })
  const drafts = uniqueNames(context.drafts)
  const maxBytes = options.maxGroupBytes ?? firewallLimits.maxGroupBytes
  const chunks = collectionsOf(context, drafts, {
    maxRules: options.maxRulesPerCollection ?? firewallLimits.maxRulesPerCollection,
    maxBytes: maxBytes - GROUP_OVERHEAD - COLLECTION_OVERHEAD,
  })
  const groups = groupsOf(context, chunks, {
    groupName: firewallName(options.groupName ?? 'aml-egress'),
    maxBytes,
  })
  checkPolicyLimits(context, groups, options.maxGroups ?? firewallLimits.maxGroupsPerPolicy)
  return {
    policy: {
      ruleCollectionGroups: groups,
      ipGroups: [],
      catalog: { version: plan.catalog.version, docDate: plan.catalog.docDate },
      ...(context.options.dnsProxy &&
      groups.some((g) =>
        g.ruleCollections.some(
          (c) =>
            c.collectionType === 'filter' &&
            c.ruleType === 'network' &&
            c.rules.some((r) => r.destinationFqdns.length > 0),
        ),
      )
        ? { dnsProxy: true }
        : {}),
    },
    diagnostics: context.diagnostics,
  }
}

/** Relative group priorities moved to start at `basePriority`, and checked against the maximum. */
function withBasePriority(build: FirewallPolicyBuild, basePriority: number): FirewallPolicyBuild {
  const groups = build.policy.ruleCollectionGroups.map((group) => ({
    ...group,
    priority: basePriority + group.priority,
  }))
  const diagnostics = [...build.diagnostics]
  const last = groups.at(-1)
  if (last && last.priority > firewallLimits.maxPriority)
    diagnostics.push(
      createDiagnostic({
        code: 'AML_EGRESS_LIMIT_EXCEEDED',
        severity: 'error',
        message: `Group priorities reach ${last.priority}; the maximum is ${firewallLimits.maxPriority}. Lower basePriority.`,
        format: formatName,
      }),
    )
  return { policy: { ...build.policy, ruleCollectionGroups: groups }, diagnostics }
}

/** Relative builds per plan and options (base priority aside), kept as long as the plan lives. */
const sharedBuilds = new WeakMap<Plan, Map<string, FirewallPolicyBuild>>()

/**
 * `buildFirewallPolicy`, built once per plan and options whatever the base priority: rendering
 * azure-firewall and terraform from one plan (as `aml-egress render -f all` does) shares the work.
 * The model is kept while the plan is referenced and is shared between callers: read it, never
 * modify it (use `buildFirewallPolicy` for a copy of your own). Plans are read-only: one edited
 * after its first render would still get the policy built before.
 * @example const { policy } = sharedFirewallPolicy(plan, { basePriority: 500 })
 */
export function sharedFirewallPolicy(
  plan: Plan,
  options: AzureFirewallRenderOptions = {},
): FirewallPolicyBuild {
  const { basePriority = 1000, ...rest } = options
  // Defaults filled in, so that leaving an option out and passing its default share a build.
  const key = JSON.stringify([
    rest.groupName ?? 'aml-egress',
    rest.sourceAddresses ?? plan.sourceAddresses,
    rest.sourceIpGroups ?? [],
    rest.dnsProxy ?? true,
    rest.maxRulesPerCollection ?? firewallLimits.maxRulesPerCollection,
    rest.maxGroupBytes ?? firewallLimits.maxGroupBytes,
    rest.maxGroups ?? firewallLimits.maxGroupsPerPolicy,
  ])
  let builds = sharedBuilds.get(plan)
  if (!builds) {
    builds = new Map()
    sharedBuilds.set(plan, builds)
  }
  let build = builds.get(key)
  if (!build) {
    build = buildRelative(plan, rest)
    builds.set(key, build)
  }
  return withBasePriority(build, basePriority)
}
