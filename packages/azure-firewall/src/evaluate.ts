import {
  cidrContains,
  compareOrdinal,
  type DecidedBy,
  describeFlow,
  type Flow,
  type FlowEndpoint,
  isIpv4Address,
  isIpv4Cidr,
  regions,
  type Verdict,
} from '@aml-egress/core'
import type {
  ApplicationRule,
  FilterAction,
  FirewallPolicy,
  FirewallPolicyConfig,
  IpGroup,
  ModelOrigin,
  NatRule,
  NetworkRule,
  RuleCollection,
  RuleCollectionGroup,
} from './model'
import { serviceTagFamilies } from './serviceTagFamilies'

/** `yes`/`no`, or `maybe` with the reason the answer depends on something unknown. */
type Match = { kind: 'yes' } | { kind: 'no' } | { kind: 'maybe'; reason: string }

const YES: Match = { kind: 'yes' }
const NO: Match = { kind: 'no' }
const maybe = (reason: string): Match => ({ kind: 'maybe', reason })

/** All must hold: any `no` wins, then any `maybe`. */
function all(...matches: Match[]): Match {
  if (matches.some((m) => m.kind === 'no')) return NO
  return matches.find((m) => m.kind === 'maybe') ?? YES
}

/** One must hold: any `yes` wins, then any `maybe`. */
function any(matches: Match[]): Match {
  if (matches.some((m) => m.kind === 'yes')) return YES
  return matches.find((m) => m.kind === 'maybe') ?? NO
}

/**
 * How to answer questions the evaluator cannot settle offline (does host X resolve into CIDR Y?).
 * For a Deny collection a possible match must be `maybe`, so it never yields a guessed `allowed`;
 * for an Allow collection it is `no`, so it never yields a guessed `allowed` either.
 */
type Bias = 'no' | 'maybe'

function undecided(bias: Bias, reason: string): Match {
  return bias === 'maybe' ? maybe(reason) : NO
}

function addressNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0)
}

/** `10.0.0.1-10.0.0.9` contains `address`? `undefined` when `entry` is not a range. */
function rangeContains(entry: string, address: string): boolean | undefined {
  const [from, to, ...rest] = entry.split('-').map((part) => part.trim())
  if (rest.length > 0 || !from || !to || !isIpv4Address(from) || !isIpv4Address(to))
    return undefined
  const value = addressNumber(address)
  return addressNumber(from) <= value && value <= addressNumber(to)
}

function isAddressEntry(entry: string): boolean {
  return isIpv4Cidr(entry) || rangeContains(entry, '0.0.0.0') !== undefined
}

const regionSuffixes: ReadonlySet<string> = new Set(
  regions.flatMap((region) => [region.name, region.tagSuffix.toLowerCase()]),
)

/**
 * A service tag has at most one dot (`Storage.WestEurope`, `AzureFrontDoor.Backend`); more dots
 * is a host name typed by mistake, and so is one dot when neither part is a tag's (`pypi.org`:
 * `pypi` is no published tag and `org` no region). An IP address, CIDR or range is never a host
 * name (found by fuzzing: `10.0.0.4/32` in a rendered network rule was reported as one).
 */
export function looksLikeHostName(entry: string): boolean {
  const value = entry.trim()
  // `*` alone is "any address", not a host pattern.
  if (value === '*' || isAddressEntry(value)) return false
  if (value.startsWith('*')) return true
  const parts = value.toLowerCase().split('.')
  if (parts.length !== 2) return parts.length > 2
  const [family = '', qualifier = ''] = parts
  return !serviceTagFamilies.has(family) && !regionSuffixes.has(qualifier)
}

/**
 * Does service tag `ruleTag` cover `flowTag`? Case-insensitive; a global tag covers its regional
 * tags (`Storage` covers `Storage.WestEurope`), a regional tag never covers the global one.
 * @example serviceTagCovers('Storage', 'storage.westeurope') // true
 */
export function serviceTagCovers(ruleTag: string, flowTag: string): boolean {
  const rule = ruleTag.toLowerCase()
  const flow = flowTag.toLowerCase()
  return rule === flow || (!rule.includes('.') && flow.startsWith(`${rule}.`))
}

/**
 * Application-rule FQDN semantics: `*` is any host; `*.x.com` matches subdomains, never `x.com`;
 * `*x.com` matches anything ending in `x.com` (including `x.com`); otherwise exact. Case-insensitive.
 * @example applicationFqdnMatches('*.blob.core.windows.net', 'blob.core.windows.net') // false
 */
