import * as z from 'zod'
import { clouds } from '../clouds'
import { LevelSchema, RiskSchema } from '../plan'
import { PortRangeSchema, ProtocolSchema } from '../ports'

/** Where a fact comes from: a Microsoft Learn source file at a commit. */
export const ProvenanceSchema = z.object({
  repo: z.string(),
  path: z.string(),
  /** Commit the file was read at; null where the docs history did not record it. */
  commit: z.string().nullable(),
  /** The page's `ms.date`. */
  docDate: z.string(),
  section: z.string(),
})
/** Where a requirement comes from: source page, commit, section and date. */
export type Provenance = z.infer<typeof ProvenanceSchema>

/** The in-cluster roles the docs name; the profile maps each to namespaces and labels. */
export const ClusterRoleSchema = z.enum([
  'amlNamespace',
  'azuremlFe',
  'identityProxy',
  'modelPods',
  'kubeDns',
  'konnectivityAgent',
  'apiServer',
])
/** Which side of a Kubernetes cluster a requirement applies to. */
export type ClusterRole = z.infer<typeof ClusterRoleSchema>

/**
 * The destination of a requirement as the docs give it. Host patterns keep placeholders in braces:
 * `{region}`, `{storageAccount}`, `{containerRegistry}`, `{workspaceId}`, `{aksCluster}`.
 */
export const RequirementDestinationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fqdn'),
    pattern: z.string(),
    urlPath: z.string().optional(),
  }),
  z.object({
    kind: z.literal('serviceTag'),
    tag: z.string(),
    /** The docs name the regional tag (`Storage.<region>`). */
    regional: z.boolean(),
  }),
  z.object({
    kind: z.literal('address'),
    /** What the address is: only the user knows it. */
    role: z.enum(['apiServer', 'customDns']),
  }),
  z.object({ kind: z.literal('inCluster'), from: ClusterRoleSchema, to: ClusterRoleSchema }),
  z.object({ kind: z.literal('privateEndpoint'), target: z.string() }),
  z.object({ kind: z.literal('serviceEndpointPolicy'), alias: z.string() }),
  z.object({ kind: z.literal('route'), addressPrefix: z.string(), nextHop: z.string() }),
  z.object({ kind: z.literal('portConstraint'), subject: z.string() }),
])
/** Where a requirement's traffic goes: a host pattern, service tag, addresses or pods. */
export type RequirementDestination = z.infer<typeof RequirementDestinationSchema>

export const CatalogComputeKindSchema = z.enum([
  'computeInstance',
  'computeCluster',
  'serverlessCompute',
  'kubernetesCompute',
  'managedOnlineEndpoint',
  'attachedVmOrHdinsight',
  'clientOrStudio',
])
/** A compute kind as the catalog records it (the rows of the docs' tables). */
export type CatalogComputeKind = z.infer<typeof CatalogComputeKindSchema>

/** The condition under which a requirement applies; `conditions.ts` maps each to the profile. */
export const ConditionSchema = z.enum([
  'always',
  'arcConnectedKubernetes',
  'arcClusterConnect',
  'arcAzureRbac',
  'arcOnboarding',
  'aksGpuNodePools',
  'kubernetesCompute',
  'aksWithoutArc',
  'aksCluster',
  'aksLegacyTunnel',
  'kubernetesRealtimeInference',
  'vscode',
  'vscodeWeb',
  'vscodeDesktop',
  'vscodeInteractiveJob',
  'vscodeExtensionBehindProxy',
  'azureMonitorNotSecured',
  'huggingFaceModels',
  'computePublicIp',
  'computePublicIpBehindFirewall',
  'computeNoPublicIp',
  'pythonPackages',
  'pythonPackagesIndexOverwritten',
  'pytorchExamples',
  'tensorflowExamples',
  'hbiWorkspace',
  'managedVnet',
  'microsoftProvidedImages',
  'rstudio',
  'rPackages',
  'positWorkbench',
  'privateLinkWorkspaceCustomApplication',
  'autoMLNlpVision',
  'batchEndpointsOrParallelRunStep',
  'promptFlowWithAoaiSearch',
  'replaceAzureFrontDoorFrontEnd',
  'privateEndpointsInVnet',
  'firewallBetweenComputeAndStorage',
  'computeAndStorageInDifferentVnets',
  'workspacePublicAccessFromSelectedIps',
  'serverlessNoPublicIpAndWorkspaceIpAllowList',
  'attachedVmOrHdinsight',
  'aksInferenceRestrictedOutbound',
  'dataExfiltrationPrevention',
  'customDockerImages',
  'computeClusterNoPublicIp',
  'computeInstanceOrCluster',
])
/** When a requirement applies: a predicate over the profile, as data. */
export type Condition = z.infer<typeof ConditionSchema>

