/**
 * Does a workspace's managed network allow a flow? In `allow_only_approved_outbound` mode an
 * outbound flow passes when an outbound rule carries it: an FQDN rule (TCP 80 and 443 to its host
 * or `*.` pattern), a service tag rule (its protocol, ports and tag; a global tag covers its
 * regional tags; address prefixes replace the tag), a private endpoint rule (every TCP port of
 * the sub-resource's host), or a rule Azure ML applies itself (`managed-by-aml.json`). Anything
 * else is denied. `allow_internet_outbound` allows all outbound traffic; a disabled managed
 * network restricts nothing of its own. A rule set's rules are every one of its workspaces'
 * rules, and a workspace's own rules its alone: a flow from a workspace is allowed when its rule
 * set allows it. Several workspaces: the flow is allowed when one workspace's managed network
 * allows it (the verdict names the workspace and its rule set).
 */
import {
  cidrContains,
  cloudSuffixes,
  type DecidedBy,
  type Flow,
  hostMatchesPattern,
  portInRanges,
  type Verdict,
} from '@aml-egress/core'
import type {
  AmlManagedList,
  AmlManagedRule,
  IsolationMode,
  ManagedNetworkConfig,
  ManagedNetworkWorkspace,
  OutboundRule,
  PrivateEndpointRule,
} from './model'
import { parsePortRanges } from './portRanges'

type Match = 'allows' | 'denies' | 'inactive' | 'unreadable' | undefined

function decided(set: string, rule: OutboundRule): DecidedBy {
  const by: DecidedBy = { rule: `${set}/${rule.name}` }
  if (rule.location) {
    by.file = rule.location.file
    if (rule.location.line !== undefined) by.line = rule.location.line
  }
  return by
}

function tagCovers(ruleTag: string, flowTag: string): boolean {
  const rule = ruleTag.toLowerCase()
  const flow = flowTag.toLowerCase()
  return flow === rule || flow.startsWith(`${rule}.`)
}

function serviceTagMatch(rule: Extract<OutboundRule, { type: 'ServiceTag' }>, flow: Flow): Match {
  const protocol = rule.protocol.toUpperCase()
  if (protocol !== '*' && protocol !== 'ANY' && protocol !== flow.protocol) return undefined
  const ports = parsePortRanges(rule.portRanges)
  if (!ports) return 'unreadable'
  if (!portInRanges(flow.port, ports)) return undefined
  const { destination } = flow
  const hit = rule.addressPrefixes?.length
    ? destination.kind === 'address' &&
      rule.addressPrefixes.some((prefix) => cidrContains(prefix, destination.address))
    : (destination.kind === 'serviceTag' && tagCovers(rule.serviceTag, destination.tag)) ||
      (destination.kind === 'host' &&
        (destination.serviceTags ?? []).some((tag) => tagCovers(rule.serviceTag, tag)))
  if (!hit) return undefined
  return rule.action === 'Deny' ? 'denies' : 'allows'
}

/** The host patterns a private endpoint rule's sub-resource answers on, in every cloud. */
function privateEndpointHosts(rule: PrivateEndpointRule): string[] {
  const parts = rule.serviceResourceId.split('/')
  const provider = `${parts.at(-3) ?? ''}/${parts.at(-2) ?? ''}`.toLowerCase()
  const name = (parts.at(-1) ?? '').toLowerCase()
  const target = rule.subresourceTarget.toLowerCase()
  const clouds = Object.values(cloudSuffixes)
  const hosts = [...(rule.fqdns ?? [])]
  if (provider === 'microsoft.storage/storageaccounts')
    hosts.push(...clouds.map((cloud) => `${name}.${target}.${cloud.storage}`))
  else if (provider === 'microsoft.keyvault/vaults' && target === 'vault')
    hosts.push(...clouds.map((cloud) => `${name}.${cloud.keyVault}`))
  else if (provider === 'microsoft.containerregistry/registries' && target === 'registry')
    hosts.push(`${name}.azurecr.io`)
  return hosts
}

function ruleMatch(rule: OutboundRule, flow: Flow): Match {
  const { destination } = flow
  let match: Match
  if (rule.type === 'ServiceTag') match = serviceTagMatch(rule, flow)
  else if (destination.kind !== 'host' || flow.protocol !== 'TCP') match = undefined
  else if (rule.type === 'FQDN')
    match =
      (flow.port === 80 || flow.port === 443) &&
      hostMatchesPattern(destination.host, rule.destination)
        ? 'allows'
        : undefined
  else
    match = privateEndpointHosts(rule).some((host) => hostMatchesPattern(destination.host, host))
      ? 'allows'
      : undefined
  return match === 'allows' && rule.status === 'Inactive' ? 'inactive' : match
}

