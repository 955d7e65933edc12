import type * as z from 'zod'
import { catalog, findRequirement } from './catalog/catalog'
import { conditions } from './catalog/conditions'
import {
  type CatalogComputeKind,
  type ClusterRole,
  type CustomRequirement,
  isCustomRequirement,
  type PlanRequirement,
} from './catalog/schema'
import { serviceTagForHost } from './catalog/serviceTagEquivalents'
import { canonicalCidr, cidrContains } from './cidr'
import {
  CATALOG_KIND,
  type CustomEntry,
  customRequirements,
  type ResolveOptions,
} from './customRequirements'
import { createDiagnostic, type Diagnostic, sortDiagnostics } from './diagnostics'
import { canonicalHost, patternCovers } from './fqdn'
import { compareOrdinal, sortInPlace } from './order'
import type { Level, Plan, PlanRuleSchema, RuleEndpointSchema } from './plan'
import {
  formatPortRanges,
  mergePortRanges,
  type PortRange,
  type Protocol,
  portRangesCover,
} from './ports'
import type { Profile, Workspace } from './profile'
import { canNameTag, publishServiceTags, unpublishedRegionalTag } from './serviceTags/publish'
import { bundledServiceTagNames, type ServiceTagNames } from './serviceTags/snapshot'

/** A catalog record or a requirement of your own: both become drafts the same way. */
type Requirement = PlanRequirement

const LEVEL_RANK: Record<Level, number> = {
  required: 0,
  conditional: 1,
  recommended: 2,
  informational: 3,
}

/** A plan rule while the resolver builds it; the plan hands it out read-only. */
type PlanRule = z.infer<typeof PlanRuleSchema>
type RuleEndpoint = z.infer<typeof RuleEndpointSchema>

/**
 * A rule before merging: one requirement (or several that name the same hosts the same way, see
 * `bundleRequirements`), for the workspaces that share its expansion.
 */
type Draft = {
  /** The first of `requirements`, which messages name. */
  requirement: Requirement
  /** In catalog order; shared by every draft of the bundle. */
  requirements: readonly Requirement[]
  /** Sorted and unique, as the plan lists them; empty for an estate-wide need. */
  workspaceIds: string[]
  direction: PlanRule['direction']
  source: RuleEndpoint
  destination: RuleEndpoint
  /** A host destination cut at its first dot, which grouping, folding and sorting read; else ''. */
  firstLabel: string
  parentDomain: string
  protocol: Protocol
  ports: PortRange[]
  serviceTagFallbacks: string[]
}

/** Does the requirement apply to this profile, before looking at single workspaces? */
function appliesToEstate(
  requirement: Requirement,
  profile: Profile,
  kinds: ReadonlySet<CatalogComputeKind>,
): boolean {
  const { applicability } = requirement
  if (requirement.status !== 'current') return false
  if (!applicability.clouds.includes(profile.cloud)) return false
  if (!applicability.computeKinds.some((kind) => kinds.has(kind))) return false
  // D14: workloads split only the Kubernetes tables.
  const kubernetesOnly = applicability.computeKinds.every((kind) => kind === 'kubernetesCompute')
  return (
    !kubernetesOnly ||
    (profile.workloads.includes('training') && applicability.training) ||
    (profile.workloads.includes('inference') && applicability.inference)
  )
}

/** Conditions that read the workspace, not only the profile. */
const PER_WORKSPACE_CONDITIONS: ReadonlySet<Requirement['applicability']['condition']> = new Set([
  'hbiWorkspace',
])

type WorkspaceGroup = { workspace: Workspace; index: number; ids: string[] }

/**
 * Workspaces grouped by a key, each group with its first workspace (and its index in the profile)
 * and its ids sorted once, as the rules of every requirement expanded for it list them.
 */
function groupWorkspaces(
  workspaces: readonly Workspace[],
  keyOf: (workspace: Workspace) => string,
  include: (workspace: Workspace) => boolean = () => true,
): WorkspaceGroup[] {
  const groups = new Map<string, WorkspaceGroup>()
  workspaces.forEach((workspace, index) => {
    if (!include(workspace)) return
    const group = groups.get(keyOf(workspace))
    if (group) group.ids.push(workspace.id)
    else groups.set(keyOf(workspace), { workspace, index, ids: [workspace.id] })
  })
  for (const group of groups.values()) uniqueSorted(group.ids)
  return [...groups.values()]
}

/** Does the destination itself name the region (`{region}` in the host, a regional tag)? */
function namesRegion(requirement: Requirement): boolean {
  const destination = requirement.destination
  return (
    (destination.kind === 'fqdn' && destination.pattern.includes('{region}')) ||
    (destination.kind === 'serviceTag' && destination.regional)
  )
}

/** Placeholders that stand for one workspace's own values. */
const WORKSPACE_PLACEHOLDER = /\{(storageAccount|containerRegistry|workspaceId)\}/

/**
 * How far one expansion of a requirement reaches: the whole estate (no placeholder, nothing
 * regional), every workspace of a region, or a single workspace (its own names and ids).
 */
function scopeOf(requirement: Requirement): 'estate' | 'region' | 'workspace' {
  const destination = requirement.destination
  if (destination.kind === 'fqdn') {
    if (WORKSPACE_PLACEHOLDER.test(destination.pattern)) return 'workspace'
    if (
      destination.pattern.includes('{region}') ||
      serviceTagForHost(destination.pattern)?.regional ||
      requirement.applicability.regions
    )
      return 'region'
    return 'estate'
  }
  return destination.kind === 'serviceTag' && destination.regional ? 'region' : 'estate'
}

function advisory(
  requirement: Requirement,
  message: string,
  path?: (string | number)[],
): Diagnostic {
  return createDiagnostic({
    code: 'AML_EGRESS_ADVISORY',
    severity: 'info',
    message,
    requirementIds: [requirement.id],
    ...(path ? { path } : {}),
  })
}

function unresolved(requirement: Requirement, field: string, what: string): Diagnostic {
  return createDiagnostic({
    code: 'AML_EGRESS_UNRESOLVED_ADDRESS',
    severity: 'warning',
    message: `${requirement.id} (${requirement.docValue}) needs ${what}: set ${field}`,
    requirementIds: [requirement.id],
    path: field.split('.'),
  })
}

function podsOf(role: Exclude<ClusterRole, 'apiServer'>, profile: Profile): RuleEndpoint {
  const { kubernetes } = profile
  switch (role) {
    case 'amlNamespace':
      return { kind: 'pods', namespaces: [kubernetes.namespace], podLabels: {} }
    case 'azuremlFe':
      return {
        kind: 'pods',
        namespaces: [kubernetes.namespace],
        podLabels: kubernetes.labels.azuremlFe,
      }
    case 'identityProxy':
      return {
        kind: 'pods',
        namespaces: [kubernetes.namespace],
        podLabels: kubernetes.labels.identityProxy,
      }
    case 'modelPods':
      return {
        kind: 'pods',
        namespaces: uniqueSorted([...kubernetes.modelNamespaces]),
        podLabels: kubernetes.labels.modelPods,
      }
    case 'kubeDns':
      return { kind: 'pods', namespaces: ['kube-system'], podLabels: kubernetes.labels.kubeDns }
    case 'konnectivityAgent':
      return {
        kind: 'pods',
        namespaces: ['kube-system'],
        podLabels: kubernetes.labels.konnectivityAgent,
      }
  }
}

/**
 * The pods (or API server) a cluster role stands for in this profile: what in-cluster rules name,
 * and what `diagnose` matches a denied in-cluster flow against.
 */
export function clusterEndpoint(role: ClusterRole, profile: Profile): RuleEndpoint {
  return role === 'apiServer'
    ? { kind: 'apiServer', addresses: profile.kubernetes.apiServerAddresses.map(canonicalCidr) }
    : podsOf(role, profile)
}

