/**
 * NSG semantics: per direction, rules in priority order (lower first), the first match decides
 * (Allow or Deny); after the user's rules come Azure's default rules (AllowVnet 65000, AllowAzure
 * LoadBalancerInBound / AllowInternetOutBound 65001, DenyAll 65500). A field the reader could not
 * resolve makes its rule a "may match": the verdict is then unknown unless every outcome agrees.
 */
import {
  cidrRange,
  type DecidedBy,
  type Flow,
  type FlowEndpoint,
  isIpv4Cidr,
  type Verdict,
} from '@aml-egress/core'
import type { NsgRule } from './model'

type Match = 'yes' | 'no' | 'maybe'

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']
// Tags that are not public Azure address space, so `Internet` does not contain them.
const NON_INTERNET_TAGS = new Set(['virtualnetwork', 'azureloadbalancer', 'gatewaymanager'])

type Range = { first: number; last: number }

/** A flow's end with its address parsed once: every rule's prefixes are compared with it. */
type Side = { endpoint: FlowEndpoint; range?: Range; private?: boolean }

/**
 * The rules' address prefixes by trimmed text: a CIDR's range, or `undefined` for a tag or `*`.
 * A prefix not in the map is parsed when met.
 */
export type PrefixRanges = ReadonlyMap<string, Range | undefined>

/** What evaluating one flow against many rules reuses: both ends parsed, the rules' prefixes. */
export type FlowSides = { source: Side; destination: Side; ranges?: PrefixRanges }

function sideOf(endpoint: FlowEndpoint): Side {
  if (endpoint.kind !== 'address' || !isIpv4Cidr(endpoint.address)) return { endpoint }
  const range = cidrRange(endpoint.address)
  const isPrivate = PRIVATE_RANGES.some((cidr) => {
    const outer = cidrRange(cidr)
    return outer.first <= range.first && range.last <= outer.last
  })
  return { endpoint, range, private: isPrivate }
}

/** Both ends of the flow, parsed once. */
export function flowSides(flow: Flow, ranges?: PrefixRanges): FlowSides {
  return {
    source: sideOf(flow.source),
    destination: sideOf(flow.destination),
    ...(ranges ? { ranges } : {}),
  }
}

/** The address prefixes of the rules, parsed once, by trimmed text. */
export function prefixRanges(rules: readonly NsgRule[]): PrefixRanges {
  const ranges = new Map<string, Range | undefined>()
  for (const rule of rules)
    for (const prefix of [...rule.sourceAddressPrefixes, ...rule.destinationAddressPrefixes]) {
      const text = prefix.trim()
      if (!ranges.has(text)) ranges.set(text, isIpv4Cidr(text) ? cidrRange(text) : undefined)
    }
  return ranges
}

function tagMatch(ruleTag: string, flowTag: string): Match {
  const rule = ruleTag.toLowerCase()
  const flow = flowTag.toLowerCase()
  if (rule === flow) return 'yes'
  // `Storage` holds every `Storage.<region>`; a regional rule holds only part of a global flow tag.
  if (flow.startsWith(`${rule}.`)) return 'yes'
  if (rule.startsWith(`${flow}.`)) return 'maybe'
  if (rule === 'internet') return NON_INTERNET_TAGS.has(flow) ? 'no' : 'yes'
  return 'no'
}

/** Does one NSG address prefix contain one end of a flow? */
export function nsgPrefixMatches(prefix: string, endpoint: FlowEndpoint): Match {
  return prefixMatch(prefix, sideOf(endpoint))
}

function prefixMatch(prefix: string, side: Side, ranges?: PrefixRanges): Match {
  const text = prefix.trim()
  if (text === '*' || text.toLowerCase() === 'any' || text === '0.0.0.0/0') return 'yes'
  const { endpoint } = side
  const range = ranges?.has(text)
    ? ranges.get(text)
    : isIpv4Cidr(text)
      ? cidrRange(text)
      : undefined
  if (range) {
    if (endpoint.kind === 'address')
      return side.range && range.first <= side.range.first && side.range.last <= range.last
        ? 'yes'
        : 'no'
    // A host name or a tag has addresses we cannot see offline.
    if (endpoint.kind === 'host' || endpoint.kind === 'serviceTag') return 'maybe'
    return 'no'
  }
  const tag = text.toLowerCase()
  switch (endpoint.kind) {
    case 'address':
      if (tag === 'virtualnetwork') return side.private ? 'yes' : 'no'
      if (tag === 'internet') return side.private ? 'no' : 'yes'
      return side.private ? 'no' : 'maybe'
    case 'host':
      if (tag === 'internet') return 'yes'
      return best((endpoint.serviceTags ?? []).map((flowTag) => tagMatch(text, flowTag)))
    case 'serviceTag':
      return tagMatch(text, endpoint.tag)
    default:
      return 'no'
  }
}

