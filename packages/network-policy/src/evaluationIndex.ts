import { canonicalHost, cidrRange, isIpv4Cidr } from '@aml-egress/core'
import type { EffectivePolicy, NetworkPolicyConfig, PolicyPeer, PolicyRule } from './model'

/*
 * What the evaluator needs of a config, worked out once: a fleet's Cilium policy has thousands of
 * names per rule and is asked about tens of thousands of flows, so per flow the evaluator looks up
 * the rules that can name the flow's host instead of walking (and re-canonicalising) every peer.
 */

/** An IPv4 block parsed once. `first`/`last` as `cidrRange` gives them, even when not valid. */
export type Block = { valid: boolean; first: number; last: number }

export function parseBlock(cidr: string): Block {
  return { valid: isIpv4Cidr(cidr), ...cidrRange(cidr) }
}

/** `cidrContains` on parsed blocks: false unless both are valid. */
export function blockContains(outer: Block, inner: Block): boolean {
  return outer.valid && inner.valid && outer.first <= inner.first && inner.last <= outer.last
}

/** Do the two ranges share an address? (As before: no validity check.) */
export function blocksOverlap(a: Block, b: Block): boolean {
  return a.first <= b.last && b.first <= a.last
}

/** A CIDR peer with its blocks parsed. */
export type CidrPeer = {
  kind: 'cidr'
  cidr: string
  block: Block
  except: Block[]
  prefixLength: number
  /** A valid block inside private or link-local space. */
  isPrivate: boolean
}

/** Every peer but toFQDNs, which a rule holds together as `FqdnPeers`. */
export type PreparedPeer = Exclude<PolicyPeer, { kind: 'cidr' | 'fqdn' }> | CidrPeer

/** A Cilium 1.18 matchPattern, compiled once. */
type CompiledPattern = {
  matchesAll: boolean
  regExp: RegExp
  /** For a leading `**.`: the `.suffix.` that Cilium 1.19 would also match deeper. */
  deeperSuffix?: string
}

/** A rule's toFQDNs: exact names as a canonical set, patterns compiled. */
export type FqdnPeers = {
  names: ReadonlySet<string>
  patterns: readonly CompiledPattern[]
  /** A toFQDNs entry with neither matchName nor matchPattern. */
  hasOpaque: boolean
}

/** One rule of one policy, prepared for evaluation. */
export type PreparedRule = {
  policy: EffectivePolicy
  rule: PolicyRule
  /** Peers other than toFQDNs, in order. */
  peers: readonly PreparedPeer[]
  cidrs: readonly CidrPeer[]
  fqdn?: FqdnPeers
  /** No CIDR or entity peer: a host it allows by name needs the DNS proxy. */
  namesOnly: boolean
}

/** The rules of one direction in evaluation order, and which of them can match a host. */
type SideIndex = {
  rules: readonly PreparedRule[]
  /** Positions checked for every host: rules that can match one without naming it. */
  always: readonly number[]
  /** Positions by canonical matchName (and by a matchPattern without `*`). */
  byName: ReadonlyMap<string, readonly number[]>
  /** Positions by the labels after a matchPattern's last label holding `*`. */
  bySuffix: ReadonlyMap<string, readonly number[]>
}

/** The evaluation index a config read by `readNetworkPolicy` carries. Treat it as read-only. */
export type EvaluationIndex = {
  /** What it was built from: a config whose policies or tags were replaced is indexed again. */
  readonly policies: readonly EffectivePolicy[]
  /** The number of policies then: a config whose list grew in place is indexed again too. */
  readonly policyCount: number
  readonly serviceTags: Readonly<Record<string, string[]>> | undefined
  readonly egress: SideIndex
  readonly ingress: SideIndex
  /** Policies with a DNS rule on port 53 (Cilium's DNS proxy sees the pod's lookups). */
  readonly dnsProxy: ReadonlySet<EffectivePolicy>
  /** Service tag (lower case) → its ranges, parsed. */
  readonly tagBlocks: ReadonlyMap<string, readonly Block[]>
}

const PRIVATE_BLOCKS = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '127.0.0.0/8',
].map(parseBlock)

