import {
  canonicalCidr,
  compareCidrs,
  compareOrdinal,
  createDiagnostic,
  createDiagnosticSink,
  type DiagnosticDetailOption,
  type DiagnosticInput,
  type DiagnosticSink,
  formatPortRanges,
  isIpv4Cidr,
  isValidHostPattern,
  isWildcardPattern,
  type Plan,
  type Protocol,
  type RenderResult,
  type RuleEndpoint,
  sortDiagnostics,
  type TriagedRule,
  triagePlan,
} from '@aml-egress/core'
import { type CiliumDraft, type CiliumHostItem, ciliumDraftOf } from './ciliumDrafts'
import { ciliumDescriptor, type FlavourDescriptor, networkPolicyDescriptor } from './descriptors'
import type {
  CiliumEgressRule,
  CiliumFqdnSelector,
  CiliumPort,
  CiliumPortRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  ServiceTagsFile,
} from './model'
import { oneLine, policyFiles, ruleComment, SYSTEM_NAMESPACES, sortedLabels } from './policies'
import { lookupServiceTag, type TagPrefixes } from './serviceTags'
import { isDns1123Label, isValidLabelKey, isValidLabelValue } from './validate'

/** Options of the plain NetworkPolicy rendering. */
export type NetworkPolicyRenderOptions = DiagnosticDetailOption & {
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

/** Pods that stand for one side of a rule: a namespace and a label selection in it. */
export type PodSource = {
  namespace: string
  /** In key order (`sortedLabels`): the policy's selector and part of its name. */
  podLabels: Readonly<Record<string, string>>
}

/** Pods a rule starts from. */
export type RuleSource = PodSource & {
  /** Namespace and labels as one text: names the Cilium policy their egress goes to. */
  policyKey: string
}

/** A rule entry waiting for its NetworkPolicy: one `egress`/`ingress` item with its comment. */
export type NpEntry = PodSource & {
  /** Only makes the policy exist: egress isolation even when no rule could be expressed. */
  placeholder?: boolean
  side: 'egress' | 'ingress'
  peers: NetworkPolicyPeer[]
  ports: NetworkPolicyPort[]
  comment: string
  /** Another entry of the same policy holds the same objects (see `repeatsNamespace`). */
  sharesObjects: boolean
}

/** One render: the plan, the flavour, and what the rules became so far. */
export type Context = {
  plan: Plan
  flavour: FlavourDescriptor<unknown>['name']
  options: CiliumRenderOptions
  amlNamespace: string
  sourceNamespaces: string[]
  /** The pods that stand for the compute subnets: the sources of rules from addresses. */
  addressSources: RuleSource[]
  diagnostics: DiagnosticSink
  npEntries: NpEntry[]
  /** The CiliumNetworkPolicies being built, by `policyKey`. */
  ciliumDrafts: Map<string, CiliumDraft>
  /** The text of each port or requirement list in merge keys (see `hostItemKey`). */
  listTexts: Map<readonly unknown[], string>
}

/** Path of the plain NetworkPolicy output file. */
export const networkPolicyFile = 'kubernetes/network-policies.yaml'
/** Path of the CiliumNetworkPolicy output file. */
export const ciliumPolicyFile = 'kubernetes/cilium-network-policies.yaml'

function report(context: Context, input: Omit<DiagnosticInput, 'format'>): void {
  const { rule, index } = input
  if (rule && index !== undefined)
    context.diagnostics.add({ ...input, rule, index, format: context.flavour })
  else context.diagnostics.push(createDiagnostic({ ...input, format: context.flavour }))
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
  return { amlNamespace, sourceNamespaces: [...sources].sort(compareOrdinal) }
}

type Pods = RuleEndpoint & { kind: 'pods' }

function podEndpointIsValid(endpoint: Pods): boolean {
  return (
    endpoint.namespaces.every(isDns1123Label) &&
    Object.entries(endpoint.podLabels).every(
      ([key, value]) => isValidLabelKey(key) && isValidLabelValue(value),
    )
  )
}

function podPeers(endpoint: Pods): NetworkPolicyPeer[] {
  // One peer per namespace, namespaceSelector and podSelector in the SAME element (AND).
  return [...endpoint.namespaces].sort(compareOrdinal).map((namespace) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    ...(Object.keys(endpoint.podLabels).length > 0
      ? { podSelector: { matchLabels: sortedLabels(endpoint.podLabels) } }
      : {}),
  }))
}

