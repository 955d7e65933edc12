import { load, YAMLException } from 'js-yaml'
import * as z from 'zod'
import { loadBlockYamlSubset } from './blockYaml'
import { canonicalCidr, cidrProblem, isIpv4Cidr } from './cidr'
import { type Cloud, clouds, findRegion, regions } from './clouds'
import { checkExtraRequirements, ExtraRequirementBaseSchema } from './extraRequirements'
import { PythonPackagesSchema } from './packageIndexes/pythonPackages'
import { exceedsExpandedValues, profileLimits } from './profileLimits'
import { didYouMean } from './suggest'
import { excerpt, formatCount } from './text'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/
const CONTAINER_REGISTRY = /^[a-zA-Z0-9]{5,50}$/
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

/**
 * An IPv4 address or CIDR as a profile takes it: `/08` read as `/8` (a bare address stays bare),
 * host bits set refused (see `cidrProblem`).
 */
function ipv4Schema(message: string) {
  return z
    .string()
    .superRefine((text, context) => {
      if (!isIpv4Cidr(text)) context.addIssue({ code: 'custom', message })
      else {
        const problem = cidrProblem(text)
        if (problem) context.addIssue({ code: 'custom', message: problem })
      }
    })
    .transform((text) => (text.includes('/') ? canonicalCidr(text) : text))
}

/** A list with at most `limit` items, the bound named in the message. */
function boundedList<T extends z.ZodType>(item: T, limit: number, what: string) {
  return z.array(item).max(limit, `at most ${formatCount(limit)} ${what}`)
}

const RegionNameSchema = z
  .string()
  .refine((name) => findRegion(name) !== undefined, {
    error: (issue) => {
      const suggestion = didYouMean(
        String(issue.input),
        regions.map((region) => region.name),
      )
      return `unknown Azure region${suggestion ? `; did you mean '${suggestion}'?` : ''} (use the ARM name, e.g. 'westeurope')`
    },
  })
  .transform((name) => findRegion(name)?.name ?? name)

const LabelsSchema = z
  .record(
    z
      .string()
      .max(317, 'label keys are at most a 253-character prefix, a slash and a 63-character name')
      .regex(LABEL_KEY, 'label keys are [prefix/]name of letters, digits, -, _ and .'),
    z.string().regex(LABEL_VALUE, 'label values are up to 63 letters, digits, -, _ and .'),
  )
  .refine((labels) => Object.keys(labels).length <= profileLimits.labelsPerSelector, {
    error: `at most ${profileLimits.labelsPerSelector} labels in one selector`,
    abort: true,
  })
  .describe('Kubernetes labels that select the pods')

/** One Azure Machine Learning workspace of the estate. */
export const WorkspaceSchema = z.strictObject({
  /** Workspace ID (a GUID), from the portal: Machine Learning resource → Properties. */
  id: z
    .string()
    .regex(GUID, 'must be the workspace GUID, e.g. 00000000-0000-0000-0000-000000000000'),
  /** A name for humans; used in comments and rule names. */
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$/,
      'names are 2–32 letters, digits, _ and -, starting with a letter or digit',
    )
    .optional(),
  /** Azure region of the workspace, ARM spelling (`westeurope`). */
  region: RegionNameSchema,
  /** Storage accounts the workspace uses (its default one first). */
  storageAccounts: boundedList(
    z
      .string()
      .regex(STORAGE_ACCOUNT, 'storage account names are 3–24 lowercase letters and digits'),
    profileLimits.storageAccountsPerWorkspace,
    'storage accounts per workspace',
  ).default([]),
  /** Container registries (names without `.azurecr.io`). */
  containerRegistries: boundedList(
    z
      .string()
      .regex(CONTAINER_REGISTRY, 'registry names are 5–50 letters and digits')
      .transform((name) => name.toLowerCase()),
    profileLimits.containerRegistriesPerWorkspace,
    'container registries per workspace',
  ).default([]),
  /** `hbi_workspace` (high business impact) is on: the Batch key vault must be reachable. */
  hbiWorkspace: z.boolean().default(false),
})

export const ComputeKindSchema = z.enum([
  'computeInstance',
  'computeCluster',
  'serverless',
  'kubernetes',
  'attachedVm',
  'managedOnlineEndpoint',
])
/** A kind of Azure Machine Learning compute the profile uses. */
export type ComputeKind = z.infer<typeof ComputeKindSchema>

export const WorkloadSchema = z.enum(['training', 'inference'])
/** What Kubernetes compute runs: `training` or `inference` (they need different rules). */
export type Workload = z.infer<typeof WorkloadSchema>

