/**
 * NSG semantics: per direction, rules in priority order (lower first), the first match decides
 * (Allow or Deny); after the user's rules come Azure's default rules (AllowVnet 65000, AllowAzure
 * LoadBalancerInBound / AllowInternetOutBound 65001, DenyAll 65500). A field the reader could not
 * resolve makes its rule a "may match": the verdict is then unknown unless every outcome agrees.
 */
import {
  cidrContains,
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

function isPrivate(address: string): boolean {
  return PRIVATE_RANGES.some((range) => cidrContains(range, address))
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
  const text = prefix.trim()
  if (text === '*' || text.toLowerCase() === 'any' || text === '0.0.0.0/0') return 'yes'
  if (isIpv4Cidr(text)) {
    if (endpoint.kind === 'address') return cidrContains(text, endpoint.address) ? 'yes' : 'no'
    // A host name or a tag has addresses we cannot see offline.
    if (endpoint.kind === 'host' || endpoint.kind === 'serviceTag') return 'maybe'
    return 'no'
  }
  const tag = text.toLowerCase()
  switch (endpoint.kind) {
    case 'address':
      if (tag === 'virtualnetwork') return isPrivate(endpoint.address) ? 'yes' : 'no'
      if (tag === 'internet') return isPrivate(endpoint.address) ? 'no' : 'yes'
      return isPrivate(endpoint.address) ? 'no' : 'maybe'
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

function portMatch(ranges: readonly string[], port: number): Match {
  return best(
    ranges.map((range) => {
      const text = range.trim()
      if (text === '*') return 'yes'
      const [from, to = from] = text.split('-').map(Number)
      if (from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to))
        return 'maybe'
      return from <= port && port <= to ? 'yes' : 'no'
    }),
  )
}

function unresolved(rule: NsgRule, field: string): boolean {
  return (rule.unresolved ?? []).includes(field)
}

function sideMatch(rule: NsgRule, side: 'source' | 'destination', endpoint: FlowEndpoint): Match {
  const list = side === 'source' ? rule.sourceAddressPrefixes : rule.destinationAddressPrefixes
  const fields = [`${side}_address_prefix`, `${side}_address_prefixes`]
  const asg = `${side}_application_security_group_ids`
  // Application security groups: membership is not in the config we read.
  if (fields.some((field) => unresolved(rule, field)) || unresolved(rule, asg)) return 'maybe'
  return best(list.map((prefix) => nsgPrefixMatches(prefix, endpoint)))
}

/** Does one rule match the flow? (direction already checked) */
export function nsgRuleMatches(rule: NsgRule, flow: Flow): Match {
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
  const matched = all([
    protocol,
    ports,
    sourcePortsKnown,
    sideMatch(rule, 'source', flow.source),
    sideMatch(rule, 'destination', flow.destination),
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

function decide(rules: readonly NsgRule[], flow: Flow, index: number): Outcome {
  const rule = rules[index]
  if (!rule) throw new Error('the default DenyAll rule always matches')
  const match = nsgRuleMatches(rule, flow)
  if (match === 'no') return decide(rules, flow, index + 1)
  const access = unresolved(rule, 'access') ? 'unknown' : rule.access
  if (match === 'yes') return { access, rule }
  const rest = decide(rules, flow, index + 1)
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
  const direction = flow.direction === 'inbound' ? 'Inbound' : 'Outbound'
  const rules = input.rules.filter((rule) => rule.direction === direction)
  const placed = rules
    .filter((rule) => rule.priority !== undefined)
    .concat(nsgDefaultRules.filter((rule) => rule.direction === direction))
    .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))
  const verdict = verdictOf(decide(placed, flow, 0), nsg)
  for (const floating of rules.filter((rule) => rule.priority === undefined)) {
    if (nsgRuleMatches(floating, flow) === 'no') continue
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