/** Profile lists a host pattern can name: one host per listed value. */
const HOST_LISTS = [
  ['{storageAccount}', 'storageAccounts', 'the storage account names'],
  ['{containerRegistry}', 'containerRegistries', 'the container registry names'],
] as const

/**
 * A host pattern cut at its placeholders (`parts[i]` comes before `placeholders[i]`), and at its
 * first dot: the first label's pattern and the parent domain's (none for a one-label host).
 */
type HostTemplate = {
  parts: readonly string[]
  placeholders: readonly string[]
  label: string
  parent: string | undefined
  /** The profile lists the pattern names (`HOST_LISTS` rows). */
  lists: readonly (typeof HOST_LISTS)[number][]
  /** Does it name a workspace's own values (its names, its id)? */
  namesWorkspace: boolean
}

const hostTemplates = new Map<string, HostTemplate>()

/** The template of a catalog host pattern, cut once: a fleet fills each pattern per workspace. */
function hostTemplate(pattern: string): HostTemplate {
  let template = hostTemplates.get(pattern)
  if (!template) {
    const pieces = pattern.split(/(\{[A-Za-z]+\})/)
    const dot = pattern.indexOf('.')
    template = {
      parts: pieces.filter((_, index) => index % 2 === 0),
      placeholders: pieces.filter((_, index) => index % 2 === 1),
      label: dot === -1 ? pattern : pattern.slice(0, dot),
      parent: dot === -1 ? undefined : pattern.slice(dot + 1),
      lists: HOST_LISTS.filter(([placeholder]) => pattern.includes(placeholder)),
      namesWorkspace: WORKSPACE_PLACEHOLDER.test(pattern),
    }
    hostTemplates.set(pattern, template)
  }
  return template
}

/** What the placeholders of a workspace's hosts stand for: its names lower-cased, made once. */
type WorkspaceValues = {
  region: readonly string[]
  workspaceId: readonly string[]
  aksCluster: readonly string[]
  storageAccounts: readonly string[]
  containerRegistries: readonly string[]
}

/**
 * The values of a workspace's placeholders, made once per workspace (every host pattern of a
 * fleet names the same few), so that its hosts share their first labels.
 */
function createWorkspaceValues(profile: Profile): (index: number) => WorkspaceValues {
  const byIndex: (WorkspaceValues | undefined)[] = []
  // D23: without the cluster's DNS prefix, the documented wildcard.
  const aksCluster = [(profile.kubernetes.clusterDnsPrefix ?? '*').toLowerCase()]
  return (index) => {
    let values = byIndex[index]
    if (!values) {
      const workspace = profile.workspaces[index] as Workspace
      values = {
        region: [workspace.region],
        workspaceId: [workspace.id.toLowerCase()],
        aksCluster,
        storageAccounts: workspace.storageAccounts.map((name) => name.toLowerCase()),
        containerRegistries: workspace.containerRegistries.map((name) => name.toLowerCase()),
      }
      byIndex[index] = values
    }
    return values
  }
}

/** The values a placeholder stands for in one workspace (several for a profile list). */
function placeholderValues(placeholder: string, input: ExpandInput): readonly string[] {
  const values = input.valuesOf(input.index)
  switch (placeholder) {
    case '{region}':
      return values.region
    case '{workspaceId}':
      return values.workspaceId
    case '{aksCluster}':
      return values.aksCluster
    case '{storageAccount}':
      return values.storageAccounts
    case '{containerRegistry}':
      return values.containerRegistries
    default:
      return [placeholder]
  }
}

/** The profile list a host pattern names that this workspace leaves empty, if any. */
function missingList(
  template: HostTemplate,
  input: Pick<ExpandInput, 'workspace' | 'index'>,
): { field: string; what: string } | undefined {
  for (const [, field, what] of template.lists)
    if (input.workspace[field].length === 0)
      return { field: `workspaces.${input.index}.${field}`, what }
  return undefined
}

/**
 * A pattern filled for one workspace: one string per value of a list (the product, should it name
 * two lists). Names in the profile are validated (no dots, no spaces), so lower-casing them keeps
 * every host canonical, and a filled label is one label.
 */
function fillPattern(template: HostTemplate, input: ExpandInput): readonly string[] {
  const { parts, placeholders } = template
  // A label that is one placeholder (`{storageAccount}`) is the workspace's values themselves.
  if (placeholders.length === 1 && parts[0] === '' && parts[1] === '')
    return placeholderValues(placeholders[0] as string, input)
  let filled = [parts[0] as string]
  for (let at = 0; at < placeholders.length; at++) {
    const longer: string[] = []
    for (const start of filled)
      for (const value of placeholderValues(placeholders[at] as string, input))
        longer.push(`${start}${value}${parts[at + 1]}`)
    filled = longer
  }
  return filled
}

/** One requirement (or bundle of requirements) expanded for one group of workspaces. */
type ExpandInput = {
  requirement: Requirement
  /** `requirement` and the requirements bundled with it. */
  requirements: readonly Requirement[]
  /** `serviceTagForHost` of the requirement's host pattern, looked up once per requirement. */
  equivalent: ReturnType<typeof serviceTagForHost>
  profile: Profile
  /** The group's first workspace and its index in the profile. */
  workspace: Workspace
  index: number
  /** The workspaces the drafts name, sorted (empty for estate-wide needs). */
  workspaceIds: string[]
  subnets: RuleEndpoint
  /** This requirement's fallback tags per region: shared by its drafts, which never change them. */
  fallbacksByRegion: Map<string, string[]>
  /** The parent domains of its hosts per region, when they name no workspace's own values. */
  parentsByRegion: Map<string, readonly string[]>
  /** The cloud's published tag names: regional tags are looked up, never spelled. */
  tagNames: ServiceTagNames
  /** The requirement's host templates, once it has expanded a host. */
  host: HostExpansion | undefined
  /** What the placeholders of the workspace at an index stand for, shared by every requirement. */
  valuesOf: (index: number) => WorkspaceValues
  /** Where drafts and diagnostics go: a fleet makes hundreds of thousands, so no arrays per call. */
  drafts: Draft[]
  diagnostics: Diagnostic[]
}

/**
 * Every draft comes from this one function, so all drafts share one V8 shape. A host is cut at its
 * first dot here unless the caller has the pieces (`expandHost` fills them from the pattern).
 */
function createDraft(
  input: Pick<ExpandInput, 'requirement' | 'requirements' | 'workspaceIds'>,
  fields: Pick<Draft, 'direction' | 'source' | 'destination' | 'protocol' | 'serviceTagFallbacks'> &
    Partial<Pick<Draft, 'firstLabel' | 'parentDomain'>>,
): Draft {
  const fqdn = fields.destination.kind === 'fqdn' ? fields.destination.fqdn : ''
  const dot = fields.parentDomain === undefined ? fqdn.indexOf('.') : -1
  return {
    requirement: input.requirement,
    requirements: input.requirements,
    workspaceIds: input.workspaceIds,
    direction: fields.direction,
    source: fields.source,
    destination: fields.destination,
    firstLabel: fields.firstLabel ?? (dot === -1 ? fqdn : fqdn.slice(0, dot)),
    parentDomain: fields.parentDomain ?? (dot === -1 ? '' : fqdn.slice(dot + 1)),
    protocol: fields.protocol,
    ports: input.requirement.ports,
    serviceTagFallbacks: fields.serviceTagFallbacks,
  }
}

const noFallbacks: string[] = []

type DestinationOf<K extends Requirement['destination']['kind']> = Extract<
  Requirement['destination'],
  { kind: K }
>