export function applicationFqdnMatches(pattern: string, host: string): boolean {
  const p = pattern.trim().toLowerCase().replace(/\.$/, '')
  const h = host.trim().toLowerCase().replace(/\.$/, '')
  if (p === '*') return true
  if (p.startsWith('*')) {
    const suffix = p.slice(1)
    return h.endsWith(suffix) && h.length > suffix.length - (suffix.startsWith('.') ? 0 : 1)
  }
  return p === h
}

/** An application rule's target FQDNs, canonical: exact names in a set, patterns in a list. */
type TargetSet = { exact: ReadonlySet<string>; patterns: readonly string[] }

function canonicalHostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '')
}

function targetSetOf(targetFqdns: readonly string[]): TargetSet {
  const exact = new Set<string>()
  const patterns: string[] = []
  for (const target of targetFqdns) {
    const name = canonicalHostName(target)
    if (name.includes('*')) patterns.push(name)
    else exact.add(name)
  }
  return { exact, patterns }
}

/** Does any target match the host? A set look-up, not a scan: compact rules list 1000 names. */
function targetsMatch(targets: TargetSet, host: string): boolean {
  const name = canonicalHostName(host)
  return (
    targets.exact.has(name) ||
    targets.patterns.some((pattern) => applicationFqdnMatches(pattern, name))
  )
}

function ipGroupAddresses(ipGroups: readonly IpGroup[], reference: string): string[] | undefined {
  const last = (id: string): string => (id.split('/').at(-1) ?? id).toLowerCase()
  return ipGroups.find((group) => last(group.id) === last(reference))?.addresses
}

/** Does an address entry (IP, CIDR, range, `*`, service tag) match one end of the flow? */
function addressEntryMatches(entry: string, endpoint: FlowEndpoint, bias: Bias): Match {
  const value = entry.trim()
  if (value === '*' || value === '0.0.0.0/0') return YES
  if (isAddressEntry(value)) {
    if (endpoint.kind === 'address') {
      const inRange = rangeContains(value, endpoint.address)
      return (inRange ?? cidrContains(value, endpoint.address)) ? YES : NO
    }
    if (endpoint.kind === 'apiServer' && endpoint.address)
      return cidrContains(value, endpoint.address) ? YES : NO
    if (endpoint.kind === 'pod')
      return maybe(`whether the pod address is inside ${value} depends on the cluster network`)
    return undecided(bias, `whether ${describeEndpoint(endpoint)} resolves into ${value}`)
  }
  if (looksLikeHostName(value)) return NO
  // A service tag.
  if (endpoint.kind === 'serviceTag') return serviceTagCovers(value, endpoint.tag) ? YES : NO
  if (endpoint.kind === 'host')
    return (endpoint.serviceTags ?? []).some((tag) => serviceTagCovers(value, tag))
      ? YES
      : undecided(bias, `whether ${endpoint.host} is inside service tag ${value}`)
  if (endpoint.kind === 'address')
    return undecided(bias, `whether ${endpoint.address} is inside service tag ${value}`)
  return NO
}

function describeEndpoint(endpoint: FlowEndpoint): string {
  switch (endpoint.kind) {
    case 'host':
      return endpoint.host
    case 'serviceTag':
      return `service tag ${endpoint.tag}`
    case 'address':
      return endpoint.address
    case 'pod':
      return `pod ${endpoint.namespace}`
    case 'apiServer':
      return 'the API server'
  }
}

function ipGroupsMatch(
  references: readonly string[],
  endpoint: FlowEndpoint,
  input: { ipGroups: readonly IpGroup[]; bias: Bias },
): Match[] {
  return references.map((reference) => {
    const addresses = ipGroupAddresses(input.ipGroups, reference)
    if (!addresses) return maybe(`IP group ${reference} is not in the files read`)
    return any(addresses.map((entry) => addressEntryMatches(entry, endpoint, input.bias)))
  })
}

function unresolvedMatch(unresolved: readonly string[] | undefined, fields: string[]): Match[] {
  return (unresolved ?? [])
    .filter((field) => fields.includes(field))
    .map((field) => maybe(`${field} could not be resolved`))
}

