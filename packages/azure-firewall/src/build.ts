import {
  canonicalHost,
  compareOrdinal,
  createDiagnostic,
  createDiagnosticSink,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticDetailOption,
  type DiagnosticSink,
  formatPortRanges,
  isIpv4Cidr,
  isValidHostPattern,
  mergePortRanges,
  type Plan,
  type PlanRule,
  type PortRange,
  type Protocol,
  portInRanges,
  type RuleDiagnosticInput,
  type RuleEndpoint,
  type RuleFinding,
  type Triage,
  type TriagedRule,
  triagePlan,
} from '@aml-egress/core'
import { filterRuleBytes, ruleCollectionBytes } from './arm'
import { azureFirewallTriage, formatName } from './descriptor'
import { sameList, samePorts } from './lists'
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

// `read.ts` takes the format name from here.

/** How the plan becomes a policy. Every field is optional; defaults are documented per field. */
export type AzureFirewallRenderOptions = DiagnosticDetailOption & {
  /** Name of the (first) rule collection group; later groups get `-2`, `-3`. Default `aml-egress`. */
  groupName?: string
  /** Priority of the first group; later groups get +1 each. Default 1000. */
  basePriority?: number
  /** Source addresses of every rule. Default: the plan's compute subnets. */
  sourceAddresses?: string[]
  /** Source IP group resource ids of every rule. Default none. */
  sourceIpGroups?: string[]
  /**
   * The policy has DNS proxy on, so exact hosts on non-HTTP ports can be network-rule FQDNs (with
   * an AML_EGRESS_DNS_PROXY_REQUIRED diagnostic); false uses their documented service tags. By
   * default FQDNs, unless naming every host would exceed Azure's 20,000 source/destination pairs
   * of network rules: then hosts with a documented service tag use it (a SERVICE_TAG_FALLBACK
   * warning each) and only the others are FQDNs. True keeps every host an FQDN.
   */
  dnsProxy?: boolean
  /** Rules per collection before a split. Default 1000 (self-imposed). */
  maxRulesPerCollection?: number
  /**
   * Destinations (FQDNs, addresses or tags) per rule before it is split. Rules that share
   * collection, sources, protocols, ports and requirements list their destinations together.
   * Default 1000 (self-imposed: Azure documents no per-rule limit).
   */
  maxDestinationsPerRule?: number
  /**
   * Serialised bytes per group before a split. Default 1,000,000: the 1 MB limit of policies
   * created before July 2022; newer policies allow 2 MB (2,000,000).
   */
  maxGroupBytes?: number
  /** Groups per policy. Default 50. */
  maxGroups?: number
  /**
   * Which deployable files to write: `template`, the ARM template(s) `azuredeploy.json` (default);
   * `groups`, each rule collection group as plain resource JSON for a REST PUT; or `both`.
   */
  files?: AzureFirewallFiles
}

/** The deployable shapes `render` writes; see `AzureFirewallRenderOptions.files`. */
export type AzureFirewallFiles = 'template' | 'groups' | 'both'

/** What `buildFirewallPolicy` returns. */
export type FirewallPolicyBuild = {
  policy: FirewallPolicy
  diagnostics: Diagnostic[]
}

/**
 * A rule before it is named: `label` ends its name (e.g. `https`, `tcp-445`), `prefix` starts it
 * (`apiserver-`). Its destination list collects the destinations of every plan rule it merges.
 */
type Draft = { scenario: string; label: string; prefix: string; stem?: string } & (
  | { ruleType: 'application'; rule: ApplicationRule }
  | { ruleType: 'network'; rule: NetworkRule }
)

/**
 * Which exact hosts on non-HTTP ports become network-rule FQDNs: every one; those without a
 * documented service tag (the rest use the tag, to stay within Azure's limit); or none.
 */
type NetworkFqdns = 'all' | 'untagged' | 'none'

type Context = {
  /** The format the diagnostics name. */
  format: string
  networkFqdns: NetworkFqdns
  /** The sources of every rule: one list, shared by the rules. */
  sourceAddresses: string[]
  sourceIpGroups: string[]
  /** Drafts by everything but their destinations: one rule per collection, protocol and reason. */
  merged: Map<string, Draft>
  diagnostics: DiagnosticSink
  /** One string per distinct description: the rules of a fleet share about 50 of them. */
  // Shared, not one copy per rule: the copies cost the GC 5 % of the 10,000-workspace fleet.
  descriptions: Map<string, string>
  descriptionsByRequirements: Map<
    PlanRule['requirementIds'],
    { level: PlanRule['level']; description: string }
  >
  hostShapes: HostShapes
}

const ALL_PORTS: readonly PortRange[] = [{ from: 1, to: 65535 }]

