import {
  canonicalHost,
  cidrContains,
  compareOrdinal,
  type DecidedBy,
  describeFlow,
  type Flow,
  type Verdict,
} from '@aml-egress/core'
import {
  type Block,
  blockContains,
  blocksOverlap,
  type CidrPeer,
  candidateRules,
  currentIndex,
  type EvaluationIndex,
  fqdnPeersMatch,
  type PreparedPeer,
  type PreparedRule,
  parseBlock,
} from './evaluationIndex'
import type {
  EffectivePolicy,
  NetworkPolicyConfig,
  PolicyPeer,
  PolicyRule,
  PortMatch,
  Tri,
} from './model'
import { allOf, anyOf, ciliumLookup, matchSelector, namespaceLookup, podLookup } from './selectors'

/*
 * Kubernetes semantics (cyclonus-style): a pod selected by any policy for a direction is isolated
 * for it, and then only the union of those policies' rules lets traffic through. A pod-to-pod flow
 * needs the source's egress AND the destination's ingress; external destinations only egress.
 * CiliumNetworkPolicies join the same union. Every step is three-valued: what a flow does not
 * tell us (namespace labels other than the name, host addresses, named ports, L7 rules) stays
 * unknown and never becomes 'allowed'.
 */

type Pod = { namespace: string; labels: Record<string, string> }

/** The far end of a flow, as a policy rule sees it. */
type Target =
  | { kind: 'pod'; pod: Pod }
  | { kind: 'apiServer'; address?: Block | undefined }
  /** `host` is canonical: canonicalised once per flow. */
  | { kind: 'host'; host: string; serviceTags: string[] }
  | { kind: 'address'; address: Block }
  | { kind: 'serviceTag'; tag: string }

type Side = 'egress' | 'ingress'

function selects(policy: EffectivePolicy, pod: Pod): Tri {
  if (policy.namespace !== undefined && policy.namespace !== pod.namespace) return 'no'
  return matchSelector({
    selector: policy.subject,
    lookup: policy.cilium ? ciliumLookup(pod) : podLookup(pod.labels),
  })
}

function podPeerMatches(
  policy: EffectivePolicy,
  peer: PolicyPeer & { kind: 'pods' },
  pod: Pod,
): Tri {
  const { namespaces } = peer
  const namespace: Tri =
    namespaces.kind === 'any'
      ? 'yes'
      : namespaces.kind === 'same'
        ? policy.namespace === undefined || policy.namespace === pod.namespace
          ? 'yes'
          : 'no'
        : matchSelector({
            selector: namespaces.selector,
            lookup: namespaceLookup(pod.namespace),
          })
  const pods = matchSelector({
    selector: peer.pods,
    lookup: peer.cilium ? ciliumLookup(pod) : podLookup(pod.labels),
  })
  return allOf([namespace, pods])
}

function inBlock(peer: CidrPeer, address: Block): Tri {
  if (!peer.block.valid || !address.valid) return 'unknown'
  return blockContains(peer.block, address) &&
    !peer.except.some((except) => blockContains(except, address))
    ? 'yes'
    : 'no'
}

const EXTERNAL_ENTITIES = new Set(['world', 'world-ipv4'])

function entityMatches(entity: string, target: Target): Tri {
  if (entity === 'all') return 'yes'
  if (target.kind === 'pod') return entity === 'cluster' ? 'yes' : 'no'
  if (target.kind === 'apiServer') {
    if (entity === 'kube-apiserver') return 'yes'
    // An API server outside the cluster may also carry the world identity; a host-network one
    // the host or remote-node identity.
    return ['world', 'world-ipv4', 'cluster', 'host', 'remote-node'].includes(entity)
      ? 'unknown'
      : 'no'
  }
  if (EXTERNAL_ENTITIES.has(entity)) return 'yes'
  // An address may belong to a node or the API server; a public host name does not.
  return target.kind === 'address' &&
    ['cluster', 'host', 'remote-node', 'kube-apiserver'].includes(entity)
    ? 'unknown'
    : 'no'
}

function peerMatches(policy: EffectivePolicy, peer: PreparedPeer, target: Target): Tri {
  switch (peer.kind) {
    case 'pods':
      return target.kind === 'pod' ? podPeerMatches(policy, peer, target.pod) : 'no'
    case 'cidr':
      if (target.kind === 'address') return inBlock(peer, target.address)
      if (target.kind === 'apiServer')
        return target.address === undefined ? 'unknown' : inBlock(peer, target.address)
      // Pod addresses in ipBlocks are implementation-defined; only a /0 could plausibly hold one.
      if (target.kind === 'pod') return peer.prefixLength === 0 ? 'unknown' : 'no'
      // Hosts and tags are resolved against all CIDR peers of the rule together: see tagCoverage.
      return 'no'
    case 'entity':
      return entityMatches(peer.entity, target)
    case 'unsupported':
      return 'unknown'
  }
}