function sourceMatches(
  rule: { sourceAddresses: string[]; sourceIpGroups: string[]; unresolved?: string[] },
  flow: Flow,
  input: { ipGroups: readonly IpGroup[]; bias: Bias },
): Match {
  return any([
    ...rule.sourceAddresses.map((entry) =>
      // Service tags are not valid sources in a firewall policy.
      isAddressEntry(entry) || entry.trim() === '*'
        ? addressEntryMatches(entry, flow.source, input.bias)
        : NO,
    ),
    ...ipGroupsMatch(rule.sourceIpGroups, flow.source, input),
    ...unresolvedMatch(rule.unresolved, ['sourceAddresses', 'sourceIpGroups']),
  ])
}

function ipProtocolMatches(protocols: readonly string[], flow: Flow): boolean {
  return protocols.some((p) => p.toLowerCase() === 'any' || p.toUpperCase() === flow.protocol)
}

function portMatches(ports: readonly string[], port: number): Match {
  return any(
    ports.map((entry) => {
      const text = entry.trim()
      if (text === '*') return YES
      const range = /^(\d+)\s*-\s*(\d+)$/.exec(text)
      if (range) return Number(range[1]) <= port && port <= Number(range[2]) ? YES : NO
      if (/^\d+$/.test(text)) return Number(text) === port ? YES : NO
      return maybe(`destination port ${text} is not a port or range`)
    }),
  )
}

function networkRuleMatches(
  rule: NetworkRule,
  flow: Flow,
  input: { ipGroups: readonly IpGroup[]; bias: Bias },
): Match {
  const protocol = rule.unresolved?.includes('ipProtocols')
    ? maybe('ipProtocols could not be resolved')
    : ipProtocolMatches(rule.ipProtocols, flow)
      ? YES
      : NO
  const ports = rule.unresolved?.includes('destinationPorts')
    ? maybe('destinationPorts could not be resolved')
    : portMatches(rule.destinationPorts, flow.port)
  // `all` is `no` as soon as one part is: skip the costlier address parts (same answer).
  if (protocol.kind === 'no' || ports.kind === 'no') return NO
  const destination = any([
    ...rule.destinationAddresses.map((entry) =>
      addressEntryMatches(entry, flow.destination, input.bias),
    ),
    // FQDNs in network rules are exact names, resolved by the DNS proxy; no wildcards.
    ...rule.destinationFqdns.map((fqdn) =>
      flow.destination.kind === 'host' &&
      !fqdn.includes('*') &&
      fqdn.trim().toLowerCase().replace(/\.$/, '') === flow.destination.host.toLowerCase()
        ? YES
        : NO,
    ),
    ...ipGroupsMatch(rule.destinationIpGroups, flow.destination, input),
    ...unresolvedMatch(rule.unresolved, [
      'destinationAddresses',
      'destinationFqdns',
      'destinationIpGroups',
    ]),
  ])
  return all(protocol, ports, destination, sourceMatches(rule, flow, input))
}

/** Ports whose traffic is known not to be HTTP or TLS: an application rule cannot pass it. */
const nonHttpPorts: Record<number, string> = {
  22: 'SSH',
  53: 'DNS',
  445: 'SMB',
  3389: 'RDP',
}

function applicationProtocolMatches(rule: ApplicationRule, flow: Flow): Match {
  if (flow.protocol !== 'TCP') return NO
  if (rule.unresolved?.includes('protocols')) return maybe('protocols could not be resolved')
  return any(
    rule.protocols.map((protocol) => {
      if (protocol.port !== flow.port) return NO
      const type = protocol.protocolType.toLowerCase()
      // A flow on 443 is TLS and on 80 plain HTTP. Azure matches TLS by SNI only under `Https`
      // and reads a Host header only under `Http`: the other type fails the parse and is dropped.
      if (flow.port === 443) return type === 'https' ? YES : NO
      if (flow.port === 80) return type === 'http' ? YES : NO
      if (type === 'mssql') return YES
      const known = nonHttpPorts[flow.port]
      // The firewall parses the stream as HTTP or TLS; SMB on 445 fails that parse and is dropped.
      if (known) return NO
      return maybe(`whether the traffic on port ${flow.port} is ${protocol.protocolType}`)
    }),
  )
}

