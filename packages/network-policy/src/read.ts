import {
  compareOrdinal,
  createDiagnostic,
  type Diagnostic,
  excerpt,
  type ReadResult,
  type RenderedFile,
} from '@aml-egress/core'
import { type Document, LineCounter, parseAllDocuments } from 'yaml'
import { withEvaluationIndex } from './evaluationIndex'
import type {
  EffectivePolicy,
  LabelSelector,
  LabelSelectorRequirement,
  NetworkPolicy,
  NetworkPolicyConfig,
  PolicyPeer,
  PolicyRule,
  PortMatch,
} from './model'
import { ciliumSelectorNamesNamespace } from './selectors'
import { indexServiceTags, isServiceTagsFile } from './serviceTags'
import { validateNetworkPolicy } from './validate'

/*
 * Reads NetworkPolicy and CiliumNetworkPolicy YAML (multi-document, `kind: List`, hand-written)
 * into the normalised model. What it cannot interpret becomes a READ_UNSUPPORTED diagnostic and
 * an 'unsupported' peer or an opaque policy, so dependent flows evaluate to 'unknown'.
 */

const FORMAT = 'network-policy'
const DEFAULT_SOURCE_NAMESPACE = 'azureml'

type Json = Record<string, unknown>

type Reader = {
  file: string
  line?: number | undefined
  diagnostics: Diagnostic[]
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function unsupported(reader: Reader, message: string): void {
  reader.diagnostics.push(
    createDiagnostic({
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message,
      format: FORMAT,
      location: { file: reader.file, ...(reader.line !== undefined ? { line: reader.line } : {}) },
    }),
  )
}

function toSelector(value: unknown): LabelSelector | undefined {
  if (value === undefined || value === null) return {}
  if (!isObject(value)) return undefined
  const matchLabels: Record<string, string> = {}
  for (const [key, label] of Object.entries(isObject(value.matchLabels) ? value.matchLabels : {})) {
    if (typeof label !== 'string' && typeof label !== 'number' && typeof label !== 'boolean')
      return undefined
    matchLabels[key] = String(label)
  }
  const matchExpressions: LabelSelectorRequirement[] = []
  for (const raw of asArray(value.matchExpressions)) {
    if (!isObject(raw) || typeof raw.key !== 'string') return undefined
    const operator = raw.operator
    if (
      operator !== 'In' &&
      operator !== 'NotIn' &&
      operator !== 'Exists' &&
      operator !== 'DoesNotExist'
    )
      return undefined
    matchExpressions.push({
      key: raw.key,
      operator,
      values: asArray(raw.values).map(String),
    })
  }
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  }
}

function npPeer(reader: Reader, raw: unknown): PolicyPeer {
  if (!isObject(raw)) return { kind: 'unsupported', what: 'a peer that is not an object' }
  const known = new Set(['podSelector', 'namespaceSelector', 'ipBlock'])
  const extra = Object.keys(raw).filter((key) => !known.has(key))
  if (extra.length > 0) {
    unsupported(reader, `Unknown peer field(s) ${extra.join(', ')}: the API server rejects them.`)
    return { kind: 'unsupported', what: `peer fields ${extra.join(', ')}` }
  }
  if (isObject(raw.ipBlock)) {
    const { cidr, except } = raw.ipBlock
    if (typeof cidr !== 'string') return { kind: 'unsupported', what: 'ipBlock without cidr' }
    return { kind: 'cidr', cidr, except: asArray(except).map(String) }
  }
  const pods = toSelector(raw.podSelector)
  const namespaces =
    raw.namespaceSelector === undefined ? undefined : toSelector(raw.namespaceSelector)
  if (!pods || (raw.namespaceSelector !== undefined && !namespaces)) {
    unsupported(reader, 'A peer selector could not be parsed.')
    return { kind: 'unsupported', what: 'an unparsable selector' }
  }
  return {
    kind: 'pods',
    namespaces: namespaces ? { kind: 'selector', selector: namespaces } : { kind: 'same' },
    pods,
    cilium: false,
  }
}

function npPort(raw: unknown): PortMatch | undefined {
  if (!isObject(raw)) return undefined
  const protocol = raw.protocol ?? 'TCP'
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') return undefined
  const match: PortMatch = { protocol }
  if (typeof raw.port === 'number') match.port = raw.port
  else if (typeof raw.port === 'string') match.namedPort = raw.port
  else if (raw.port !== undefined) return undefined
  if (typeof raw.endPort === 'number') match.endPort = raw.endPort
  return match
}

