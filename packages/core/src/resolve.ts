import { catalog } from './catalog/catalog'
import { conditions } from './catalog/conditions'
import type { CatalogComputeKind, ClusterRole, Requirement } from './catalog/schema'
import { serviceTagForHost } from './catalog/serviceTagEquivalents'
import { canonicalCidr } from './cidr'
import { regionalTag } from './clouds'
import { createDiagnostic, type Diagnostic, sortDiagnostics } from './diagnostics'
import { canonicalHost, reversedLabels } from './fqdn'
import type { Level, Plan, PlanRule, RuleEndpoint } from './plan'
import { mergePortRanges, type PortRange, type Protocol, portRangesCover } from './ports'
import type { ComputeKind, Profile, Workspace } from './profile'

const CATALOG_KIND: Record<ComputeKind, CatalogComputeKind> = {
  computeInstance: 'computeInstance',
  computeCluster: 'computeCluster',
  serverless: 'serverlessCompute',
  kubernetes: 'kubernetesCompute',
  attachedVm: 'attachedVmOrHdinsight',
  managedOnlineEndpoint: 'managedOnlineEndpoint',
}

const LEVEL_RANK: Record<Level, number> = {
  required: 0,
  conditional: 1,
  recommended: 2,
  informational: 3,
}

/** A rule before merging: one requirement, one workspace. */
type Draft = {
  requirement: Requirement
  workspaceId: string | undefined
  direction: PlanRule['direction']
  source: RuleEndpoint
  destination: RuleEndpoint
  protocol: Protocol
  ports: PortRange[]
  serviceTagFallbacks: string[]
}