function applicationRuleMatches(
  rule: ApplicationRule,
  flow: Flow,
  input: { ipGroups: readonly IpGroup[]; bias: Bias; targets?: TargetSet | undefined },
): Match {
  const protocol = applicationProtocolMatches(rule, flow)
  // `all` is `no` as soon as one part is: skip the target and source parts (same answer).
  if (protocol.kind === 'no') return NO
  const destination = flow.destination
  const host = destination.kind === 'host' ? destination.host : undefined
  const targets = input.targets ?? targetSetOf(rule.targetFqdns)
  const target = any([
    host !== undefined && targetsMatch(targets, host) ? YES : NO,
    ...rule.fqdnTags.map((tag) =>
      host !== undefined ? maybe(`the members of FQDN tag ${tag} are not known offline`) : NO,
    ),
    ...rule.targetUrls.map((url) => {
      const urlHost = url.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? ''
      return host !== undefined && applicationFqdnMatches(urlHost, host)
        ? maybe(`target URL ${url} also depends on the request path`)
        : NO
    }),
    ...rule.webCategories.map((category) =>
      host !== undefined ? maybe(`web category ${category} membership is not known offline`) : NO,
    ),
    ...rule.destinationAddresses.map((entry) =>
      addressEntryMatches(entry, destination, input.bias),
    ),
    ...unresolvedMatch(rule.unresolved, [
      'targetFqdns',
      'fqdnTags',
      'targetUrls',
      'webCategories',
      'destinationAddresses',
    ]),
  ])
  return all(protocol, target, sourceMatches(rule, flow, input))
}

function natRuleMatches(
  rule: NatRule,
  flow: Flow,
  input: { ipGroups: readonly IpGroup[]; bias: Bias },
): Match {
  // DNAT is inbound: it matches when it translates to the flow's destination address and port.
  if (flow.direction !== 'inbound') return NO
  const translated = rule.translatedAddress
  const destination =
    translated && flow.destination.kind === 'address'
      ? addressEntryMatches(translated, flow.destination, 'no')
      : rule.unresolved?.includes('translatedAddress') || rule.translatedFqdn
        ? maybe('the translated address could not be resolved')
        : NO
  const port =
    rule.translatedPort === undefined
      ? rule.unresolved?.includes('translatedPort')
        ? maybe('translatedPort could not be resolved')
        : NO
      : portMatches([rule.translatedPort], flow.port)
  return all(
    ipProtocolMatches(rule.ipProtocols, flow) ? YES : NO,
    destination,
    port,
    sourceMatches(rule, flow, input),
  )
}

type Phase = 'DNAT' | 'network' | 'application'

type Candidate = {
  match: Match
  /** `undefined` when the action could not be resolved. */
  action: FilterAction | 'DNAT' | undefined
  path: string
  origin: ModelOrigin | undefined
  kind: Phase
}

type Entry = { group: RuleCollectionGroup; collection: RuleCollection }

type Rule = ApplicationRule | NetworkRule | NatRule

/** A group whose collections could not be read may hold anything, of either rule type. */
function unreadCollections(group: RuleCollectionGroup): Entry[] {
  if (!group.unresolved?.includes('ruleCollections')) return []
  return (['network', 'application'] as const).map((ruleType) => ({
    group,
    collection: {
      collectionType: 'filter',
      name: '(unread)',
      priority: 0,
      action: 'Deny',
      ruleType,
      rules: [],
      unresolved: ['action', 'rules'],
    },
  }))
}

function orderedEntries(policy: FirewallPolicy): Entry[] {
  const entries = policy.ruleCollectionGroups.flatMap((group) => [
    ...group.ruleCollections.map((collection) => ({ group, collection })),
    ...unreadCollections(group),
  ])
  // Lower priority number first: group, then collection; names keep ties deterministic.
  return entries.sort(
    (a, b) =>
      a.group.priority - b.group.priority ||
      a.collection.priority - b.collection.priority ||
      compareOrdinal(a.group.name, b.group.name) ||
      compareOrdinal(a.collection.name, b.collection.name),
  )
}

function collectionAction(entry: Entry): FilterAction | 'DNAT' | undefined {
  if (entry.collection.unresolved?.includes('action')) return undefined
  return entry.collection.action
}

function positionUnknown(entry: Entry): string | undefined {
  if (entry.group.unresolved?.includes('priority'))
    return `the priority of group ${entry.group.name} could not be resolved`
  if (entry.collection.unresolved?.includes('priority'))
    return `the priority of collection ${entry.collection.name} could not be resolved`
  return undefined
}