function protocolsOf(protocol: Protocol): ('TCP' | 'UDP')[] {
  // ANY in the plan means TCP and UDP; leaving the protocol out would also allow SCTP.
  return protocol === 'ANY' ? ['TCP', 'UDP'] : [protocol]
}

function npPorts({ protocol, ports }: TriagedRule): NetworkPolicyPort[] {
  const written: NetworkPolicyPort[] = []
  for (const proto of protocolsOf(protocol)) {
    if (ports.length === 0) written.push({ protocol: proto })
    for (const { from, to } of ports)
      written.push(
        to > from ? { protocol: proto, port: from, endPort: to } : { protocol: proto, port: from },
      )
  }
  return written
}

/** The CRD allows 40 ports per toPorts entry. */
const CILIUM_PORTS_PER_RULE = 40

function ciliumPorts({ protocol, ports }: TriagedRule): CiliumPortRule[] {
  const written: CiliumPort[] = []
  for (const proto of protocolsOf(protocol)) {
    // Port "0" is Cilium's "every port" for the protocol.
    if (ports.length === 0) written.push({ port: '0', protocol: proto })
    for (const { from, to } of ports)
      written.push(
        to > from
          ? { port: String(from), endPort: to, protocol: proto }
          : { port: String(from), protocol: proto },
      )
  }
  const rules: CiliumPortRule[] = []
  for (let at = 0; at < written.length; at += CILIUM_PORTS_PER_RULE)
    rules.push({ ports: written.slice(at, at + CILIUM_PORTS_PER_RULE) })
  return rules
}

/** The pods an outbound rule starts from: the rule's pods, or the source namespaces' pods. */
function sourcesOf(context: Context, source: RuleEndpoint): RuleSource[] | undefined {
  if (source.kind === 'pods')
    return ruleSources([...source.namespaces].sort(compareOrdinal), sortedLabels(source.podLabels))
  if (source.kind === 'addresses') return context.addressSources
  return undefined
}

/** The pods with these labels in each namespace, as rule sources. */
function ruleSources(
  namespaces: readonly string[],
  podLabels: Readonly<Record<string, string>>,
): RuleSource[] {
  const labels = JSON.stringify(podLabels)
  return namespaces.map((namespace) => ({
    namespace,
    podLabels,
    policyKey: `${namespace}\u0000${labels}`,
  }))
}

/**
 * A plan's pod list may name a namespace twice, which puts a rule twice in one policy, the two
 * items (or one host item's two names) sharing its objects: the YAML library writes those as
 * anchors, as it always has.
 */
function repeatsNamespace(sources: readonly RuleSource[]): boolean {
  // Sources come sorted by namespace.
  return sources.some((source, at) => at > 0 && source.namespace === sources[at - 1]?.namespace)
}

function ipBlockPeers(cidrs: readonly string[]): NetworkPolicyPeer[] {
  return [...new Set(cidrs.map(canonicalCidr))].sort(compareCidrs).map((cidr) => ({
    ipBlock: { cidr },
  }))
}

/** NetworkPolicy egress from the rule's sources to `peers`; `note` ends the item's comment. */
function addEgress(
  context: Context,
  triaged: TriagedRule,
  sources: readonly RuleSource[],
  { peers, note }: { peers: NetworkPolicyPeer[]; note?: string | undefined },
): void {
  const comment = ruleComment(triaged.rule, note)
  const sharesObjects = repeatsNamespace(sources)
  for (const { namespace, podLabels } of sources)
    context.npEntries.push({
      namespace,
      podLabels,
      side: 'egress',
      peers,
      ports: npPorts(triaged),
      comment,
      sharesObjects,
    })
}

/** Cilium egress from the rule's sources: an item of its own in each source's policy. */
function addCilium(
  context: Context,
  triaged: TriagedRule,
  sources: readonly RuleSource[],
  egress: CiliumEgressRule,
): void {
  const sharesObjects = repeatsNamespace(sources)
  for (const source of sources) {
    const draft = ciliumDraftOf(context.ciliumDrafts, source)
    draft.sharesObjects ||= sharesObjects
    // One object per item, sharing the lists: what the library has always written for this.
    draft.items.push({
      rule: sharesObjects ? { ...egress } : egress,
      first: triaged.rule,
      hosts: 1,
    })
  }
}

/**
 * Host rules that may share one egress item, which lists their names: equal direction,
 * protocol, ports (which alone decide `toPorts`) and requirements.
 */
