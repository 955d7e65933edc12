import {
  cidrContains,
  type Plan,
  type PlanRule,
  portRangesCover,
  type RuleEndpoint,
} from '@aml-egress/core'

/** A plan rule that another rule of the same plan already allows in full. */
export type RedundantRule = {
  /** Id of the rule that adds nothing. */
  ruleId: string
  /** Id of a rule that allows every flow of it. */
  coveredBy: string
}

function sideKey(endpoint: RuleEndpoint): string {
  switch (endpoint.kind) {
    case 'fqdn':
      return 'fqdn'
    case 'serviceTag':
      return `tag:${endpoint.tag.toLowerCase()}`
    case 'addresses':
    case 'apiServer':
      return `${endpoint.kind}:${[...endpoint.addresses].sort().join(',')}`
    case 'pods':
      return `pods:${[...endpoint.namespaces].sort().join(',')}:${JSON.stringify(
        Object.entries(endpoint.podLabels).sort(([a], [b]) => (a < b ? -1 : 1)),
      )}`
  }
}

/** Rules that can cover each other: same direction, protocol and source. */
function peerKey(rule: PlanRule): string {
  return `${rule.direction}|${rule.protocol}|${sideKey(rule.source)}`
}

/**
 * The destinations that would allow every flow to this fqdn destination, nearest first: the same
 * host without a URL path, then `*.parent` for every parent (a wildcard matches one or more labels
 * and never its apex, so `*.b.c` covers `a.b.c` and `*.a.b.c`, not `b.c`).
 */
function fqdnCovers(destination: Extract<RuleEndpoint, { kind: 'fqdn' }>): string[] {
  const name = destination.fqdn.startsWith('*.') ? destination.fqdn.slice(2) : destination.fqdn
  const covers = destination.urlPath ? [destination.fqdn] : []
  for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1))
    covers.push(`*.${name.slice(dot + 1)}`)
  return covers
}

function addressesCover(outer: readonly string[], inner: readonly string[]): boolean {
  return inner.every((address) => outer.some((cidr) => cidrContains(cidr, address)))
}

/**
 * Every plan rule covered by another rule with the same direction, protocol and source, whose ports
 * include its ports and whose destination includes its destination (wildcard over host, host over
 * host-with-path, a CIDR list over a narrower one). Hash lookups per label for hosts, so linear in
 * the plan for fleets; address rules are compared pairwise within their (small) peer group.
 * @example findRedundantRules(resolvePlan(parseProfile(fleetProfile(100)))) // []
 */
export function findRedundantRules(plan: Plan): RedundantRule[] {
  const hosts = new Map<string, PlanRule>()
  const addressRules = new Map<string, PlanRule[]>()
  for (const rule of plan.rules) {
    const destination = rule.destination
    if (destination.kind === 'fqdn' && !destination.urlPath)
      hosts.set(`${peerKey(rule)}|${destination.fqdn}`, rule)
    if (destination.kind === 'addresses') {
      const peers = addressRules.get(peerKey(rule)) ?? []
      peers.push(rule)
      addressRules.set(peerKey(rule), peers)
    }
  }
  const redundant: RedundantRule[] = []
  for (const rule of plan.rules) {
    const destination = rule.destination
    let cover: PlanRule | undefined
    if (destination.kind === 'fqdn')
      cover = fqdnCovers(destination)
        .map((pattern) => hosts.get(`${peerKey(rule)}|${pattern}`))
        .find((other) => other && other !== rule && portRangesCover(other.ports, rule.ports))
    if (destination.kind === 'addresses')
      cover = addressRules
        .get(peerKey(rule))
        ?.find(
          (other) =>
            other !== rule &&
            other.destination.kind === 'addresses' &&
            addressesCover(other.destination.addresses, destination.addresses) &&
            portRangesCover(other.ports, rule.ports),
        )
    if (cover) redundant.push({ ruleId: rule.id, coveredBy: cover.id })
  }
  return redundant
}
