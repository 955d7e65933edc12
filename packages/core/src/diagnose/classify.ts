import { findRequirement } from '../catalog/catalog'
import type { Requirement } from '../catalog/schema'
import { cidrContains, isIpv4Address } from '../cidr'
import { endpointMatches } from '../flows'
import { compareOrdinal } from '../order'
import type { FlowEndpoint, Plan, PlanRule } from '../plan'
import { portInRanges, protocolCarries } from '../ports'
import type { Profile } from '../profile'
import type { AddressTagIndex } from './addresses'
import { type AggregatedFlow, SOURCE_LIMIT } from './aggregate'
import {
  type CatalogMatch,
  createCatalogMatcher,
  type FlowQuery,
  missingSettings,
} from './catalogMatch'
import type { DiagnosedFlow, LogProtocol, ProfileChange } from './model'

/** The fix of a required flow, from the engine's renderer (the CLI passes the loaded formats). */
export type FixRenderer = (input: { flow: AggregatedFlow; rules: readonly PlanRule[] }) => {
  fix: string | null
  format: string | null
  note?: string | undefined
}

const sortedUnique = (values: Iterable<string>): string[] =>
  [...new Set(values)].sort(compareOrdinal)

function queryOf(flow: AggregatedFlow, tags: AddressTagIndex | undefined): FlowQuery {
  const destination = flow.destination
  const base = {
    port: flow.port,
    protocol: flow.protocol,
    sourcePods: [...flow.sourcePods.values()],
  }
  switch (destination.kind) {
    case 'host':
      return {
        ...base,
        host: destination.host,
        tags: [],
        endpoints: [{ kind: 'host', host: destination.host, serviceTags: [] }],
      }
    case 'address': {
      const found = tags?.tagsOf(destination.address) ?? []
      const endpoints: FlowEndpoint[] = [
        { kind: 'address', address: destination.address },
        ...found.map((tag): FlowEndpoint => ({ kind: 'serviceTag', tag })),
      ]
      return { ...base, host: undefined, tags: found, endpoints }
    }
    case 'pod':
      return {
        ...base,
        host: undefined,
        tags: [],
        endpoints: [
          { kind: 'pod', namespace: destination.namespace, labels: { ...destination.labels } },
        ],
      }
    case 'apiServer':
      return {
        ...base,
        host: undefined,
        tags: [],
        endpoints: [
          destination.address === undefined
            ? { kind: 'apiServer' }
            : { kind: 'apiServer', address: destination.address },
        ],
      }
  }
}

function carries(rule: PlanRule, protocol: LogProtocol): boolean {
  return protocol !== 'ICMP' && protocolCarries(rule.protocol, protocol)
}

/** Does the plan rule allow this denied flow? Outbound rules: the destination side only. */
function ruleMatches(rule: PlanRule, query: FlowQuery): boolean {
  if (rule.direction === 'inbound' || !carries(rule, query.protocol)) return false
  if (query.port !== undefined && !portInRanges(query.port, rule.ports)) return false
  const destination = rule.destination
  const hit =
    query.endpoints.some((endpoint) => endpointMatches(destination, endpoint)) ||
    // An address in a tag a host rule names as its documented equivalent (D21).
    (destination.kind === 'fqdn' &&
      rule.serviceTagFallbacks.some((tag) =>
        query.tags.some((found) => found.toLowerCase() === tag.toLowerCase()),
      ))
  if (!hit) return false
  if (rule.source.kind !== 'pods' || query.sourcePods.length === 0) return true
  const source = rule.source
  return query.sourcePods.some((pod) =>
    endpointMatches(source, { kind: 'pod', namespace: pod.namespace, labels: { ...pod.labels } }),
  )
}