/** One documented network requirement. */
export const RequirementSchema = z.object({
  /** Stable id, the one the reference compilation uses (`basic-out-06`). */
  id: z.string(),
  summary: z.string(),
  /** The docs scenario it belongs to (`vscode`, `kubernetes-compute`, …). */
  scenario: z.string(),
  direction: z.enum(['outbound', 'inbound', 'inCluster', 'unspecified']),
  /** For inbound requirements: who connects. */
  source: z.object({ kind: z.literal('serviceTag'), tag: z.string() }).optional(),
  destination: RequirementDestinationSchema,
  /** As written in the docs, for tables that must match them (`<your ACR name>.azurecr.io`). */
  docValue: z.string(),
  protocol: ProtocolSchema,
  /** Empty: every port (in-cluster peers the docs give no port for). */
  ports: z.array(PortRangeSchema),
  /** False where the docs give no port and a default was decided (see `decisions`). */
  portsStated: z.boolean(),
  /** Reached with HTTP(S) on 80/443: an Azure Firewall application rule. */
  applicationProtocols: z.array(z.enum(['Http', 'Https'])),
  websocket: z.boolean(),
  applicability: z.object({
    computeKinds: z.array(CatalogComputeKindSchema),
    training: z.boolean(),
    inference: z.boolean(),
    clouds: z.array(z.enum(clouds)),
    condition: ConditionSchema,
    /** ARM regions the docs give this host for, when they name some and not `<region>` (D29). */
    regions: z.array(z.string()).optional(),
  }),
  level: LevelSchema,
  status: z.enum(['current', 'conflicting', 'historical']),
  /** Needed by a platform the workload runs on (AKS, Arc), documented outside the ML docs. */
  externalPrerequisite: z.boolean(),
  risks: z.array(RiskSchema),
  provenance: ProvenanceSchema,
  /** Ids of the decisions (`@aml-egress/core/catalog-details`) that shaped this record. */
  decisions: z.array(z.string()),
})
/**
 * One documented network requirement of the catalog, with its provenance. Its prose (other pages
 * listing it, the reference's note) is in `@aml-egress/core/catalog-details`.
 */
export type Requirement = z.infer<typeof RequirementSchema>

/**
 * What explains a requirement but never changes a plan: the other pages that list it and the
 * reference's note. Kept out of the main entry so that resolving and rendering stay small.
 */
export const RequirementDetailsSchema = z.object({
  alsoListedIn: z.array(ProvenanceSchema),
  note: z.string().optional(),
})
/** The prose of one requirement: where else the docs list it, and the reference's note. */
export type RequirementDetails = z.infer<typeof RequirementDetailsSchema>

/**
 * Where a requirement of your own comes from: an `extraRequirements` entry of the profile, or a
 * line of an environment file that names a package index (`features.pythonPackages.from`).
 */
export const LocalProvenanceSchema = z.discriminatedUnion('origin', [
  z.object({
    origin: z.literal('profile'),
    /** The profile file as the user named it; absent for requirements passed in code. */
    file: z.string().optional(),
    /** The entry: `extraRequirements[2]`. */
    entry: z.string(),
  }),
  z.object({
    origin: z.literal('environmentFile'),
    /** The environment file as the profile names it (`envs/requirements.txt`). */
    file: z.string(),
    /** 1-based line of the first place that names the host. */
    line: z.number().int().min(1),
  }),
])
/** Where a requirement of your own comes from: a profile entry or an environment file line. */
export type LocalProvenance = z.infer<typeof LocalProvenanceSchema>

/** The destinations a requirement of your own can name: a host or wildcard, a tag, addresses. */
export const CustomDestinationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fqdn'), pattern: z.string() }),
  z.object({ kind: z.literal('serviceTag'), tag: z.string(), regional: z.literal(false) }),
  z.object({ kind: z.literal('addresses'), addresses: z.array(z.string()) }),
])

/**
 * A requirement of your own (a profile's `extraRequirements`, a package index host from an
 * environment file): a catalog record's shape, so that it goes wherever a catalog record goes, with
 * the profile or file as its provenance. `source` is the far end of an inbound requirement.
 */
export const CustomRequirementSchema = RequirementSchema.extend({
  destination: CustomDestinationSchema,
  source: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('serviceTag'), tag: z.string() }),
      z.object({ kind: z.literal('addresses'), addresses: z.array(z.string()) }),
    ])
    .optional(),
  provenance: LocalProvenanceSchema,
  /** A page about the endpoint, from the profile entry's `link`. */
  link: z.string().optional(),
})
/** A requirement of your own: catalog-shaped, with a profile or environment-file provenance. */
export type CustomRequirement = z.infer<typeof CustomRequirementSchema>

/** Any requirement a plan rule can name: a catalog record or one of your own. */
export type PlanRequirement = Requirement | CustomRequirement

/** True for a requirement of your own (profile entry or environment file), not a catalog record. */
export function isCustomRequirement(
  requirement: PlanRequirement,
): requirement is CustomRequirement {
  return 'origin' in requirement.provenance
}