function npRules(
  reader: Reader,
  rules: unknown,
  peerKey: 'to' | 'from',
  lines: (number | undefined)[],
): PolicyRule[] {
  return asArray(rules).map((raw, index): PolicyRule => {
    const line = lines[index]
    const at = { ...reader, line: line ?? reader.line }
    if (!isObject(raw))
      return {
        peers: [{ kind: 'unsupported', what: 'a rule that is not an object' }],
        ports: 'all',
      }
    const peers = asArray(raw[peerKey])
    const ports = asArray(raw.ports)
    const portMatches = ports.map(npPort)
    if (portMatches.some((match) => match === undefined))
      unsupported(at, 'A port entry could not be parsed (protocol must be TCP, UDP or SCTP).')
    return {
      // Missing or empty `to`/`from` means every peer; missing or empty `ports` every port.
      peers: peers.length === 0 ? 'all' : peers.map((peer) => npPeer(at, peer)),
      ports:
        ports.length === 0
          ? 'all'
          : portMatches.map((match) => match ?? { protocol: 'ANY', namedPort: 'unparsable port' }),
      ...(line !== undefined ? { line } : {}),
    }
  })
}

/** A parsed YAML document and its line counter, to give diagnostics and verdicts line numbers. */
type Source = { document: Document; counter: LineCounter }

function lineOf(source: Source, path: (string | number)[]): number | undefined {
  const node = source.document.getIn(path, true) as { range?: [number, number, number] } | undefined
  return node?.range ? source.counter.linePos(node.range[0]).line : undefined
}

function itemLines(
  source: Source,
  path: (string | number)[],
  count: number,
): (number | undefined)[] {
  return Array.from({ length: count }, (_, index) => lineOf(source, [...path, index]))
}

function readPlainPolicy(
  reader: Reader,
  raw: Json,
  context: { source: Source; path: (string | number)[] },
): EffectivePolicy | undefined {
  const metadata = isObject(raw.metadata) ? raw.metadata : {}
  const spec = isObject(raw.spec) ? raw.spec : {}
  const name = typeof metadata.name === 'string' ? metadata.name : '(unnamed)'
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default'
  if (typeof metadata.namespace !== 'string')
    unsupported(
      reader,
      `NetworkPolicy ${name} has no namespace: kubectl applies it to the current namespace; evaluated as "default".`,
    )
  const subject = toSelector(spec.podSelector)
  const problems = validateNetworkPolicy(raw as unknown as NetworkPolicy)
  const base = {
    kind: 'NetworkPolicy' as const,
    name,
    namespace,
    file: reader.file,
    ...(reader.line !== undefined ? { line: reader.line } : {}),
    subject: subject ?? {},
    cilium: false,
  }
  if (!subject || problems.length > 0) {
    const why = subject
      ? `the API server would reject it (${problems.join('; ')})`
      : 'unparsable podSelector'
    unsupported(reader, `NetworkPolicy ${name}: ${why}.`)
    return { ...base, opaque: { egress: why, ingress: why } }
  }
  const declared = asArray(spec.policyTypes).map(String)
  // Omitted policyTypes: Ingress always, Egress only when the egress list is non-empty.
  const types =
    declared.length > 0
      ? declared
      : ['Ingress', ...(asArray(spec.egress).length > 0 ? ['Egress'] : [])]
  const egressLines = itemLines(
    context.source,
    [...context.path, 'spec', 'egress'],
    asArray(spec.egress).length,
  )
  const ingressLines = itemLines(
    context.source,
    [...context.path, 'spec', 'ingress'],
    asArray(spec.ingress).length,
  )
  return {
    ...base,
    ...(types.includes('Egress')
      ? { egress: npRules(reader, spec.egress, 'to', egressLines) }
      : {}),
    ...(types.includes('Ingress')
      ? { ingress: npRules(reader, spec.ingress, 'from', ingressLines) }
      : {}),
  }
}

const CILIUM_EGRESS_PEERS = new Set(['toEndpoints', 'toEntities', 'toCIDR', 'toCIDRSet', 'toFQDNs'])
const CILIUM_INGRESS_PEERS = new Set(['fromEndpoints', 'fromEntities', 'fromCIDR', 'fromCIDRSet'])