/** The documented service-tag equivalents of a host, once per region. */
/** A family's published tag for a region, or a name that says it has none. */
function regionalTagOf(names: ServiceTagNames, family: string, region: string): string {
  return names.regional(family, region) ?? unpublishedRegionalTag(family, region)
}

function fallbacksFor(input: ExpandInput): string[] {
  const { equivalent, workspace } = input
  let fallbacks = input.fallbacksByRegion.get(workspace.region)
  if (!fallbacks) {
    fallbacks = equivalent
      ? [
          equivalent.regional
            ? regionalTagOf(input.tagNames, equivalent.tag, workspace.region)
            : equivalent.tag,
          ...equivalent.alsoCovers,
        ]
      : noFallbacks
    input.fallbacksByRegion.set(workspace.region, fallbacks)
  }
  return fallbacks
}

/** A host pattern's templates, looked up once per requirement rather than per workspace. */
type HostExpansion = {
  pattern: HostTemplate
  /** The first label's template, and the parent domain's (none for a one-label host). */
  label: HostTemplate
  parent: HostTemplate | undefined
  urlPath: string | undefined
}

function hostExpansion(destination: DestinationOf<'fqdn'>): HostExpansion {
  const pattern = hostTemplate(destination.pattern)
  return {
    pattern,
    label: hostTemplate(pattern.label),
    parent: pattern.parent === undefined ? undefined : hostTemplate(pattern.parent),
    urlPath: 'urlPath' in destination ? destination.urlPath : undefined,
  }
}

/** The parent domains of a one-label host: none. */
const NO_PARENT: readonly string[] = ['']

function expandHost(input: ExpandInput, destination: DestinationOf<'fqdn'>): void {
  const { requirement, subnets, drafts } = input
  input.host ??= hostExpansion(destination)
  const { pattern, label, parent, urlPath } = input.host
  const missing = missingList(pattern, input)
  if (missing) {
    for (const each of input.requirements)
      input.diagnostics.push(unresolved(each, missing.field, missing.what))
    return
  }
  const fallbacks = fallbacksFor(input)
  // The first label varies per workspace, the parent domain mostly per region.
  const parents = parent === undefined ? NO_PARENT : parentDomainsFor(input, parent)
  for (const firstLabel of fillPattern(label, input))
    for (const parentDomain of parents) {
      const fqdn = parentDomain ? `${firstLabel}.${parentDomain}` : firstLabel
      drafts.push(
        createDraft(input, {
          direction: 'outbound',
          source: subnets,
          destination: urlPath ? { kind: 'fqdn', fqdn, urlPath } : { kind: 'fqdn', fqdn },
          firstLabel,
          parentDomain,
          protocol: requirement.protocol,
          serviceTagFallbacks: fallbacks,
        }),
      )
    }
}

/** A host's parent domains in one workspace; the same strings for each workspace of a region. */
function parentDomainsFor(input: ExpandInput, pattern: HostTemplate): readonly string[] {
  if (pattern.namesWorkspace) return fillPattern(pattern, input)
  let parents = input.parentsByRegion.get(input.workspace.region)
  if (!parents) {
    parents = fillPattern(pattern, input)
    input.parentsByRegion.set(input.workspace.region, parents)
  }
  return parents
}

function expandServiceTag(input: ExpandInput, destination: DestinationOf<'serviceTag'>): void {
  const { requirement, subnets } = input
  const tag = destination.regional
    ? regionalTagOf(input.tagNames, destination.tag, input.workspace.region)
    : destination.tag
  const inboundFrom =
    requirement.direction === 'inbound' && requirement.source?.kind === 'serviceTag'
      ? requirement.source
      : undefined
  input.drafts.push(
    inboundFrom
      ? createDraft(input, {
          direction: 'inbound',
          source: { kind: 'serviceTag', tag: inboundFrom.tag },
          destination: subnets,
          protocol: requirement.protocol,
          serviceTagFallbacks: noFallbacks,
        })
      : createDraft(input, {
          direction: 'outbound',
          source: subnets,
          destination: { kind: 'serviceTag', tag },
          protocol: requirement.protocol,
          serviceTagFallbacks: noFallbacks,
        }),
  )
}

function expandAddress(input: ExpandInput, destination: DestinationOf<'address'>): void {
  const { requirement, profile } = input
  const apiServer = destination.role === 'apiServer'
  const addresses = apiServer
    ? profile.kubernetes.apiServerAddresses
    : profile.kubernetes.customDnsServers
  if (addresses.length === 0) {
    const field = apiServer ? 'kubernetes.apiServerAddresses' : 'kubernetes.customDnsServers'
    const what = apiServer ? 'the API server address' : 'the custom DNS servers'
    input.diagnostics.push(unresolved(requirement, field, what))
    return
  }
  input.drafts.push(
    createDraft(input, {
      direction: 'outbound',
      source: input.subnets,
      destination: { kind: 'addresses', addresses: addresses.map(canonicalCidr).sort() },
      protocol: requirement.protocol,
      serviceTagFallbacks: noFallbacks,
    }),
  )
}

function expandInCluster(input: ExpandInput, destination: DestinationOf<'inCluster'>): void {
  const { requirement, profile } = input
  const to = clusterEndpoint(destination.to, profile)
  if (to.kind === 'apiServer' && to.addresses.length === 0)
    input.diagnostics.push(
      unresolved(requirement, 'kubernetes.apiServerAddresses', 'the API server address'),
    )
  // D11: DNS is UDP and TCP 53; other in-cluster ANY would be the same pair.
  const protocols: Protocol[] =
    requirement.protocol === 'ANY' ? ['TCP', 'UDP'] : [requirement.protocol]
  // D24: model pods get egress rules for real-time inference, so they need DNS as well.
  const sources: ClusterRole[] =
    destination.to === 'kubeDns' && profile.workloads.includes('inference')
      ? [destination.from, 'modelPods']
      : [destination.from]
  for (const from of sources)
    for (const protocol of protocols)
      input.drafts.push(
        createDraft(input, {
          direction: 'inCluster',
          source: clusterEndpoint(from, profile),
          destination: to,
          protocol,
          serviceTagFallbacks: noFallbacks,
        }),
      )
}

/** The advisory text of a requirement that is not a firewall rule. */
function advisoryText(requirement: Requirement): string | undefined {
  const destination = requirement.destination
  switch (destination.kind) {
    case 'privateEndpoint':
      return `Private endpoint needed: ${destination.target}. ${requirement.summary}`
    case 'serviceEndpointPolicy':
      return `Service endpoint policy on the compute subnet with ${destination.alias}. ${requirement.summary}`
    case 'route':
      return `User-defined route: ${destination.addressPrefix} → next hop ${destination.nextHop}. ${requirement.summary}`
    case 'portConstraint':
      return requirement.summary
    default:
      return undefined
  }
}

/** A requirement of your own: a host or wildcard, a tag or addresses out; a tag or addresses in. */
function expandCustom(input: ExpandInput, requirement: CustomRequirement): void {
  const { subnets } = input
  const destination = requirement.destination
  const far = requirement.source
  if (requirement.direction === 'inbound' && far) {
    input.drafts.push(
      createDraft(input, {
        direction: 'inbound',
        source: far.kind === 'serviceTag' ? { kind: 'serviceTag', tag: far.tag } : far,
        destination: subnets,
        protocol: requirement.protocol,
        serviceTagFallbacks: noFallbacks,
      }),
    )
    return
  }
  if (destination.kind === 'fqdn') {
    expandHost(input, destination)
    return
  }
  input.drafts.push(
    createDraft(input, {
      direction: 'outbound',
      source: subnets,
      destination:
        destination.kind === 'serviceTag'
          ? { kind: 'serviceTag', tag: destination.tag }
          : destination,
      protocol: requirement.protocol,
      serviceTagFallbacks: noFallbacks,
    }),
  )
}