function hostItemKey(context: Context, { rule, protocol, ports }: TriagedRule): string {
  // A fleet's rules share a few dozen port and requirement lists: one text per list.
  const texts = context.listTexts
  let portsText = texts.get(ports)
  if (portsText === undefined) {
    portsText = formatPortRanges(ports).join()
    texts.set(ports, portsText)
  }
  let requirementsText = texts.get(rule.requirementIds)
  if (requirementsText === undefined) {
    requirementsText = rule.requirementIds.join()
    texts.set(rule.requirementIds, requirementsText)
  }
  return `${rule.direction}/${rule.protocol}\u0000${protocol} ${portsText}\u0000${requirementsText}`
}

/** Cilium egress by name: the names join the item of their key in each source's policy. */
function addCiliumHosts(
  context: Context,
  triaged: TriagedRule,
  sources: readonly RuleSource[],
  selectors: readonly CiliumFqdnSelector[],
): void {
  const key = hostItemKey(context, triaged)
  const sharesObjects = repeatsNamespace(sources)
  for (const source of sources) {
    const draft = ciliumDraftOf(context.ciliumDrafts, source)
    draft.sharesObjects ||= sharesObjects
    draft.needsDns = true
    const item = draft.hostItems.get(key)
    if (item) {
      for (const selector of selectors) item.rule.toFQDNs.push(selector)
      item.hosts++
      continue
    }
    const created: CiliumHostItem = {
      rule: { toFQDNs: [...selectors], toPorts: ciliumPorts(triaged) },
      first: triaged.rule,
      hosts: 1,
    }
    draft.hostItems.set(key, created)
    draft.items.push(created)
  }
}

function renderPodRule(
  context: Context,
  triaged: TriagedRule,
  sources: readonly RuleSource[],
): void {
  const { rule, index } = triaged
  const { source, destination } = rule
  if (
    source.kind !== 'pods' ||
    destination.kind !== 'pods' ||
    !podEndpointIsValid(source) ||
    !podEndpointIsValid(destination)
  ) {
    report(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      message: 'An in-cluster rule has a namespace or pod label that Kubernetes would reject.',
      rule,
      index,
    })
    return
  }
  const skipped = destination.namespaces.filter((namespace) => SYSTEM_NAMESPACES.has(namespace))
  addEgress(context, triaged, sources, {
    peers: podPeers(destination),
    note:
      skipped.length > 0
        ? `no ingress policy in ${skipped.join(', ')}: it would isolate cluster components`
        : undefined,
  })
  const podLabels = sortedLabels(destination.podLabels)
  for (const namespace of [...destination.namespaces].sort(compareOrdinal)) {
    if (SYSTEM_NAMESPACES.has(namespace)) continue
    context.npEntries.push({
      namespace,
      podLabels,
      side: 'ingress',
      peers: podPeers(source),
      ports: npPorts(triaged),
      comment: ruleComment(rule),
      sharesObjects: false,
    })
  }
}

function renderApiServerRule(
  context: Context,
  triaged: TriagedRule,
  sources: readonly RuleSource[],
): void {
  const { rule, index } = triaged
  if (rule.destination.kind !== 'apiServer') return
  if (context.flavour === 'cilium') {
    // The kube-apiserver entity names the API server whatever its address.
    addCilium(context, triaged, sources, {
      toEntities: ['kube-apiserver'],
      toPorts: ciliumPorts(triaged),
    })
    return
  }
  const valid = rule.destination.addresses.filter(isIpv4Cidr)
  if (valid.length === 0) {
    report(context, {
      code: 'AML_EGRESS_UNRESOLVED_ADDRESS',
      message:
        'The Kubernetes API server address is not in the profile (kubernetes.apiServerAddresses), so egress to it is not written: NetworkPolicy can only name it by IP, and allowing 0.0.0.0/0 instead would allow everything. Add the address, or use the cilium format (toEntities: kube-apiserver).',
      rule,
      index,
    })
    return
  }
  addEgress(context, triaged, sources, {
    peers: ipBlockPeers(valid),
    note: 'the API server address after service translation',
  })
}

function wildcardDepth(options: CiliumRenderOptions): number {
  const depth = options.wildcardDepth ?? 2
  return Number.isInteger(depth) ? Math.min(4, Math.max(1, depth)) : 2
}