function best(matches: readonly Match[]): Match {
  if (matches.includes('yes')) return 'yes'
  return matches.includes('maybe') ? 'maybe' : 'no'
}

function all(matches: readonly Match[]): Match {
  if (matches.includes('no')) return 'no'
  return matches.includes('maybe') ? 'maybe' : 'yes'
}

/** `*`, `N` or `N-M` (as `split('-')` reads it: a part that is no number is a `maybe`). */
function portMatch(ranges: readonly string[], port: number): Match {
  let result: Match = 'no'
  for (const range of ranges) {
    const text = range.trim()
    if (text === '*') return 'yes'
    const dash = text.indexOf('-')
    const from = Number(dash === -1 ? text : text.slice(0, dash))
    const to = dash === -1 ? from : Number(text.slice(dash + 1).split('-')[0])
    if (Number.isNaN(from) || Number.isNaN(to)) result = 'maybe'
    else if (from <= port && port <= to) return 'yes'
  }
  return result
}

function unresolved(rule: NsgRule, field: string): boolean {
  return rule.unresolved?.includes(field) ?? false
}

function sideMatch(rule: NsgRule, side: 'source' | 'destination', sides: FlowSides): Match {
  const list = side === 'source' ? rule.sourceAddressPrefixes : rule.destinationAddressPrefixes
  // Application security groups: membership is not in the config we read.
  if (
    rule.unresolved?.some(
      (field) =>
        field === `${side}_address_prefix` ||
        field === `${side}_address_prefixes` ||
        field === `${side}_application_security_group_ids`,
    )
  )
    return 'maybe'
  let result: Match = 'no'
  for (const prefix of list) {
    const match = prefixMatch(prefix, sides[side], sides.ranges)
    if (match === 'yes') return 'yes'
    if (match === 'maybe') result = 'maybe'
  }
  return result
}

/** Does one rule match the flow? (direction already checked) */
export function nsgRuleMatches(rule: NsgRule, flow: Flow): Match {
  return ruleMatch(rule, flow, flowSides(flow))
}

function ruleMatch(rule: NsgRule, flow: Flow, sides: FlowSides): Match {
  const protocol: Match = unresolved(rule, 'protocol')
    ? 'maybe'
    : rule.protocol === '*' || rule.protocol.toUpperCase() === flow.protocol
      ? 'yes'
      : 'no'
  const sourcePorts = rule.sourcePortRanges.every((range) => range.trim() === '*') ? 'yes' : 'maybe'
  const ports: Match =
    unresolved(rule, 'destination_port_range') || unresolved(rule, 'destination_port_ranges')
      ? 'maybe'
      : portMatch(rule.destinationPortRanges, flow.port)
  const sourcePortsKnown =
    unresolved(rule, 'source_port_range') || unresolved(rule, 'source_port_ranges')
      ? 'maybe'
      : sourcePorts
  // `all` is `no` as soon as one part is: skip the address parts (same answer), the destination
  // first (most rules name another one).
  if (protocol === 'no' || ports === 'no') return 'no'
  const destination = sideMatch(rule, 'destination', sides)
  if (destination === 'no') return 'no'
  const matched = all([
    protocol,
    ports,
    sourcePortsKnown,
    sideMatch(rule, 'source', sides),
    destination,
  ])
  if (matched === 'no') return 'no'
  return rule.conditional ? 'maybe' : matched
}

/** Azure's default rules of every NSG, by direction. */
export const nsgDefaultRules: readonly NsgRule[] = [
  defaultRule('AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'),
  defaultRule('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'),
  defaultRule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'),
  defaultRule('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'),
]

function defaultRule(
  name: string,
  priority: number,
  direction: NsgRule['direction'],
  access: NsgRule['access'],
  source: string,
  destination: string,
): NsgRule {
  return {
    address: `default:${name}`,
    name,
    networkSecurityGroup: '',
    priority,
    direction,
    access,
    protocol: '*',
    sourceAddressPrefixes: [source],
    sourcePortRanges: ['*'],
    destinationAddressPrefixes: [destination],
    destinationPortRanges: ['*'],
  }
}