function expand(input: ExpandInput): void {
  if (isCustomRequirement(input.requirement)) {
    expandCustom(input, input.requirement)
    return
  }
  const destination = input.requirement.destination
  switch (destination.kind) {
    case 'fqdn':
      expandHost(input, destination)
      return
    case 'serviceTag':
      expandServiceTag(input, destination)
      return
    case 'address':
      expandAddress(input, destination)
      return
    case 'inCluster':
      expandInCluster(input, destination)
      return
    default: {
      const text = advisoryText(input.requirement)
      if (text !== undefined) input.diagnostics.push(advisory(input.requirement, text))
    }
  }
}

/** Per tag (lower case), then protocol: the ports provided, or every port. */
type Coverage = Map<string, Map<Protocol, PortRange[] | 'every'>>

/** Lower-case tag names, cached: a fleet repeats a handful of tags hundreds of thousands of times. */
function createTagKeys(): (tag: string) => string {
  const keys = new Map<string, string>()
  return (tag) => {
    let key = keys.get(tag)
    if (key === undefined) {
      key = tag.toLowerCase()
      keys.set(tag, key)
    }
    return key
  }
}

const ANY_PROVIDES: readonly Protocol[] = ['TCP', 'UDP', 'ANY']

/** `portRangesCover` for an outer list that is merged already (sorted, no overlaps). */
function mergedRangesCover(merged: readonly PortRange[], inner: readonly PortRange[]): boolean {
  if (merged.length === 0) return true
  if (inner.length === 0) return false
  for (const range of inner) {
    let inside = false
    for (const outer of merged)
      if (outer.from <= range.from && range.to <= outer.to) {
        inside = true
        break
      }
    if (!inside) return false
  }
  return true
}

/** Adds ports a draft provides on one protocol to what the tag has. */
function provide(
  byProtocol: Map<Protocol, PortRange[] | 'every'>,
  protocol: Protocol,
  ports: readonly PortRange[],
): void {
  const known = byProtocol.get(protocol)
  if (known === 'every') return
  if (ports.length === 0) byProtocol.set(protocol, 'every')
  else if (!known) byProtocol.set(protocol, mergePortRanges(ports))
  else if (!mergedRangesCover(known, ports))
    byProtocol.set(protocol, mergePortRanges([...known, ...ports]))
}

/**
 * Which ports, per tag and protocol, the given drafts provide (ANY provides both protocols), for
 * the tags `include` keeps. A fleet repeats the same few ports per tag thousands of times: only
 * ports not yet covered are added, and nothing is allocated for a draft that adds none.
 */
function coverageBy(
  drafts: readonly Draft[],
  tagsOf: (draft: Draft) => readonly string[],
  include: (key: string) => boolean,
  tagKey: (tag: string) => string,
): Coverage {
  const coverage: Coverage = new Map()
  // A bundle's drafts in one region share their list of tags, protocol and ports: added once.
  const lastWithTags = new Map<readonly string[], Draft>()
  for (const draft of drafts) {
    const tags = tagsOf(draft)
    const last = lastWithTags.get(tags)
    if (last?.protocol === draft.protocol && last.ports === draft.ports) continue
    lastWithTags.set(tags, draft)
    for (const tag of tags) {
      const key = tagKey(tag)
      if (!include(key)) continue
      const byProtocol = innerMap(coverage, key)
      if (draft.protocol !== 'ANY') provide(byProtocol, draft.protocol, draft.ports)
      else for (const protocol of ANY_PROVIDES) provide(byProtocol, protocol, draft.ports)
    }
  }
  return coverage
}

/** Is every port of the draft, on its protocol, provided? */
function covered(coverage: Coverage, key: string, draft: Draft): boolean {
  const ports = coverage.get(key)?.get(draft.protocol)
  if (ports === undefined) return false
  return ports === 'every' || mergedRangesCover(ports, draft.ports)
}

/**
 * D21: keep one documented form of each need. `hosts` drops a tag rule when its hosts provide every
 * port of it; `serviceTags` drops a host rule when a chosen tag rule the cloud can name (`usable`,
 * by lower-case name) provides every port of it.
 */
function chooseForm(
  drafts: readonly Draft[],
  style: Plan['destinationStyle'],
  usable: (key: string) => boolean,
): Draft[] {
  const isTag = (draft: Draft) =>
    draft.direction === 'outbound' && draft.destination.kind === 'serviceTag'
  const isHost = (draft: Draft) => draft.destination.kind === 'fqdn'
  const tagKey = createTagKeys()
  const tagOf = (draft: Draft) =>
    draft.destination.kind === 'serviceTag' ? [draft.destination.tag] : []
  if (style === 'hosts') {
    // Only the tags that tag rules name can decide anything: skip the other fallbacks of a fleet.
    const tagDrafts = drafts.filter(isTag)
    if (tagDrafts.length === 0) return [...drafts]
    const named = new Set(tagDrafts.flatMap(tagOf).map(tagKey))
    const hostCoverage = coverageBy(
      drafts.filter(isHost),
      (draft) => draft.serviceTagFallbacks,
      (key) => named.has(key),
      tagKey,
    )
    return drafts.filter(
      (draft) =>
        !(isTag(draft) && tagOf(draft).every((tag) => covered(hostCoverage, tagKey(tag), draft))),
    )
  }
  const tagCoverage = coverageBy(drafts.filter(isTag), tagOf, usable, tagKey)
  return drafts.filter(
    (draft) =>
      !(
        isHost(draft) &&
        draft.serviceTagFallbacks.length > 0 &&
        draft.serviceTagFallbacks.some((tag) => covered(tagCoverage, tagKey(tag), draft))
      ),
  )
}

function endpointKey(endpoint: RuleEndpoint): string {
  switch (endpoint.kind) {
    case 'fqdn':
      return `${endpoint.fqdn}${endpoint.urlPath ?? ''}`
    case 'serviceTag':
      return `tag:${endpoint.tag}`
    case 'addresses':
      return `cidr:${endpoint.addresses.join(',')}`
    case 'pods':
      return `pods:${endpoint.namespaces.join(',')}{${Object.entries(endpoint.podLabels)
        .sort(([a], [b]) => compareOrdinal(a, b))
        .map(([key, value]) => `${key}=${value}`)
        .join(',')}}`
    case 'apiServer':
      return 'apiserver'
  }
}

/** `outbound/tcp/`: how every rule id starts, made once rather than built per rule. */
const ID_PREFIXES = Object.fromEntries(
  (['outbound', 'inbound', 'inCluster'] as const).map((direction) => [
    direction,
    { TCP: `${direction}/tcp/`, UDP: `${direction}/udp/`, ANY: `${direction}/any/` },
  ]),
) as Record<PlanRule['direction'], Record<Protocol, string>>

function ruleId(draft: Pick<Draft, 'direction' | 'protocol' | 'source' | 'destination'>): string {
  const source = draft.direction === 'outbound' ? '' : `${endpointKey(draft.source)}->`
  return `${ID_PREFIXES[draft.direction][draft.protocol]}${source}${endpointKey(draft.destination)}`
}

/** Sorts a fresh array in place and drops duplicates: no set per list (there are ~10 per rule). */
function uniqueSorted<T extends string>(values: T[]): T[] {
  sortInPlace(values, compareOrdinal)
  let kept = 0
  for (const value of values) if (kept === 0 || values[kept - 1] !== value) values[kept++] = value
  values.length = kept
  return values
}

