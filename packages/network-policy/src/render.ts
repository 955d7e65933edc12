import {
  canonicalCidr,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticSeverity,
  diagnosticCodes,
  isIpv4Cidr,
  isValidHostPattern,
  isWildcardPattern,
  type Plan,
  type PlanRule,
  type PortRange,
  type Protocol,
  type RenderedFile,
  type RenderResult,
  type RuleEndpoint,
  sortDiagnostics,
} from '@aml-egress/core'
import { Document, isMap, isSeq, type Node } from 'yaml'
import type {
  CiliumEgressRule,
  CiliumNetworkPolicy,
  CiliumPort,
  CiliumPortRule,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  ServiceTagsFile,
} from './model'
import { compareCidrs, lookupServiceTag, type TagPrefixes } from './serviceTags'
import {
  isDns1123Label,
  isValidLabelKey,
  isValidLabelValue,
  validateCiliumNetworkPolicy,
  validateNetworkPolicy,
} from './validate'
import { type ItemWriter, writeCiliumEgressItem, writePolicyYaml } from './yamlWriter'

/** Options of the plain NetworkPolicy rendering. */
export type NetworkPolicyRenderOptions = {
  /**
   * Azure service tags (the weekly `ServiceTags_Public.json`). With it, service-tag rules, and
   * host rules that carry a `serviceTagFallback`, become `ipBlock`s: a snapshot of that week's
   * ranges, to re-render when Microsoft publishes a new file. Without it they are unsupported.
   */
  serviceTags?: ServiceTagsFile
  /**
   * Also write `aml-egress-default-deny` (ingress and egress) for the Azure ML namespace, so
   * every flow the plan does not list is dropped even where no other policy isolates a pod.
   * Off by default: the allow policies already isolate the pods they select.
   */
  defaultDeny?: boolean
  /**
   * The Azure ML extension namespace, whose pods stand for the compute subnets of outbound
   * rules. Default: the namespace of the in-cluster rule to the API server, else `azureml`.
   */
  namespace?: string
}

/** Options of the Cilium rendering. */
export type CiliumRenderOptions = NetworkPolicyRenderOptions & {
  /**
   * How many DNS labels a plan wildcard `*.suffix` may cover in front of its suffix (1–4,
   * default 2). Cilium 1.18's `*` matches inside one label only, so `*.x` and `*.*.x` are written;
   * deeper names stay denied (narrower than the plan, reported as a lossy translation).
   */
  wildcardDepth?: number
}

type Flavour = 'network-policy' | 'cilium'

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'aml-egress' }
const NAMESPACE_LABEL = 'kubernetes.io/metadata.name'
/** Never write ingress policies here: selecting cluster DNS for ingress would isolate it. */
const SYSTEM_NAMESPACES = new Set(['kube-system'])

/** Path of the plain NetworkPolicy output file. */
export const networkPolicyFile = 'kubernetes/network-policies.yaml'
/** Path of the CiliumNetworkPolicy output file. */
export const ciliumPolicyFile = 'kubernetes/cilium-network-policies.yaml'

/** A rule entry waiting for its policy: one `egress`/`ingress` item with its comment. */
type NpEntry = {
  /** Only makes the policy exist: egress isolation even when no rule could be expressed. */
  placeholder?: boolean
  namespace: string
  podLabels: Record<string, string>
  side: 'egress' | 'ingress'
  peers: NetworkPolicyPeer[]
  ports: NetworkPolicyPort[]
  comment: string
}

type CiliumEntry = {
  namespace: string
  podLabels: Record<string, string>
  rule: CiliumEgressRule
  /** Set when another entry of the same policy shares this rule's arrays (see addCilium). */
  sharesObjects: boolean
  comment: string
  /** toFQDNs only work when the pod's DNS goes through Cilium's proxy. */
  needsDns: boolean
}

type Context = {
  plan: Plan
  flavour: Flavour
  options: CiliumRenderOptions
  amlNamespace: string
  sourceNamespaces: string[]
  /** The pods that stand for the compute subnets: the sources of rules from addresses. */
  addressSources: PodSource[]
  diagnostics: Diagnostic[]
  npEntries: NpEntry[]
  ciliumEntries: CiliumEntry[]
}

const PRINTABLE_LINE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

function oneLine(text: string): string {
  // Comments are the only place free text reaches the output: keep them on one printable line.
  // Most text already is one (40,000 rule comments in a fleet): test before rewriting.
  if (PRINTABLE_LINE.test(text)) return text
  return text.replace(/[^\x20-\x7e]+/g, ' ').trim()
}