function amlRuleAllows(rule: AmlManagedRule, flow: Flow): boolean {
  const { destination } = flow
  if (rule.protocol !== 'ANY' && rule.protocol !== flow.protocol) return false
  if (!portInRanges(flow.port, rule.ports)) return false
  if ('fqdn' in rule.destination)
    return (
      destination.kind === 'host' && hostMatchesPattern(destination.host, rule.destination.fqdn)
    )
  const tag = rule.destination.serviceTag
  return (
    (destination.kind === 'serviceTag' && tagCovers(tag, destination.tag)) ||
    (destination.kind === 'host' && (destination.serviceTags ?? []).some((t) => tagCovers(tag, t)))
  )
}

/** One workspace as evaluated: its id, the directory of its rules, what Azure ML applies in it. */
type Member = { id: string; set?: ManagedNetworkWorkspace; list?: AmlManagedList }
type RuleMatch = { rule: OutboundRule; match: Exclude<Match, undefined> }
/** The rule of `managed-by-aml.json` that allows the flow in a workspace, if one does. */
type AmlLookup = (workspace: string) => AmlManagedRule | undefined

function fromComputeSubnets(list: AmlManagedList, flow: Flow): boolean {
  const { source } = flow
  if (list.sourceAddresses.length === 0) return true
  return (
    source.kind === 'address' &&
    list.sourceAddresses.some((cidr) => cidrContains(cidr, source.address))
  )
}

/**
 * The rules of `managed-by-aml.json` that allow the flow, looked up by workspace: the first in
 * the file's order that is for every workspace or for that one. Computed once a flow.
 */
function amlLookup(list: AmlManagedList | undefined, flow: Flow): AmlLookup {
  if (!list || !fromComputeSubnets(list, flow)) return () => undefined
  let every: { rule: AmlManagedRule; index: number } | undefined
  const byWorkspace = new Map<string, { rule: AmlManagedRule; index: number }>()
  list.rules.forEach((rule, index) => {
    if (!amlRuleAllows(rule, flow)) return
    if (rule.workspaces.length === 0) every ??= { rule, index }
    for (const id of rule.workspaces) if (!byWorkspace.has(id)) byWorkspace.set(id, { rule, index })
  })
  return (workspace) => {
    const own = byWorkspace.get(workspace)
    if (!every || (own && own.index < every.index)) return own?.rule
    return every.rule
  }
}

function amlManaged(member: Member, lookup: AmlLookup): Verdict | undefined {
  const { list } = member
  const rule = list ? lookup(member.id) : undefined
  if (!list || !rule) return undefined
  return {
    verdict: 'allowed',
    decidedBy: {
      rule: `${member.id}/azure-ml:${rule.requirementIds.join(',')}`,
      file: list.location.file,
    },
    reason: `Azure ML applies this itself in workspace ${member.id}'s managed network (required configuration, ${rule.requirementIds.join(', ')}).`,
  }
}

function modeOf(member: Member): IsolationMode | undefined {
  const explicit = member.set?.isolationMode ?? member.list?.isolationMode
  if (explicit) return explicit
  // Service tag and FQDN rules exist only in allow_only_approved_outbound mode.
  const rules = member.set?.rules ?? []
  return rules.some((rule) => rule.type !== 'PrivateEndpoint')
    ? 'AllowOnlyApprovedOutbound'
    : undefined
}

/** The directory's name: a rule set, or a workspace. */
function setName(set: ManagedNetworkWorkspace): string {
  return set.key.split('/').at(-1) ?? set.key
}

/** Whose rule it is, for a verdict's reason. */
function owner(member: Member, rule: OutboundRule): string {
  const set = member.set
  const count = set?.workspaces?.length ?? 0
  if (!set || count <= 1) return `workspace ${member.id}`
  if (rule.workspace) return `workspace ${member.id} (its own, in ${setName(set)})`
  return `${setName(set)} (the rule set of ${count} workspaces)`
}