/** A requirement's risks, unique by message (the last one wins), in first-seen order. */
function uniqueRisks(requirements: Iterable<Requirement>): PlanRule['risks'] {
  let risks: Map<string, PlanRule['risks'][number]> | undefined
  for (const requirement of requirements)
    for (const risk of requirement.risks) {
      risks ??= new Map()
      risks.set(risk.message, risk)
    }
  return risks ? [...risks.values()] : []
}

/** Shared lists by content: each level one more element. */
type ListTrie = { list?: string[]; next: Map<string, ListTrie> }

/** A bundle's fields as a single-draft rule writes them: one copy per bundle. */
type RequirementLists = Pick<
  PlanRule,
  | 'ports'
  | 'applicationProtocols'
  | 'requirementIds'
  | 'scenarios'
  | 'risks'
  | 'level'
  | 'websocket'
>

/** The strongest level of the requirements (`required` over `recommended`). */
function strongestLevel(requirements: Iterable<Requirement>): Level {
  let level: Level = 'informational'
  for (const requirement of requirements)
    if (LEVEL_RANK[requirement.level] < LEVEL_RANK[level]) level = requirement.level
  return level
}

/**
 * Lists that many rules of one plan would hold equal copies of, made once: a fleet's rules come
 * from a few dozen requirements, regions and workspaces, and a copy per rule was half the plan's
 * memory. Plans are read-only. (Not frozen: frozen arrays have other V8 maps, and every reader of
 * plan lists went polymorphic, ~80 ms slower on a 10,000-workspace fleet.)
 */
function createSharedLists(): {
  ofRequirements(requirements: readonly Requirement[]): RequirementLists
  /** The sorted, unique copy of a list that drafts share (fallback tags). */
  sortedOnce(names: readonly string[]): string[]
  /** The shared copy of a sorted list of names, by content. */
  intern<T extends string>(names: T[]): T[]
} {
  const byBundle = new Map<readonly Requirement[], RequirementLists>()
  const bySource = new Map<readonly string[], string[]>()
  // By content, one element a level: names are catalog strings whose hashes V8 has cached.
  const byContent: ListTrie = { next: new Map() }
  return {
    intern<T extends string>(names: T[]): T[] {
      let node = byContent
      for (const name of names) {
        let child = node.next.get(name)
        if (!child) {
          child = { next: new Map() }
          node.next.set(name, child)
        }
        node = child
      }
      node.list ??= names.slice()
      return node.list as T[]
    },
    ofRequirements(requirements) {
      let lists = byBundle.get(requirements)
      if (!lists) {
        // Bundled requirements have the same ports (bundleRequirements' key).
        lists = {
          ports: mergePortRanges((requirements[0] as Requirement).ports),
          applicationProtocols: uniqueSorted(requirements.flatMap((r) => r.applicationProtocols)),
          requirementIds: uniqueSorted(requirements.map((r) => r.id)),
          scenarios: uniqueSorted(requirements.map((r) => r.scenario)),
          risks: uniqueRisks(requirements),
          level: strongestLevel(requirements),
          websocket: requirements.some((r) => r.websocket),
        }
        byBundle.set(requirements, lists)
      }
      return lists
    },
    sortedOnce(names) {
      let sorted = bySource.get(names)
      if (!sorted) {
        sorted = uniqueSorted([...names])
        bySource.set(names, sorted)
      }
      return sorted
    },
  }
}

type SharedLists = ReturnType<typeof createSharedLists>

/**
 * The drafts of one rule id, merged as far as subsumption needs (ports); the rule itself is
 * written only if no wildcard folds the group in.
 */
type DraftGroup = {
  /** Set for groups keyed by id; host groups make theirs when needed (`idOf`). */
  id: string | undefined
  first: Draft
  /** The other drafts, if any. */
  rest: Draft[] | undefined
  destination: RuleEndpoint
  /** Merged; empty is every port. */
  ports: PortRange[]
  /** Hosts folded into this group; groups with none share one empty list. */
  subsumes: PlanRule['subsumes']
}

/** A group's sorted requirement ids, shared with every group of the same requirements. */
function requirementIdsOf(group: DraftGroup, shared: SharedLists): string[] {
  if (!group.rest) return shared.ofRequirements(group.first.requirements).requirementIds
  const ids: string[] = []
  for (const draft of [group.first, ...group.rest])
    for (const requirement of draft.requirements) ids.push(requirement.id)
  return shared.intern(uniqueSorted(ids))
}

/** The rule of a group with one draft: most rules of a fleet, their lists shared. */
function singleRule(id: string, group: DraftGroup, shared: SharedLists): PlanRule {
  const draft = group.first
  const lists = shared.ofRequirements(draft.requirements)
  return {
    id,
    direction: draft.direction,
    source: draft.source,
    destination: draft.destination,
    protocol: draft.protocol,
    ports: group.ports,
    applicationProtocols: lists.applicationProtocols,
    websocket: lists.websocket,
    level: lists.level,
    serviceTagFallbacks: shared.sortedOnce(draft.serviceTagFallbacks),
    requirementIds: lists.requirementIds,
    scenarios: lists.scenarios,
    workspaces: draft.workspaceIds,
    risks: lists.risks,
    subsumes: group.subsumes,
  }
}

/** Writes out the rule for drafts that share one id. */
function mergeGroup(id: string, group: DraftGroup, shared: SharedLists): PlanRule {
  const first = group.first
  const drafts = [first, ...(group.rest ?? [])]
  const requirements = drafts.flatMap((draft) => draft.requirements)
  const applicationProtocols: PlanRule['applicationProtocols'] = []
  const serviceTagFallbacks: string[] = []
  const workspaces: string[] = []
  for (const requirement of requirements)
    applicationProtocols.push(...requirement.applicationProtocols)
  for (const draft of drafts) {
    serviceTagFallbacks.push(...draft.serviceTagFallbacks)
    // A loop, not a spread: a region can hold more workspaces than a call takes arguments.
    for (const workspace of draft.workspaceIds) workspaces.push(workspace)
  }
  // Lists grown by push keep room for 17 items: the plan keeps exact or shared copies.
  return {
    id,
    direction: first.direction,
    source: first.source,
    destination: first.destination,
    protocol: first.protocol,
    ports: group.ports,
    applicationProtocols: shared.intern(uniqueSorted(applicationProtocols)),
    websocket: requirements.some((requirement) => requirement.websocket),
    level: strongestLevel(requirements),
    serviceTagFallbacks: shared.intern(uniqueSorted(serviceTagFallbacks)),
    requirementIds: requirementIdsOf(group, shared),
    scenarios: shared.intern(uniqueSorted(requirements.map((requirement) => requirement.scenario))),
    workspaces: uniqueSorted(workspaces).slice(),
    risks: uniqueRisks(requirements),
    subsumes: group.subsumes,
  }
}

/** The merged ports of drafts; empty (every port) absorbs any other ports. */
function mergedPorts(drafts: readonly Draft[]): PortRange[] {
  const ports: PortRange[] = []
  for (const draft of drafts) {
    if (draft.ports.length === 0) return []
    ports.push(...draft.ports)
  }
  return mergePortRanges(ports).slice()
}

/** The map under a key of another, made when first asked for. */
function innerMap<K, L, V>(outer: Map<K, Map<L, V>>, key: K): Map<L, V> {
  let inner = outer.get(key)
  if (!inner) {
    inner = new Map()
    outer.set(key, inner)
  }
  return inner
}

/**
 * Groups drafts with the same id (direction, protocol, source, destination) in one pass, in the
 * order their first draft came. Most drafts are outbound hosts: grouped by protocol, parent domain
 * and first label, strings that expandHost shares between hosts, rather than by an id string built
 * and hashed per draft.
 */