/**
 * ` [id, …]` for a requirement list, by list: rules share their requirement lists. Undefined when
 * the text is not printable, so the whole comment goes through `oneLine`.
 */
const requirementTexts = new WeakMap<readonly string[], string | undefined>()

function requirementText(ids: readonly string[]): string | undefined {
  if (requirementTexts.has(ids)) return requirementTexts.get(ids)
  const text = ` [${ids.join(', ')}]`
  const printable = /^[\x20-\x7e]*$/.test(text) ? text : undefined
  requirementTexts.set(ids, printable)
  return printable
}

function ruleComment(rule: PlanRule, note?: string): string {
  const ids = rule.requirementIds
  if (note === undefined) {
    // The usual comment, one printable line when its id is one: its parts need no rewriting.
    const requirements = ids.length > 0 ? requirementText(ids) : ''
    if (requirements !== undefined && PRINTABLE_LINE.test(rule.id))
      return `${rule.id}${requirements}`
  }
  const requirements = ids.length > 0 ? ` [${ids.join(', ')}]` : ''
  return oneLine(`${rule.id}${requirements}${note ? ` - ${note}` : ''}`)
}

function report(
  context: Context,
  {
    code,
    severity,
    message,
    rule,
    index,
  }: {
    code: DiagnosticCode
    severity: DiagnosticSeverity
    message: string
    rule?: PlanRule
    index?: number
  },
): void {
  // Built field by field, not with spreads: the network-policy flavour reports every host rule.
  // The fields and their order are those `createDiagnostic` gives, without its copy.
  const diagnostic: Diagnostic = { code, severity, message, format: context.flavour }
  if (rule) {
    diagnostic.ruleId = rule.id
    diagnostic.requirementIds = rule.requirementIds
  }
  if (index !== undefined) diagnostic.path = ['rules', index]
  diagnostic.help = diagnosticCodes[code].fix
  context.diagnostics.push(diagnostic)
}

/** The AML namespace and the namespaces whose pods stand for the compute subnets. */
function sourceNamespacesOf(
  plan: Plan,
  requested?: string,
): { amlNamespace: string; sourceNamespaces: string[] } {
  const inCluster = plan.rules.filter((rule) => rule.direction === 'inCluster')
  const toApiServer = inCluster.find(
    (rule) => rule.destination.kind === 'apiServer' && rule.source.kind === 'pods',
  )
  const derived = toApiServer?.source.kind === 'pods' ? toApiServer.source.namespaces[0] : undefined
  const amlNamespace = requested ?? derived ?? 'azureml'
  const sources = new Set([amlNamespace])
  for (const rule of inCluster)
    if (rule.source.kind === 'pods')
      for (const namespace of rule.source.namespaces)
        if (!SYSTEM_NAMESPACES.has(namespace)) sources.add(namespace)
  return { amlNamespace, sourceNamespaces: [...sources].sort() }
}

function labelsAreValid(labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([k, v]) => isValidLabelKey(k) && isValidLabelValue(v))
}

function podEndpointIsValid(endpoint: RuleEndpoint & { kind: 'pods' }): boolean {
  return endpoint.namespaces.every(isDns1123Label) && labelsAreValid(endpoint.podLabels)
}

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))
}

function podPeers(endpoint: RuleEndpoint & { kind: 'pods' }): NetworkPolicyPeer[] {
  // One peer per namespace, namespaceSelector and podSelector in the SAME element (AND).
  return [...endpoint.namespaces].sort().map((namespace) => ({
    namespaceSelector: { matchLabels: { [NAMESPACE_LABEL]: namespace } },
    ...(Object.keys(endpoint.podLabels).length > 0
      ? { podSelector: { matchLabels: sortedLabels(endpoint.podLabels) } }
      : {}),
  }))
}

const TCP_AND_UDP = ['TCP', 'UDP'] as const
// Shared lists: this runs for every rule.
const TCP_ONLY = ['TCP'] as const
const UDP_ONLY = ['UDP'] as const

function protocolsOf(protocol: Protocol): readonly ('TCP' | 'UDP')[] {
  // ANY in the plan means TCP and UDP; leaving the protocol out would also allow SCTP.
  return protocol === 'ANY' ? TCP_AND_UDP : protocol === 'TCP' ? TCP_ONLY : UDP_ONLY
}

function npPorts(protocol: Protocol, ranges: readonly PortRange[]): NetworkPolicyPort[] {
  const ports: NetworkPolicyPort[] = []
  for (const proto of protocolsOf(protocol)) {
    if (ranges.length === 0) ports.push({ protocol: proto })
    for (const range of ranges)
      ports.push({
        protocol: proto,
        port: range.from,
        ...(range.to > range.from ? { endPort: range.to } : {}),
      })
  }
  return ports
}