function phaseOf(collection: RuleCollection): Phase {
  if (collection.collectionType === 'nat') return 'DNAT'
  return collection.ruleType === 'network' ? 'network' : 'application'
}

/** One place in the processing order: a rule, or a collection whose rules could not be read. */
type Slot = { entry: Entry; kind: Phase; rule?: Rule }

/**
 * A policy prepared for evaluation: its slots in processing order, and indexes from host names to
 * the rules whose destination can only match those names. A rule a flow's lookup leaves out has a
 * `no` destination for that flow, so it is `no` as a whole (`all`): evaluating only the looked-up
 * slots, in order, yields the same candidates as evaluating every rule, without O(rules) per flow.
 */
export type EvaluationIndex = {
  /** The groups it was built from: a config whose groups were replaced is indexed again. */
  readonly groups: readonly RuleCollectionGroup[]
  readonly slots: readonly Slot[]
  /** Slots checked for every flow: NAT, address and tag rules, anything not a plain host list. */
  readonly always: readonly number[]
  /** Application rules by exact target FQDN, and by `suffix` of a `*.suffix` target. */
  readonly applicationExact: ReadonlyMap<string, readonly number[]>
  readonly applicationSuffix: ReadonlyMap<string, readonly number[]>
  /** Network rules by destination FQDN (exact names only). */
  readonly networkFqdn: ReadonlyMap<string, readonly number[]>
  /** Each application rule's targets as a set, made once per index. */
  readonly targetSets: ReadonlyMap<ApplicationRule, TargetSet>
}

/** The index while it is built. */
type IndexBuilder = {
  always: number[]
  applicationExact: Map<string, number[]>
  applicationSuffix: Map<string, number[]>
  networkFqdn: Map<string, number[]>
}

const APPLICATION_TARGET_FIELDS = [
  'targetFqdns',
  'fqdnTags',
  'targetUrls',
  'webCategories',
  'destinationAddresses',
]
const NETWORK_DESTINATION_FIELDS = [
  'destinationAddresses',
  'destinationFqdns',
  'destinationIpGroups',
]

function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '')
}

function addTo(index: Map<string, number[]>, entry: { key: string; slot: number }): void {
  const { key, slot } = entry
  const slots = index.get(key)
  if (slots) slots.push(slot)
  else index.set(key, [slot])
}

/** An application rule whose only destinations are target FQDNs, all resolved. */
function hasOnlyTargetFqdns(rule: ApplicationRule): boolean {
  const unresolved = rule.unresolved ?? []
  return (
    rule.fqdnTags.length === 0 &&
    rule.targetUrls.length === 0 &&
    rule.webCategories.length === 0 &&
    rule.destinationAddresses.length === 0 &&
    !APPLICATION_TARGET_FIELDS.some((field) => unresolved.includes(field))
  )
}

/** A network rule whose only destinations are FQDNs, all resolved. */
function hasOnlyDestinationFqdns(rule: NetworkRule): boolean {
  const unresolved = rule.unresolved ?? []
  return (
    rule.destinationAddresses.length === 0 &&
    rule.destinationIpGroups.length === 0 &&
    !NETWORK_DESTINATION_FIELDS.some((field) => unresolved.includes(field))
  )
}

/** Files a rule under the host names it can match, or under `always`. */
function indexRule(index: IndexBuilder, input: { rule: Rule; slot: number }): void {
  const { rule, slot } = input
  if (rule.ruleType === 'ApplicationRule' && hasOnlyTargetFqdns(rule)) {
    // Mirrors applicationFqdnMatches: `*.s` by its suffix, other `*` patterns are checked always.
    const patterns = rule.targetFqdns.map(canonicalName)
    if (patterns.some((p) => p.startsWith('*') && !(p.startsWith('*.') && p.length > 2)))
      index.always.push(slot)
    else
      for (const pattern of patterns)
        if (pattern.startsWith('*.'))
          addTo(index.applicationSuffix, { key: pattern.slice(2), slot })
        else addTo(index.applicationExact, { key: pattern, slot })
    return
  }
  if (rule.ruleType === 'NetworkRule' && hasOnlyDestinationFqdns(rule)) {
    // A wildcard never matches a network-rule FQDN (see networkRuleMatches).
    for (const fqdn of rule.destinationFqdns)
      if (!fqdn.includes('*')) addTo(index.networkFqdn, { key: canonicalName(fqdn), slot })
    return
  }
  index.always.push(slot)
}