/** Cilium toFQDNs for a host: its name, or its wildcard one pattern per label depth. */
function renderFqdnSelectors(
  context: Context,
  { triaged, sources }: { triaged: TriagedRule; sources: readonly RuleSource[] },
  fqdn: string,
): void {
  const { rule, index } = triaged
  let selectors: CiliumFqdnSelector[] = [{ matchName: fqdn }]
  if (isWildcardPattern(fqdn)) {
    const depth = wildcardDepth(context.options)
    const suffix = fqdn.slice(2)
    const patterns = Array.from({ length: depth }, (_, i) => `${'*.'.repeat(i + 1)}${suffix}`)
    selectors = patterns.map((matchPattern) => ({ matchPattern }))
    report(context, {
      code: 'AML_EGRESS_LOSSY_TRANSLATION',
      message: `${fqdn} matches one or more labels; Cilium 1.18's * matches inside one label, so ${patterns.join(', ')} were written and names with more than ${depth} labels in front of ${suffix} stay denied. The apex is never matched.`,
      rule,
      index,
    })
  }
  addCiliumHosts(context, triaged, sources, selectors)
}

/** Of the documented equivalents (each contains the host), the one with the fewest addresses. */
function narrowestTag(
  file: ServiceTagsFile,
  tags: readonly string[],
): { tag: string; prefixes: TagPrefixes } | undefined {
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

/** NetworkPolicy cannot name the host: its narrowest documented service tag, as ipBlocks. */
function renderViaServiceTag(
  context: Context,
  { triaged, sources }: { triaged: TriagedRule; sources: readonly RuleSource[] },
  fqdn: string,
): void {
  const { rule, index } = triaged
  const tags = rule.serviceTagFallbacks
  const fallback = context.options.serviceTags && narrowestTag(context.options.serviceTags, tags)
  if (!fallback) {
    report(context, {
      code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
      message: `NetworkPolicy cannot name hosts (${fqdn}), and the service-tags file has no IPv4 ranges for its documented service tags (${oneLine(tags.join(', '))}).`,
      help: `Use the cilium format (toFQDNs), or a service-tags file that lists ${oneLine(tags.join(' or '))}.`,
      rule,
      index,
    })
    return
  }
  const { tag, prefixes } = fallback
  report(context, {
    code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
    message: `NetworkPolicy cannot name ${fqdn}; its documented service tag ${tag} was rendered as ${prefixes.ipv4.length} ipBlock(s), which also reach other hosts in that tag.`,
    rule,
    index,
  })
  addEgress(context, triaged, sources, {
    peers: ipBlockPeers(prefixes.ipv4),
    note: `service tag ${tag}`,
  })
}

function renderHostRule(
  context: Context,
  triaged: TriagedRule,
  sources: readonly RuleSource[],
): void {
  const { rule, index } = triaged
  if (rule.destination.kind !== 'fqdn') return
  const { fqdn } = rule.destination
  if (!isValidHostPattern(fqdn)) {
    report(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      message: `The host ${JSON.stringify(oneLine(fqdn))} is not a valid host name or *.suffix pattern.`,
      rule,
      index,
    })
    return
  }
  // Triage hands over host rules only to a flavour that names hosts (Cilium), or for their tag.
  if (triaged.viaServiceTagFallback) renderViaServiceTag(context, { triaged, sources }, fqdn)
  else renderFqdnSelectors(context, { triaged, sources }, fqdn)
}

/** A service tag, which triage hands over only with a service-tags file: its IPv4 ranges. */
function renderServiceTagRule(
  context: Context,
  triaged: TriagedRule,
  sources: readonly RuleSource[],
): void {
  const { rule, index } = triaged
  if (rule.destination.kind !== 'serviceTag') return
  const tag = oneLine(rule.destination.tag)
  const file = context.options.serviceTags
  const prefixes = file && lookupServiceTag({ file, tag: rule.destination.tag })
  if (!prefixes || prefixes.ipv4.length === 0) {
    report(context, {
      code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
      message: `The service-tags file has no IPv4 ranges for ${tag}.`,
      rule,
      index,
    })
    return
  }
  if (prefixes.ipv6Omitted > 0)
    report(context, {
      code: 'AML_EGRESS_LOSSY_TRANSLATION',
      message: `${prefixes.ipv6Omitted} IPv6 prefix(es) of ${tag} were left out: the plan is IPv4.`,
      rule,
      index,
    })
  addEgress(context, triaged, sources, {
    peers: ipBlockPeers(prefixes.ipv4),
    note: `service tag ${tag} (snapshot of the service-tags file)`,
  })
}

