import { catalog } from '../catalog/catalog'
import { conditions } from '../catalog/conditions'
import type { CatalogComputeKind, Requirement } from '../catalog/schema'
import { findRegion } from '../clouds'
import { endpointMatches } from '../flows'
import type { FlowEndpoint } from '../plan'
import { type Protocol, portInRanges } from '../ports'
import type { ComputeKind, Profile } from '../profile'
import { clusterEndpoint } from '../resolve'
import type { LogPod, LogProtocol } from './model'

/** A denied flow as the classifier sees it: one destination, its candidate endpoints, sources. */
export type FlowQuery = {
  /** Host (canonical), address (with its service tags), pod or API server, as flow endpoints. */
  endpoints: readonly FlowEndpoint[]
  host: string | undefined
  tags: readonly string[]
  port: number | undefined
  protocol: LogProtocol
  sourcePods: readonly LogPod[]
}

/** What the placeholders of a host pattern (or a regional tag) stood for in the denied flow. */
export type Bindings = Partial<
  Record<'region' | 'storageAccount' | 'containerRegistry' | 'workspaceId' | 'aksCluster', string>
>

/** A catalog requirement that matches the flow, with what its placeholders were. */
export type CatalogMatch = { requirement: Requirement; bindings: Bindings }

const PLACEHOLDER_PATTERNS: Record<keyof Bindings, string> = {
  region: '([a-z0-9]+)',
  storageAccount: '([a-z0-9]{3,24})',
  containerRegistry: '([a-z0-9]{5,50})',
  workspaceId: '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})',
  aksCluster: '([a-z0-9-]+)',
}

type HostMatcher = { regex: RegExp; placeholders: (keyof Bindings)[] }

/** A catalog host pattern as a regex over canonical hosts; `*.` stands for one or more labels. */
function hostMatcher(pattern: string): HostMatcher {
  const placeholders: (keyof Bindings)[] = []
  const wildcard = pattern.startsWith('*.')
  const body = (wildcard ? pattern.slice(2) : pattern)
    .split(/(\{[A-Za-z]+\})/)
    .map((piece, index) => {
      if (index % 2 === 0) return piece.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      const name = piece.slice(1, -1) as keyof Bindings
      placeholders.push(name)
      return PLACEHOLDER_PATTERNS[name] ?? '([a-z0-9-]+)'
    })
    .join('')
  return {
    regex: new RegExp(`^${wildcard ? '(?:[a-z0-9_-]+\\.)+' : ''}${body}$`),
    placeholders,
  }
}

function protocolMatches(protocol: Protocol, flow: LogProtocol): boolean {
  return flow !== 'ICMP' && (protocol === 'ANY' || protocol === flow)
}

/** A port-and-protocol check; a flow without a port (a DNS-proxy drop) matches any port. */
function portMatches(requirement: Requirement, query: FlowQuery): boolean {
  return (
    protocolMatches(requirement.protocol, query.protocol) &&
    (query.port === undefined || portInRanges(query.port, requirement.ports))
  )
}

const sameTag = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/**
 * Which catalog requirements a denied flow falls under (current records only: historical and
 * conflicting ones are not advice). Built once per run: host patterns are compiled once.
 */
export function createCatalogMatcher(profile: Profile) {
  const matchers = new Map<string, HostMatcher>()
  const current = catalog.requirements.filter((requirement) => requirement.status === 'current')
  const matcherOf = (pattern: string): HostMatcher => {
    let matcher = matchers.get(pattern)
    if (!matcher) {
      matcher = hostMatcher(pattern)
      matchers.set(pattern, matcher)
    }
    return matcher
  }
  const destinationBindings = (
    requirement: Requirement,
    query: FlowQuery,
  ): Bindings | undefined => {
    const destination = requirement.destination
    switch (destination.kind) {
      case 'fqdn': {
        if (query.host === undefined) return undefined
        const { regex, placeholders } = matcherOf(destination.pattern)
        const found = regex.exec(query.host)
        if (!found) return undefined
        const bindings: Bindings = {}
        placeholders.forEach((name, index) => {
          bindings[name] = found[index + 1]
        })
        // `{region}` stands for a real region only: `foo.api.azureml.ms` is not a regional host.
        return bindings.region === undefined || findRegion(bindings.region) ? bindings : undefined
      }
      case 'serviceTag':
        return tagBindings(destination, query.tags)
      case 'inCluster':
        return inClusterMatches(destination, query, profile) ? {} : undefined
      default:
        return undefined
    }
  }
  return {
    /** Requirements whose destination, protocol and port match (`anyPort`: ignore the port). */
    match(query: FlowQuery, options: { anyPort?: boolean } = {}): CatalogMatch[] {
      const matches: CatalogMatch[] = []
      for (const requirement of current) {
        if (requirement.direction === 'inbound') continue
        if (
          !(options.anyPort
            ? protocolMatches(requirement.protocol, query.protocol)
            : portMatches(requirement, query))
        )
          continue
        const bindings = destinationBindings(requirement, query)
        if (bindings) matches.push({ requirement, bindings })
      }
      return matches
    },
  }
}