/** Every rule in Azure's processing order: DNAT, then network, then application collections. */
function slotsInOrder(policy: FirewallPolicy): Slot[] {
  const entries = orderedEntries(policy)
  return (['DNAT', 'network', 'application'] as const).flatMap((phase) =>
    entries
      .filter((entry) => phaseOf(entry.collection) === phase)
      .flatMap((entry): Slot[] =>
        entry.collection.unresolved?.includes('rules')
          ? [{ entry, kind: phase }]
          : entry.collection.rules.map((rule) => ({ entry, kind: phase, rule })),
      ),
  )
}

/**
 * Indexes a policy for evaluation. The reader does this once per config; the policy must not be
 * changed afterwards (a config whose groups list is replaced is indexed again).
 */
function indexPolicy(policy: FirewallPolicy): EvaluationIndex {
  const slots = slotsInOrder(policy)
  const index: IndexBuilder = {
    always: [],
    applicationExact: new Map(),
    applicationSuffix: new Map(),
    networkFqdn: new Map(),
  }
  slots.forEach((slot, position) => {
    // A collection whose rules could not be read may match any flow.
    if (slot.rule) indexRule(index, { rule: slot.rule, slot: position })
    else index.always.push(position)
  })
  const targetSets = new Map<ApplicationRule, TargetSet>()
  for (const { rule } of slots)
    if (rule?.ruleType === 'ApplicationRule') targetSets.set(rule, targetSetOf(rule.targetFqdns))
  return { groups: policy.ruleCollectionGroups, slots, ...index, targetSets }
}

/**
 * The policy with its evaluation index, as the reader returns it: evaluating many flows against it
 * looks up the rules each flow can match instead of walking every rule. Treat it as read-only.
 * @example const config = withEvaluationIndex(buildFirewallPolicy(plan).policy)
 */
export function withEvaluationIndex(policy: FirewallPolicy): FirewallPolicyConfig {
  return { ...policy, evaluationIndex: indexPolicy(policy) }
}

function currentIndex(config: FirewallPolicyConfig): EvaluationIndex {
  const index = config.evaluationIndex
  return index && index.groups === config.ruleCollectionGroups ? index : indexPolicy(config)
}

/** The slots that may match the flow, in processing order. */
function slotsFor(index: EvaluationIndex, flow: Flow): number[] {
  const found = [...index.always]
  const destination = flow.destination
  if (destination.kind === 'host') {
    const name = canonicalName(destination.host)
    found.push(...(index.applicationExact.get(name) ?? []))
    // Every suffix after a dot with at least one character before it: `*.suffix` candidates.
    for (let dot = name.indexOf('.', 1); dot !== -1; dot = name.indexOf('.', dot + 1))
      found.push(...(index.applicationSuffix.get(name.slice(dot + 1)) ?? []))
    found.push(...(index.networkFqdn.get(destination.host.toLowerCase()) ?? []))
  }
  found.sort((a, b) => a - b)
  return found.filter((slot, i) => i === 0 || found[i - 1] !== slot)
}

function ruleMatches(
  rule: Rule,
  flow: Flow,
  input: { ipGroups: readonly IpGroup[]; bias: Bias; index: EvaluationIndex },
): Match {
  switch (rule.ruleType) {
    case 'NetworkRule':
      return networkRuleMatches(rule, flow, input)
    case 'ApplicationRule':
      return applicationRuleMatches(rule, flow, {
        ...input,
        targets: input.index.targetSets.get(rule),
      })
    case 'NatRule':
      return natRuleMatches(rule, flow, input)
  }
}

/** The slot as a candidate for the flow, or `undefined` when it cannot match. */
function candidateOf(
  slot: Slot,
  input: { policy: FirewallPolicy; flow: Flow; index: EvaluationIndex },
): Candidate | undefined {
  const { entry, kind, rule } = slot
  const { group, collection } = entry
  const action = collectionAction(entry)
  const path = `${group.name}/${collection.name}`
  if (!rule)
    return {
      match: maybe(`the rules of collection ${path} could not be read`),
      action,
      kind,
      path,
      origin: collection.origin ?? group.origin,
    }
  // In a Deny collection an undecidable match must stay possible (see Bias).
  const bias = action === 'Allow' ? 'no' : 'maybe'
  const { index } = input
  let match = ruleMatches(rule, input.flow, { ipGroups: input.policy.ipGroups, bias, index })
  const position = positionUnknown(entry)
  if (match.kind === 'yes' && position) match = maybe(position)
  if (match.kind === 'no') return undefined
  return {
    match,
    action,
    kind,
    path: `${path}/${rule.name}`,
    origin: rule.origin ?? collection.origin ?? group.origin,
  }
}