function ciliumPorts(protocol: Protocol, ranges: readonly PortRange[]): CiliumPortRule[] {
  const ports: CiliumPort[] = []
  const protocols = protocolsOf(protocol)
  // Index loops: this runs for every rule, where for-of allocated.
  for (let p = 0; p < protocols.length; p++) {
    const proto = protocols[p] as 'TCP' | 'UDP'
    // Port "0" is Cilium's "every port" for the protocol.
    if (ranges.length === 0) ports.push({ port: '0', protocol: proto })
    for (let r = 0; r < ranges.length; r++) {
      const range = ranges[r] as PortRange
      // Field by field, not with a conditional spread: this runs for every port of every rule.
      const port: CiliumPort = { port: String(range.from) }
      if (range.to > range.from) port.endPort = range.to
      port.protocol = proto
      ports.push(port)
    }
  }
  // The CRD allows 40 ports per toPorts entry; one entry (the usual case) needs no copy. There
  // is always a port: each protocol adds at least one.
  if (ports.length <= 40) return [{ ports }]
  const rules: CiliumPortRule[] = []
  for (let i = 0; i < ports.length; i += 40) rules.push({ ports: ports.slice(i, i + 40) })
  return rules
}

type PodSource = { namespace: string; podLabels: Record<string, string> }

/** The pods an outbound rule starts from: the rule's pods, or the source namespaces' pods. */
function sourcesOf(context: Context, source: RuleEndpoint): PodSource[] | undefined {
  if (source.kind === 'pods')
    return [...source.namespaces].sort().map((namespace) => ({
      namespace,
      podLabels: source.podLabels,
    }))
  if (source.kind === 'addresses') return context.addressSources
  return undefined
}

/** True when two sources (sorted) are one namespace, which a plan's pod list may repeat. */
function repeatsNamespace(sources: readonly PodSource[]): boolean {
  for (let i = 1; i < sources.length; i++)
    if (sources[i]?.namespace === sources[i - 1]?.namespace) return true
  return false
}

function ipBlockPeers(cidrs: readonly string[]): NetworkPolicyPeer[] {
  return [...new Set(cidrs.map(canonicalCidr))].sort(compareCidrs).map((cidr) => ({
    ipBlock: { cidr },
  }))
}

function addEgress(
  context: Context,
  { rule, peers, note }: { rule: PlanRule; peers: NetworkPolicyPeer[]; note?: string | undefined },
): void {
  for (const source of sourcesOf(context, rule.source) ?? [])
    context.npEntries.push({
      namespace: source.namespace,
      podLabels: source.podLabels,
      side: 'egress',
      peers,
      ports: npPorts(rule.protocol, rule.ports),
      comment: ruleComment(rule, note),
    })
}

function renderPodRule(context: Context, { rule, index }: { rule: PlanRule; index: number }): void {
  const { source, destination } = rule
  if (
    source.kind !== 'pods' ||
    destination.kind !== 'pods' ||
    !podEndpointIsValid(source) ||
    !podEndpointIsValid(destination)
  ) {
    report(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      severity: 'error',
      message: 'An in-cluster rule has a namespace or pod label that Kubernetes would reject.',
      rule,
      index,
    })
    return
  }
  const skipped = destination.namespaces.filter((namespace) => SYSTEM_NAMESPACES.has(namespace))
  addEgress(context, {
    rule,
    peers: podPeers(destination),
    note:
      skipped.length > 0
        ? `no ingress policy in ${skipped.join(', ')}: it would isolate cluster components`
        : undefined,
  })
  for (const namespace of [...destination.namespaces].sort()) {
    if (SYSTEM_NAMESPACES.has(namespace)) continue
    context.npEntries.push({
      namespace,
      podLabels: destination.podLabels,
      side: 'ingress',
      peers: podPeers(source),
      ports: npPorts(rule.protocol, rule.ports),
      comment: ruleComment(rule),
    })
  }
}