/** Optional scenarios. Each defaults as documented; see docs/profile.md. */
export const FeaturesSchema = z
  .strictObject({
    /** A firewall sits between compute and the storage private endpoints: SMB 445 to storage. */
    storageFirewall: z.boolean().default(false),
    /** VS Code desktop or web connects to compute instances. */
    vscode: z.boolean().default(false),
    /** VS Code connects to interactive jobs (websocket server bits from github.com). */
    vscodeInteractiveJobs: z.boolean().default(false),
    /** RStudio on compute instances (ghcr.io images, AzureMachineLearning 8787). */
    rstudio: z.boolean().default(false),
    /** Posit Workbench or custom applications on compute instances (license check at wyday.com). */
    positWorkbench: z.boolean().default(false),
    /**
     * Python packages: `true` for the generic list (pypi.org, anaconda, the PyTorch/TensorFlow
     * hosts), or `{ from: [files] }` for the exact hosts your environment files name.
     */
    pythonPackages: PythonPackagesSchema,
    /** R packages from CRAN (cloud.r-project.org). */
    rPackages: z.boolean().default(false),
    /** Compute instances or clusters have public IPs: inbound 44224 from AzureMachineLearning. */
    publicIpCompute: z.boolean().default(false),
    /** Microsoft-provided images from MCR. The 2025 docs say this is always needed. */
    microsoftImages: z.boolean().default(true),
    /** Azure Monitor is reached over its public endpoints (not secured with private link). */
    azureMonitor: z.boolean().default(true),
    /** Hugging Face models (Docker Hub, Cloudflare, Hugging Face CDN hosts). */
    huggingFace: z.boolean().default(false),
    /** AutoML NLP and Vision (public cloud only). */
    autoML: z.boolean().default(false),
    /** Private endpoints exist in the VNet or peered VNets: VirtualNetwork 443. */
    privateEndpoints: z.boolean().default(true),
    /** Follow the data-exfiltration article: exact studio hosts instead of AzureFrontDoor.FrontEnd. */
    dataExfiltrationPrevention: z.boolean().default(false),
  })
  .prefault({})
/** Optional scenarios of a profile, with their defaults filled in. */
export type Features = z.infer<typeof FeaturesSchema>

/** A requirement of your own: an endpoint next to Microsoft's (see docs/profile.md). */
export const ExtraRequirementSchema = ExtraRequirementBaseSchema.extend({
  /** Only when the profile uses one of these compute kinds. */
  compute: z.array(ComputeKindSchema).min(1).optional(),
  /** Only when the profile runs one of these workloads. */
  workloads: z.array(WorkloadSchema).min(1).optional(),
})
/** One `extraRequirements` entry, validated, with its defaults. */
export type ExtraRequirement = z.infer<typeof ExtraRequirementSchema>
/** One `extraRequirements` entry as written. */
export type ExtraRequirementInput = z.input<typeof ExtraRequirementSchema>

/** Kubernetes compute (AKS with the Azure ML extension, or Arc-connected). */
export const KubernetesSchema = z
  .strictObject({
    /** `aks`: AKS cluster-extension prerequisites; `arc`: Azure Arc agent prerequisites. */
    connection: z.enum(['aks', 'arc']).default('aks'),
    /** Namespace of the Azure ML extension. */
    namespace: z.string().regex(NAMESPACE, 'namespace names are DNS labels').default('azureml'),
    /** Namespaces where models are deployed (real-time inference). */
    modelNamespaces: boundedList(
      z.string().regex(NAMESPACE, 'namespace names are DNS labels'),
      profileLimits.modelNamespaces,
      'model namespaces',
    ).default(['default']),
    /** AKS cluster DNS prefix, for `<cluster>.hcp.<region>.azmk8s.io`; unset → `*.hcp.<region>.azmk8s.io`. */
    clusterDnsPrefix: z.string().regex(DNS_LABEL, 'a DNS label').optional(),
    /** API server addresses (CIDRs) for in-cluster and node egress rules. */
    apiServerAddresses: boundedList(
      ipv4Schema('must be an IPv4 address or CIDR, e.g. 10.0.0.1/32'),
      profileLimits.apiServerAddresses,
      'API server addresses',
    ).default([]),
    /** Custom DNS servers the nodes use (UDP 53). */
    customDnsServers: boundedList(
      ipv4Schema('must be an IPv4 address or CIDR, e.g. 10.0.0.4'),
      profileLimits.customDnsServers,
      'custom DNS servers',
    ).default([]),
    /** AKS nodes without konnectivity (created before March 2021): UDP 1194, TCP 9000, NTP (D17). */
    legacyNodeEgress: z.boolean().default(false),
    /** AKS GPU node pools: the NVIDIA driver hosts of the AKS egress article. */
    gpuNodePools: z.boolean().default(false),
    /** Arc features whose hosts the Arc network requirements scope to them (D28); all off by default. */
    arc: z
      .strictObject({
        /** Cluster Connect or custom locations: Service Bus relay, notifications, OBO on 8084. */
        clusterConnect: z.boolean().default(false),
        /** Azure RBAC on the connected cluster: Microsoft Graph. */
        azureRbac: z.boolean().default(false),
        /** The cluster is being onboarded (connected) through this firewall: kubectl downloads. */
        onboarding: z.boolean().default(false),
      })
      .prefault({}),
    /** Pod labels of the Azure ML components; override when your installation differs. */
    labels: z
      .strictObject({
        azuremlFe: LabelsSchema.default({ app: 'azureml-fe' }),
        identityProxy: LabelsSchema.default({ app: 'amlarc-identity-proxy' }),
        modelPods: LabelsSchema.default({}),
        kubeDns: LabelsSchema.default({ 'k8s-app': 'kube-dns' }),
        konnectivityAgent: LabelsSchema.default({ app: 'konnectivity-agent' }),
      })
      .prefault({}),
  })
  .prefault({})