/**
 * Addresses as Azure spells them: every IPv4 address (a profile's `0.0.0.0/0`) is `*`, the "any"
 * of firewall-policy rules and NSG prefixes alike.
 * @example azureAddresses(['0.0.0.0/0']) // ['*']
 */
export function azureAddresses(addresses: readonly string[]): string[] {
  return addresses.map((address) => (address === '0.0.0.0/0' ? '*' : address))
}
const DESCRIPTION_MAX = 1000

/** Adds a diagnostic of this format. */
function report(
  context: Context,
  input: Omit<RuleDiagnosticInput, 'format' | 'rule' | 'index'> &
    Partial<Pick<RuleDiagnosticInput, 'rule' | 'index'>>,
): void {
  const { code, message, severity, rule, index } = input
  const format = context.format
  if (rule && index !== undefined)
    context.diagnostics.add({ code, message, severity, rule, index, format })
  else {
    const text = typeof message === 'string' ? message : message()
    context.diagnostics.push(createDiagnostic({ code, message: text, severity, format }))
  }
}

/** Ranges minus single ports (ascending), e.g. 80-443 minus 80 and 443 → 81-442. */
function withoutPorts(ranges: readonly PortRange[], ports: readonly number[]): PortRange[] {
  const rest: PortRange[] = []
  for (const range of mergePortRanges(ranges)) {
    let from = range.from
    for (const port of ports) {
      if (port < from || port > range.to) continue
      if (from < port) rest.push({ from, to: port - 1 })
      from = port + 1
    }
    if (from <= range.to) rest.push({ from, to: range.to })
  }
  return rest
}