/** Tags whose ranges include private or link-local space. */
const PRIVATE_TAGS = new Set(['virtualnetwork', 'azureloadbalancer', 'gatewaymanager'])

/**
 * A host (or tag) against a rule's CIDR peers. The host lies somewhere in each of its service
 * tags: allowed if one tag lies wholly inside the blocks, denied if one tag misses every block.
 */
function tagCoverage({
  index,
  peers,
  target,
}: {
  index: EvaluationIndex
  peers: readonly CidrPeer[]
  target: Target & { kind: 'host' | 'serviceTag' }
}): Tri {
  if (peers.length === 0) return 'no'
  if (peers.some((peer) => peer.prefixLength === 0 && peer.except.length === 0)) return 'yes'
  const tags = target.kind === 'host' ? target.serviceTags : [target.tag]
  // A name carries no address and the reader does no DNS: a host without service tags is taken
  // to be outside every ipBlock narrower than 0.0.0.0/0 (the verdict reason says so).
  if (tags.length === 0) return 'no'
  const known = tags
    .map((tag) => index.tagBlocks.get(tag.toLowerCase()))
    .filter((ranges): ranges is readonly Block[] => ranges !== undefined && ranges.length > 0)
  if (known.length === 0)
    // Without the tags file: public Azure tags never overlap private address space.
    return tags.every((tag) => !PRIVATE_TAGS.has(tag.toLowerCase())) &&
      peers.every((peer) => peer.isPrivate)
      ? 'no'
      : 'unknown'
  const covered = (range: Block): boolean =>
    peers.some(
      (peer) =>
        blockContains(peer.block, range) &&
        !peer.except.some((except) => blocksOverlap(except, range)),
    )
  if (known.some((ranges) => ranges.every(covered))) return 'yes'
  if (
    known.some(
      (ranges) => !ranges.some((range) => peers.some((peer) => blocksOverlap(peer.block, range))),
    )
  )
    return 'no'
  return 'unknown'
}

function portMatches(ports: PortMatch[] | 'all', flow: Flow): Tri {
  if (ports === 'all') return 'yes'
  return anyOf(
    ports.map((match): Tri => {
      if (match.protocol !== 'ANY' && match.protocol !== flow.protocol) return 'no'
      if (match.namedPort !== undefined) return 'unknown'
      if (match.port !== undefined) {
        const last = match.endPort ?? match.port
        if (flow.port < match.port || flow.port > last) return 'no'
      }
      if (match.l7 === undefined) return 'yes'
      // L7 rules filter requests, which an L4 flow does not describe; "any DNS name" is L4-like.
      return match.l7.kind === 'dns' && match.l7.allowsAllNames ? 'yes' : 'unknown'
    }),
  )
}

/** The rule's toFQDNs against the target: an address may be one Cilium learned for a name. */
function fqdnResult(prepared: PreparedRule, target: Target): Tri | undefined {
  if (!prepared.fqdn) return undefined
  if (target.kind === 'host') return fqdnPeersMatch(prepared.fqdn, target.host)
  return target.kind === 'address' ? 'unknown' : 'no'
}

function ruleMatches(
  prepared: PreparedRule,
  { index, target, flow }: { index: EvaluationIndex; target: Target; flow: Flow },
): Tri {
  const { policy, rule } = prepared
  const ports = portMatches(rule.ports, flow)
  if (ports === 'no' || rule.peers === 'all') return ports
  const results = prepared.peers.map((peer) => peerMatches(policy, peer, target))
  const byName = fqdnResult(prepared, target)
  if (byName !== undefined) results.push(byName)
  if ((target.kind === 'host' || target.kind === 'serviceTag') && prepared.cidrs.length > 0)
    results.push(tagCoverage({ index, peers: prepared.cidrs, target }))
  return allOf([ports, anyOf(results)])
}

/** toFQDNs learn addresses from DNS answers: a host allowed only by name needs the DNS proxy. */
function allowedOnlyByName(prepared: PreparedRule, target: Target): boolean {
  return (
    prepared.rule.peers !== 'all' &&
    prepared.namesOnly &&
    target.kind === 'host' &&
    fqdnResult(prepared, target) === 'yes'
  )
}

type SideResult = { result: Tri; reason: string; policy?: EffectivePolicy; line?: number }