function prepareCidr(peer: PolicyPeer & { kind: 'cidr' }): CidrPeer {
  const block = parseBlock(peer.cidr)
  return {
    kind: 'cidr',
    cidr: peer.cidr,
    block,
    except: peer.except.map(parseBlock),
    prefixLength: Number(peer.cidr.split('/')[1] ?? 32),
    isPrivate: PRIVATE_BLOCKS.some((privateBlock) => blockContains(privateBlock, block)),
  }
}

/**
 * Cilium 1.18 matchPattern: `*` is any run of DNS characters inside one label. Any other character
 * stands for itself (Cilium refuses such patterns; here they match no real name instead of
 * throwing or acting as regular-expression syntax).
 */
function compilePattern(wanted: string): CompiledPattern {
  const literal = wanted.replace(/[\\^$+?()[\]{}|]/g, '\\$&')
  const regExp = new RegExp(`^${literal.replace(/\./g, '[.]').replace(/\*/g, '[-a-z0-9_]*')}[.]$`)
  // Cilium 1.19 reads a leading `**.` as one or more labels; 1.18 as one label.
  const deeperSuffix = wanted.startsWith('**.') ? `.${wanted.slice(3)}.` : undefined
  return { matchesAll: wanted === '*', regExp, ...(deeperSuffix ? { deeperSuffix } : {}) }
}

/** A matchPattern's canonical text, as the evaluator compares it. */
function canonicalPattern(pattern: string): string {
  return canonicalHost(pattern.trim())
}

/**
 * The pattern against a canonical host name.
 * @example patternMatches(compilePattern('*.example.com'), 'a.example.com') // 'yes'
 */
function patternMatches(pattern: CompiledPattern, host: string): 'yes' | 'no' | 'unknown' {
  if (pattern.matchesAll) return 'yes'
  const name = `${host}.`
  if (pattern.regExp.test(name)) return 'yes'
  return pattern.deeperSuffix !== undefined && name.endsWith(pattern.deeperSuffix)
    ? 'unknown'
    : 'no'
}

/** The rule's toFQDNs against a canonical host name: any entry that matches decides. */
export function fqdnPeersMatch(fqdn: FqdnPeers, host: string): 'yes' | 'no' | 'unknown' {
  if (fqdn.names.has(host)) return 'yes'
  let result: 'no' | 'unknown' = fqdn.hasOpaque ? 'unknown' : 'no'
  for (const pattern of fqdn.patterns) {
    const match = patternMatches(pattern, host)
    if (match === 'yes') return 'yes'
    if (match === 'unknown') result = 'unknown'
  }
  return result
}

function prepareFqdn(peers: readonly (PolicyPeer & { kind: 'fqdn' })[]): FqdnPeers | undefined {
  if (peers.length === 0) return undefined
  const names = new Set<string>()
  const patterns: CompiledPattern[] = []
  let hasOpaque = false
  for (const peer of peers)
    if (peer.matchName !== undefined) names.add(canonicalHost(peer.matchName))
    else if (peer.matchPattern !== undefined)
      patterns.push(compilePattern(canonicalPattern(peer.matchPattern)))
    else hasOpaque = true
  return { names, patterns, hasOpaque }
}

function prepareRule(policy: EffectivePolicy, rule: PolicyRule): PreparedRule {
  const all = rule.peers === 'all' ? [] : rule.peers
  const peers = all.flatMap((peer): PreparedPeer[] =>
    peer.kind === 'fqdn' ? [] : [peer.kind === 'cidr' ? prepareCidr(peer) : peer],
  )
  const fqdn = prepareFqdn(all.filter((peer) => peer.kind === 'fqdn'))
  return {
    policy,
    rule,
    peers,
    cidrs: peers.filter((peer) => peer.kind === 'cidr'),
    ...(fqdn ? { fqdn } : {}),
    namesOnly: !all.some((peer) => peer.kind === 'cidr' || peer.kind === 'entity'),
  }
}

/** Only DNS characters, dots and `*`: a pattern whose regular expression the index can reason about. */
const INDEXABLE_PATTERN = /^[-a-z0-9_.*]+$/