/** Does the requirement apply to this profile (and workspace)? */
function applies(requirement: Requirement, profile: Profile, workspace: Workspace): boolean {
  const { applicability } = requirement
  if (requirement.status !== 'current') return false
  if (!applicability.clouds.includes(profile.cloud)) return false
  const kinds = profile.compute.map((kind) => CATALOG_KIND[kind])
  if (!applicability.computeKinds.some((kind) => kinds.includes(kind))) return false
  // D14: workloads split only the Kubernetes tables.
  const kubernetesOnly = applicability.computeKinds.every((kind) => kind === 'kubernetesCompute')
  if (
    kubernetesOnly &&
    !(
      (profile.workloads.includes('training') && applicability.training) ||
      (profile.workloads.includes('inference') && applicability.inference)
    )
  )
    return false
  return conditions[applicability.condition].holds(profile, workspace)
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

type Expansion = { drafts: Draft[]; diagnostics: Diagnostic[] }

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
        namespaces: [...kubernetes.modelNamespaces].sort(),
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

function clusterEndpoint(role: ClusterRole, profile: Profile): RuleEndpoint {
  return role === 'apiServer'
    ? { kind: 'apiServer', addresses: profile.kubernetes.apiServerAddresses.map(canonicalCidr) }
    : podsOf(role, profile)
}

/** Fills the placeholders of a host pattern for one workspace; several hosts for lists. */
function expandHost(
  pattern: string,
  profile: Profile,
  workspace: Workspace,
): { hosts: string[]; missing?: { field: string; what: string } } {
  const index = profile.workspaces.indexOf(workspace)
  let hosts = [
    pattern
      .replaceAll('{region}', workspace.region)
      .replaceAll('{workspaceId}', workspace.id.toLowerCase())
      // D23: without the cluster's DNS prefix, the documented wildcard.
      .replaceAll('{aksCluster}', profile.kubernetes.clusterDnsPrefix ?? '*'),
  ]
  const lists = [
    ['{storageAccount}', workspace.storageAccounts, 'storageAccounts', 'the storage account names'],
    [
      '{containerRegistry}',
      workspace.containerRegistries,
      'containerRegistries',
      'the container registry names',
    ],
  ] as const
  for (const [placeholder, values, field, what] of lists) {
    if (!pattern.includes(placeholder)) continue
    if (values.length === 0)
      return { hosts: [], missing: { field: `workspaces.${index}.${field}`, what } }
    hosts = hosts.flatMap((host) => values.map((value) => host.replaceAll(placeholder, value)))
  }
  return { hosts: hosts.map(canonicalHost) }
}

function expand(requirement: Requirement, profile: Profile, workspace: Workspace): Expansion {
  const subnets: RuleEndpoint = {
    kind: 'addresses',
    addresses: profile.sourceAddresses.map(canonicalCidr),
  }
  const base = {
    requirement,
    workspaceId: undefined as string | undefined,
    protocol: requirement.protocol,
    ports: requirement.ports,
    serviceTagFallbacks: [] as string[],
  }
  const destination = requirement.destination
  switch (destination.kind) {
    case 'fqdn': {
      const { hosts, missing } = expandHost(destination.pattern, profile, workspace)
      if (missing)
        return { drafts: [], diagnostics: [unresolved(requirement, missing.field, missing.what)] }
      const equivalent = serviceTagForHost(destination.pattern)
      const fallbacks = equivalent
        ? [
            equivalent.regional ? regionalTag(equivalent.tag, workspace.region) : equivalent.tag,
            ...equivalent.alsoCovers,
          ]
        : []
      const workspaceSpecific = /\{(region|storageAccount|containerRegistry|workspaceId)\}/.test(
        destination.pattern,
      )
      return {
        drafts: hosts.map((fqdn) => ({
          ...base,
          workspaceId: workspaceSpecific ? workspace.id : undefined,
          direction: 'outbound',
          source: subnets,
          destination: destination.urlPath
            ? { kind: 'fqdn', fqdn, urlPath: destination.urlPath }
            : { kind: 'fqdn', fqdn },
          serviceTagFallbacks: fallbacks,
        })),
        diagnostics: [],
      }
    }
    case 'serviceTag': {
      const tag = destination.regional
        ? regionalTag(destination.tag, workspace.region)
        : destination.tag
      if (requirement.direction === 'inbound' && requirement.source)
        return {
          drafts: [
            {
              ...base,
              direction: 'inbound',
              source: { kind: 'serviceTag', tag: requirement.source.tag },
              destination: subnets,
            },
          ],
          diagnostics: [],
        }
      return {
        drafts: [
          {
            ...base,
            workspaceId: destination.regional ? workspace.id : undefined,
            direction: 'outbound',
            source: subnets,
            destination: { kind: 'serviceTag', tag },
          },
        ],
        diagnostics: [],
      }
    }
    case 'address': {
      const field =
        destination.role === 'apiServer'
          ? 'kubernetes.apiServerAddresses'
          : 'kubernetes.customDnsServers'
      const addresses =
        destination.role === 'apiServer'
          ? profile.kubernetes.apiServerAddresses
          : profile.kubernetes.customDnsServers
      if (addresses.length === 0)
        return {
          drafts: [],
          diagnostics: [
            unresolved(
              requirement,
              field,
              destination.role === 'apiServer'
                ? 'the API server address'
                : 'the custom DNS servers',
            ),
          ],
        }
      return {
        drafts: [
          {
            ...base,
            direction: 'outbound',
            source: subnets,
            destination: { kind: 'addresses', addresses: addresses.map(canonicalCidr).sort() },
          },
        ],
        diagnostics: [],
      }
    }
    case 'inCluster': {
      const to = clusterEndpoint(destination.to, profile)
      const diagnostics =
        to.kind === 'apiServer' && to.addresses.length === 0
          ? [unresolved(requirement, 'kubernetes.apiServerAddresses', 'the API server address')]
          : []
      // D11: DNS is UDP and TCP 53; other in-cluster ANY would be the same pair.
      const protocols: Protocol[] =
        requirement.protocol === 'ANY' ? ['TCP', 'UDP'] : [requirement.protocol]
      return {
        drafts: protocols.map((protocol) => ({
          ...base,
          protocol,
          direction: 'inCluster',
          source: clusterEndpoint(destination.from, profile),
          destination: to,
        })),
        diagnostics,
      }
    }
    case 'privateEndpoint':
      return {
        drafts: [],
        diagnostics: [
          advisory(
            requirement,
            `Private endpoint needed: ${destination.target}. ${requirement.summary}`,
          ),
        ],
      }
    case 'serviceEndpointPolicy':
      return {
        drafts: [],
        diagnostics: [
          advisory(
            requirement,
            `Service endpoint policy on the compute subnet with ${destination.alias}. ${requirement.summary}`,
          ),
        ],
      }
    case 'route':
      return {
        drafts: [],
        diagnostics: [
          advisory(
            requirement,
            `User-defined route: ${destination.addressPrefix} → next hop ${destination.nextHop}. ${requirement.summary}`,
          ),
        ],
      }
    case 'portConstraint':
      return { drafts: [], diagnostics: [advisory(requirement, requirement.summary)] }
  }
}

type Coverage = Map<string, { protocol: Protocol; ports: readonly PortRange[] }[]>

/** Which (protocol, ports) each concrete tag's documented hosts, or the tag rules, provide. */
function coverageBy(
  drafts: readonly Draft[],
  tagsOf: (draft: Draft) => readonly string[],
): Coverage {
  const coverage: Coverage = new Map()
  for (const draft of drafts)
    for (const tag of tagsOf(draft)) {
      const key = tag.toLowerCase()
      coverage.set(key, [
        ...(coverage.get(key) ?? []),
        { protocol: draft.protocol, ports: draft.ports },
      ])
    }
  return coverage
}

/** Is every port of the draft, on its protocol, provided by one of the entries? */
function covered(coverage: Coverage, tag: string, draft: Draft): boolean {
  const entries = (coverage.get(tag.toLowerCase()) ?? []).filter(
    (entry) => entry.protocol === draft.protocol || entry.protocol === 'ANY',
  )
  if (entries.length === 0) return false
  if (entries.some((entry) => entry.ports.length === 0)) return true
  return portRangesCover(
    entries.flatMap((entry) => entry.ports),
    draft.ports,
  )
}

/**
 * D21: keep one documented form of each need. `hosts` drops a tag rule when its hosts provide every
 * port of it; `serviceTags` drops a host rule when a chosen tag rule provides every port of it.
 */
function chooseForm(drafts: readonly Draft[], style: Plan['destinationStyle']): Draft[] {
  const isTag = (draft: Draft) =>
    draft.direction === 'outbound' && draft.destination.kind === 'serviceTag'
  const isHost = (draft: Draft) => draft.destination.kind === 'fqdn'
  const tagOf = (draft: Draft) =>
    draft.destination.kind === 'serviceTag' ? [draft.destination.tag] : []
  if (style === 'hosts') {
    const hostCoverage = coverageBy(drafts.filter(isHost), (draft) => draft.serviceTagFallbacks)
    return drafts.filter(
      (draft) => !(isTag(draft) && tagOf(draft).every((tag) => covered(hostCoverage, tag, draft))),
    )
  }
  const tagCoverage = coverageBy(drafts.filter(isTag), tagOf)
  return drafts.filter(
    (draft) =>
      !(
        isHost(draft) &&
        draft.serviceTagFallbacks.length > 0 &&
        draft.serviceTagFallbacks.some((tag) => covered(tagCoverage, tag, draft))
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
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => `${key}=${value}`)
        .join(',')}}`
    case 'apiServer':
      return 'apiserver'
  }
}

function ruleId(draft: Pick<Draft, 'direction' | 'protocol' | 'source' | 'destination'>): string {
  const source = draft.direction === 'outbound' ? '' : `${endpointKey(draft.source)}->`
  return `${draft.direction}/${draft.protocol.toLowerCase()}/${source}${endpointKey(draft.destination)}`
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort()

function merge(drafts: readonly Draft[]): PlanRule[] {
  const rules = new Map<string, PlanRule>()
  for (const draft of drafts) {
    const id = ruleId(draft)
    const requirement = draft.requirement
    const existing = rules.get(id)
    const rule: PlanRule = existing ?? {
      id,
      direction: draft.direction,
      source: draft.source,
      destination: draft.destination,
      protocol: draft.protocol,
      ports: [],
      applicationProtocols: [],
      websocket: false,
      level: requirement.level,
      serviceTagFallbacks: [],
      requirementIds: [],
      scenarios: [],
      workspaces: [],
      risks: [],
      subsumes: [],
    }
    // An empty list is "every port", so it absorbs any other ports.
    const everyPort =
      draft.ports.length === 0 || (existing !== undefined && existing.ports.length === 0)
    rule.ports = everyPort ? [] : mergePortRanges([...rule.ports, ...draft.ports])
    rule.applicationProtocols = [
      ...new Set([...rule.applicationProtocols, ...requirement.applicationProtocols]),
    ].sort() as PlanRule['applicationProtocols']
    rule.websocket ||= requirement.websocket
    if (LEVEL_RANK[requirement.level] < LEVEL_RANK[rule.level]) rule.level = requirement.level
    rule.serviceTagFallbacks = sorted([...rule.serviceTagFallbacks, ...draft.serviceTagFallbacks])
    rule.requirementIds = sorted([...rule.requirementIds, requirement.id])
    rule.scenarios = sorted([...rule.scenarios, requirement.scenario])
    if (draft.workspaceId) rule.workspaces = sorted([...rule.workspaces, draft.workspaceId])
    for (const risk of requirement.risks)
      if (!rule.risks.some((known) => known.message === risk.message)) rule.risks.push(risk)
    rules.set(id, rule)
  }
  return [...rules.values()]
}

/** Folds hosts that a wildcard rule with the same protocol and ports covers into it (O(n · labels)). */
function subsume(rules: PlanRule[]): PlanRule[] {
  const wildcards = new Map<string, PlanRule>()
  for (const rule of rules)
    if (
      rule.destination.kind === 'fqdn' &&
      rule.destination.fqdn.startsWith('*.') &&
      !rule.destination.urlPath
    )
      wildcards.set(`${rule.direction}/${rule.protocol}/${rule.destination.fqdn}`, rule)
  const kept: PlanRule[] = []
  for (const rule of rules) {
    const destination = rule.destination
    let cover: PlanRule | undefined
    if (destination.kind === 'fqdn') {
      const labels = destination.fqdn.replace(/^\*\./, '').split('.')
      for (let i = 1; i <= labels.length - 2 && !cover; i++) {
        const candidate = wildcards.get(
          `${rule.direction}/${rule.protocol}/*.${labels.slice(i).join('.')}`,
        )
        if (candidate && candidate !== rule && portRangesCover(candidate.ports, rule.ports))
          cover = candidate
      }
    }
    if (cover && destination.kind === 'fqdn')
      cover.subsumes.push({ fqdn: destination.fqdn, requirementIds: rule.requirementIds })
    else kept.push(rule)
  }
  for (const rule of kept) rule.subsumes.sort((a, b) => a.fqdn.localeCompare(b.fqdn))
  return kept
}

const DIRECTION_ORDER = { outbound: 0, inbound: 1, inCluster: 2 } as const
const KIND_ORDER = { fqdn: 0, serviceTag: 1, addresses: 2, apiServer: 3, pods: 4 } as const

function sortKey(endpoint: RuleEndpoint): string {
  return endpoint.kind === 'fqdn'
    ? reversedLabels(endpoint.fqdn.replace(/^\*\./, ''))
    : endpointKey(endpoint).toLowerCase()
}

function compareRules(a: PlanRule, b: PlanRule): number {
  return (
    DIRECTION_ORDER[a.direction] - DIRECTION_ORDER[b.direction] ||
    KIND_ORDER[a.destination.kind] - KIND_ORDER[b.destination.kind] ||
    sortKey(a.destination).localeCompare(sortKey(b.destination)) ||
    a.id.localeCompare(b.id)
  )
}

/**
 * Resolves a profile into a plan: selects the catalog records that apply, fills placeholders per
 * workspace, keeps one documented form per need (D21), merges ports, folds hosts covered by
 * wildcards, deduplicates across the fleet and sorts. Pure and deterministic.
 * @example const plan = resolvePlan(parseProfile(input))
 */
export function resolvePlan(profile: Profile): Plan {
  const drafts: Draft[] = []
  const advisories: Diagnostic[] = []
  for (const requirement of catalog.requirements)
    for (const workspace of profile.workspaces) {
      if (!applies(requirement, profile, workspace)) continue
      const expansion = expand(requirement, profile, workspace)
      drafts.push(...expansion.drafts)
      advisories.push(...expansion.diagnostics)
    }
  const rules = subsume(merge(chooseForm(drafts, profile.destinationStyle))).sort(compareRules)
  const uniqueAdvisories = new Map(advisories.map((d) => [`${d.code}|${d.message}`, d]))
  return {
    catalog: { version: catalog.version, docDate: catalog.docDate },
    cloud: profile.cloud,
    destinationStyle: profile.destinationStyle,
    sourceAddresses: profile.sourceAddresses.map(canonicalCidr),
    rules,
    advisories: sortDiagnostics([...uniqueAdvisories.values()]),
  }
}