/** Kubernetes settings of a profile, with their defaults filled in. */
export type KubernetesSettings = z.infer<typeof KubernetesSchema>

/** The estate-wide bounds broken by these totals over every workspace, each as an issue message. */
function estateTotalMessages(storageAccounts: number, containerRegistries: number): string[] {
  const totals = [
    [storageAccounts, profileLimits.storageAccounts, 'storage accounts'],
    [containerRegistries, profileLimits.containerRegistries, 'container registries'],
  ] as const
  return totals
    .filter(([total, limit]) => total > limit)
    .map(
      ([total, limit, what]) =>
        `${formatCount(total)} ${what} across the workspaces; at most ${formatCount(limit)} per profile: split the estate into several profiles (e.g. one per region)`,
    )
}

/** `estateTotalMessages` of a list of workspaces not validated yet. */
function estateTotalProblems(workspaces: readonly unknown[]): string[] {
  let storageAccounts = 0
  let containerRegistries = 0
  for (const workspace of workspaces) {
    if (typeof workspace !== 'object' || workspace === null) continue
    storageAccounts += listLength(Reflect.get(workspace, 'storageAccounts'))
    containerRegistries += listLength(Reflect.get(workspace, 'containerRegistries'))
  }
  return estateTotalMessages(storageAccounts, containerRegistries)
}

function listLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0
}

type CheckIssue = { path: (string | number)[]; message: string }

/**
 * The checks across fields, in one pass over the workspaces: estate totals, each region in the
 * profile's cloud, unique ids, then the extra requirements. Issues in that order.
 */
function checkProfile(
  profile: {
    cloud: Cloud
    workspaces: readonly Workspace[]
    extraRequirements: readonly ExtraRequirement[]
  },
  context: z.RefinementCtx,
): void {
  const regionIssues: CheckIssue[] = []
  const idIssues: CheckIssue[] = []
  const ids = new Map<string, number>()
  let storageAccounts = 0
  let containerRegistries = 0
  profile.workspaces.forEach((workspace, index) => {
    storageAccounts += workspace.storageAccounts.length
    containerRegistries += workspace.containerRegistries.length
    const region = findRegion(workspace.region)
    if (region && region.cloud !== profile.cloud)
      regionIssues.push({
        path: ['workspaces', index, 'region'],
        message: `region '${workspace.region}' is in the ${region.cloud} cloud, but cloud is '${profile.cloud}'`,
      })
    const id = workspace.id.toLowerCase()
    const first = ids.get(id)
    if (first !== undefined)
      idIssues.push({
        path: ['workspaces', index, 'id'],
        message: `duplicate workspace id (also workspaces[${first}].id)`,
      })
    else ids.set(id, index)
  })
  const totalIssues = estateTotalMessages(storageAccounts, containerRegistries).map(
    (message): CheckIssue => ({ path: ['workspaces'], message }),
  )
  for (const issue of [...totalIssues, ...regionIssues, ...idIssues])
    context.addIssue({ code: 'custom', ...issue })
  checkExtraRequirements(
    { entries: profile.extraRequirements, cloud: profile.cloud, workspaceIds: ids.keys() },
    (issue) => context.addIssue({ code: 'custom', ...issue }),
  )
}

/** The `workspaces` field around a given schema of one workspace. */
function workspaceList(workspace: typeof WorkspaceSchema) {
  return boundedList(workspace, profileLimits.workspaces, 'workspaces').min(
    1,
    'list at least one workspace',
  )
}