function sectionOf(requirement: Requirement): string {
  const { provenance } = requirement
  const page = provenance.path.replace(/^.*\//, '').replace(/\.md$/, '')
  return `${page} § ${provenance.section}`
}

/** Sources outside the profile's compute subnets: the rendered fix does not allow them. */
function outsideSources(flow: AggregatedFlow, plan: Plan): number {
  let outside = 0
  for (const source of flow.sources)
    if (!isIpv4Address(source) || !plan.sourceAddresses.some((cidr) => cidrContains(cidr, source)))
      outside++
  return outside
}

type Verdict = Pick<
  DiagnosedFlow,
  'classification' | 'requirementIds' | 'ruleIds' | 'profileChanges' | 'fix' | 'fixFormat' | 'note'
>

/** What every verdict needs: the profile, its plan, the catalog matcher, the fix renderer. */
type Context = {
  profile: Profile
  plan: Plan
  catalogMatcher: ReturnType<typeof createCatalogMatcher>
  tags: AddressTagIndex | undefined
  renderFix: FixRenderer | undefined
}

/** The plan rules that allow the flow, and for a host the rules of its selected requirements. */
function allowingRules(
  context: Context,
  query: FlowQuery,
  matches: readonly CatalogMatch[],
): PlanRule[] {
  const { plan, profile } = context
  const rules = plan.rules.filter((rule) => ruleMatches(rule, query))
  // A host whose requirement the plan holds in its service-tag form (destinationStyle: serviceTags).
  for (const match of matches)
    if (query.host !== undefined && missingSettings(match, profile).length === 0)
      for (const rule of plan.rules)
        if (
          rule.direction !== 'inbound' &&
          rule.requirementIds.includes(match.requirement.id) &&
          !rules.includes(rule) &&
          carries(rule, query.protocol)
        )
          rules.push(rule)
  return rules
}

function requiredNotes(input: {
  context: Context
  flow: AggregatedFlow
  query: FlowQuery
  rules: readonly PlanRule[]
  fixNote: string | undefined
}): string | null {
  const { plan } = input.context
  const { query } = input
  const outside = outsideSources(input.flow, plan)
  const notes = [
    input.fixNote,
    outside > 0 && query.host !== undefined
      ? `${outside} source(s) are outside the profile's sourceAddresses; the fix allows only ${plan.sourceAddresses.join(', ')}`
      : undefined,
    query.host === undefined &&
    query.tags.length > 0 &&
    input.rules.some((rule) => rule.destination.kind === 'fqdn')
      ? `matched through the address's service tags (${query.tags.join(', ')}); the log has no host name`
      : undefined,
  ].filter((note): note is string => note !== undefined)
  return notes.length > 0 ? notes.join('; ') : null
}

function required(
  context: Context,
  flow: AggregatedFlow,
  query: FlowQuery,
  matches: readonly CatalogMatch[],
): Verdict | undefined {
  const rules = allowingRules(context, query, matches)
  if (rules.length === 0) return undefined
  const ruleIds = new Set(rules.flatMap((rule) => rule.requirementIds))
  // The requirements behind the flow: those of its rules that match it, and those the profile
  // selects that match it (a tag requirement the plan holds in its host form, D21).
  const matched = matches
    .filter(
      (match) =>
        ruleIds.has(match.requirement.id) || missingSettings(match, context.profile).length === 0,
    )
    .map((match) => match.requirement.id)
  const fix = context.renderFix?.({ flow, rules }) ?? { fix: null, format: null }
  return {
    classification: 'required',
    requirementIds: sortedUnique(matched.length > 0 ? matched : ruleIds),
    ruleIds: sortedUnique(rules.map((rule) => rule.id)),
    profileChanges: [],
    fix: fix.fix,
    fixFormat: fix.format,
    note: requiredNotes({ context, flow, query, rules, fixNote: fix.note }),
  }
}

function notInProfile(context: Context, matches: readonly CatalogMatch[]): Verdict | undefined {
  if (matches.length === 0) return undefined
  const { profile } = context
  const otherStyle = profile.destinationStyle === 'hosts' ? 'serviceTags' : 'hosts'
  const changes: ProfileChange[] = matches.map((match) => {
    const settings = missingSettings(match, profile)
    return {
      requirementId: match.requirement.id,
      // Every setting holds, yet the plan lacks it: the other documented form was chosen (D21).
      settings: settings.length > 0 ? settings : [`destinationStyle: ${otherStyle}`],
    }
  })
  changes.sort((a, b) => compareOrdinal(a.requirementId, b.requirementId))
  return {
    classification: 'aml-not-in-profile',
    requirementIds: changes.map((change) => change.requirementId),
    ruleIds: [],
    profileChanges: changes,
    fix: null,
    fixFormat: null,
    note: null,
  }
}

function unrelated(context: Context, flow: AggregatedFlow, query: FlowQuery): Verdict {
  let note: string | null = null
  if (flow.destination.kind === 'address' && context.tags === undefined)
    note =
      'only an address: pass --service-tags ServiceTags_<cloud>.json to map it to service tags and their requirements'
  else if (query.port !== undefined) {
    const otherPorts = context.catalogMatcher.match(query, { anyPort: true })
    if (otherPorts.length > 0)
      note = `the catalog lists this destination on other ports (${sortedUnique(otherPorts.map((match) => match.requirement.id)).join(', ')})`
  }
  return {
    classification: 'unrelated',
    requirementIds: [],
    ruleIds: [],
    profileChanges: [],
    fix: null,
    fixFormat: null,
    note,
  }
}

function diagnosedFlow(flow: AggregatedFlow, query: FlowQuery, verdict: Verdict): DiagnosedFlow {
  const records = verdict.requirementIds
    .map((id) => findRequirement(id))
    .filter((record): record is Requirement => record !== undefined)
  const notes = [
    verdict.note,
    flow.sourceOverflow
      ? `more than ${SOURCE_LIMIT} distinct sources; the first ${SOURCE_LIMIT} are listed`
      : null,
  ].filter((note): note is string => note !== null)
  return {
    log: flow.reader.name,
    destination: flow.destinationKey,
    port: flow.port ?? null,
    protocol: flow.protocol,
    count: flow.count,
    firstSeen: flow.first === undefined ? null : new Date(flow.first).toISOString(),
    lastSeen: flow.last === undefined ? null : new Date(flow.last).toISOString(),
    sources: sortedUnique(flow.sources),
    sourceCount: flow.sources.size,
    classification: verdict.classification,
    requirementIds: verdict.requirementIds,
    scenarios: sortedUnique(records.map((record) => record.scenario)),
    sections: sortedUnique(records.map(sectionOf)),
    ruleIds: verdict.ruleIds,
    profileChanges: verdict.profileChanges,
    serviceTags: [...query.tags],
    fix: verdict.fix,
    fixFormat: verdict.fixFormat,
    note: notes.length > 0 ? notes.join('; ') : null,
  }
}

/**
 * Classifies aggregated denied flows for one profile: `required` when a plan rule allows the flow
 * (the fix is that rule rendered by the engine's format), `aml-not-in-profile` when a catalog
 * requirement the profile does not select covers it (with the settings that would select it),
 * `unrelated` otherwise.
 */
export function createFlowClassifier(input: {
  profile: Profile
  plan: Plan
  tags?: AddressTagIndex | undefined
  renderFix?: FixRenderer | undefined
}) {
  const context: Context = {
    profile: input.profile,
    plan: input.plan,
    catalogMatcher: createCatalogMatcher(input.profile),
    tags: input.tags,
    renderFix: input.renderFix,
  }
  return {
    /** One aggregated flow, classified, with its requirements and fix. */
    classify(flow: AggregatedFlow): DiagnosedFlow {
      const query = queryOf(flow, context.tags)
      const matches = context.catalogMatcher.match(query)
      const verdict =
        required(context, flow, query, matches) ??
        notInProfile(context, matches) ??
        unrelated(context, flow, query)
      return diagnosedFlow(flow, query, verdict)
    },
  }
}
