import * as z from 'zod'
import { findRequirement } from './catalog/catalog'
import type { CatalogComputeKind, CustomRequirement, PlanRequirement } from './catalog/schema'
import { canonicalCidr, isIpv4Address } from './cidr'
import { createDiagnostic, type Diagnostic } from './diagnostics'
import { checkExtraRequirements, parseExtraDestination } from './extraRequirements'
import { type PackageHost, packageIndexHosts } from './packageIndexes/packageHosts'
import { environmentFilesOf } from './packageIndexes/pythonPackages'
import type { EnvironmentFileScan } from './packageIndexes/scan'
import type { Plan } from './plan'
import type { PortRange } from './ports'
import {
  type ComputeKind,
  type ExtraRequirement,
  type ExtraRequirementInput,
  ExtraRequirementSchema,
  formatPath,
  type Profile,
  ProfileError,
  type ProfileIssue,
} from './profile'
import type { ServiceTagNames } from './serviceTags/snapshot'

/** The catalog's name of each compute kind of the profile. */
export const CATALOG_KIND: Record<ComputeKind, CatalogComputeKind> = {
  computeInstance: 'computeInstance',
  computeCluster: 'computeCluster',
  serverless: 'serverlessCompute',
  kubernetes: 'kubernetesCompute',
  attachedVm: 'attachedVmOrHdinsight',
  managedOnlineEndpoint: 'managedOnlineEndpoint',
}

/** What `resolvePlan` takes besides the profile. */
export type ResolveOptions = {
  /**
   * The published tag names to resolve against (`serviceTagNamesFromFile` of a newer file the user
   * downloaded); default: the snapshot bundled for the profile's cloud.
   */
  serviceTags?: ServiceTagNames
  /** The profile's file name, for the provenance of its `extraRequirements` (`contoso.yaml`). */
  profileFile?: string
  /**
   * Requirements of your own besides the profile's `extraRequirements`, in the same shape,
   * validated by the same rules (a bad one throws `ProfileError`).
   */
  extraRequirements?: readonly ExtraRequirementInput[]
  /**
   * `parseEnvironmentFile` of each file of `features.pythonPackages.from` and of the files they
   * include; their package sources replace the generic Python package hosts.
   */
  environmentFiles?: readonly EnvironmentFileScan[]
}

/** A requirement of your own that applies, with the workspaces its rules name (empty: all). */
export type CustomEntry = { requirement: CustomRequirement; workspaceIds: readonly string[] }

const ALL_KINDS = Object.values(CATALOG_KIND)

/** `Https` for 443 and `Http` for 80 on TCP hosts, as the catalog records hosts reached by HTTP(S). */
function applicationProtocolsOf(
  destination: CustomRequirement['destination'],
  protocol: CustomRequirement['protocol'],
  ports: readonly PortRange[],
): CustomRequirement['applicationProtocols'] {
  if (destination.kind !== 'fqdn' || protocol !== 'TCP') return []
  const has = (port: number) => ports.some((range) => range.from <= port && port <= range.to)
  return [...(has(80) ? (['Http'] as const) : []), ...(has(443) ? (['Https'] as const) : [])]
}

function customDestination(text: string): CustomRequirement['destination'] {
  const parsed = parseExtraDestination(text)
  if (parsed.kind === 'addresses')
    return { kind: 'addresses', addresses: [canonicalCidr(parsed.cidr)] }
  if (parsed.kind === 'serviceTag') return { kind: 'serviceTag', tag: parsed.tag, regional: false }
  return parsed
}