function ruleVerdict(member: Member, matches: readonly RuleMatch[]): Verdict | undefined {
  const set = member.set ? setName(member.set) : member.id
  const allow = matches.find((entry) => entry.match === 'allows')
  const other = matches.find((entry) => entry.match !== 'allows')
  if (allow && !matches.some((entry) => entry.match === 'denies'))
    return {
      verdict: 'allowed',
      decidedBy: decided(set, allow.rule),
      reason: `${allow.rule.type} rule ${allow.rule.name} of ${owner(member, allow.rule)} allows it.`,
    }
  if (!other) return undefined
  const why = {
    denies: 'is a Deny service tag rule, and the order of Allow and Deny rules is not documented',
    inactive: 'would allow it but is Inactive (turned off, or not provisioned yet)',
    unreadable: 'has port ranges this reader cannot interpret',
  }[other.match as 'denies' | 'inactive' | 'unreadable']
  return {
    verdict: 'unknown',
    decidedBy: decided(set, other.rule),
    reason: `rule ${other.rule.name} of ${owner(member, other.rule)} ${why}.`,
  }
}

function memberVerdict(member: Member, matches: readonly RuleMatch[], lookup: AmlLookup): Verdict {
  const mode = modeOf(member)
  const location = member.set?.modeLocation ?? member.list?.location
  if (mode === 'Disabled')
    return {
      verdict: 'unknown',
      reason: `workspace ${member.id} has no managed network isolation: its own network decides.`,
    }
  if (mode === 'AllowInternetOutbound')
    return {
      verdict: 'allowed',
      decidedBy: {
        rule: `${member.id}/isolation_mode`,
        ...(location ? { file: location.file } : {}),
      },
      reason: `workspace ${member.id} allows all internet outbound traffic (allow_internet_outbound).`,
    }
  const verdict = ruleVerdict(member, matches) ?? amlManaged(member, lookup)
  if (verdict) return verdict
  if ((member.set?.opaque.length ?? 0) > 0)
    return {
      verdict: 'unknown',
      reason: `workspace ${member.id} has rules this reader could not interpret.`,
    }
  if (!mode)
    return {
      verdict: 'unknown',
      reason: `no rule of workspace ${member.id} allows it, and its isolation mode is not in these files.`,
    }
  return {
    verdict: 'denied',
    reason: `no outbound rule of workspace ${member.id} allows it; allow_only_approved_outbound denies the rest.`,
  }
}

/**
 * Each workspace's verdict, set by set: a set's rules are matched once, and each of its
 * workspaces takes the set's matches and its own. Then the workspaces only
 * `managed-by-aml.json` names.
 */
function* memberVerdicts(config: ManagedNetworkConfig, flow: Flow): Generator<Verdict> {
  const list = config.amlManaged
  const lookup = amlLookup(list, flow)
  const seen = new Set<string>()
  for (const set of config.workspaces) {
    const matches: RuleMatch[] = []
    for (const rule of set.rules) {
      const match = ruleMatch(rule, flow)
      if (match) matches.push({ rule, match })
    }
    const ids = set.workspaces?.length ? set.workspaces : [setName(set)]
    for (const id of ids) {
      seen.add(id)
      const applicable = matches.filter((m) => !m.rule.workspace || m.rule.workspace === id)
      yield memberVerdict({ id, set, ...(list ? { list } : {}) }, applicable, lookup)
    }
  }
  for (const id of list?.workspaces ?? [])
    if (list && !seen.has(id)) yield memberVerdict({ id, list }, [], lookup)
}

/**
 * Evaluates one flow against the managed networks read.
 * @example evaluateManagedNetwork(config, flow) // { verdict: 'allowed', decidedBy: { rule: '<ws>/fqdn-pypi-org', … } }
 */
export function evaluateManagedNetwork(config: ManagedNetworkConfig, flow: Flow): Verdict {
  if (flow.direction !== 'outbound')
    return {
      verdict: 'unknown',
      reason: `a managed network's outbound rules do not govern ${flow.direction} traffic.`,
    }
  if (flow.source.kind !== 'address')
    return { verdict: 'unknown', reason: 'the flow does not come from managed compute.' }
  let first: Verdict | undefined
  let unknown: Verdict | undefined
  for (const verdict of memberVerdicts(config, flow)) {
    if (verdict.verdict === 'allowed') return verdict
    if (verdict.verdict === 'unknown') unknown ??= verdict
    first ??= verdict
  }
  return (
    unknown ?? first ?? { verdict: 'unknown', reason: 'no managed network configuration was read.' }
  )
}