function describe(context: Context, rule: PlanRule, note?: string): string {
  if (note) return describeText(context, rule, note)
  // Rules of one requirement share its id list: one look-up instead of a join per rule, ~8 % of a
  // 10,000-workspace build.
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

function ipProtocolsOf(protocol: Protocol): NetworkIpProtocol[] {
  // ANY is TCP and UDP in the docs; the firewall's `Any` would also pass ICMP.
  return protocol === 'ANY' ? ['TCP', 'UDP'] : [protocol]
}

/** A network rule's protocols and formatted ports. */
type NetworkPart = { protocols: NetworkIpProtocol[]; ports: string[] }

type NetworkDraft = Extract<Draft, { ruleType: 'network' }>
type ApplicationDraft = Extract<Draft, { ruleType: 'application' }>

/**
 * The network draft a part of a plan rule joins, made when first needed: one per scenario,
 * description, protocols and ports, name, and kind of destination (FQDNs or addresses).
 */
function networkDraft(
  context: Context,
  rule: PlanRule,
  input: NetworkPart & { prefix?: string; stem?: string; byFqdn: boolean; note?: string },
): NetworkDraft {
  const scenario = scenarioOf(rule)
  const description = describe(context, rule, input.note)
  const label = protocolLabel(input.protocols, input.ports)
  const prefix = input.prefix ?? ''
  const key = `net\0${scenario}\0${description}\0${label}\0${prefix}\0${input.stem}\0${input.byFqdn}`
  const known = context.merged.get(key)
  if (known?.ruleType === 'network') return known
  const draft: NetworkDraft = {
    ruleType: 'network',
    scenario,
    label,
    prefix,
    ...(input.stem !== undefined ? { stem: input.stem } : {}),
    rule: {
      ruleType: 'NetworkRule',
      name: '',
      description,
      ipProtocols: input.protocols,
      sourceAddresses: context.sourceAddresses,
      sourceIpGroups: context.sourceIpGroups,
      destinationAddresses: [],
      destinationFqdns: [],
      destinationIpGroups: [],
      destinationPorts: input.ports,
    },
  }
  context.merged.set(key, draft)
  return draft
}

/** Which of HTTP 80 and HTTPS 443 an application rule carries. */
type WebPorts = { http: boolean; https: boolean }

function webPortNumbers({ http, https }: WebPorts): number[] {
  if (http && https) return [80, 443]
  return http ? [80] : https ? [443] : []
}

function webProtocols({ http, https }: WebPorts): ApplicationRuleProtocol[] {
  const httpEntry: ApplicationRuleProtocol = { protocolType: 'Http', port: 80 }
  const httpsEntry: ApplicationRuleProtocol = { protocolType: 'Https', port: 443 }
  if (http && https) return [httpEntry, httpsEntry]
  return http ? [httpEntry] : [httpsEntry]
}

/** The application draft a plan rule's hosts join, made when first needed. */
function applicationDraft(context: Context, rule: PlanRule, web: WebPorts): ApplicationDraft {
  const scenario = scenarioOf(rule)
  const description = describe(context, rule)
  const label = `${web.http ? 'http' : ''}${web.http && web.https ? '-' : ''}${web.https ? 'https' : ''}`
  const key = `app\0${scenario}\0${description}\0${label}`
  const known = context.merged.get(key)
  if (known?.ruleType === 'application') return known
  const draft: ApplicationDraft = {
    ruleType: 'application',
    scenario,
    label,
    prefix: '',
    rule: {
      ruleType: 'ApplicationRule',
      name: '',
      description,
      sourceAddresses: context.sourceAddresses,
      sourceIpGroups: context.sourceIpGroups,
      protocols: webProtocols(web),
      targetFqdns: [],
      fqdnTags: [],
      targetUrls: [],
      terminateTLS: false,
      destinationAddresses: [],
      webCategories: [],
    },
  }
  context.merged.set(key, draft)
  return draft
}

/** TCP and UDP ranges as network-rule parts: one part when both have the same ports. */
function networkParts(tcpRanges: readonly PortRange[], udpRanges: readonly PortRange[]) {
  const tcp = tcpRanges.length > 0 ? formatPortRanges(tcpRanges) : undefined
  const udp = udpRanges.length > 0 ? formatPortRanges(udpRanges) : undefined
  const parts: NetworkPart[] = []
  if (tcp && udp && sameList(tcp, udp)) parts.push({ protocols: ['TCP', 'UDP'], ports: tcp })
  else {
    if (tcp) parts.push({ protocols: ['TCP'], ports: tcp })
    if (udp) parts.push({ protocols: ['UDP'], ports: udp })
  }
  return parts
}

/**
 * What every host rule of one shape does with its host. The shape is all of a host rule but the
 * host (requirements, level, scenario, protocol, ports, service tags, wildcard or exact): a fleet
 * has tens of thousands of host rules and a few hundred shapes, so the drafts, ports and messages
 * are worked out once per shape.
 */
type HostShape = {
  /** The destination lists of the drafts each host joins. */
  lists: string[][]
  /** The diagnostic each host gets (`hostFinding`). */
  diagnostic?: RuleFinding<PlanRule>
  /** A wildcard whose network part is its service tags gets rules of its own, of these parts. */
  ownTagRuleParts?: readonly NetworkPart[]
}

/** All of a host rule but its host: what decides its shape. */
type ShapeKey = Pick<PlanRule, 'requirementIds' | 'serviceTagFallbacks' | 'level'> &
  Pick<TriagedRule, 'protocol' | 'ports'> & { scenario: string; wildcard: boolean }

/**
 * Host shapes by first requirement, then first service tag: strings the plan holds, so a look-up
 * builds no key. A shape is found among those by comparing the rest of its key.
 */
type HostShapes = Map<string, Map<string, (ShapeKey & HostShape)[]>>

/** The diagnostic of every host rule of a shape: the host, then what the shape says of it. */
function hostFinding(
  context: Context,
  code: DiagnosticCode,
  messageTail: string,
): RuleFinding<PlanRule> {
  const hostOf = ({ destination }: PlanRule) =>
    canonicalHost(destination.kind === 'fqdn' ? destination.fqdn : '')
  return { code, format: context.format, message: (rule) => `${hostOf(rule)}${messageTail}` }
}

/** The shape of a host rule, worked out on its first rule. */
function hostShapeOf(context: Context, triaged: TriagedRule, wildcard: boolean): HostShape {
  const { rule } = triaged
  const byTag = childMap(context.hostShapes, rule.requirementIds[0] ?? '')
  const shapes = childList(byTag, rule.serviceTagFallbacks[0] ?? '')
  for (const shape of shapes) if (isShapeOf(shape, triaged, wildcard)) return shape
  const shape = {
    requirementIds: rule.requirementIds,
    serviceTagFallbacks: rule.serviceTagFallbacks,
    level: rule.level,
    protocol: triaged.protocol,
    ports: triaged.ports,
    scenario: scenarioOf(rule),
    wildcard,
    ...hostShape(context, triaged, wildcard),
  }
  shapes.push(shape)
  return shape
}

/** The map under `key`, added when missing. */
function childMap<K, L, V>(map: Map<K, Map<L, V>>, key: K): Map<L, V> {
  let child = map.get(key)
  if (child === undefined) {
    child = new Map()
    map.set(key, child)
  }
  return child
}

/** The list under `key`, added when missing. */
function childList<K, V>(map: Map<K, V[]>, key: K): V[] {
  let child = map.get(key)
  if (child === undefined) {
    child = []
    map.set(key, child)
  }
  return child
}

function isShapeOf(key: ShapeKey, triaged: TriagedRule, wildcard: boolean): boolean {
  const { rule } = triaged
  return (
    key.wildcard === wildcard &&
    key.protocol === triaged.protocol &&
    key.level === rule.level &&
    key.scenario === scenarioOf(rule) &&
    sameList(key.requirementIds, rule.requirementIds) &&
    sameList(key.serviceTagFallbacks, rule.serviceTagFallbacks) &&
    samePorts(key.ports, triaged.ports)
  )
}

/**
 * HTTP 80 and HTTPS 443 as an application rule; the network-rule remainder by FQDN with DNS
 * proxy, else by the plan's service tag equivalent, else not at all.
 */
function hostShape(context: Context, triaged: TriagedRule, wildcard: boolean): HostShape {
  const { rule } = triaged
  const networkByName = namesHostInNetworkRules(context.networkFqdns, rule, wildcard)
  const { web, parts } = hostParts(triaged, { networkByName })
  const lists = web.http || web.https ? [applicationDraft(context, rule, web).rule.targetFqdns] : []
  if (parts.length === 0) return { lists }
  const what = parts
    .map((part) => `${part.protocols.join('/')} ${part.ports.join(',')}`)
    .join(' and ')
  if (networkByName) {
    for (const part of parts)
      lists.push(networkDraft(context, rule, { ...part, byFqdn: true }).rule.destinationFqdns)
    const messageTail = ` on ${what} is a network rule with a destination FQDN: the firewall policy needs DNS proxy on (dnsSettings.enableProxy).`
    return { lists, diagnostic: hostFinding(context, 'AML_EGRESS_DNS_PROXY_REQUIRED', messageTail) }
  }
  const tags = rule.serviceTagFallbacks
  if (tags.length === 0) {
    const messageTail = ` on ${what} cannot be expressed: application rules carry only HTTP/HTTPS, network-rule FQDNs ${wildcard ? 'take no wildcards' : 'need DNS proxy (dnsProxy option is off)'} and the plan gives no service tag equivalent. Allow it by address, or with a proxy that matches host names on this port.`
    return {
      lists,
      diagnostic: hostFinding(context, 'AML_EGRESS_UNSUPPORTED_FEATURE', messageTail),
    }
  }
  const why = wildcard
    ? 'network-rule FQDNs take no wildcards'
    : context.networkFqdns === 'untagged'
      ? `network rules naming every host would exceed Azure's ${firewallLimits.maxNetworkRulePairs} source/destination pairs; --dns-proxy keeps the hosts`
      : 'the dnsProxy option is off, so network-rule FQDNs are not used'
  const tagText = tags.join(', ')
  const messageTail = ` on ${what} is rendered as service tag ${tagText} (${why}); the tag covers more than the host.`
  const diagnostic = hostFinding(context, 'AML_EGRESS_SERVICE_TAG_FALLBACK', messageTail)
  if (wildcard) return { lists, diagnostic, ownTagRuleParts: parts }
  // Exact hosts (storage accounts on SMB, when FQDNs are off or over Azure's limit) share their
  // tag's rule, whose destinations are the tags: a fleet has thousands of them and a few tags.
  for (const part of parts)
    networkDraft(context, rule, {
      stem: tagText,
      ...part,
      byFqdn: false,
      note: `service tag ${tagText} for its hosts`,
    }).rule.destinationAddresses.push(...tags)
  return { lists, diagnostic }
}

/** A wildcard's network part as its documented service tags, in rules named after it. */
function wildcardTagRules(
  context: Context,
  input: { rule: PlanRule; host: string; parts: readonly NetworkPart[] },
): void {
  const { rule, host } = input
  const tags = rule.serviceTagFallbacks
  const tagText = tags.join(', ')
  for (const part of input.parts)
    networkDraft(context, rule, {
      stem: host,
      ...part,
      byFqdn: false,
      note: `service tag ${tagText} for ${host}`,
    }).rule.destinationAddresses.push(...tags)
}

/** HTTP 80 and HTTPS 443 as an application rule, every other port as network rules. */
function hostRule(context: Context, triaged: TriagedRule, fqdn: string): void {
  const { rule, index } = triaged
  const host = canonicalHost(fqdn)
  if (!isValidHostPattern(host)) {
    report(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      message: `${fqdn} is not a host name or leading-wildcard pattern; it was left out.`,
      rule,
      index,
    })
    return
  }
  const shape = hostShapeOf(context, triaged, host.startsWith('*'))
  for (const list of shape.lists) list.push(host)
  if (shape.ownTagRuleParts) wildcardTagRules(context, { rule, host, parts: shape.ownTagRuleParts })
  if (shape.diagnostic) context.diagnostics.addFinding(shape.diagnostic, rule, index)
}