/** A profile entry as a catalog-shaped record. */
function requirementOfEntry(
  entry: ExtraRequirement,
  provenance: CustomRequirement['provenance'],
): CustomRequirement {
  const inbound = entry.direction === 'inbound'
  const far = (inbound ? entry.source : entry.destination) ?? ''
  const destination: CustomRequirement['destination'] = inbound
    ? { kind: 'serviceTag', tag: 'VirtualNetwork', regional: false }
    : customDestination(far)
  const source = inbound ? customDestination(far) : undefined
  return {
    id: entry.id,
    summary: entry.description,
    scenario: 'custom',
    direction: entry.direction,
    ...(source && source.kind !== 'fqdn'
      ? { source: source.kind === 'serviceTag' ? { kind: 'serviceTag', tag: source.tag } : source }
      : {}),
    destination,
    docValue: far,
    protocol: entry.protocol,
    ports: entry.ports,
    portsStated: true,
    applicationProtocols: applicationProtocolsOf(destination, entry.protocol, entry.ports),
    websocket: false,
    applicability: {
      computeKinds: entry.compute ? entry.compute.map((kind) => CATALOG_KIND[kind]) : ALL_KINDS,
      training: entry.workloads ? entry.workloads.includes('training') : true,
      inference: entry.workloads ? entry.workloads.includes('inference') : true,
      clouds: ['public', 'usgov', 'china'],
      condition: 'always',
    },
    level: 'required',
    status: 'current',
    externalPrerequisite: false,
    risks: [],
    provenance,
    decisions: [],
    ...(entry.link ? { link: entry.link } : {}),
  }
}

function notApplicable(
  requirementId: string,
  message: string,
  path: (string | number)[],
): Diagnostic {
  return createDiagnostic({
    code: 'AML_EGRESS_REQUIREMENT_NOT_APPLICABLE',
    message,
    requirementIds: [requirementId],
    path,
  })
}

/** Why an entry's scope leaves it out of this profile, if it does. */
function scopeMismatch(entry: ExtraRequirement, profile: Profile): string | undefined {
  if (entry.compute && !entry.compute.some((kind) => profile.compute.includes(kind)))
    return `compute ${entry.compute.join(', ')}, which the profile does not list`
  if (entry.workloads && !entry.workloads.some((workload) => profile.workloads.includes(workload)))
    return `workloads ${entry.workloads.join(', ')}, which the profile does not list`
  return undefined
}

/** Validates entries passed in code by the profile's rules; throws `ProfileError`. */
function validateOptionEntries(
  input: readonly ExtraRequirementInput[],
  profile: Profile,
): ExtraRequirement[] {
  const field = 'options.extraRequirements'
  const result = z.array(ExtraRequirementSchema).safeParse(input)
  const issues: ProfileIssue[] = result.success
    ? []
    : result.error.issues.map((issue) => ({
        path: `options.${formatPath(['extraRequirements', ...issue.path])}`,
        message: issue.message,
      }))
  if (result.success)
    checkExtraRequirements(
      {
        entries: result.data,
        cloud: profile.cloud,
        workspaceIds: profile.workspaces.map((workspace) => workspace.id),
        takenIds: new Map(
          profile.extraRequirements.map((e, i) => [e.id, `extraRequirements[${i}]`]),
        ),
      },
      (issue) => issues.push({ path: `options.${formatPath(issue.path)}`, message: issue.message }),
    )
  if (!result.success || issues.length > 0) throw new ProfileError(issues, field)
  return result.data
}

function entriesOfProfile(
  profile: Profile,
  options: ResolveOptions,
  diagnostics: Diagnostic[],
): CustomEntry[] {
  const entries: CustomEntry[] = []
  const fromOptions = validateOptionEntries(options.extraRequirements ?? [], profile)
  const all = [
    ...profile.extraRequirements.map((entry, index) => ({ entry, index, inCode: false })),
    ...fromOptions.map((entry, index) => ({ entry, index, inCode: true })),
  ]
  for (const { entry, index, inCode } of all) {
    const path = ['extraRequirements', index]
    const where = `${inCode ? 'options.' : ''}extraRequirements[${index}]`
    const mismatch = scopeMismatch(entry, profile)
    if (mismatch) {
      diagnostics.push(
        notApplicable(entry.id, `${where} (${entry.id}) is for ${mismatch}: not in the plan`, path),
      )
      continue
    }
    const file = inCode ? undefined : options.profileFile
    const provenance: CustomRequirement['provenance'] = {
      origin: 'profile',
      ...(file === undefined ? {} : { file }),
      entry: where,
    }
    entries.push({
      requirement: requirementOfEntry(entry, provenance),
      workspaceIds: entry.workspaces ?? [],
    })
  }
  return entries
}