/** A user's estate: the input of `resolvePlan`. Field names are the public contract. */
export const ProfileSchema = z
  .strictObject({
    /** JSON Schema reference for editors. */
    $schema: z.string().max(profileLimits.schemaReferenceLength).optional(),
    cloud: z.enum(clouds).default('public'),
    workspaces: workspaceList(WorkspaceSchema),
    compute: z
      .array(ComputeKindSchema)
      .min(1, 'list the compute kinds you use, e.g. [computeInstance, computeCluster]'),
    workloads: z.array(WorkloadSchema).min(1).default(['training', 'inference']),
    features: FeaturesSchema,
    /** Where both forms are documented: exact hosts (default, narrower) or service tags. */
    destinationStyle: z.enum(['hosts', 'serviceTags']).default('hosts'),
    kubernetes: KubernetesSchema,
    /**
     * The compute subnets: the source of every egress rule. `0.0.0.0/0` is accepted (with a
     * warning in the plan) and rendered as each target spells "any source".
     */
    sourceAddresses: boundedList(
      ipv4Schema('must be an IPv4 CIDR, e.g. 10.10.0.0/24'),
      profileLimits.sourceAddresses,
      'source addresses',
    ).min(1, 'list the compute subnet CIDRs, e.g. [10.10.0.0/24]'),
    /** Endpoints of your own next to Microsoft's: a mirror, a proxy, your registry. */
    extraRequirements: boundedList(
      ExtraRequirementSchema,
      profileLimits.extraRequirements,
      'extra requirements',
    ).default([]),
  })
  .superRefine(checkProfile)

let compiledProfileSchema: typeof ProfileSchema | undefined

/**
 * Up to this many workspaces, zod walks the schema (`jitless`): generating and compiling its
 * validators with `new Function` costs more than a small profile's whole check, and the CLI's code
 * cache cannot keep code made at run time.
 */
const INTERPRETED_WORKSPACES = 20

/**
 * `ProfileSchema` with the workspaces checked by zod's compiled validator (`z.compile`): one flat
 * loop instead of a walk of the schema per field of each workspace, several times faster on a
 * fleet, with the same results and the same issues (an invalid list is parsed again by the schema
 * itself). Compiled on first use, so commands that read no profile do not pay for it.
 */
function profileSchemaForParsing(): typeof ProfileSchema {
  compiledProfileSchema ??= ProfileSchema.safeExtend({
    workspaces: z.compile(workspaceList(WorkspaceSchema)),
  })
  return compiledProfileSchema
}

/** A validated profile with every default filled in. */
export type Profile = z.infer<typeof ProfileSchema>
/** A profile as written by a user (defaults optional). */
export type ProfileInput = z.input<typeof ProfileSchema>
/** One workspace of a validated profile. */
export type Workspace = z.infer<typeof WorkspaceSchema>
export type { Cloud }

/** One validation problem: where, and what to do. */
export type ProfileIssue = {
  /** `workspaces[0].storageAccounts[1]`, or `(root)`. */
  path: string
  message: string
}

/**
 * Thrown by `parseProfile` and `parseProfileText`. Compare `code`, not `instanceof`: a second copy
 * of this package in `node_modules` throws a different class.
 */
export class ProfileError extends Error {
  readonly code = 'AML_EGRESS_INVALID_INPUT' as const
  readonly issues: readonly ProfileIssue[]
  constructor(issues: readonly ProfileIssue[], source?: string) {
    const where = source ? ` in ${source}` : ''
    super(
      `invalid profile${where}:\n${issues.map((issue) => `  ✖ ${issue.path}: ${issue.message}`).join('\n')}`,
    )
    this.name = 'ProfileError'
    this.issues = issues
  }
}