/** A tag requirement and the address's tags: global by name, regional by `<tag>.<Region>`. */
function tagBindings(
  destination: Extract<Requirement['destination'], { kind: 'serviceTag' }>,
  tags: readonly string[],
): Bindings | undefined {
  if (!destination.regional)
    return tags.some((tag) => sameTag(tag, destination.tag)) ? {} : undefined
  const prefix = `${destination.tag.toLowerCase()}.`
  for (const tag of tags)
    if (tag.toLowerCase().startsWith(prefix)) {
      const region = findRegion(tag.slice(prefix.length))
      if (region) return { region: region.name }
    }
  return tags.some((tag) => sameTag(tag, destination.tag)) ? {} : undefined
}

function inClusterMatches(
  destination: Extract<Requirement['destination'], { kind: 'inCluster' }>,
  query: FlowQuery,
  profile: Profile,
): boolean {
  const to = clusterEndpoint(destination.to, profile)
  if (!query.endpoints.some((endpoint) => endpointMatches(to, endpoint))) return false
  if (query.sourcePods.length === 0) return true
  const from = clusterEndpoint(destination.from, profile)
  return query.sourcePods.some((pod) =>
    endpointMatches(from, { kind: 'pod', namespace: pod.namespace, labels: { ...pod.labels } }),
  )
}

const PROFILE_KIND: Record<CatalogComputeKind, ComputeKind | undefined> = {
  computeInstance: 'computeInstance',
  computeCluster: 'computeCluster',
  serverlessCompute: 'serverless',
  kubernetesCompute: 'kubernetes',
  attachedVmOrHdinsight: 'attachedVm',
  managedOnlineEndpoint: 'managedOnlineEndpoint',
  clientOrStudio: undefined,
}

function computeChange(requirement: Requirement, profile: Profile): string | undefined {
  const kinds = requirement.applicability.computeKinds
  const profileKinds = kinds.map((kind) => PROFILE_KIND[kind])
  if (profileKinds.some((kind) => kind !== undefined && profile.compute.includes(kind)))
    return undefined
  const names = profileKinds.filter((kind): kind is ComputeKind => kind !== undefined)
  return names.length > 0
    ? `compute: add ${names.join(' or ')}`
    : 'compute: none (client or studio access, not compute egress)'
}

function workloadChange(requirement: Requirement, profile: Profile): string | undefined {
  const { applicability } = requirement
  // D14: workloads split only the Kubernetes tables.
  if (!applicability.computeKinds.every((kind) => kind === 'kubernetesCompute')) return undefined
  const training = profile.workloads.includes('training') && applicability.training
  const inference = profile.workloads.includes('inference') && applicability.inference
  if (training || inference) return undefined
  return `workloads: add ${applicability.inference ? 'inference' : 'training'}`
}

function conditionChange(requirement: Requirement, profile: Profile): string | undefined {
  const rule = conditions[requirement.applicability.condition]
  const holds = profile.workspaces.some((workspace) => rule.holds(profile, workspace))
  return holds ? undefined : `condition: ${rule.title}`
}

function bindingChanges(bindings: Bindings, profile: Profile): string[] {
  const changes: string[] = []
  const { region, storageAccount, containerRegistry, workspaceId, aksCluster } = bindings
  const workspaces = profile.workspaces
  if (region !== undefined && !workspaces.some((workspace) => workspace.region === region))
    changes.push(`workspaces[].region: a workspace in ${region}`)
  if (
    storageAccount !== undefined &&
    !workspaces.some((w) => w.storageAccounts.includes(storageAccount))
  )
    changes.push(`workspaces[].storageAccounts: add ${storageAccount}`)
  if (
    containerRegistry !== undefined &&
    !workspaces.some((w) => w.containerRegistries.includes(containerRegistry))
  )
    changes.push(`workspaces[].containerRegistries: add ${containerRegistry}`)
  if (workspaceId !== undefined && !workspaces.some((w) => w.id.toLowerCase() === workspaceId))
    changes.push(`workspaces[].id: ${workspaceId}`)
  const prefix = profile.kubernetes.clusterDnsPrefix
  if (aksCluster !== undefined && prefix !== undefined && prefix !== aksCluster)
    changes.push(`kubernetes.clusterDnsPrefix: ${aksCluster}`)
  return changes
}

/**
 * What the profile lacks for this requirement to be in its plan, read off the requirement's
 * applicability (cloud, compute kinds, workloads, its condition in `conditions.ts`) and the values
 * its placeholders took (region, storage account, registry, workspace). Empty: the profile selects it.
 */
export function missingSettings(match: CatalogMatch, profile: Profile): string[] {
  const { requirement } = match
  const changes: string[] = []
  if (!requirement.applicability.clouds.includes(profile.cloud))
    changes.push(`cloud: ${requirement.applicability.clouds.join(' or ')}`)
  for (const change of [
    computeChange(requirement, profile),
    workloadChange(requirement, profile),
    conditionChange(requirement, profile),
  ])
    if (change !== undefined) changes.push(change)
  changes.push(...bindingChanges(match.bindings, profile))
  return changes
}