/** Where a host name a toFQDNs entry can match is found: an exact name, a suffix, or neither. */
function fqdnKey(
  peer: PolicyPeer & { kind: 'fqdn' },
): { name: string } | { suffix: string } | undefined {
  if (peer.matchName !== undefined) return { name: canonicalHost(peer.matchName) }
  if (peer.matchPattern === undefined) return undefined
  const wanted = canonicalPattern(peer.matchPattern)
  if (!INDEXABLE_PATTERN.test(wanted)) return undefined
  const labels = wanted.split('.')
  const lastStar = labels.findLastIndex((label) => label.includes('*'))
  if (lastStar === -1) return { name: wanted }
  // A match ends in `.` + these labels; the pattern's last label holding `*` can be anything.
  const suffix = labels.slice(lastStar + 1).join('.')
  return suffix === '' ? undefined : { suffix }
}

function addPosition(map: Map<string, number[]>, key: string, position: number): void {
  const positions = map.get(key)
  if (!positions) map.set(key, [position])
  else if (positions.at(-1) !== position) positions.push(position)
}

function indexSide(policies: readonly EffectivePolicy[], side: 'egress' | 'ingress'): SideIndex {
  const rules = policies.flatMap((policy) =>
    (policy[side] ?? []).map((rule) => prepareRule(policy, rule)),
  )
  const always: number[] = []
  const byName = new Map<string, number[]>()
  const bySuffix = new Map<string, number[]>()
  for (const [position, { rule }] of rules.entries()) {
    let matchesUnnamed = rule.peers === 'all'
    for (const peer of rule.peers === 'all' ? [] : rule.peers) {
      // Pod peers never match a host; every other kind but an indexable name may.
      if (peer.kind === 'pods') continue
      const key = peer.kind === 'fqdn' ? fqdnKey(peer) : undefined
      if (!key) matchesUnnamed = true
      else if ('name' in key) addPosition(byName, key.name, position)
      else addPosition(bySuffix, key.suffix, position)
    }
    if (matchesUnnamed) always.push(position)
  }
  return { rules, always, byName, bySuffix }
}

function opensDnsProxy(policy: EffectivePolicy): boolean {
  return (policy.egress ?? []).some(
    (rule) =>
      rule.ports !== 'all' &&
      rule.ports.some(
        (port) =>
          port.l7?.kind === 'dns' &&
          (port.port === undefined || (port.port <= 53 && 53 <= (port.endPort ?? port.port))),
      ),
  )
}

function indexConfig(config: NetworkPolicyConfig): EvaluationIndex {
  const { policies, serviceTags } = config
  return {
    policies,
    policyCount: policies.length,
    serviceTags,
    egress: indexSide(policies, 'egress'),
    ingress: indexSide(policies, 'ingress'),
    dnsProxy: new Set(policies.filter(opensDnsProxy)),
    tagBlocks: new Map(
      Object.entries(serviceTags ?? {}).map(([tag, ranges]) => [tag, ranges.map(parseBlock)]),
    ),
  }
}

/**
 * The config with its evaluation index, as the reader returns it: evaluating many flows looks up
 * the rules that can match each flow's host instead of walking every rule and peer.
 * @example const config = withEvaluationIndex({ policies, sourceNamespace: 'azureml', opaque: [] })
 */
export function withEvaluationIndex(config: NetworkPolicyConfig): NetworkPolicyConfig {
  return { ...config, evaluationIndex: indexConfig(config) }
}

/** The config's index, or a new one when it has none or its policies or tags were replaced. */
export function currentIndex(config: NetworkPolicyConfig): EvaluationIndex {
  const index = config.evaluationIndex
  return index &&
    index.policies === config.policies &&
    index.policyCount === config.policies.length &&
    index.serviceTags === config.serviceTags
    ? index
    : indexConfig(config)
}

/**
 * The rules of a side that can match the target, in evaluation order: for a host, those naming it
 * (exactly or by a pattern's suffix) and those that match hosts without naming them; else all.
 */
export function candidateRules(side: SideIndex, host: string | undefined): readonly PreparedRule[] {
  if (host === undefined) return side.rules
  const positions = [...side.always, ...(side.byName.get(host) ?? [])]
  // Every suffix after a dot: a pattern whose literal labels end the name.
  for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1))
    positions.push(...(side.bySuffix.get(host.slice(dot + 1)) ?? []))
  positions.sort((a, b) => a - b)
  return positions.flatMap((position, i) =>
    i > 0 && positions[i - 1] === position ? [] : [side.rules[position] as PreparedRule],
  )
}