function renderApiServerRule(
  context: Context,
  { rule, index }: { rule: PlanRule; index: number },
): void {
  const { destination } = rule
  if (destination.kind !== 'apiServer') return
  if (context.flavour === 'cilium') {
    // The kube-apiserver entity names the API server whatever its address.
    addCilium(context, {
      rule,
      egress: {
        toEntities: ['kube-apiserver'],
        toPorts: ciliumPorts(rule.protocol, rule.ports),
      },
      needsDns: false,
    })
    return
  }
  const valid = destination.addresses.filter(isIpv4Cidr)
  if (valid.length === 0) {
    report(context, {
      code: 'AML_EGRESS_UNRESOLVED_ADDRESS',
      severity: 'warning',
      message:
        'The Kubernetes API server address is not in the profile (kubernetes.apiServerAddresses), so egress to it is not written: NetworkPolicy can only name it by IP, and allowing 0.0.0.0/0 instead would allow everything. Add the address, or use the cilium format (toEntities: kube-apiserver).',
      rule,
      index,
    })
    return
  }
  addEgress(context, {
    rule,
    peers: ipBlockPeers(valid),
    note: 'the API server address after service translation',
  })
}

function addCilium(
  context: Context,
  { rule, egress, needsDns }: { rule: PlanRule; egress: CiliumEgressRule; needsDns: boolean },
): void {
  const sources = sourcesOf(context, rule.source) ?? []
  const comment = ruleComment(rule)
  // Distinct namespaces put the entries in distinct policies: they share the rule. A repeated
  // namespace puts the rule twice in one policy: each entry gets its own copy sharing the arrays,
  // which only the library writes (with anchors), so that policy is left to the generic writer.
  const repeated = repeatsNamespace(sources)
  for (let at = 0; at < sources.length; at++) {
    const source = sources[at] as PodSource
    context.ciliumEntries.push({
      namespace: source.namespace,
      podLabels: source.podLabels,
      rule: repeated ? { ...egress } : egress,
      sharesObjects: repeated,
      comment,
      needsDns,
    })
  }
}

function wildcardDepth(options: CiliumRenderOptions): number {
  const depth = options.wildcardDepth ?? 2
  return Number.isInteger(depth) ? Math.min(4, Math.max(1, depth)) : 2
}

/** Of the documented equivalents (each contains the host), the one with the fewest addresses. */
function narrowestTag(
  context: Context,
  tags: readonly string[],
): { tag: string; prefixes: TagPrefixes } | undefined {
  const file = context.options.serviceTags
  if (!file) return undefined
  let best: { tag: string; prefixes: TagPrefixes; size: number } | undefined
  for (const tag of tags) {
    const prefixes = lookupServiceTag({ file, tag })
    if (!prefixes || prefixes.ipv4.length === 0) continue
    const size = prefixes.ipv4.reduce(
      (sum, cidr) => sum + 2 ** (32 - Number(cidr.split('/')[1])),
      0,
    )
    if (!best || size < best.size) best = { tag, prefixes, size }
  }
  return best
}

function renderFqdnRule(
  context: Context,
  { rule, index }: { rule: PlanRule; index: number },
): void {
  const { destination } = rule
  if (destination.kind !== 'fqdn') return
  if (!isValidHostPattern(destination.fqdn)) {
    report(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      severity: 'error',
      message: `The host ${JSON.stringify(oneLine(destination.fqdn))} is not a valid host name or *.suffix pattern.`,
      rule,
      index,
    })
    return
  }
  if (destination.urlPath)
    report(context, {
      code: 'AML_EGRESS_TLS_INSPECTION_REQUIRED',
      severity: 'info',
      message: `Only the host ${destination.fqdn} is allowed; the path ${oneLine(destination.urlPath)} cannot be filtered at L3/L4.`,
      rule,
      index,
    })
  if (context.flavour === 'cilium') {
    const depth = wildcardDepth(context.options)
    const selectors = isWildcardPattern(destination.fqdn)
      ? Array.from({ length: depth }, (_, i) => ({
          matchPattern: `${'*.'.repeat(i + 1)}${destination.fqdn.slice(2)}`,
        }))
      : [{ matchName: destination.fqdn }]
    if (isWildcardPattern(destination.fqdn))
      report(context, {
        code: 'AML_EGRESS_LOSSY_TRANSLATION',
        severity: 'info',
        message: `${destination.fqdn} matches one or more labels; Cilium 1.18's * matches inside one label, so ${selectors.map((s) => ('matchPattern' in s ? s.matchPattern : s.matchName)).join(', ')} were written and names with more than ${depth} labels in front of ${destination.fqdn.slice(2)} stay denied. The apex is never matched.`,
        rule,
        index,
      })
    addCilium(context, {
      rule,
      egress: { toFQDNs: selectors, toPorts: ciliumPorts(rule.protocol, rule.ports) },
      needsDns: true,
    })
    return
  }
  const fallback = narrowestTag(context, rule.serviceTagFallbacks)
  const tag = fallback?.tag ?? rule.serviceTagFallbacks[0]
  const prefixes = fallback?.prefixes
  if (tag && prefixes) {
    report(context, {
      code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
      severity: 'warning',
      message: `NetworkPolicy cannot name ${destination.fqdn}; its documented service tag ${tag} was rendered as ${prefixes.ipv4.length} ipBlock(s), which also reach other hosts in that tag.`,
      rule,
      index,
    })
    addEgress(context, { rule, peers: ipBlockPeers(prefixes.ipv4), note: `service tag ${tag}` })
    return
  }
  report(context, {
    code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
    severity: 'warning',
    message: `NetworkPolicy cannot name hosts (${destination.fqdn}${unsupportedHostAdvice(tag)}`,
    rule,
    index,
  })
}