/**
 * `['workspaces', 0, 'id']` → `workspaces[0].id`; a key that is not a plain name is quoted
 * (`features[""]`, `kubernetes["my key"]`) so that every path names its field.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)'
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`
      const name = String(key).length > 64 ? `${String(key).slice(0, 64)}…` : String(key)
      if (!/^[$A-Za-z_][\w$]*$/.test(name)) return `[${JSON.stringify(name)}]`
      return `${index === 0 ? '' : '.'}${name}`
    })
    .join('')
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema
  for (;;) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodPrefault
    )
      current = current.unwrap() as z.ZodType
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType
    else return current
  }
}

/** The keys an object accepts at `path` of the profile schema, for did-you-mean hints. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = ProfileSchema
  for (const key of path) {
    const current = unwrap(schema)
    if (current instanceof z.ZodArray && typeof key === 'number')
      schema = current.element as z.ZodType
    else if (current instanceof z.ZodObject && typeof key === 'string')
      schema = (current.shape as Record<string, z.ZodType>)[key] ?? current
    else return []
  }
  const target = unwrap(schema)
  return target instanceof z.ZodObject ? Object.keys(target.shape) : []
}

function toIssues(error: z.ZodError): ProfileIssue[] {
  return error.issues.flatMap((issue): ProfileIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(issue.path)
      return issue.keys.map((key) => {
        const suggestion = didYouMean(key, known)
        return {
          path: formatPath([...issue.path, key]),
          message: `unknown field${suggestion ? `; did you mean '${suggestion}'?` : ''} (allowed: ${known.join(', ')})`,
        }
      })
    }
    if (issue.code === 'invalid_value' && 'values' in issue) {
      // Only a short scalar is worth a suggestion; a list (an alias bomb) is never made text.
      const input = typeof issue.input === 'string' ? issue.input : undefined
      const suggestion =
        input === undefined ? undefined : didYouMean(input, issue.values.map(String))
      return [
        {
          path: formatPath(issue.path),
          message: `must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
        },
      ]
    }
    if (issue.code === 'invalid_type' && issue.input === undefined)
      return [
        {
          path: formatPath(issue.path),
          message: `required: ${issue.message.replace(/^Invalid input: /, '')}`,
        },
      ]
    return [{ path: formatPath(issue.path), message: issue.message }]
  })
}

/**
 * Validates a profile object and fills in defaults.
 * @throws ProfileError naming each bad field and the rule it breaks.
 * @example const profile = parseProfile({ workspaces: [...], compute: ['computeCluster'], sourceAddresses: ['10.0.0.0/24'] })
 */
export function parseProfile(input: unknown, source?: string): Profile {
  // Far past an estate bound, refuse before validating every name of it (seconds for 500,000).
  const workspaces =
    typeof input === 'object' && input !== null ? Reflect.get(input, 'workspaces') : undefined
  const problems = Array.isArray(workspaces) ? estateTotalProblems(workspaces) : []
  if (problems.length > 0)
    throw new ProfileError(
      problems.map((message) => ({ path: 'workspaces', message })),
      source,
    )
  const result =
    Array.isArray(workspaces) && workspaces.length <= INTERPRETED_WORKSPACES
      ? ProfileSchema.safeParse(input, { reportInput: true, jitless: true })
      : profileSchemaForParsing().safeParse(input, { reportInput: true })
  if (!result.success) throw new ProfileError(toIssues(result.error), source)
  return result.data
}

/**
 * Parses YAML or JSON text (JSON is YAML) and validates it. js-yaml, not the `yaml` package: for a
 * fleet-sized profile (10,000 workspaces, 2 MB) it is over ten times faster. Same YAML 1.2 core
 * schema; duplicate keys are errors; at most 100 aliases, as `yaml` allows. Aliases are allowed
 * (a shared list of storage accounts is fine), but the profile they expand to is bounded
 * (`profileLimits.expandedValues`), as is the text: an alias bomb is refused in milliseconds.
 * Plain block YAML, what fleet profiles are written in, is read by a line scanner that gives
 * js-yaml's values in a third of its first-run time; anything else goes to js-yaml.
 * @throws ProfileError for syntax errors (with line and column), size bounds and invalid fields.
 */
export function parseProfileText(text: string, source = 'profile'): Profile {
  if (text.length > profileLimits.textLength)
    throw new ProfileError(
      [
        {
          path: '(root)',
          message: `the profile is ${(text.length / 1024 / 1024).toFixed(1)} MB; at most ${profileLimits.textLength / 1024 / 1024} MB: split the estate into several profiles`,
        },
      ],
      source,
    )
  let value: unknown
  try {
    value = loadBlockYamlSubset(text) ?? load(text, { filename: source, maxAliases: 100 })
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error
    throw new ProfileError(
      [
        {
          path: error.mark
            ? `line ${error.mark.line + 1}, column ${error.mark.column + 1}`
            : '(syntax)',
          message: excerpt(error.reason, 200),
        },
      ],
      source,
    )
  }
  if (exceedsExpandedValues(value, profileLimits.expandedValues))
    throw new ProfileError(
      [
        {
          path: '(root)',
          message: `the profile expands to more than ${formatCount(profileLimits.expandedValues)} values (YAML aliases are counted at each use); write the values out, or split the estate`,
        },
      ],
      source,
    )
  return parseProfile(value, source)
}

/** The profile's JSON Schema (draft 2020-12), for editors: `aml-egress schema`. */
export function profileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ProfileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >
}
