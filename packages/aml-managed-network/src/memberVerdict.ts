/**
 * One workspace's verdict on one flow: which of its rule set's rules match the flow, and what its
 * mode, those matches and the rules Azure ML applies itself say. `evaluate.ts` decides which
 * workspaces need asking.
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
  ManagedNetworkWorkspace,
  OutboundRule,
  PrivateEndpointRule,
} from './model'
import { parsePortRanges } from './portRanges'

export type Match = 'allows' | 'denies' | 'inactive' | 'unreadable' | undefined

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
export function privateEndpointHosts(rule: PrivateEndpointRule): string[] {
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

export function ruleMatch(rule: OutboundRule, flow: Flow): Match {
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

export function amlRuleAllows(rule: AmlManagedRule, flow: Flow): boolean {
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
export type Member = {
  id: string
  set?: ManagedNetworkWorkspace
  list?: AmlManagedList
  /** The mode `modeOf` gives, worked out once for the workspace's rule set. */
  mode: IsolationMode | undefined
}
export type RuleMatch = { rule: OutboundRule; match: Exclude<Match, undefined> }
/** The rule of `managed-by-aml.json` that allows the flow in a workspace, if one does. */
export type AmlLookup = (workspace: string) => AmlManagedRule | undefined

export function fromComputeSubnets(list: AmlManagedList, flow: Flow): boolean {
  const { source } = flow
  if (list.sourceAddresses.length === 0) return true
  return (
    source.kind === 'address' &&
    list.sourceAddresses.some((cidr) => cidrContains(cidr, source.address))
  )
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

/** The mode its files say, else the one its rules imply. */
export function modeOf(member: Pick<Member, 'set' | 'list'>): IsolationMode | undefined {
  const explicit = member.set?.isolationMode ?? member.list?.isolationMode
  if (explicit) return explicit
  // Service tag and FQDN rules exist only in allow_only_approved_outbound mode.
  const rules = member.set?.rules ?? []
  return rules.some((rule) => rule.type !== 'PrivateEndpoint')
    ? 'AllowOnlyApprovedOutbound'
    : undefined
}

/** The directory's name: a rule set, or a workspace. */
export function setName(set: ManagedNetworkWorkspace): string {
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

export function memberVerdict(
  member: Member,
  matches: readonly RuleMatch[],
  lookup: AmlLookup,
): Verdict {
  const { mode } = member
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