/** Does the host itself go into network rules (an FQDN), rather than its service tag? */
function namesHostInNetworkRules(mode: NetworkFqdns, rule: PlanRule, wildcard: boolean): boolean {
  if (wildcard) return false
  return mode === 'all' || (mode === 'untagged' && rule.serviceTagFallbacks.length === 0)
}

/**
 * How a host rule splits: HTTP 80 and HTTPS 443 for an application rule, the other ports (and
 * UDP) for network rules. A host named in network rules for all its ports is one network rule:
 * splitting off 80/443 would only add rules.
 */
function hostParts(
  triaged: Pick<TriagedRule, 'protocol' | 'ports'>,
  input: { networkByName: boolean },
): { web: { http: boolean; https: boolean }; parts: NetworkPart[] } {
  const { protocol, ports } = triaged
  const tcp = protocol !== 'UDP'
  const udp = protocol !== 'TCP'
  const appRule = tcp && !(ports.length === 0 && input.networkByName)
  const web = {
    http: appRule && portInRanges(80, ports),
    https: appRule && portInRanges(443, ports),
  }
  const ranges = ports.length === 0 ? ALL_PORTS : ports
  const parts = networkParts(
    tcp ? withoutPorts(ranges, webPortNumbers(web)) : [],
    udp ? mergePortRanges(ranges) : [],
  )
  return { web, parts }
}