function ciliumPorts(reader: Reader, value: unknown): PortMatch[] | 'all' {
  const entries = asArray(value)
  if (entries.length === 0) return 'all'
  const matches: PortMatch[] = []
  for (const entry of entries) {
    if (!isObject(entry)) continue
    const rules = isObject(entry.rules) ? entry.rules : undefined
    let l7: PortMatch['l7']
    if (rules) {
      const dns = asArray(rules.dns)
      l7 =
        Object.keys(rules).length === 1 && dns.length > 0
          ? {
              kind: 'dns',
              allowsAllNames: dns.some((rule) => isObject(rule) && rule.matchPattern === '*'),
            }
          : { kind: isObject(rules) && rules.http ? 'http' : rules.kafka ? 'kafka' : 'other' }
    }
    const extras = Object.keys(entry).filter((key) => key !== 'ports' && key !== 'rules')
    if (extras.length > 0) {
      unsupported(reader, `toPorts field(s) ${extras.join(', ')} are not modelled.`)
      l7 = { kind: 'other' }
    }
    const ports = asArray(entry.ports)
    if (ports.length === 0) matches.push({ protocol: 'ANY', ...(l7 ? { l7 } : {}) })
    for (const port of ports) {
      if (!isObject(port)) continue
      const protocol = port.protocol ?? 'ANY'
      if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP' && protocol !== 'ANY') {
        unsupported(reader, `Protocol ${String(protocol)} is not modelled.`)
        matches.push({ protocol: 'ANY', namedPort: String(protocol) })
        continue
      }
      const text = String(port.port ?? '0')
      const match: PortMatch = { protocol, ...(l7 ? { l7 } : {}) }
      if (/^\d+$/.test(text)) {
        // Port 0 is every port.
        if (Number(text) !== 0) match.port = Number(text)
      } else match.namedPort = text
      if (typeof port.endPort === 'number' && match.port !== undefined) match.endPort = port.endPort
      matches.push(match)
    }
  }
  return matches
}

function ciliumPeers(
  reader: Reader,
  rule: Json,
  { namespaced, egress }: { namespaced: boolean; egress: boolean },
): PolicyPeer[] {
  const peers: PolicyPeer[] = []
  const endpoints = asArray(rule[egress ? 'toEndpoints' : 'fromEndpoints'])
  for (const raw of endpoints) {
    const selector = toSelector(raw)
    if (!selector) {
      peers.push({ kind: 'unsupported', what: 'an unparsable endpoint selector' })
      continue
    }
    // In a namespaced policy, endpoint selectors stay in its namespace unless they name one.
    const any = !namespaced || ciliumSelectorNamesNamespace(selector)
    peers.push({
      kind: 'pods',
      namespaces: any ? { kind: 'any' } : { kind: 'same' },
      pods: selector,
      cilium: true,
    })
  }
  for (const entity of asArray(rule[egress ? 'toEntities' : 'fromEntities']))
    peers.push({ kind: 'entity', entity: String(entity) })
  for (const cidr of asArray(rule[egress ? 'toCIDR' : 'fromCIDR']))
    peers.push({ kind: 'cidr', cidr: String(cidr), except: [] })
  for (const set of asArray(rule[egress ? 'toCIDRSet' : 'fromCIDRSet'])) {
    if (isObject(set) && typeof set.cidr === 'string')
      peers.push({ kind: 'cidr', cidr: set.cidr, except: asArray(set.except).map(String) })
    else {
      unsupported(reader, 'A CIDR set by group reference or selector is not modelled.')
      peers.push({ kind: 'unsupported', what: 'a CIDR group' })
    }
  }
  if (egress) for (const fqdn of asArray(rule.toFQDNs)) peers.push(fqdnPeer(reader, fqdn))
  return peers
}

/**
 * The CRD's `matchName` and `matchPattern` patterns, `^([-a-zA-Z0-9_]+[.]?)+$` (with `*` for a
 * pattern), written without the nested quantifier so that a hostile value cannot make the check
 * backtrack: labels of those characters joined by single dots, a trailing dot allowed.
 */
const CRD_MATCH_NAME = /^[-a-zA-Z0-9_]+(\.[-a-zA-Z0-9_]+)*\.?$/
const CRD_MATCH_PATTERN = /^[-a-zA-Z0-9_*]+(\.[-a-zA-Z0-9_*]+)*\.?$/
const CRD_MATCH_MAX_LENGTH = 255

