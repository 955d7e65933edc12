import {
  type Plan,
  type PlanFlow,
  type PlanRule,
  planFlows,
  type RuleEndpoint,
  sampleHost,
} from '@aml-egress/core'
import type { NotProbed, ProbeTarget } from './model'

/** The HTTPS port: a TLS handshake with SNI follows the connect. */
export const HTTPS_PORT = 443

/** One side of a rule in one line: `pypi.org`, `tag Storage.WestEurope`, `pods in azureml`. */
function endpointText(endpoint: RuleEndpoint): string {
  switch (endpoint.kind) {
    case 'fqdn':
      return endpoint.fqdn
    case 'serviceTag':
      return `tag ${endpoint.tag}`
    case 'addresses':
      return endpoint.addresses.join(', ')
    case 'apiServer':
      return `API server${endpoint.addresses.length > 0 ? ` ${endpoint.addresses.join(', ')}` : ''}`
    case 'pods':
      return `pods in ${endpoint.namespaces.join(', ')}`
  }
}

/** Why a flow cannot be tested by opening a connection from the subnet; undefined when it can. */
function notProbedReason(rule: PlanRule, flow: PlanFlow): string | undefined {
  if (rule.direction === 'inbound')
    return 'inbound: Azure opens these connections to the compute; test them from outside (check the NSG with `aml-egress check`)'
  if (rule.direction === 'inCluster')
    return 'in-cluster: pod-to-pod and API server traffic; test it from a pod with kubectl, not from the subnet'
  if (flow.protocol === 'UDP')
    return 'UDP has no handshake: a probe cannot tell a dropped datagram from a silent service; verify the rule with `aml-egress check`'
  if (rule.destination.kind === 'serviceTag')
    return 'service tag: its address ranges are not host names to contact; verify the rule with `aml-egress check`'
  if (flow.destination.kind !== 'host')
    return 'not a host name: the probe only contacts the hosts of the plan'
  return undefined
}

/**
 * The concrete host for a plan destination. Exact hosts as they are; for a wildcard the first
 * concrete host the plan folded under it (the workspace's storage account under
 * `*.blob.core.windows.net`), else core's documented sample name (`aml-egress-sample.<suffix>`).
 */
export function targetHost(rule: PlanRule & { destination: { kind: 'fqdn' } }): {
  host: string
  hostSource: ProbeTarget['hostSource']
} {
  const pattern = rule.destination.fqdn
  if (!pattern.startsWith('*.')) return { host: pattern, hostSource: 'exact' }
  const folded = rule.subsumes
    .map((entry) => entry.fqdn)
    .filter((fqdn) => !fqdn.startsWith('*.'))
    .sort()[0]
  return folded
    ? { host: folded, hostSource: 'subsumed' }
    : { host: sampleHost(pattern), hostSource: 'sample' }
}

function isFqdnRule(rule: PlanRule): rule is PlanRule & { destination: { kind: 'fqdn' } } {
  return rule.destination.kind === 'fqdn'
}

/**
 * Splits the flows of a plan (`planFlows`) into what a probe can test (outbound TCP to a host, one
 * target per port) and what it cannot (UDP, service tags, inbound, in-cluster), with the reason.
 * Pure: the targets are the only hosts a probe ever contacts.
 * @example probeTargets(plan).targets.map((t) => `${t.host}:${t.port}`)
 */
export function probeTargets(plan: Plan): { targets: ProbeTarget[]; notProbed: NotProbed[] } {
  const rules = new Map(plan.rules.map((rule) => [rule.id, rule]))
  const targets: ProbeTarget[] = []
  const notProbed = new Map<string, NotProbed>()
  const seen = new Map<string, ProbeTarget>()
  for (const flow of planFlows(plan)) {
    const rule = rules.get(flow.ruleId)
    if (!rule) continue
    const reason = notProbedReason(rule, flow)
    if (reason !== undefined || !isFqdnRule(rule)) {
      const key = `${rule.id}|${flow.protocol}`
      const entry = notProbed.get(key)
      if (entry) {
        if (!entry.ports.includes(flow.port)) entry.ports = [...entry.ports, flow.port]
      } else
        notProbed.set(key, {
          ruleId: rule.id,
          requirementIds: rule.requirementIds,
          level: rule.level,
          direction: rule.direction,
          protocol: flow.protocol,
          source: endpointText(rule.source),
          destination: endpointText(rule.destination),
          ports: [flow.port],
          reason: reason ?? 'not a host name: the probe only contacts the hosts of the plan',
        })
      continue
    }
    const { host, hostSource } = targetHost(rule)
    // Two rules can lead to the same host and port (e.g. TCP and ANY): one connection is enough.
    const key = `${host}:${flow.port}`
    const existing = seen.get(key)
    if (existing) {
      existing.requirementIds = [...new Set([...existing.requirementIds, ...rule.requirementIds])]
      if (rule.level === 'required') existing.level = 'required'
      continue
    }
    const target: ProbeTarget = {
      ruleId: rule.id,
      requirementIds: rule.requirementIds,
      level: rule.level,
      pattern: rule.destination.fqdn,
      host,
      hostSource,
      port: flow.port,
      https: flow.port === HTTPS_PORT,
    }
    seen.set(key, target)
    targets.push(target)
  }
  return { targets, notProbed: [...notProbed.values()] }
}