/**
 * Which hosts become network-rule FQDNs by default: all of them, unless that alone would exceed
 * Azure's limit of source/destination pairs (each host's network parts times the sources); then
 * those with a documented service tag use the tag.
 */
function defaultNetworkFqdns(triage: Triage, sources: number): NetworkFqdns {
  const outbound = triage.byDirection.outbound
  const limit = firewallLimits.maxNetworkRulePairs
  // At most two parts (TCP, UDP) per rule: below this bound, no need to count.
  if (outbound.length * 2 * sources <= limit) return 'all'
  // Exact-host rules by protocol and ports (lists the resolver shares): parts counted once each.
  const hostRules = { TCP: new Map(), UDP: new Map(), ANY: new Map() } satisfies Record<
    Protocol,
    Map<readonly PortRange[], number>
  >
  for (const { rule, protocol, ports } of outbound) {
    const { destination } = rule
    if (destination.kind !== 'fqdn' || destination.fqdn.startsWith('*')) continue
    hostRules[protocol].set(ports, (hostRules[protocol].get(ports) ?? 0) + 1)
  }
  let pairs = 0
  for (const protocol of ['TCP', 'UDP', 'ANY'] as const)
    for (const [ports, rules] of hostRules[protocol])
      pairs +=
        hostParts({ protocol, ports }, { networkByName: true }).parts.length * rules * sources
  return pairs > limit ? 'untagged' : 'all'
}

/** A rule to IPv4 addresses (the API server's, when the profile gives them). */
function addressRule(
  context: Context,
  triaged: TriagedRule,
  destination: Extract<RuleEndpoint, { kind: 'addresses' | 'apiServer' }>,
): void {
  const { rule, index } = triaged
  const apiServer = destination.kind === 'apiServer'
  const addresses = destination.addresses.filter((address) => isIpv4Cidr(address))
  if (addresses.length === 0) {
    report(context, {
      code: apiServer ? 'AML_EGRESS_UNRESOLVED_ADDRESS' : 'AML_EGRESS_UNSUPPORTED_FEATURE',
      message: apiServer
        ? 'The Kubernetes API server address is unknown: set kubernetes.apiServerAddresses in the profile.'
        : 'The rule has no IPv4 destination address this format can express.',
      rule,
      index,
    })
    return
  }
  networkDraft(context, rule, {
    prefix: apiServer ? 'apiserver-' : '',
    protocols: ipProtocolsOf(triaged.protocol),
    ports: formatPortRanges(triaged.ports.length === 0 ? ALL_PORTS : triaged.ports),
    byFqdn: false,
  }).rule.destinationAddresses.push(...addresses)
}

/** An outbound rule `triagePlan` passed: in-cluster and inbound rules never get here. */
function outboundRule(context: Context, triaged: TriagedRule): void {
  const { rule, index } = triaged
  if (rule.source.kind !== 'addresses') {
    report(context, {
      code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
      message: `A firewall cannot select traffic by ${rule.source.kind === 'pods' ? 'pod labels or namespaces' : 'this source'}; render this rule as a Kubernetes NetworkPolicy.`,
      rule,
      index,
    })
    return
  }
  const { destination } = rule
  switch (destination.kind) {
    case 'fqdn':
      hostRule(context, triaged, destination.fqdn)
      return
    case 'serviceTag':
      networkDraft(context, rule, {
        protocols: ipProtocolsOf(triaged.protocol),
        ports: formatPortRanges(triaged.ports.length === 0 ? ALL_PORTS : triaged.ports),
        byFqdn: false,
      }).rule.destinationAddresses.push(destination.tag)
      return
    case 'addresses':
    case 'apiServer':
      addressRule(context, triaged, destination)
      return
    // Pods: `triagePlan` left the rule out (in-cluster traffic never reaches the firewall).
  }
}