/** One side of a flow to decide: the source pod's egress or the destination pod's ingress. */
type SideQuery = {
  config: NetworkPolicyConfig
  index: EvaluationIndex
  side: Side
  pod: Pod
  target: Target
  flow: Flow
}

/** A policy that may select the pod, and has rules (or opaque parts) for the side. */
type Relevant = { policy: EffectivePolicy; selected: Tri }

function sideResult(
  result: Tri,
  reason: string,
  { policy, rule }: { policy: EffectivePolicy; rule?: PolicyRule },
): SideResult {
  return { result, reason, policy, ...(rule?.line !== undefined ? { line: rule.line } : {}) }
}

/** The first rule that allows the flow; else the first that may, for the reason it is unknown. */
function matchRules(
  query: SideQuery,
  {
    relevant,
    selectedPolicies,
    where,
  }: { relevant: Relevant[]; selectedPolicies: EffectivePolicy[]; where: string },
): { allowed?: SideResult; unknown?: SideResult } {
  const { index, side, target, flow } = query
  const selectedBy = new Map(relevant.map(({ policy, selected }) => [policy, selected]))
  const dnsProxy = selectedPolicies.some((policy) => index.dnsProxy.has(policy))
  let unknown: SideResult | undefined
  const host = target.kind === 'host' ? target.host : undefined
  for (const prepared of candidateRules(index[side], host)) {
    const { policy, rule } = prepared
    const selected = selectedBy.get(policy)
    if (selected === undefined) continue
    let result = ruleMatches(prepared, { index, target, flow })
    if (result === 'yes' && !dnsProxy && allowedOnlyByName(prepared, target)) {
      unknown ??= sideResult(
        'unknown',
        `${policy.name} allows the host by name, but no policy sends the pod's DNS through Cilium's DNS proxy, so Cilium may never learn its addresses.`,
        { policy, rule },
      )
      continue
    }
    if (result === 'yes' && selected === 'unknown') result = 'unknown'
    if (result === 'yes') {
      const reason = `${policy.kind} ${policy.namespace ?? '(cluster)'}/${policy.name} allows it for the ${where}.`
      return { allowed: sideResult('yes', reason, { policy, rule }) }
    }
    if (result === 'unknown')
      unknown ??= sideResult(
        'unknown',
        `${policy.kind} ${policy.name} may allow it, but part of its rule cannot be decided for this flow (selector on unknown labels, named port, L7 rule, or a host against ipBlocks without its service-tag ranges).`,
        { policy, rule },
      )
  }
  return unknown ? { unknown } : {}
}

function sideVerdict(query: SideQuery): SideResult {
  const { config, side, pod } = query
  const where = `${side === 'egress' ? 'source' : 'destination'} pod in ${pod.namespace}`
  const relevant = config.policies
    .map((policy) => ({ policy, selected: selects(policy, pod) }))
    .filter(
      ({ policy, selected }) =>
        selected !== 'no' && (policy[side] !== undefined || policy.opaque?.[side] !== undefined),
    )
  const opaque = relevant.find(
    ({ policy, selected }) => selected === 'yes' && policy.opaque?.[side],
  )?.policy
  if (opaque)
    return sideResult(
      'unknown',
      `${opaque.kind} ${opaque.name} selects the ${where} but cannot be evaluated: ${opaque.opaque?.[side]}.`,
      { policy: opaque },
    )
  const selectedPolicies = relevant
    .filter(({ selected }) => selected === 'yes')
    .map(({ policy }) => policy)
  const { allowed, unknown } = matchRules(query, { relevant, selectedPolicies, where })
  if (allowed) return allowed
  if (selectedPolicies.length === 0)
    return relevant.length > 0
      ? {
          result: 'unknown',
          reason: `A policy may select the ${where} (selector on unknown labels).`,
        }
      : { result: 'yes', reason: `No policy isolates the ${where} for ${side}.` }
  if (unknown) return unknown
  const isolating = selectedPolicies.map((policy) => policy.name).sort(compareOrdinal)
  return {
    result: 'no',
    reason: `The ${where} is isolated for ${side} by ${isolating.join(', ')}, and no rule allows this flow.`,
  }
}

function targetOf(flow: Flow): Target | undefined {
  const { destination } = flow
  switch (destination.kind) {
    case 'pod':
      return { kind: 'pod', pod: { namespace: destination.namespace, labels: destination.labels } }
    case 'apiServer':
      return {
        kind: 'apiServer',
        address: destination.address === undefined ? undefined : parseBlock(destination.address),
      }
    case 'host':
      return {
        kind: 'host',
        host: canonicalHost(destination.host),
        serviceTags: destination.serviceTags ?? [],
      }
    case 'address':
      return { kind: 'address', address: parseBlock(destination.address) }
    case 'serviceTag':
      return { kind: 'serviceTag', tag: destination.tag }
  }
}