type Outcome = { access: 'Allow' | 'Deny' | 'unknown'; rule: NsgRule; uncertain?: NsgRule }

type Decision = { flow: Flow; sides: FlowSides }

function decide(rules: readonly NsgRule[], input: Decision, index: number): Outcome {
  const rule = rules[index]
  if (!rule) throw new Error('the default DenyAll rule always matches')
  const match = ruleMatch(rule, input.flow, input.sides)
  if (match === 'no') return decide(rules, input, index + 1)
  const access = unresolved(rule, 'access') ? 'unknown' : rule.access
  if (match === 'yes') return { access, rule }
  const rest = decide(rules, input, index + 1)
  return rest.access === access ? rest : { access: 'unknown', rule: rest.rule, uncertain: rule }
}

/** Where a verdict came from: a rule's address, and its file and line when known. */
export function decidedBy(rule: string, origin: NsgRule['origin']): DecidedBy {
  return {
    rule,
    ...(origin?.file ? { file: origin.file } : {}),
    ...(origin?.line ? { line: origin.line } : {}),
  }
}

function verdictOf(outcome: Outcome, nsg: string): Verdict {
  if (outcome.access === 'unknown') {
    const cause = outcome.uncertain ?? outcome.rule
    return {
      verdict: 'unknown',
      decidedBy: decidedBy(cause.address, cause.origin),
      reason: `NSG ${nsg}: ${cause.address} may match this flow, but it depends on values that could not be resolved (${(cause.unresolved ?? ['count/for_each']).join(', ')}).`,
    }
  }
  const { rule } = outcome
  const name = rule.address.startsWith('default:')
    ? `${rule.name} (NSG default rule)`
    : rule.address
  return {
    verdict: outcome.access === 'Allow' ? 'allowed' : 'denied',
    decidedBy: decidedBy(name, rule.origin),
    reason: `NSG ${nsg}: ${name} (priority ${rule.priority}) is the first ${flowDirection(rule)} rule that matches; it says ${rule.access}.`,
  }
}

function flowDirection(rule: NsgRule): string {
  return rule.direction.toLowerCase()
}

/** One NSG's rules of one direction, ready for many flows: placed in priority order, then the rest. */
export type PreparedNsg = {
  /** Rules with a priority and Azure's default rules, lowest priority first. */
  readonly placed: readonly NsgRule[]
  /** Rules whose priority could not be resolved: they may sit anywhere. */
  readonly floating: readonly NsgRule[]
}

/** Sorts one NSG's rules of one direction once, for evaluating many flows. */
export function prepareNsg(
  rules: readonly NsgRule[],
  direction: NsgRule['direction'],
): PreparedNsg {
  const own = rules.filter((rule) => rule.direction === direction)
  const placed = own
    .filter((rule) => rule.priority !== undefined)
    .concat(nsgDefaultRules.filter((rule) => rule.direction === direction))
    .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))
  return { placed, floating: own.filter((rule) => rule.priority === undefined) }
}

/** Evaluates a flow against a prepared NSG; `sides` is the flow with its addresses parsed. */
export function evaluatePreparedNsg(input: {
  prepared: PreparedNsg
  flow: Flow
  sides: FlowSides
  nsg: string
}): Verdict {
  const { prepared, flow, sides, nsg } = input
  const verdict = verdictOf(decide(prepared.placed, { flow, sides }, 0), nsg)
  for (const floating of prepared.floating) {
    if (ruleMatch(floating, flow, sides) === 'no') continue
    const says = floating.access === 'Allow' ? 'allowed' : 'denied'
    if (unresolved(floating, 'access') || says !== verdict.verdict)
      return {
        verdict: 'unknown',
        decidedBy: decidedBy(floating.address, floating.origin),
        reason: `NSG ${nsg}: ${floating.address} may match this flow, but its priority could not be resolved.`,
      }
  }
  return verdict
}

/**
 * Evaluates a flow against the NSG rules of one NSG plus Azure's default rules. Rules whose
 * priority is unresolved may sit anywhere: they make the verdict unknown when they may match and
 * say something else.
 * @example evaluateNsg({ rules, flow }).verdict // 'allowed'
 */
export function evaluateNsg(input: {
  rules: readonly NsgRule[]
  flow: Flow
  nsg: string
}): Verdict {
  const { flow, nsg } = input
  const prepared = prepareNsg(input.rules, flow.direction === 'inbound' ? 'Inbound' : 'Outbound')
  return evaluatePreparedNsg({ prepared, flow, sides: flowSides(flow), nsg })
}