/** The destination list a draft collects: FQDNs of an application rule, else FQDNs or addresses. */
function destinationsOf(draft: Draft): string[] {
  if (draft.ruleType === 'application') return draft.rule.targetFqdns
  const { destinationFqdns, destinationAddresses } = draft.rule
  return destinationFqdns.length > 0 ? destinationFqdns : destinationAddresses
}

/** A draft with its destinations replaced by `destinations`, named after them. */
function withDestinations(draft: Draft, destinations: string[]): Draft {
  const [first = ''] = destinations
  const more = destinations.length > 1 ? `-and-${destinations.length - 1}-more` : ''
  const name = firewallName(`${draft.prefix}${draft.stem ?? `${first}${more}`}-${draft.label}`)
  if (draft.ruleType === 'application')
    return { ...draft, rule: { ...draft.rule, name, targetFqdns: destinations } }
  const byFqdn = draft.rule.destinationFqdns.length > 0
  return {
    ...draft,
    rule: {
      ...draft.rule,
      name,
      destinationFqdns: byFqdn ? destinations : [],
      destinationAddresses: byFqdn ? [] : destinations,
    },
  }
}

/**
 * The list sorted and without repeats. Host rules come in plan order, which lists each draft's
 * hosts sorted: one pass finds that, and the list is kept as it is.
 */
function sortedUnique(list: string[]): string[] {
  for (let at = 1; at < list.length; at++)
    if (compareOrdinal(list[at - 1] as string, list[at] as string) >= 0)
      return [...new Set(list)].sort(compareOrdinal)
  return list
}

/**
 * The merged drafts as rules: destinations sorted and without repeats, at most `maxPerRule` per
 * rule (sorted first, so one more workspace moves few lines), each rule named after its first
 * destination and how many follow.
 */
function splitDestinations(merged: Iterable<Draft>, maxPerRule: number): Draft[] {
  const drafts: Draft[] = []
  for (const draft of merged) {
    const destinations = sortedUnique(destinationsOf(draft))
    for (let from = 0; from < destinations.length; from += maxPerRule)
      drafts.push(withDestinations(draft, destinations.slice(from, from + maxPerRule)))
  }
  return drafts
}

function byRuleName(a: Draft, b: Draft): number {
  return compareOrdinal(a.rule.name, b.rule.name)
}

/**
 * Gives every rule a name unique in the policy and returns the drafts in name order, the order
 * collections list their rules in. Sorted, two drafts with one name sit side by side.
 */
function uniqueNames(drafts: readonly Draft[]): Draft[] {
  const sorted = [...drafts].sort(byRuleName)
  const clash = sorted.some((draft, at) => draft.rule.name === sorted[at - 1]?.rule.name)
  if (!clash) return sorted
  renameClashes(drafts)
  return [...drafts].sort(byRuleName)
}

/** In plan order, the later of two drafts with one name gets a fingerprint of its content. */
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

/** The rules of one collection, with their serialised size. */
type Chunk = {
  name: string
  ruleType: Draft['ruleType']
  drafts: Draft[]
  bytes: number
}

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

/**
 * The drafts by collection: by rule type, then scenario (a string the plan's rules share), in the
 * ordinal order of the collection key `app-<scenario>` or `net-<scenario>`.
 */
function draftsByCollection(byName: readonly Draft[]): { key: string; drafts: Draft[] }[] {
  const byType = { app: new Map<string, Draft[]>(), net: new Map<string, Draft[]>() }
  for (const draft of byName) {
    const byScenario = draft.ruleType === 'application' ? byType.app : byType.net
    const drafts = byScenario.get(draft.scenario)
    if (drafts) drafts.push(draft)
    else byScenario.set(draft.scenario, [draft])
  }
  return Object.entries(byType)
    .flatMap(([type, byScenario]) =>
      [...byScenario].map(([scenario, drafts]) => ({ key: `${type}-${scenario}`, drafts })),
    )
    .sort((a, b) => compareOrdinal(a.key, b.key))
}

/** One collection's drafts in parts within the limits, and the limit that split them. */
function splitByLimits(
  drafts: readonly Draft[],
  limits: { maxRules: number; maxBytes: number },
): { parts: { drafts: Draft[]; bytes: number }[]; reason: string } {
  const parts: { drafts: Draft[]; bytes: number }[] = []
  let current: { drafts: Draft[]; bytes: number } | undefined
  let reason = ''
  for (const draft of drafts) {
    const bytes =
      SINGLE_RULE_COLLECTION_BYTES + filterRuleBytes(draft.rule) - COLLECTION_OVERHEAD / 2
    const tooManyRules = current !== undefined && current.drafts.length >= limits.maxRules
    const tooBig = current !== undefined && current.bytes + bytes > limits.maxBytes
    if (tooManyRules) reason = `${limits.maxRules} rules per collection`
    else if (tooBig) reason = `${limits.maxBytes} bytes per group`
    if (current === undefined || tooManyRules || tooBig) {
      current = { drafts: [], bytes: COLLECTION_OVERHEAD }
      parts.push(current)
    }
    current.drafts.push(draft)
    current.bytes += bytes + 1
  }
  return { parts, reason }
}