/** The end of the message for a host NetworkPolicy cannot name, by tag: a fleet has a few. */
const hostAdvice = new Map<string | undefined, string>()

function unsupportedHostAdvice(tag: string | undefined): string {
  let text = hostAdvice.get(tag)
  if (text === undefined) {
    text = `). Use the cilium format (toFQDNs)${tag ? `, or pass a service-tags file containing ${tag}` : ''}.`
    // Tags come from plans: capped, so a process rendering many plans does not grow.
    if (hostAdvice.size < 1024) hostAdvice.set(tag, text)
  }
  return text
}

function renderServiceTagRule(
  context: Context,
  { rule, index }: { rule: PlanRule; index: number },
): void {
  const { destination } = rule
  if (destination.kind !== 'serviceTag') return
  const prefixes = context.options.serviceTags
    ? lookupServiceTag({ file: context.options.serviceTags, tag: destination.tag })
    : undefined
  if (!prefixes || prefixes.ipv4.length === 0) {
    report(context, {
      code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
      severity: 'warning',
      message: context.options.serviceTags
        ? `The service-tags file has no IPv4 ranges for ${oneLine(destination.tag)}.`
        : `Kubernetes policies cannot name the service tag ${oneLine(destination.tag)}. Pass the Azure service-tags file (ServiceTags_Public.json) as the serviceTags option to render it as ipBlocks.`,
      rule,
      index,
    })
    return
  }
  if (prefixes.ipv6Omitted > 0)
    report(context, {
      code: 'AML_EGRESS_LOSSY_TRANSLATION',
      severity: 'info',
      message: `${prefixes.ipv6Omitted} IPv6 prefix(es) of ${destination.tag} were left out: the plan is IPv4.`,
      rule,
      index,
    })
  addEgress(context, {
    rule,
    peers: ipBlockPeers(prefixes.ipv4),
    note: `service tag ${oneLine(destination.tag)} (snapshot of the service-tags file)`,
  })
}

function renderRule(context: Context, { rule, index }: { rule: PlanRule; index: number }): void {
  if (rule.direction === 'inbound') {
    report(context, {
      code: 'AML_EGRESS_NOT_EGRESS',
      severity: 'warning',
      message:
        'Inbound traffic to the compute subnets is not pod traffic: Kubernetes policies do not filter it. Allow it in the subnet NSG.',
      rule,
      index,
    })
    return
  }
  if (!sourcesOf(context, rule.source)) {
    report(context, {
      code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
      severity: 'warning',
      message: `The rule's source (${rule.source.kind}) is not a pod, so no pod policy can express it.`,
      rule,
      index,
    })
    return
  }
  const { destination } = rule
  switch (destination.kind) {
    case 'pods':
      renderPodRule(context, { rule, index })
      return
    case 'apiServer':
      renderApiServerRule(context, { rule, index })
      return
    case 'fqdn':
      renderFqdnRule(context, { rule, index })
      return
    case 'serviceTag':
      renderServiceTagRule(context, { rule, index })
      return
    case 'addresses': {
      const valid = destination.addresses.filter(isIpv4Cidr)
      if (valid.length !== destination.addresses.length || valid.length === 0) {
        report(context, {
          code: 'AML_EGRESS_INVALID_INPUT',
          severity: 'error',
          message: 'A destination address is not an IPv4 CIDR.',
          rule,
          index,
        })
        return
      }
      addEgress(context, { rule, peers: ipBlockPeers(valid) })
      return
    }
  }
}

function slugOf(labels: Record<string, string>): string {
  const text = Object.entries(sortedLabels(labels))
    .map(([key, value]) => `${key.split('/').pop() ?? key}-${value}`)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '')
  return text === '' ? 'all-pods' : text
}