function groupDrafts(drafts: readonly Draft[], shared: SharedLists): DraftGroup[] {
  const order: DraftGroup[] = []
  const hosts = new Map<Protocol, Map<string, Map<string, DraftGroup>>>()
  const byId = new Map<string, DraftGroup>()
  // Most groups keep one draft and fold no host in: they share their bundle's ports, one empty list.
  const nothingSubsumed: PlanRule['subsumes'] = []
  const start = (draft: Draft, id: string | undefined): DraftGroup => {
    const group: DraftGroup = {
      id,
      first: draft,
      rest: undefined,
      destination: draft.destination,
      ports: shared.ofRequirements(draft.requirements).ports,
      subsumes: nothingSubsumed,
    }
    order.push(group)
    return group
  }
  for (const draft of drafts) {
    const destination = draft.destination
    let group: DraftGroup | undefined
    if (draft.direction === 'outbound' && destination.kind === 'fqdn' && !destination.urlPath) {
      const byLabel = innerMap(innerMap(hosts, draft.protocol), draft.parentDomain)
      group = byLabel.get(draft.firstLabel)
      if (!group) {
        byLabel.set(draft.firstLabel, start(draft, undefined))
        continue
      }
    } else {
      const id = ruleId(draft)
      group = byId.get(id)
      if (!group) {
        byId.set(id, start(draft, id))
        continue
      }
    }
    if (group.rest) group.rest.push(draft)
    else group.rest = [draft]
  }
  for (const group of order) if (group.rest) group.ports = mergedPorts([group.first, ...group.rest])
  return order
}

/** The rules of the groups kept. */
function writeRules(groups: readonly DraftGroup[], shared: SharedLists): PlanRule[] {
  const rules: PlanRule[] = []
  for (const group of groups) {
    const id = idOf(group)
    rules.push(group.rest ? mergeGroup(id, group, shared) : singleRule(id, group, shared))
  }
  return rules
}

/** The wildcard groups of one direction and protocol, by suffix (`*.x.com` under `x.com`). */
type Wildcards = {
  bySuffix: Map<string, DraftGroup>
  /** What `wildcardsOver` found for each parent domain: a fleet's hosts share a few dozen. */
  byParent: Map<string, readonly DraftGroup[]>
}

function wildcardsOf(groups: readonly DraftGroup[]): Map<string, Wildcards> {
  const wildcards = new Map<string, Wildcards>()
  for (const group of groups) {
    const destination = group.destination
    if (destination.kind === 'fqdn' && group.first.firstLabel === '*' && !destination.urlPath) {
      const kind = ID_PREFIXES[group.first.direction][group.first.protocol]
      let ofKind = wildcards.get(kind)
      if (!ofKind) {
        ofKind = { bySuffix: new Map(), byParent: new Map() }
        wildcards.set(kind, ofKind)
      }
      ofKind.bySuffix.set(group.first.parentDomain, group)
    }
  }
  return wildcards
}

/** The wildcards whose suffix is `parent` or a parent of it (two or more labels), nearest first. */
function wildcardsOver(parent: string, wildcards: Wildcards): readonly DraftGroup[] {
  let found = wildcards.byParent.get(parent)
  if (!found) {
    const dot = parent.indexOf('.')
    const own = dot === -1 ? undefined : wildcards.bySuffix.get(parent)
    const further = dot === -1 ? [] : wildcardsOver(parent.slice(dot + 1), wildcards)
    found = own ? [own, ...further] : further
    wildcards.byParent.set(parent, found)
  }
  return found
}

/** The nearest wildcard group of the same kind that covers a host group and its ports. */
function coveringWildcard(
  group: DraftGroup,
  wildcards: ReadonlyMap<string, Wildcards>,
): DraftGroup | undefined {
  const { direction, protocol, firstLabel, parentDomain } = group.first
  const ofKind = wildcards.get(ID_PREFIXES[direction][protocol])
  if (group.destination.kind !== 'fqdn' || !ofKind) return undefined
  // A host looks from its parent domain up; `*.x.com` from the parent of `x.com` up.
  let from = parentDomain
  if (firstLabel === '*') {
    const dot = parentDomain.indexOf('.')
    from = dot === -1 ? '' : parentDomain.slice(dot + 1)
  }
  for (const candidate of wildcardsOver(from, ofKind))
    if (candidate !== group && mergedRangesCover(candidate.ports, group.ports)) return candidate
  return undefined
}

/**
 * Folds hosts that a wildcard rule with the same protocol and ports covers into it: a hash of the
 * wildcards, then one lookup per host's parent domain, so O(n), never pairwise.
 */
function subsume(groups: DraftGroup[], shared: SharedLists): DraftGroup[] {
  const wildcards = wildcardsOf(groups)
  const kept: DraftGroup[] = []
  for (const group of groups) {
    const cover = coveringWildcard(group, wildcards)
    if (cover && group.destination.kind === 'fqdn') {
      if (cover.subsumes.length === 0) cover.subsumes = []
      cover.subsumes.push({
        fqdn: group.destination.fqdn,
        requirementIds: requirementIdsOf(group, shared),
      })
    } else kept.push(group)
  }
  // Most groups fold nothing in: only the lists of hosts folded into a wildcard need an order.
  const byHost = (a: PlanRule['subsumes'][number], b: PlanRule['subsumes'][number]) =>
    compareOrdinal(a.fqdn, b.fqdn)
  for (const group of kept) if (group.subsumes.length > 1) sortInPlace(group.subsumes, byHost)
  return kept
}

const DIRECTION_ORDER = { outbound: 0, inbound: 1, inCluster: 2 } as const
const KIND_ORDER = { fqdn: 0, serviceTag: 1, addresses: 2, apiServer: 3, pods: 4 } as const

/**
 * Sort keys by reversed labels (`com.contoso.pypi`); a host's is its parent domain's, reversed
 * once per domain (a fleet's hosts share a few dozen), then its first label.
 */
function createSortKeys(): (draft: Draft) => string {
  const reversedDomains = new Map<string, string>()
  return ({ destination, firstLabel, parentDomain }) => {
    if (destination.kind !== 'fqdn') return endpointKey(destination).toLowerCase()
    if (!parentDomain) return firstLabel
    let reversed = reversedDomains.get(parentDomain)
    if (reversed === undefined) {
      reversed = parentDomain.split('.').reverse().join('.')
      reversedDomains.set(parentDomain, reversed)
    }
    return firstLabel === '*' ? reversed : `${reversed}.${firstLabel}`
  }
}

/** The rule id of a group, made once: when a tie in the sort needs it, else when it is written. */
function idOf(group: DraftGroup): string {
  group.id ??= ruleId(group.first)
  return group.id
}

/** Plan order: direction, destination kind, reversed labels, id; keys computed once per group. */
function sortGroups(groups: readonly DraftGroup[]): DraftGroup[] {
  const sortKey = createSortKeys()
  const keyed = groups.map((group) => ({ group, key: sortKey(group.first) }))
  keyed.sort(
    (a, b) =>
      DIRECTION_ORDER[a.group.first.direction] - DIRECTION_ORDER[b.group.first.direction] ||
      KIND_ORDER[a.group.destination.kind] - KIND_ORDER[b.group.destination.kind] ||
      compareOrdinal(a.key, b.key) ||
      compareOrdinal(idOf(a.group), idOf(b.group)),
  )
  return keyed.map(({ group }) => group)
}

/** The IPv4 block of every address: an unrestricted source. */
const ANY_IPV4 = '0.0.0.0/0'

/**
 * The compute subnets, canonical and once each, in the profile's order (`10.0.0.1` and
 * `10.0.0.1/32` are one source), without a block another one contains: the same sources, and
 * targets such as Squid warn about (and drop one of) overlapping blocks in one list.
 */
function sourceList(addresses: readonly string[]): string[] {
  const unique = [...new Set(addresses.map(canonicalCidr))]
  return unique.filter(
    (cidr) => !unique.some((other) => other !== cidr && cidrContains(other, cidr)),
  )
}