/** Collections of the drafts, which are in name order (as each collection lists its rules). */
function collectionsOf(
  context: Context,
  byName: readonly Draft[],
  limits: { maxRules: number; maxBytes: number },
): Chunk[] {
  return draftsByCollection(byName).flatMap(({ key, drafts }) => {
    const base = firewallName(`aml-${key}`)
    const { parts, reason } = splitByLimits(drafts, limits)
    if (parts.length > 1)
      report(context, {
        code: 'AML_EGRESS_LIMIT_SPLIT',
        message: `Collection ${base} was split into ${parts.length} collections (${reason}).`,
      })
    return parts.map((part, index) => ({
      name: index === 0 ? base : firewallName(`${base}-${index + 1}`),
      // Every draft of a collection has its rule type (the key starts with it).
      ruleType: (drafts[0] as Draft).ruleType,
      ...part,
    }))
  })
}

function filterCollection(chunk: Chunk, priority: number): FilterRuleCollection {
  const { name } = chunk
  return chunk.ruleType === 'application'
    ? {
        collectionType: 'filter',
        name,
        priority,
        action: 'Allow',
        ruleType: 'application',
        rules: chunk.drafts.map((draft) => draft.rule as ApplicationRule),
      }
    : {
        collectionType: 'filter',
        name,
        priority,
        action: 'Allow',
        ruleType: 'network',
        rules: chunk.drafts.map((draft) => draft.rule as NetworkRule),
      }
}

/** The collections of one group, numbered within their rule type's priority band. */
function groupCollections(chunks: readonly Chunk[]): FilterRuleCollection[] {
  const count = { application: 0, network: 0 }
  return chunks.map((chunk) => {
    const position = count[chunk.ruleType]++
    const priority = FIRST_COLLECTION_PRIORITY[chunk.ruleType] + position * COLLECTION_PRIORITY_STEP
    return filterCollection(chunk, priority)
  })
}

function groupsOf(
  context: Context,
  chunks: readonly Chunk[],
  input: { groupName: string; basePriority: number; maxBytes: number },
): RuleCollectionGroup[] {
  const groups: { chunks: Chunk[]; bytes: number }[] = []
  let current: { chunks: Chunk[]; bytes: number } | undefined
  for (const chunk of chunks) {
    const bandFull =
      current !== undefined &&
      current.chunks.filter((c) => c.ruleType === chunk.ruleType).length >= MAX_COLLECTIONS_PER_BAND
    if (current === undefined || current.bytes + chunk.bytes > input.maxBytes || bandFull) {
      current = { chunks: [], bytes: GROUP_OVERHEAD }
      groups.push(current)
    }
    current.chunks.push(chunk)
    current.bytes += chunk.bytes + 1
  }
  if (groups.length > 1)
    report(context, {
      code: 'AML_EGRESS_LIMIT_SPLIT',
      message: `The rules were split into ${groups.length} rule collection groups (${input.maxBytes} bytes per group).`,
    })
  return groups.map((group, index) => ({
    name: index === 0 ? input.groupName : firewallName(`${input.groupName}-${index + 1}`),
    priority: input.basePriority + index,
    ruleCollections: groupCollections(group.chunks),
  }))
}

/** FQDNs and source/destination pairs across the network rules, as Azure counts them. */
function networkRuleCounts(drafts: readonly Draft[]): { fqdns: number; pairs: number } {
  const fqdns = new Set<string>()
  let pairs = 0
  for (const { rule } of drafts) {
    if (rule.ruleType !== 'NetworkRule') continue
    for (const fqdn of rule.destinationFqdns) fqdns.add(fqdn)
    // IP groups count as one source each (documented).
    pairs +=
      (rule.sourceAddresses.length + rule.sourceIpGroups.length) *
      (rule.destinationAddresses.length +
        rule.destinationFqdns.length +
        rule.destinationIpGroups.length)
  }
  return { fqdns: fqdns.size, pairs }
}