/** Unique, DNS-1123 names per namespace, decided in sorted order so they never reshuffle. */
function nameGroups<T extends { namespace: string; podLabels: Record<string, string> }>(
  entries: readonly T[],
  prefix: (entry: T) => string,
): { name: string; namespace: string; podLabels: Record<string, string>; entries: T[] }[] {
  type Group = {
    namespace: string
    podLabels: Record<string, string>
    entries: T[]
    prefix: string
  }
  const groups = new Map<string, Group>()
  // Entries in a row mostly share their namespace and label object: those skip the key.
  let last: { entry: T; prefix: string; group: Group } | undefined
  for (let at = 0; at < entries.length; at++) {
    const entry = entries[at] as T
    const entryPrefix = prefix(entry)
    let group =
      last !== undefined &&
      entry.podLabels === last.entry.podLabels &&
      entry.namespace === last.entry.namespace &&
      entryPrefix === last.prefix
        ? last.group
        : undefined
    if (group === undefined) {
      const labels =
        Object.keys(entry.podLabels).length === 0
          ? '{}'
          : JSON.stringify(sortedLabels(entry.podLabels))
      const key = `${entry.namespace}\u0000${entryPrefix}\u0000${labels}`
      group = groups.get(key)
      if (group === undefined) {
        group = {
          namespace: entry.namespace,
          podLabels: sortedLabels(entry.podLabels),
          entries: [],
          prefix: entryPrefix,
        }
        groups.set(key, group)
      }
      last = { entry, prefix: entryPrefix, group }
    }
    group.entries.push(entry)
  }
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const used = new Set<string>()
  return sorted.map(([, group]) => {
    const base = `${group.prefix}-${slugOf(group.podLabels)}`
    let name = base
    for (let n = 2; used.has(`${group.namespace}/${name}`); n++) name = `${base}-${n}`
    used.add(`${group.namespace}/${name}`)
    return { name, namespace: group.namespace, podLabels: group.podLabels, entries: group.entries }
  })
}

function metadata(
  context: Context,
  { name, namespace }: { name: string; namespace: string },
): NetworkPolicy['metadata'] {
  return {
    name,
    namespace,
    labels: { ...MANAGED_BY },
    annotations: {
      'aml-egress.io/catalog-version': context.plan.catalog.version,
      'aml-egress.io/doc-date': context.plan.catalog.docDate,
      'aml-egress.io/source-namespace': context.amlNamespace,
      // The compute subnets these pods stand for, so a reader maps subnet flows back to them.
      'aml-egress.io/source-addresses': context.plan.sourceAddresses
        .filter(isIpv4Cidr)
        .map(canonicalCidr)
        .join(','),
    },
  }
}

function selector(labels: Record<string, string>): LabelSelector {
  return Object.keys(labels).length > 0 ? { matchLabels: labels } : {}
}

type Rendered = {
  document: NetworkPolicy | CiliumNetworkPolicy
  comment: string
  items: string[]
  /** Writes items of the commented list directly (see `writePolicyYaml`). */
  writeItem?: ItemWriter
}

function buildNetworkPolicies(context: Context): Rendered[] {
  const rendered: Rendered[] = []
  if (context.options.defaultDeny)
    rendered.push({
      document: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: metadata(context, {
          name: 'aml-egress-default-deny',
          namespace: context.amlNamespace,
        }),
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      },
      comment: `Default deny: every pod in ${context.amlNamespace} is isolated for ingress and egress; only the policies below allow traffic.`,
      items: [],
    })
  // Outbound rules mean the source pods are meant to be restricted: isolate their egress even when
  // no rule could be expressed, so an unexpressible plan never ends as an open namespace.
  const placeholders: NpEntry[] = context.plan.rules.some((rule) => rule.direction === 'outbound')
    ? context.sourceNamespaces.map((namespace) => ({
        placeholder: true,
        namespace,
        podLabels: {},
        side: 'egress',
        peers: [],
        ports: [],
        comment: '',
      }))
    : []
  const groups = nameGroups([...placeholders, ...context.npEntries], (entry) =>
    entry.side === 'egress' ? 'aml-egress-from' : 'aml-egress-to',
  )
  for (const group of groups) {
    const side = group.entries[0]?.side ?? 'egress'
    const entries = group.entries.filter((entry) => !entry.placeholder)
    const who =
      Object.keys(group.podLabels).length > 0
        ? `pods labelled ${Object.entries(group.podLabels)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`
        : 'all pods'
    const spec: NetworkPolicy['spec'] =
      side === 'egress'
        ? {
            podSelector: selector(group.podLabels),
            policyTypes: ['Egress'],
            ...(entries.length > 0
              ? { egress: entries.map((entry) => ({ to: entry.peers, ports: entry.ports })) }
              : {}),
          }
        : {
            podSelector: selector(group.podLabels),
            policyTypes: ['Ingress'],
            ingress: entries.map((entry) => ({ from: entry.peers, ports: entry.ports })),
          }
    rendered.push({
      document: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: metadata(context, { name: group.name, namespace: group.namespace }),
        spec,
      },
      comment: `${side === 'egress' ? 'Egress from' : 'Ingress to'} ${oneLine(who)} in ${group.namespace}.${
        entries.length === 0 ? ' No rule could be expressed here, so all egress is denied.' : ''
      }`,
      items: entries.map((entry) => entry.comment),
    })
  }
  return rendered
}

