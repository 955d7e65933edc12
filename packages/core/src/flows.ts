import { cidrContains, sampleAddress } from './cidr'
import { hostMatchesPattern, sampleHost } from './fqdn'
import type { Flow, FlowEndpoint, Plan, PlanFlow, PlanRule, RuleEndpoint } from './plan'
import { type FlowProtocol, portInRanges, protocolCarries } from './ports'

function sameTag(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value)
}

/** Does one side of a rule match one end of a flow, with the plan's semantics? */
export function endpointMatches(rule: RuleEndpoint, flow: FlowEndpoint): boolean {
  switch (rule.kind) {
    case 'fqdn':
      return flow.kind === 'host' && hostMatchesPattern(flow.host, rule.fqdn)
    case 'serviceTag':
      if (flow.kind === 'serviceTag') return sameTag(flow.tag, rule.tag)
      return flow.kind === 'host' && (flow.serviceTags ?? []).some((tag) => sameTag(tag, rule.tag))
    case 'addresses':
      return (
        flow.kind === 'address' && rule.addresses.some((cidr) => cidrContains(cidr, flow.address))
      )
    case 'pods':
      return (
        flow.kind === 'pod' &&
        rule.namespaces.includes(flow.namespace) &&
        labelsMatch(rule.podLabels, flow.labels)
      )
    case 'apiServer':
      return (
        flow.kind === 'apiServer' &&
        (flow.address === undefined ||
          rule.addresses.some((cidr) => cidrContains(cidr, flow.address ?? '')))
      )
  }
}

/** Does this plan rule allow the flow? The reference semantics every reader is checked against. */
export function ruleAllowsFlow(rule: PlanRule, flow: Flow): boolean {
  // The destination first: it tells a fleet's rules apart, where most share their source CIDRs
  // (whose check parses them), so a flow no rule allows is ruled out without that parse.
  return (
    rule.direction === flow.direction &&
    protocolCarries(rule.protocol, flow.protocol) &&
    portInRanges(flow.port, rule.ports) &&
    endpointMatches(rule.destination, flow.destination) &&
    endpointMatches(rule.source, flow.source)
  )
}

/** The rules of the plan that allow the flow (empty: the plan denies it). */
export function rulesAllowingFlow(plan: Plan, flow: Flow): PlanRule[] {
  return plan.rules.filter((rule) => ruleAllowsFlow(rule, flow))
}

function sampleEndpoint(endpoint: RuleEndpoint): FlowEndpoint | undefined {
  switch (endpoint.kind) {
    case 'fqdn':
      return { kind: 'host', host: sampleHost(endpoint.fqdn), serviceTags: [] }
    case 'serviceTag':
      return { kind: 'serviceTag', tag: endpoint.tag }
    case 'addresses': {
      const first = endpoint.addresses[0]
      return first === undefined ? undefined : { kind: 'address', address: sampleAddress(first) }
    }
    case 'pods': {
      const namespace = endpoint.namespaces[0]
      return namespace === undefined
        ? undefined
        : { kind: 'pod', namespace, labels: endpoint.podLabels }
    }
    case 'apiServer': {
      const first = endpoint.addresses[0]
      return first === undefined
        ? { kind: 'apiServer' }
        : { kind: 'apiServer', address: sampleAddress(first) }
    }
  }
}

function samplePorts(rule: PlanRule): number[] {
  if (rule.ports.length === 0) return [443]
  return [...new Set(rule.ports.flatMap((range) => [range.from, range.to]))]
}

function sampleProtocols(rule: PlanRule): FlowProtocol[] {
  // ANY in the docs is Azure Batch over HTTPS: the traffic that must pass is TCP.
  return rule.protocol === 'UDP' ? ['UDP'] : ['TCP']
}

/**
 * The concrete flows a plan must allow: per rule, every protocol and the edges of every port range,
 * with a sample host for a wildcard. Readers are checked against these.
 */
export function planFlows(plan: Plan): PlanFlow[] {
  const flows: PlanFlow[] = []
  for (const rule of plan.rules) {
    const source = sampleEndpoint(rule.source)
    const destination = sampleEndpoint(rule.destination)
    if (!source || !destination) continue
    if (destination.kind === 'host') destination.serviceTags = [...rule.serviceTagFallbacks]
    for (const protocol of sampleProtocols(rule))
      for (const port of samplePorts(rule))
        flows.push({
          direction: rule.direction,
          source,
          destination,
          protocol,
          port,
          ruleId: rule.id,
          level: rule.level,
          requirementIds: rule.requirementIds,
        })
  }
  return flows
}

/** `tcp/443 10.0.0.1 → contoso.blob.core.windows.net`: a flow in one line. */
export function describeFlow(flow: Flow): string {
  const side = (endpoint: FlowEndpoint): string => {
    switch (endpoint.kind) {
      case 'host':
        return endpoint.host
      case 'serviceTag':
        return `tag:${endpoint.tag}`
      case 'address':
        return endpoint.address
      case 'pod':
        return `pod:${endpoint.namespace}/${Object.entries(endpoint.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`
      case 'apiServer':
        return `apiserver${endpoint.address ? `:${endpoint.address}` : ''}`
    }
  }
  return `${flow.protocol.toLowerCase()}/${flow.port} ${side(flow.source)} → ${side(flow.destination)}`
}