function serviceTagNamesFor(profile: Profile, options: ResolveOptions): ServiceTagNames {
  const names = options.serviceTags ?? bundledServiceTagNames(profile.cloud)
  if (names.cloud !== profile.cloud)
    throw new Error(
      `the service-tags file ${names.source.file} is for the ${names.cloud} cloud, but the profile's cloud is '${profile.cloud}': pass the file of the ${profile.cloud} cloud`,
    )
  return names
}

/**
 * D29: a host the docs give for some regions only (`usgovvirginia.obo.arc.azure.us`): outside
 * them, a diagnostic instead of a host made from the region name.
 */
function outsideDocumentedRegions(
  requirement: Requirement,
  workspace: Workspace,
  diagnostics: Diagnostic[],
): boolean {
  const regions = requirement.applicability.regions
  if (!regions || regions.includes(workspace.region)) return false
  diagnostics.push(
    createDiagnostic({
      code: 'AML_EGRESS_NOT_DOCUMENTED',
      message: `${requirement.id} (${requirement.docValue}) left out for ${workspace.region}: the docs give this host for ${regions.join(', ')} only, and none for ${workspace.region} (D29).`,
      requirementIds: [requirement.id],
    }),
  )
  return true
}

/** The Azure ML Kubernetes tables, written for the public cloud (D26). */
const AML_KUBERNETES_TABLES: ReadonlySet<string> = new Set([
  'kubernetes-compute',
  'kubernetes-inference-router',
])

/**
 * D26: public-only Kubernetes records that would apply in a sovereign cloud but have no host
 * documented there (not carried with the cloud's suffixes): named in a warning, never dropped in
 * silence. A Kubernetes table with no record at all for the cloud counts too (21Vianet has no AKS
 * cluster-extension table).
 */
function undocumentedInCloud(
  profile: Profile,
  kinds: ReadonlySet<CatalogComputeKind>,
): Diagnostic[] {
  const { cloud } = profile
  const first = profile.workspaces[0]
  if (cloud === 'public' || !kinds.has('kubernetesCompute') || !first) return []
  const scenariosInCloud = new Set(
    catalog.requirements
      .filter((r) => r.applicability.clouds.includes(cloud))
      .map((r) => r.scenario),
  )
  const asPublic: Profile = { ...profile, cloud: 'public' }
  const missing = catalog.requirements.filter(
    (r) =>
      r.applicability.computeKinds.every((kind) => kind === 'kubernetesCompute') &&
      (AML_KUBERNETES_TABLES.has(r.scenario) || !scenariosInCloud.has(r.scenario)) &&
      !r.applicability.clouds.includes(cloud) &&
      !findRequirement(`${r.id}@${cloud}`) &&
      appliesToEstate(r, asPublic, kinds) &&
      conditions[r.applicability.condition].holds(profile, first),
  )
  if (missing.length === 0) return []
  return [
    createDiagnostic({
      code: 'AML_EGRESS_NOT_DOCUMENTED',
      message: `The Kubernetes tables these rows come from are written for the public cloud, and the docs give no ${cloud} host for them; left out (D26): ${missing.map((r) => `${r.docValue} (${r.id})`).join(', ')}.`,
      requirementIds: missing.map((r) => r.id),
    }),
  ]
}

/**
 * The requirements that apply, in catalog order, those that expand to the same hosts for every
 * workspace put together: same host pattern and path, protocol and ports, no region list, and the
 * same condition where a condition reads each workspace (others hold for the estate). The
 * Kubernetes tables repeat the storage, registry and workspace hosts of the compute tables; one
 * expansion per bundle makes one draft per host instead of one per record.
 */
function bundleRequirements(requirements: readonly Requirement[]): Requirement[][] {
  const bundles: Requirement[][] = []
  const byKey = new Map<string, Requirement[]>()
  for (const requirement of requirements) {
    const { destination, applicability } = requirement
    if (destination.kind !== 'fqdn' || applicability.regions) {
      bundles.push([requirement])
      continue
    }
    const ports = formatPortRanges(requirement.ports).join(',')
    const path = 'urlPath' in destination ? destination.urlPath : ''
    const condition = PER_WORKSPACE_CONDITIONS.has(applicability.condition)
      ? applicability.condition
      : 'estate'
    const key = `${destination.pattern} ${path} ${requirement.protocol} ${ports} ${condition}`
    const bundle = byKey.get(key)
    if (bundle) bundle.push(requirement)
    else {
      const created = [requirement]
      byKey.set(key, created)
      bundles.push(created)
    }
  }
  return bundles
}

/** The drafts of every catalog requirement that applies, expanded per group of workspaces. */
function catalogDrafts(
  profile: Profile,
  input: {
    subnets: RuleEndpoint
    advisories: Diagnostic[]
    tagNames: ServiceTagNames
    kinds: ReadonlySet<CatalogComputeKind>
  },
): Draft[] {
  const { subnets, advisories, tagNames, kinds } = input
  const drafts: Draft[] = []
  const valuesOf = createWorkspaceValues(profile)
  const everyWorkspace = groupWorkspaces(profile.workspaces, () => '')
  const byRegion = groupWorkspaces(profile.workspaces, (workspace) => workspace.region)
  const byWorkspace = groupWorkspaces(profile.workspaces, (workspace) => workspace.id)
  const first = profile.workspaces[0]
  const applying = catalog.requirements.filter(
    (r) =>
      appliesToEstate(r, profile, kinds) &&
      (PER_WORKSPACE_CONDITIONS.has(r.applicability.condition) ||
        (first !== undefined && conditions[r.applicability.condition].holds(profile, first))),
  )
  for (const requirements of bundleRequirements(applying)) {
    const requirement = requirements[0] as Requirement
    const condition = requirement.applicability.condition
    const holds = (workspace: Workspace) => conditions[condition].holds(profile, workspace)
    // Expand once per group of workspaces that yields the same rules (linear in the fleet size).
    const scope = scopeOf(requirement)
    let groups = scope === 'estate' ? everyWorkspace : scope === 'region' ? byRegion : byWorkspace
    if (PER_WORKSPACE_CONDITIONS.has(condition))
      groups = groupWorkspaces(
        profile.workspaces,
        (workspace) =>
          scope === 'estate' ? '' : scope === 'region' ? workspace.region : workspace.id,
        holds,
      )
    const equivalent =
      requirement.destination.kind === 'fqdn'
        ? serviceTagForHost(requirement.destination.pattern)
        : undefined
    // A rule names its workspaces when its destination is theirs: their hosts, their region.
    const namesWorkspaces = scope === 'workspace' || namesRegion(requirement)
    // One input per bundle; a fleet has tens of thousands of groups, each sets its workspace.
    const expansion: ExpandInput = {
      requirement,
      requirements,
      equivalent,
      profile,
      workspace: groups[0]?.workspace as Workspace,
      index: 0,
      workspaceIds: [],
      subnets,
      fallbacksByRegion: new Map(),
      parentsByRegion: new Map(),
      tagNames,
      host: undefined,
      valuesOf,
      drafts,
      diagnostics: advisories,
    }
    for (const { workspace, index, ids } of groups) {
      if (outsideDocumentedRegions(requirement, workspace, advisories)) continue
      expansion.workspace = workspace
      expansion.index = index
      expansion.workspaceIds = namesWorkspaces ? ids : []
      expand(expansion)
    }
  }
  return drafts
}

/**
 * The drafts of the requirements of your own, each once for the estate (naming the workspaces an
 * entry lists). A host's documented tag is its fallback only when the tag is global: an estate-wide
 * entry has no one region.
 */