function checkPolicyLimits(
  context: Context,
  groups: readonly RuleCollectionGroup[],
  { drafts, maxGroups }: { drafts: readonly Draft[]; maxGroups: number },
): void {
  if (groups.length > maxGroups)
    report(context, {
      code: 'AML_EGRESS_LIMIT_EXCEEDED',
      message: `The policy needs ${groups.length} rule collection groups; Azure allows ${maxGroups} per policy.`,
    })
  const { fqdns, pairs } = networkRuleCounts(drafts)
  // LIMIT_EXCEEDED is an error for limits Azure enforces; these two are its guidance: warnings.
  if (fqdns > firewallLimits.maxNetworkRuleFqdns)
    report(context, {
      code: 'AML_EGRESS_LIMIT_EXCEEDED',
      severity: 'warning',
      message: `Network rules name ${fqdns} distinct FQDNs; Azure's guidance is at most ${firewallLimits.maxNetworkRuleFqdns} per firewall. Prefer service tags (dnsProxy: false) or split the estate.`,
    })
  if (pairs > firewallLimits.maxNetworkRulePairs)
    report(context, {
      code: 'AML_EGRESS_LIMIT_EXCEEDED',
      severity: 'warning',
      message: `Network rules have ${pairs} unique source/destination pairs; Azure allows ${firewallLimits.maxNetworkRulePairs}. ${context.sourceAddresses.length > 1 ? 'Use an IP group for the sources, or' : 'Use'} service tags for hosts (dnsProxy: false), or split the estate.`,
    })
  const last = groups.at(-1)
  if (last && last.priority > firewallLimits.maxPriority)
    report(context, {
      code: 'AML_EGRESS_LIMIT_EXCEEDED',
      message: `Group priorities reach ${last.priority}; the maximum is ${firewallLimits.maxPriority}. Lower basePriority.`,
    })
}

/**
 * Builds the firewall-policy model for a plan: outbound host rules on HTTP 80 / HTTPS 443 become
 * application rules, everything else network rules; what `triagePlan` leaves out (inbound,
 * in-cluster) is a diagnostic. Pure and deterministic; every call builds a new model. A format
 * that renders more than the firewall (terraform: inbound rules as NSG rules) passes its own
 * `triage`: its outbound rules become the policy, its diagnostics start the build's; and its
 * name as `format`, the format the build's own diagnostics name (default `azure-firewall`).
 * @example const { policy, diagnostics } = buildFirewallPolicy(plan, { basePriority: 1000 })
 */
export function buildFirewallPolicy(
  plan: Plan,
  options: AzureFirewallRenderOptions = {},
  triage: Triage = triagePlan(plan, azureFirewallTriage, options),
  format: string = formatName,
): FirewallPolicyBuild {
  const sourceAddresses = azureAddresses(options.sourceAddresses ?? plan.sourceAddresses)
  const sourceIpGroups = [...(options.sourceIpGroups ?? [])]
  const context: Context = {
    format,
    networkFqdns:
      options.dnsProxy === undefined
        ? defaultNetworkFqdns(triage, sourceAddresses.length + sourceIpGroups.length)
        : options.dnsProxy
          ? 'all'
          : 'none',
    sourceAddresses,
    sourceIpGroups,
    merged: new Map(),
    diagnostics: createDiagnosticSink(options.diagnostics),
    descriptions: new Map(),
    descriptionsByRequirements: new Map(),
    hostShapes: new Map(),
  }
  for (const diagnostic of triage.diagnostics) context.diagnostics.push(diagnostic)
  if (context.sourceAddresses.length === 0 && context.sourceIpGroups.length === 0)
    report(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      // Advice, not an error: the sources can still be passed when deploying.
      severity: 'warning',
      message:
        'The plan has no source addresses: pass sourceAddresses or sourceIpGroups when deploying.',
    })
  for (const triaged of triage.byDirection.outbound) outboundRule(context, triaged)
  const drafts = splitDestinations(
    context.merged.values(),
    options.maxDestinationsPerRule ?? firewallLimits.maxDestinationsPerRule,
  )
  const maxBytes = options.maxGroupBytes ?? firewallLimits.maxGroupBytes
  const chunks = collectionsOf(context, uniqueNames(drafts), {
    maxRules: options.maxRulesPerCollection ?? firewallLimits.maxRulesPerCollection,
    maxBytes: maxBytes - GROUP_OVERHEAD - COLLECTION_OVERHEAD,
  })
  const groups = groupsOf(context, chunks, {
    groupName: firewallName(options.groupName ?? 'aml-egress'),
    basePriority: options.basePriority ?? 1000,
    maxBytes,
  })
  checkPolicyLimits(context, groups, {
    drafts,
    maxGroups: options.maxGroups ?? firewallLimits.maxGroupsPerPolicy,
  })
  const networkFqdns = drafts.some(
    (draft) => draft.ruleType === 'network' && draft.rule.destinationFqdns.length > 0,
  )
  return {
    policy: {
      ruleCollectionGroups: groups,
      ipGroups: [],
      catalog: { version: plan.catalog.version, docDate: plan.catalog.docDate },
      ...(networkFqdns ? { dnsProxy: true } : {}),
    },
    diagnostics: context.diagnostics.list(),
  }
}