/** A `toFQDNs` entry; one the CRD refuses (Cilium would reject the policy) is not interpreted. */
function fqdnPeer(reader: Reader, fqdn: unknown): PolicyPeer {
  const name = isObject(fqdn) && typeof fqdn.matchName === 'string' ? fqdn.matchName : undefined
  const pattern =
    isObject(fqdn) && typeof fqdn.matchPattern === 'string' ? fqdn.matchPattern : undefined
  const value = name ?? pattern
  if (value === undefined) return { kind: 'unsupported', what: 'a toFQDNs entry' }
  const field = name !== undefined ? 'matchName' : 'matchPattern'
  const valid =
    value.length <= CRD_MATCH_MAX_LENGTH &&
    (name !== undefined ? CRD_MATCH_NAME : CRD_MATCH_PATTERN).test(value)
  if (!valid) {
    unsupported(
      reader,
      `toFQDNs ${field} ${JSON.stringify(excerpt(value, 80))} is not one the CiliumNetworkPolicy CRD accepts (letters, digits, '-', '_'${name === undefined ? ", '*'" : ''} in dot-separated labels, at most ${CRD_MATCH_MAX_LENGTH} characters): Cilium rejects the policy.`,
    )
    return { kind: 'unsupported', what: `toFQDNs ${field} ${JSON.stringify(excerpt(value, 80))}` }
  }
  return name !== undefined
    ? { kind: 'fqdn', matchName: name }
    : { kind: 'fqdn', matchPattern: value }
}

/** One Cilium rule (an `egress` or `ingress` item) at its line, when the reader knows it. */
function ciliumRule(
  at: Reader,
  raw: unknown,
  { namespaced, egress }: { namespaced: boolean; egress: boolean },
): PolicyRule {
  const peerKeys = egress ? CILIUM_EGRESS_PEERS : CILIUM_INGRESS_PEERS
  if (!isObject(raw)) return { peers: [], ports: 'all' }
  const other = Object.keys(raw).filter((key) => !peerKeys.has(key) && key !== 'toPorts')
  const peers = ciliumPeers(at, raw, { namespaced, egress })
  if (other.length > 0) {
    unsupported(at, `Cilium rule field(s) ${other.join(', ')} are not modelled.`)
    peers.push({ kind: 'unsupported', what: other.join(', ') })
  }
  const hasL3 = Object.keys(raw).some((key) => peerKeys.has(key))
  const ports = ciliumPorts(at, raw.toPorts)
  // Cilium: a rule with only toPorts applies to every peer; an empty rule `{}` allows nothing.
  if (!hasL3 && other.length === 0)
    return raw.toPorts === undefined ? { peers: [], ports: 'all' } : { peers: 'all', ports }
  return { peers, ports }
}

function ciliumRules(
  reader: Reader,
  rules: unknown,
  options: { namespaced: boolean; egress: boolean; lines: (number | undefined)[] },
): PolicyRule[] {
  return asArray(rules).map((raw, index): PolicyRule => {
    const line = options.lines[index]
    const rule = ciliumRule({ ...reader, line: line ?? reader.line }, raw, options)
    return line === undefined ? rule : { ...rule, line }
  })
}

/** A Cilium policy's `spec` and each of its `specs`, with where each sits in the document. */
function ciliumSpecs(
  raw: Json,
  path: (string | number)[],
): { spec: Json; at: (string | number)[] }[] {
  return [
    ...(isObject(raw.spec) ? [{ spec: raw.spec, at: [...path, 'spec'] }] : []),
    ...asArray(raw.specs).flatMap((spec, index) =>
      isObject(spec) ? [{ spec, at: [...path, 'specs', index] }] : [],
    ),
  ]
}