/** A package source host as a catalog-shaped record, with its first place as provenance. */
function requirementOfHost(host: PackageHost, template: PlanRequirement): CustomRequirement {
  const first = host.locations[0] ?? { file: '', line: 1 }
  const destination: CustomRequirement['destination'] = isIpv4Address(host.host)
    ? { kind: 'addresses', addresses: [`${host.host}/32`] }
    : { kind: 'fqdn', pattern: host.host }
  const places = host.locations.map((l) => `${l.file}:${l.line}`).join(', ')
  return {
    id: `env:${host.host}`,
    summary: `Python packages: ${host.via.join('; ')} (named in ${places}).`,
    scenario: 'python-packages',
    direction: 'outbound',
    destination,
    docValue: host.host,
    protocol: 'TCP',
    ports: host.ports,
    portsStated: true,
    applicationProtocols: applicationProtocolsOf(destination, 'TCP', host.ports),
    websocket: false,
    applicability: { ...template.applicability, condition: 'always' },
    level: 'required',
    status: 'current',
    externalPrerequisite: false,
    risks: [],
    provenance: { origin: 'environmentFile', file: first.file, line: first.line },
    decisions: [],
    ...(host.documentation.length > 0 ? { link: host.documentation[0] } : {}),
  }
}

function entriesOfEnvironmentFiles(
  profile: Profile,
  scans: readonly EnvironmentFileScan[],
  diagnostics: Diagnostic[],
): CustomEntry[] {
  environmentFilesOf(profile.features.pythonPackages).forEach((file, index) => {
    if (!scans.some((scan) => scan.path === file))
      diagnostics.push(
        createDiagnostic({
          code: 'AML_EGRESS_ENVIRONMENT_FILE_NOT_READ',
          message: `features.pythonPackages.from[${index}] '${file}' was not read: its package sources are not in the plan`,
          path: ['features', 'pythonPackages', 'from', index],
        }),
      )
  })
  if (scans.length === 0) return []
  const { hosts, diagnostics: found } = packageIndexHosts(scans)
  diagnostics.push(...found)
  // The generic list's applicability: the compute kinds that build Python environments.
  const template = findRequirement('pkg-out-04') as PlanRequirement
  const kinds = new Set(profile.compute.map((kind) => CATALOG_KIND[kind]))
  if (!template.applicability.computeKinds.some((kind) => kinds.has(kind))) {
    if (hosts.length > 0)
      diagnostics.push(
        createDiagnostic({
          code: 'AML_EGRESS_REQUIREMENT_NOT_APPLICABLE',
          message: `the package sources of features.pythonPackages.from are for ${template.applicability.computeKinds.join(', ')}, none of which the profile lists: not in the plan`,
          requirementIds: hosts.map((host) => `env:${host.host}`),
          path: ['features', 'pythonPackages'],
        }),
      )
    return []
  }
  return hosts.map((host) => ({ requirement: requirementOfHost(host, template), workspaceIds: [] }))
}

/**
 * The requirements of your own that apply to a profile: its `extraRequirements`, those passed
 * in code, and the package source hosts of its environment files; with what was left out and why.
 */
export function customRequirements(
  profile: Profile,
  options: ResolveOptions,
): { entries: CustomEntry[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = []
  const entries = [
    ...entriesOfProfile(profile, options, diagnostics),
    ...entriesOfEnvironmentFiles(profile, options.environmentFiles ?? [], diagnostics),
  ]
  return { entries, diagnostics }
}

/**
 * Any requirement a plan names: a catalog record, or one of the plan's own (profile entries,
 * environment-file hosts).
 * @example planRequirement(plan, 'contoso-artifactory')?.provenance // { origin: 'profile', … }
 */
export function planRequirement(
  plan: Pick<Plan, 'customRequirements'>,
  id: string,
): PlanRequirement | undefined {
  return (
    findRequirement(id) ??
    (plan.customRequirements?.find((requirement) => requirement.id === id) as
      | CustomRequirement
      | undefined)
  )
}