function sourcePod(config: NetworkPolicyConfig, flow: Flow): Pod | undefined {
  const { source } = flow
  // The compute subnets of outbound rules are the pods of the Azure ML namespace, as rendered.
  if (source.kind === 'address') return { namespace: config.sourceNamespace, labels: {} }
  if (source.kind === 'pod') return { namespace: source.namespace, labels: source.labels }
  return undefined
}

/** What lets a flow through that no policy isolates: Kubernetes does, by default. */
const NOT_ISOLATED: DecidedBy = { rule: '(no policy isolates the pod: allowed by default)' }

function decided(side: SideResult): DecidedBy | undefined {
  if (!side.policy) return undefined
  const line = side.line ?? side.policy.line
  return {
    rule: `${side.policy.namespace ?? '(cluster)'}/${side.policy.name}`,
    ...(side.policy.file ? { file: side.policy.file } : {}),
    ...(line !== undefined ? { line } : {}),
  }
}

function allowed(side: SideResult, reason: string): Verdict {
  return { verdict: 'allowed', decidedBy: decided(side) ?? NOT_ISOLATED, reason }
}

function notAllowed(verdict: 'denied' | 'unknown', side: SideResult): Verdict {
  const decidedBy = decided(side)
  return { verdict, ...(decidedBy ? { decidedBy } : {}), reason: side.reason }
}

/** Flows these policies cannot speak about, or from outside the compute subnets. */
function outsideVerdict(config: NetworkPolicyConfig, flow: Flow): Verdict | undefined {
  const opaque = config.opaque[0]
  if (opaque)
    return {
      verdict: 'unknown',
      decidedBy: {
        rule: opaque.what,
        file: opaque.file,
        ...(opaque.line ? { line: opaque.line } : {}),
      },
      reason: `${opaque.what} is not modelled and can allow or deny any flow.`,
    }
  if (flow.direction === 'inbound')
    return {
      verdict: 'unknown',
      reason: `Pod policies do not decide traffic from outside into the compute subnets (${describeFlow(flow)}).`,
    }
  const { source } = flow
  if (
    source.kind === 'address' &&
    config.sourceAddresses !== undefined &&
    !config.sourceAddresses.some((cidr) => cidrContains(cidr, source.address))
  )
    return {
      verdict: 'denied',
      reason: `${source.address} is outside the compute subnets (${config.sourceAddresses.join(', ')}) that the pods of ${config.sourceNamespace} stand for; these policies allow nothing from it.`,
    }
  return undefined
}

/**
 * Does this set of policies allow the flow, with Kubernetes (and Cilium) semantics? An allowed
 * verdict names the policy that allowed it, or says that no policy isolates the pod.
 * @example evaluateNetworkPolicy(config, flow).verdict // 'allowed' | 'denied' | 'unknown'
 */
export function evaluateNetworkPolicy(config: NetworkPolicyConfig, flow: Flow): Verdict {
  const outside = outsideVerdict(config, flow)
  if (outside) return outside
  const pod = sourcePod(config, flow)
  const target = targetOf(flow)
  if (!pod || !target)
    return { verdict: 'unknown', reason: `The source of ${describeFlow(flow)} is not a pod.` }
  const index = currentIndex(config)
  const egress = sideVerdict({ config, index, side: 'egress', pod, target, flow })
  if (target.kind !== 'pod') {
    if (egress.result === 'yes') return allowed(egress, egress.reason)
    return notAllowed(egress.result === 'no' ? 'denied' : 'unknown', egress)
  }
  const ingress = sideVerdict({
    config,
    index,
    side: 'ingress',
    pod: target.pod,
    target: { kind: 'pod', pod },
    flow,
  })
  if (egress.result === 'no') return notAllowed('denied', egress)
  if (ingress.result === 'no') return notAllowed('denied', ingress)
  if (egress.result === 'yes' && ingress.result === 'yes')
    return allowed(egress.policy ? egress : ingress, `${egress.reason} ${ingress.reason}`)
  return notAllowed('unknown', egress.result === 'unknown' ? egress : ingress)
}

/** @deprecated Use `evaluateNetworkPolicy(config, flow)`; this alias goes in the next minor release. */
export function evaluateFlow({
  config,
  flow,
}: {
  config: NetworkPolicyConfig
  flow: Flow
}): Verdict {
  return evaluateNetworkPolicy(config, flow)
}