function customDrafts(
  entries: readonly CustomEntry[],
  input: {
    profile: Profile
    subnets: RuleEndpoint
    advisories: Diagnostic[]
    tagNames: ServiceTagNames
  },
): Draft[] {
  const drafts: Draft[] = []
  const { profile } = input
  for (const { requirement, workspaceIds } of entries) {
    const ids = profile.workspaces.filter((workspace) =>
      workspaceIds.some((id) => id.toLowerCase() === workspace.id.toLowerCase()),
    )
    const workspace = ids[0] ?? profile.workspaces[0]
    if (!workspace) continue
    const destination = requirement.destination
    const equivalent =
      destination.kind === 'fqdn' ? serviceTagForHost(destination.pattern) : undefined
    expand({
      requirement,
      requirements: [requirement],
      equivalent: equivalent?.regional ? undefined : equivalent,
      profile,
      workspace,
      index: profile.workspaces.indexOf(workspace),
      workspaceIds: uniqueSorted(ids.map((w) => w.id)),
      subnets: input.subnets,
      fallbacksByRegion: new Map(),
      parentsByRegion: new Map(),
      tagNames: input.tagNames,
      host: undefined,
      valuesOf: createWorkspaceValues(profile),
      drafts,
      diagnostics: input.advisories,
    })
  }
  return drafts
}

/** Does the outer endpoint contain every destination of the inner one? */
function endpointCovers(outer: RuleEndpoint, inner: RuleEndpoint): boolean {
  if (outer.kind === 'fqdn' && inner.kind === 'fqdn')
    return !outer.urlPath && patternCovers(outer.fqdn, inner.fqdn)
  if (outer.kind === 'serviceTag' && inner.kind === 'serviceTag')
    return outer.tag.toLowerCase() === inner.tag.toLowerCase()
  if (outer.kind === 'addresses' && inner.kind === 'addresses')
    return inner.addresses.every((cidr) => outer.addresses.some((o) => cidrContains(o, cidr)))
  return false
}

function draftCovers(outer: Draft, inner: Draft): boolean {
  return (
    outer.direction === inner.direction &&
    (outer.protocol === inner.protocol || outer.protocol === 'ANY') &&
    portRangesCover(outer.ports, inner.ports) &&
    endpointCovers(outer.destination, inner.destination) &&
    (inner.direction !== 'inbound' || endpointCovers(outer.source, inner.source))
  )
}

/** `extraRequirements[2] (contoso-pypi)`, `env:pypi.org (requirements.txt:3)`. */
function describeCustom(requirement: CustomRequirement): string {
  const provenance = requirement.provenance
  return provenance.origin === 'profile'
    ? `${provenance.entry} (${requirement.id})`
    : `${requirement.id} (${provenance.file}:${provenance.line})`
}

/**
 * The parent domains of the drafts that can cover a host (`patternCovers`): its own, where the
 * draft is the host itself, and each domain over it, where the draft is a wildcard. A draft's
 * host is canonical (catalog patterns, lower-cased names, ARM region names), so a draft under any
 * other parent domain never covers it.
 */
function coveringParents(fqdn: string): Set<string> {
  const host = canonicalHost(fqdn)
  const dot = host.indexOf('.')
  const parents = new Set([dot === -1 ? '' : host.slice(dot + 1)])
  const name = host.startsWith('*.') ? host.slice(2) : host
  for (let at = name.indexOf('.'); at !== -1; at = name.indexOf('.', at + 1))
    parents.add(name.slice(at + 1))
  return parents
}

/**
 * The drafts of your own requirements that no chosen catalog draft covers; each one covered is
 * reported (already covered by …) rather than rendered twice.
 */
function withoutCovered(
  catalogDrafts: readonly Draft[],
  custom: readonly Draft[],
  advisories: Diagnostic[],
): Draft[] {
  if (custom.length === 0) return []
  return custom.filter((draft) => {
    const destination = draft.destination
    const parents = destination.kind === 'fqdn' ? coveringParents(destination.fqdn) : undefined
    // A fleet has a hundred thousand drafts: only those under a parent that can cover the host
    // are compared (canonicalising both hosts) in full.
    const cover = catalogDrafts.find(
      (candidate) =>
        (!parents || parents.has(candidate.parentDomain)) && draftCovers(candidate, draft),
    )
    if (!cover) return true
    const requirement = draft.requirement as CustomRequirement
    advisories.push(
      createDiagnostic({
        code: 'AML_EGRESS_DUPLICATE_REQUIREMENT',
        message: `${describeCustom(requirement)} is already covered by ${cover.requirement.id} (${cover.requirement.docValue}): not rendered twice`,
        requirementIds: [requirement.id, cover.requirement.id],
      }),
    )
    return false
  })
}

/**
 * Resolves a profile into a plan: selects the catalog records that apply, fills placeholders per
 * workspace, keeps one documented form per need (D21), merges ports, folds hosts covered by
 * wildcards, deduplicates across the fleet and sorts. Requirements of your own (the profile's
 * `extraRequirements`, `options.extraRequirements`, the package sources of `options.environmentFiles`)
 * go through the same steps, each covered one reported instead of rendered twice. Pure and
 * deterministic.
 * @example const plan = resolvePlan(parseProfile(input))
 */
export function resolvePlan(profile: Profile, options: ResolveOptions = {}): Plan {
  const tagNames = serviceTagNamesFor(profile, options)
  const advisories: Diagnostic[] = []
  const sourceAddresses = sourceList(profile.sourceAddresses)
  const subnets: RuleEndpoint = { kind: 'addresses', addresses: sourceAddresses }
  if (sourceAddresses.includes(ANY_IPV4))
    advisories.push(
      createDiagnostic({
        code: 'AML_EGRESS_UNRESTRICTED_SOURCE',
        message: `sourceAddresses holds ${ANY_IPV4}: every rule allows any client, not only the compute subnets${sourceAddresses.length === 1 && profile.sourceAddresses.length > 1 ? ' (the other blocks it contains were dropped)' : ''}`,
        path: ['sourceAddresses'],
      }),
    )
  const custom = customRequirements(profile, options)
  advisories.push(...custom.diagnostics)
  const kinds = new Set(profile.compute.map((kind) => CATALOG_KIND[kind]))
  const fromCatalog = catalogDrafts(profile, { subnets, advisories, tagNames, kinds })
  advisories.push(...undocumentedInCloud(profile, kinds))
  const chosen = publishServiceTags({
    drafts: chooseForm(fromCatalog, profile.destinationStyle, (key) => canNameTag(tagNames, key)),
    names: tagNames,
    withHost: (draft, fqdn) =>
      createDraft(draft, {
        direction: draft.direction,
        source: draft.source,
        destination: { kind: 'fqdn', fqdn },
        protocol: draft.protocol,
        serviceTagFallbacks: [],
      }),
    diagnostics: advisories,
  })
  const own = customDrafts(custom.entries, { profile, subnets, advisories, tagNames })
  const drafts = own.length === 0 ? chosen : [...chosen, ...withoutCovered(chosen, own, advisories)]
  const shared = createSharedLists()
  const groups = groupDrafts(drafts, shared)
  const rules = writeRules(sortGroups(subsume(groups, shared)), shared)
  const uniqueAdvisories = new Map(advisories.map((d) => [`${d.code}|${d.message}`, d]))
  return {
    catalog: { version: catalog.version, docDate: catalog.docDate },
    cloud: profile.cloud,
    destinationStyle: profile.destinationStyle,
    sourceAddresses,
    rules,
    advisories: sortDiagnostics([...uniqueAdvisories.values()]),
    serviceTags: tagNames.source,
    ...(custom.entries.length > 0
      ? { customRequirements: custom.entries.map((entry) => entry.requirement) }
      : {}),
  }
}