function kubeDnsPeer(plan: Plan): LabelSelector {
  // The plan's in-cluster DNS rule names the DNS pods; CoreDNS keeps the k8s-app=kube-dns label.
  const dns = plan.rules.find(
    (rule) =>
      rule.direction === 'inCluster' &&
      rule.destination.kind === 'pods' &&
      rule.ports.some((range) => range.from <= 53 && 53 <= range.to),
  )
  const destination = dns?.destination.kind === 'pods' ? dns.destination : undefined
  const namespace = destination?.namespaces[0] ?? 'kube-system'
  const labels = destination?.podLabels ?? { 'k8s-app': 'kube-dns' }
  return {
    matchLabels: {
      'k8s:io.kubernetes.pod.namespace': namespace,
      ...Object.fromEntries(
        Object.entries(sortedLabels(labels)).map(([key, value]) => [`k8s:${key}`, value]),
      ),
    },
  }
}

function buildCiliumPolicies(context: Context): Rendered[] {
  const rendered: Rendered[] = []
  for (const group of nameGroups(context.ciliumEntries, () => 'aml-egress-cilium-from')) {
    const rules = group.entries.map((entry) => entry.rule)
    const items = group.entries.map((entry) => entry.comment)
    if (group.entries.some((entry) => entry.needsDns)) {
      rules.unshift({
        toEndpoints: [kubeDnsPeer(context.plan)],
        toPorts: [
          {
            ports: [
              { port: '53', protocol: 'UDP' },
              { port: '53', protocol: 'TCP' },
            ],
            rules: { dns: [{ matchPattern: '*' }] },
          },
        ],
      })
      items.unshift(
        'DNS through the Cilium DNS proxy: toFQDNs only learn addresses from answers the proxy sees',
      )
    }
    const endpointSelector: LabelSelector =
      Object.keys(group.podLabels).length > 0
        ? {
            matchLabels: Object.fromEntries(
              Object.entries(group.podLabels).map(([key, value]) => [`k8s:${key}`, value]),
            ),
          }
        : {}
    rendered.push({
      document: {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata: metadata(context, { name: group.name, namespace: group.namespace }),
        spec: { endpointSelector, egress: rules },
      },
      comment: `Egress by name (toFQDNs) and to the API server from ${
        Object.keys(group.podLabels).length > 0 ? 'selected pods' : 'all pods'
      } in ${group.namespace}.`,
      items,
      // Plan rules share no objects (unless one names a namespace twice): the direct item writer.
      ...(group.entries.some((entry) => entry.sharesObjects)
        ? {}
        : { writeItem: writeCiliumEgressItem }),
    })
  }
  return rendered
}

function serialise({
  context,
  rendered,
  title,
}: {
  context: Context
  rendered: Rendered[]
  title: string
}): string {
  const header = [
    `# ${title}`,
    '# Generated by aml-egress: Azure Machine Learning network requirements for Kubernetes compute.',
    `# Catalog ${oneLine(context.plan.catalog.version)}, Microsoft Learn docs as of ${oneLine(context.plan.catalog.docDate)}.`,
    `# Apply with: kubectl apply -f <this file>. Pods of ${context.amlNamespace} stand for the compute subnets.`,
  ]
  if (context.options.serviceTags)
    header.push(
      `# ipBlocks from the Azure service-tags file${
        context.options.serviceTags.changeNumber !== undefined
          ? ` (changeNumber ${context.options.serviceTags.changeNumber})`
          : ''
      }: a snapshot, re-render when Microsoft publishes a new file.`,
    )
  const documents = rendered
    .sort((a, b) => {
      const ka = `${a.document.metadata.namespace}/${a.document.metadata.name}`
      const kb = `${b.document.metadata.namespace}/${b.document.metadata.name}`
      return ka < kb ? -1 : ka > kb ? 1 : 0
    })
    .map(({ document, comment, items, writeItem }) => {
      // The direct writer is the fast path; the library writes whatever it does not know.
      const written = writePolicyYaml({
        document,
        comment: oneLine(comment),
        // Items are one line already (ruleComment).
        itemComments: items.map((text) => text || undefined),
        ...(writeItem ? { writeItem } : {}),
      })
      if (written !== undefined) return `---\n${written}`
      const doc = new Document(document)
      doc.commentBefore = ` ${oneLine(comment)}`
      const spec = doc.get('spec', true)
      if (isMap(spec)) {
        const list = spec.get('egress', true) ?? spec.get('ingress', true)
        if (isSeq(list))
          list.items.forEach((item, i) => {
            const text = items[i]
            if (text) (item as Node).commentBefore = ` ${oneLine(text)}`
          })
      }
      return `---\n${doc.toString({ lineWidth: 0 })}`
    })
  return `${header.join('\n')}\n${documents.join('')}`
}