function renderAddressRule(
  context: Context,
  triaged: TriagedRule,
  sources: readonly RuleSource[],
): void {
  const { rule, index } = triaged
  if (rule.destination.kind !== 'addresses') return
  const { addresses } = rule.destination
  const valid = addresses.filter(isIpv4Cidr)
  if (valid.length !== addresses.length || valid.length === 0) {
    report(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      message: 'A destination address is not an IPv4 CIDR.',
      rule,
      index,
    })
    return
  }
  addEgress(context, triaged, sources, { peers: ipBlockPeers(valid) })
}

/** Rules by destination kind. */
const renderers: Record<
  RuleEndpoint['kind'],
  (context: Context, triaged: TriagedRule, sources: readonly RuleSource[]) => void
> = {
  pods: renderPodRule,
  apiServer: renderApiServerRule,
  fqdn: renderHostRule,
  serviceTag: renderServiceTagRule,
  addresses: renderAddressRule,
}

/** One rule the flavour can express, into entries (or a diagnostic of this format's own). */
function renderRule(context: Context, triaged: TriagedRule): void {
  const { rule, index } = triaged
  const sources = sourcesOf(context, rule.source)
  if (!sources) {
    report(context, {
      code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
      message: `The rule's source (${rule.source.kind}) is not a pod, so no pod policy can express it.`,
      rule,
      index,
    })
    return
  }
  renderers[rule.destination.kind](context, triaged, sources)
}

function createContext(
  plan: Plan,
  flavour: Context['flavour'],
  options: CiliumRenderOptions,
): Context {
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
    addressSources: ruleSources(sourceNamespaces, {}),
    diagnostics: createDiagnosticSink(options.diagnostics),
    npEntries: [],
    ciliumDrafts: new Map(),
    listTexts: new Map(),
  }
  if (options.namespace !== undefined && requested === undefined)
    report(context, {
      code: 'AML_EGRESS_INVALID_INPUT',
      message: `The namespace option ${JSON.stringify(oneLine(options.namespace))} is not a DNS label; ${amlNamespace} was used.`,
    })
  return context
}

function render(
  plan: Plan,
  descriptor: Pick<FlavourDescriptor<unknown>, 'name' | 'capabilities' | 'unsupportedHelp'>,
  options: CiliumRenderOptions,
): RenderResult {
  const context = createContext(plan, descriptor.name, options)
  // With a service-tags file both flavours name service tags (as ipBlocks), and so hosts too
  // through their documented tags.
  const capabilities = options.serviceTags
    ? { ...descriptor.capabilities, serviceTag: true }
    : descriptor.capabilities
  const triage = triagePlan(
    plan,
    { name: descriptor.name, capabilities, unsupportedHelp: descriptor.unsupportedHelp },
    options,
  )
  for (const triaged of triage.rules) renderRule(context, triaged)
  const files = policyFiles(context)
  const diagnostics = triage.diagnostics.concat(context.diagnostics.list())
  return { files, diagnostics: sortDiagnostics(diagnostics) }
}

/**
 * Renders a plan as plain Kubernetes NetworkPolicies (`kubernetes/network-policies.yaml`).
 * Hosts need the service-tags option (ipBlocks) or get an unsupported-feature diagnostic.
 * @example renderNetworkPolicy(plan, { defaultDeny: true }).files[0]?.path // 'kubernetes/network-policies.yaml'
 */
export function renderNetworkPolicy(
  plan: Plan,
  options: NetworkPolicyRenderOptions = {},
): RenderResult {
  return render(plan, networkPolicyDescriptor, options)
}

/**
 * Renders a plan for Cilium: CiliumNetworkPolicies for hosts (toFQDNs) and the API server
 * (toEntities), plus NetworkPolicies for the in-cluster flows and address rules.
 * @example renderCilium(plan).files.map((f) => f.path) // ['kubernetes/cilium-network-policies.yaml', 'kubernetes/network-policies.yaml']
 */
export function renderCilium(plan: Plan, options: CiliumRenderOptions = {}): RenderResult {
  return render(plan, ciliumDescriptor, options)
}

/**
 * @deprecated Use `renderNetworkPolicy(plan, options)`; this alias goes in the next minor release.
 */
export function renderNetworkPolicies({
  plan,
  options,
}: {
  plan: Plan
  options?: NetworkPolicyRenderOptions | undefined
}): RenderResult {
  return renderNetworkPolicy(plan, options)
}

/** @deprecated Use `renderCilium(plan, options)`; this alias goes in the next minor release. */
export function renderCiliumPolicies({
  plan,
  options,
}: {
  plan: Plan
  options?: CiliumRenderOptions | undefined
}): RenderResult {
  return renderCilium(plan, options)
}