function readCiliumPolicy(
  reader: Reader,
  raw: Json,
  context: { kind: EffectivePolicy['kind']; source: Source; path: (string | number)[] },
): EffectivePolicy[] {
  const { kind, source } = context
  const metadata = isObject(raw.metadata) ? raw.metadata : {}
  const name = typeof metadata.name === 'string' ? metadata.name : '(unnamed)'
  const namespaced = kind === 'CiliumNetworkPolicy'
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default'
  return ciliumSpecs(raw, context.path).map(({ spec, at }): EffectivePolicy => {
    const linesOf = (side: 'egress' | 'ingress') =>
      itemLines(source, [...at, side], asArray(spec[side]).length)
    const subject = toSelector(spec.endpointSelector)
    const base = {
      kind,
      name,
      ...(namespaced ? { namespace } : {}),
      file: reader.file,
      ...(reader.line !== undefined ? { line: reader.line } : {}),
      subject: subject ?? {},
      cilium: true,
    }
    const opaque: { egress?: string; ingress?: string } = {}
    if (spec.nodeSelector !== undefined || !subject || spec.endpointSelector === undefined) {
      const why = 'selects nodes, or has no endpoint selector'
      unsupported(reader, `${kind} ${name} ${why}.`)
      return { ...base, opaque: { egress: why, ingress: why } }
    }
    if (spec.egressDeny !== undefined) opaque.egress = 'deny rules are not modelled'
    if (spec.ingressDeny !== undefined) opaque.ingress = 'deny rules are not modelled'
    if (opaque.egress || opaque.ingress) unsupported(reader, `${kind} ${name} has deny rules.`)
    const defaultDeny = isObject(spec.enableDefaultDeny) ? spec.enableDefaultDeny : {}
    // With enableDefaultDeny false a policy adds allows without isolating; we only model isolation.
    for (const side of ['egress', 'ingress'] as const)
      if (defaultDeny[side] === false && spec[side] !== undefined) {
        opaque[side] = 'enableDefaultDeny is false'
        unsupported(reader, `${kind} ${name}: enableDefaultDeny.${side} false is not modelled.`)
      }
    return {
      ...base,
      ...(spec.egress !== undefined
        ? {
            egress: ciliumRules(reader, spec.egress, {
              namespaced,
              egress: true,
              lines: linesOf('egress'),
            }),
          }
        : {}),
      ...(spec.ingress !== undefined
        ? {
            ingress: ciliumRules(reader, spec.ingress, {
              namespaced,
              egress: false,
              lines: linesOf('ingress'),
            }),
          }
        : {}),
      ...(Object.keys(opaque).length > 0 ? { opaque } : {}),
    }
  })
}

/** Policy kinds of other engines that can allow or deny traffic we would not see. */
const OPAQUE_KINDS = new Set([
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterNetworkPolicy',
  'GlobalNetworkPolicy',
  'EgressFirewall',
  'ClusterwideNetworkPolicy',
  'CiliumCIDRGroup',
])

function isCalico(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && apiVersion.startsWith('projectcalico.org/')
}

/** What reading gathers across files. */
type Gathered = {
  config: NetworkPolicyConfig
  diagnostics: Diagnostic[]
  /** Every `aml-egress.io/source-namespace` annotation met. */
  sourceNamespaces: Set<string>
}

/** Our annotations: which namespace's pods stand for which compute subnets. */
function readAnnotations(gathered: Gathered, item: Json): void {
  const annotations = isObject(item.metadata) ? item.metadata.annotations : undefined
  if (!isObject(annotations)) return
  const namespace = annotations['aml-egress.io/source-namespace']
  if (typeof namespace === 'string') gathered.sourceNamespaces.add(namespace)
  const addresses = annotations['aml-egress.io/source-addresses']
  if (typeof addresses !== 'string') return
  const { config } = gathered
  const known = [...(config.sourceAddresses ?? []), ...addresses.split(',').filter(Boolean)]
  config.sourceAddresses = [...new Set(known)].sort(compareOrdinal)
}

/** Kinds we do not model that can still decide flows: every flow is unknown while present. */
function readOpaqueKind(gathered: Gathered, reader: Reader, item: Json): void {
  const { kind, apiVersion } = item
  if (
    typeof kind !== 'string' ||
    !(
      OPAQUE_KINDS.has(kind) ||
      (isCalico(apiVersion) && kind.endsWith('Policy')) ||
      kind === 'NetworkPolicy'
    )
  )
    // Other kinds (Namespace, Deployment, …) do not filter traffic.
    return
  const what = `${kind} (${String(apiVersion)})`
  gathered.config.opaque.push({
    file: reader.file,
    ...(reader.line !== undefined ? { line: reader.line } : {}),
    what,
  })
  unsupported(
    reader,
    `${what} is not modelled; every flow evaluates to unknown while it is present.`,
  )
}