function createContext({
  plan,
  flavour,
  options,
}: {
  plan: Plan
  flavour: Flavour
  options: CiliumRenderOptions
}): Context {
  const requested =
    options.namespace !== undefined && isDns1123Label(options.namespace)
      ? options.namespace
      : undefined
  const { amlNamespace, sourceNamespaces } = sourceNamespacesOf(plan, requested)
  const context: Context = {
    plan,
    flavour,
    options,
    amlNamespace,
    sourceNamespaces,
    addressSources: sourceNamespaces.map((namespace) => ({ namespace, podLabels: {} })),
    diagnostics: [],
    npEntries: [],
    ciliumEntries: [],
  }
  if (options.namespace !== undefined && requested === undefined)
    report(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      severity: 'error',
      message: `The namespace option ${JSON.stringify(oneLine(options.namespace))} is not a DNS label; ${context.amlNamespace} was used.`,
    })
  return context
}

function checked(context: Context, rendered: Rendered[]): Rendered[] {
  // The last gate before writing: a document the API server would reject is left out, loudly.
  return rendered.filter(({ document }) => {
    const problems =
      document.kind === 'NetworkPolicy'
        ? validateNetworkPolicy(document)
        : validateCiliumNetworkPolicy(document)
    if (problems.length > 0)
      report(context, {
        code: 'AML_EGRESS_INVALID_INPUT',
        severity: 'error',
        message: `${document.metadata.name} was not written: ${problems.join('; ')}`,
      })
    return problems.length === 0
  })
}

function render({
  plan,
  flavour,
  options,
}: {
  plan: Plan
  flavour: Flavour
  options: CiliumRenderOptions
}): RenderResult {
  const context = createContext({ plan, flavour, options })
  plan.rules.forEach((rule, index) => {
    renderRule(context, { rule, index })
  })
  const files: RenderedFile[] = []
  const cilium = checked(context, buildCiliumPolicies(context))
  if (cilium.length > 0)
    files.push({
      path: ciliumPolicyFile,
      contents: serialise({
        context,
        rendered: cilium,
        title:
          'CiliumNetworkPolicy (cilium.io/v2, Cilium 1.18): egress by host name and to the API server.',
      }),
    })
  const policies = checked(context, buildNetworkPolicies(context))
  if (policies.length > 0)
    files.push({
      path: networkPolicyFile,
      contents: serialise({
        context,
        rendered: policies,
        title: 'NetworkPolicy (networking.k8s.io/v1): in-cluster flows and egress by address.',
      }),
    })
  files.sort((a, b) => (a.path < b.path ? -1 : 1))
  return { files, diagnostics: sortDiagnostics(context.diagnostics) }
}

/**
 * Renders a plan as plain Kubernetes NetworkPolicies (`kubernetes/network-policies.yaml`).
 * Hosts need the service-tags option (ipBlocks) or get an unsupported-feature diagnostic.
 * @example renderNetworkPolicies({ plan, options: { defaultDeny: true } }).files[0]?.path // 'kubernetes/network-policies.yaml'
 */
export function renderNetworkPolicies({
  plan,
  options = {},
}: {
  plan: Plan
  options?: NetworkPolicyRenderOptions | undefined
}): RenderResult {
  return render({ plan, flavour: 'network-policy', options })
}

/**
 * Renders a plan for Cilium: CiliumNetworkPolicies for hosts (toFQDNs) and the API server
 * (toEntities), plus NetworkPolicies for the in-cluster flows and address rules.
 * @example renderCiliumPolicies({ plan }).files.map((f) => f.path) // ['kubernetes/cilium-network-policies.yaml', 'kubernetes/network-policies.yaml']
 */
export function renderCiliumPolicies({
  plan,
  options = {},
}: {
  plan: Plan
  options?: CiliumRenderOptions | undefined
}): RenderResult {
  return render({ plan, flavour: 'cilium', options })
}