/** The rules that may decide the flow, in processing order; lazy, so the first decision stops it. */
function* candidates(config: FirewallPolicyConfig, flow: Flow): Generator<Candidate> {
  const index = currentIndex(config)
  for (const position of slotsFor(index, flow)) {
    const slot = index.slots[position]
    const candidate = slot && candidateOf(slot, { policy: config, flow, index })
    if (candidate) yield candidate
  }
}

function decidedByOf(candidate: Candidate): DecidedBy {
  const { origin } = candidate
  return {
    rule: candidate.path,
    ...(origin?.file ? { file: origin.file } : {}),
    ...(origin?.line ? { line: origin.line } : {}),
  }
}

function decided(candidate: Candidate, flow: Flow): Verdict {
  const decidedBy = decidedByOf(candidate)
  const collection = candidate.kind === 'DNAT' ? 'DNAT' : candidate.action
  const by = `${candidate.kind} rule ${candidate.path} (${collection} collection)`
  if (candidate.action === 'Allow' || candidate.action === 'DNAT')
    return { verdict: 'allowed', decidedBy, reason: `${describeFlow(flow)} is allowed by ${by}.` }
  return { verdict: 'denied', decidedBy, reason: `${describeFlow(flow)} is denied by ${by}.` }
}

function unknown(candidate: Candidate, flow: Flow): Verdict {
  const why =
    candidate.match.kind === 'maybe'
      ? candidate.match.reason
      : 'its collection action could not be resolved'
  return {
    verdict: 'unknown',
    decidedBy: decidedByOf(candidate),
    reason: `${describeFlow(flow)}: ${candidate.kind} rule ${candidate.path} may decide it, but ${why}.`,
  }
}

/**
 * Evaluates one flow with Azure Firewall's processing order: DNAT, then every network rule
 * (groups by priority, then collections by priority, across all groups), then every application
 * rule; the first matching rule's collection action decides; no match is denied. Whatever the
 * decision depends on that the model does not know (unresolved values, FQDN tags, IP groups not
 * read, a parent policy) makes the verdict `unknown`, never a guessed `allowed`. Takes the config
 * `readAzureFirewall` returns, or any `FirewallPolicy` (indexed on each call).
 * @example evaluateAzureFirewall(config, { direction: 'outbound', source: { kind: 'address', address: '10.0.0.4' }, destination: { kind: 'host', host: 'ml.azure.com' }, protocol: 'TCP', port: 443 })
 */
export function evaluateAzureFirewall(config: FirewallPolicyConfig, flow: Flow): Verdict {
  if (flow.direction === 'inCluster')
    return {
      verdict: 'unknown',
      reason: `${describeFlow(flow)} stays inside the cluster and never reaches the firewall; check the cluster's NetworkPolicy.`,
    }
  if (config.basePolicy)
    return {
      verdict: 'unknown',
      reason: `${describeFlow(flow)}: the policy inherits from ${config.basePolicy}, whose rules run first and were not read.`,
    }
  const pending: Candidate[] = []
  for (const candidate of candidates(config, flow)) {
    if (candidate.match.kind === 'yes' && candidate.action !== undefined) {
      // An earlier rule that may match decides instead, unless it would decide the same way.
      const blocker = pending.find((p) => p.action !== candidate.action)
      return blocker ? unknown(blocker, flow) : decided(candidate, flow)
    }
    pending.push(candidate)
  }
  const blocker = pending.find((p) => p.action !== 'Deny')
  if (blocker) return unknown(blocker, flow)
  return {
    verdict: 'denied',
    reason: `${describeFlow(flow)} matches no rule; Azure Firewall denies by default.`,
  }
}

/**
 * @deprecated Renamed `evaluateAzureFirewall` (the same verb in every format package); this alias
 * is removed in the next minor release.
 */
export const evaluateFirewallPolicy: typeof evaluateAzureFirewall = evaluateAzureFirewall