function readItem(
  gathered: Gathered,
  reader: Reader,
  { item, source, path }: { item: Json; source: Source; path: (string | number)[] },
): void {
  readAnnotations(gathered, item)
  const { kind, apiVersion } = item
  const { policies } = gathered.config
  if (kind === 'NetworkPolicy' && apiVersion === 'networking.k8s.io/v1') {
    const policy = readPlainPolicy(reader, item, { source, path })
    if (policy) policies.push(policy)
  } else if (
    typeof apiVersion === 'string' &&
    apiVersion.startsWith('cilium.io/') &&
    (kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy')
  ) {
    if (apiVersion !== 'cilium.io/v2')
      unsupported(reader, `${kind} ${apiVersion} read as cilium.io/v2.`)
    policies.push(...readCiliumPolicy(reader, item, { kind, source, path }))
  } else readOpaqueKind(gathered, reader, item)
}

/** One YAML document: a service-tags file, a `kind: List`, or one object. */
function readDocument(gathered: Gathered, file: RenderedFile, source: Source): void {
  const { document, counter } = source
  const error = document.errors[0]
  if (error) {
    gathered.diagnostics.push(
      createDiagnostic({
        code: 'AML_EGRESS_READ_SYNTAX',
        message: error.message.split('\n')[0] ?? 'YAML syntax error',
        format: FORMAT,
        location: { file: file.path, line: counter.linePos(error.pos[0]).line },
      }),
    )
    return
  }
  const value: unknown = document.toJS()
  if (value === null || value === undefined) return
  if (isServiceTagsFile(value)) {
    gathered.config.serviceTags = { ...gathered.config.serviceTags, ...indexServiceTags(value) }
    return
  }
  const items =
    isObject(value) && value.kind === 'List'
      ? asArray(value.items).map((item, index) => ({ item, path: ['items', index] }))
      : [{ item: value, path: [] }]
  for (const { item, path } of items) {
    if (!isObject(item)) continue
    const reader: Reader = {
      file: file.path,
      line: lineOf(source, path),
      diagnostics: gathered.diagnostics,
    }
    readItem(gathered, reader, { item, source, path })
  }
}

function readConfig(files: readonly RenderedFile[]): ReadResult<NetworkPolicyConfig> {
  const gathered: Gathered = {
    config: { policies: [], sourceNamespace: DEFAULT_SOURCE_NAMESPACE, opaque: [] },
    diagnostics: [],
    sourceNamespaces: new Set(),
  }
  for (const file of [...files].sort((a, b) => compareOrdinal(a.path, b.path))) {
    const counter = new LineCounter()
    for (const document of parseAllDocuments(file.contents, { lineCounter: counter }))
      readDocument(gathered, file, { document, counter })
  }
  const { config, diagnostics } = gathered
  const namespaces = [...gathered.sourceNamespaces].sort(compareOrdinal)
  if (namespaces.length > 1)
    diagnostics.push(
      createDiagnostic({
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        message: `Policies disagree on aml-egress.io/source-namespace (${namespaces.join(', ')}); using the first.`,
        format: FORMAT,
      }),
    )
  const [first] = namespaces
  if (first) config.sourceNamespace = first
  return { config: withEvaluationIndex(config), diagnostics }
}

/**
 * Reads policy YAML (NetworkPolicy, CiliumNetworkPolicy; multi-document, `kind: List`, ours or
 * hand-written) and an optional Azure service-tags JSON into the evaluator's model.
 * @example const { config, diagnostics } = await readNetworkPolicy([{ path: 'np.yaml', contents }])
 */
export async function readNetworkPolicy(
  files: readonly RenderedFile[],
): Promise<ReadResult<NetworkPolicyConfig>> {
  return readConfig(files)
}

/** @deprecated Use `readNetworkPolicy(files)`; this alias goes in the next minor release. */
export async function readPolicies(
  files: readonly RenderedFile[],
): Promise<ReadResult<NetworkPolicyConfig>> {
  return readConfig(files)
}

/**
 * @deprecated Use `await readNetworkPolicy(files)` (every reader is async); this alias goes in
 * the next minor release.
 */
export function readPoliciesSync(files: readonly RenderedFile[]): ReadResult<NetworkPolicyConfig> {
  return readConfig(files)
}
