import { findRegion, type Profile, parseProfileText } from '@aml-egress/core'
import { defineCliCommand } from '../command'
import { isProfileError, UsageError } from '../errors'
import { firstRender } from '../examples'
import type { Io } from '../io'

/** Where `aml-egress schema > …` is expected to put the schema, relative to the profile. */
export const STARTER_SCHEMA_PATH = './aml-egress.schema.json'

const DEFAULT_REGION: Record<Profile['cloud'], string> = {
  public: 'westeurope',
  usgov: 'usgovvirginia',
  china: 'chinanorth3',
}

/** Options of `aml-egress init`. */
export type InitCommandOptions = {
  cloud?: string | undefined
  region?: string | undefined
  /** Comma-separated compute kinds. */
  compute?: string | undefined
  /** Comma-separated workloads. */
  workloads?: string | undefined
  /** File to write; `-` for stdout. */
  out?: string | undefined
  force?: boolean | undefined
}

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)

const yamlList = (values: readonly string[]) => `[${values.join(', ')}]`

type StarterInput = {
  cloud: string
  region: string
  compute: readonly string[]
  workloads: readonly string[]
}

/** The starter's settings before `features`, with the values `init` was given. */
function settingLines(input: StarterInput): string[] {
  return [
    `# yaml-language-server: $schema=${STARTER_SCHEMA_PATH}`,
    '# aml-egress profile: your Azure Machine Learning estate. Fill in the TODOs, then run',
    `#   ${firstRender()}`,
    '# For completion and checks in your editor, write the schema next to this file:',
    '#   aml-egress schema > aml-egress.schema.json',
    `$schema: ${STARTER_SCHEMA_PATH}`,
    '',
    '# public, usgov or china',
    `cloud: ${input.cloud}`,
    '',
    'workspaces:',
    '  # One entry per workspace. ID: portal → Machine Learning resource → Properties → Workspace ID.',
    '  - id: 00000000-0000-0000-0000-000000000000 # TODO: your workspace ID',
    '    name: my-workspace',
    `    region: ${input.region}`,
    '    # Storage accounts the workspace uses, default one first (names, not URLs).',
    '    storageAccounts: [mystorageaccount] # TODO',
    '    # Container registries, names without .azurecr.io.',
    '    containerRegistries: [myregistry] # TODO',
    '    # true when the workspace has hbi_workspace (high business impact) enabled.',
    '    hbiWorkspace: false',
    '',
    '# computeInstance, computeCluster, serverless, kubernetes, attachedVm, managedOnlineEndpoint',
    `compute: ${yamlList(input.compute)}`,
    '',
    '# training and/or inference (the docs split only the Kubernetes requirements by workload)',
    `workloads: ${yamlList(input.workloads)}`,
    '',
    '# The compute subnets (CIDRs): the source of every egress rule.',
    'sourceAddresses: [10.0.0.0/24] # TODO',
    '',
    '# hosts: exact host names where the docs offer them (narrower); serviceTags: Azure service tags.',
    'destinationStyle: hosts',
  ]
}

/** Every feature switch with what it adds, and its default. */
const featureLines: readonly string[] = [
  'features:',
  '  # A firewall between compute and the storage private endpoints: SMB 445 to storage.',
  '  storageFirewall: false',
  '  # VS Code (desktop or web) connects to compute instances.',
  '  vscode: false',
  '  # VS Code connects to interactive jobs.',
  '  vscodeInteractiveJobs: false',
  '  # RStudio on compute instances.',
  '  rstudio: false',
  '  # Posit Workbench or custom applications on compute instances.',
  '  positWorkbench: false',
  '  # Python packages from pypi.org, anaconda, PyTorch and TensorFlow hosts; or the exact hosts',
  '  # your environment files name: { from: [environment.yml, requirements.txt] }.',
  '  pythonPackages: false',
  '  # R packages from CRAN.',
  '  rPackages: false',
  '  # Compute instances or clusters with public IPs (inbound 44224 from AzureMachineLearning).',
  '  publicIpCompute: false',
  '  # Microsoft-provided images from MCR (the docs say this is always needed).',
  '  microsoftImages: true',
  '  # Azure Monitor over its public endpoints (not behind private link).',
  '  azureMonitor: true',
  '  # Hugging Face models.',
  '  huggingFace: false',
  '  # AutoML NLP and Vision (public cloud only).',
  '  autoML: false',
  '  # Private endpoints in the VNet or peered VNets (VirtualNetwork 443).',
  '  privateEndpoints: true',
  '  # Follow the data-exfiltration article: exact studio hosts instead of AzureFrontDoor.FrontEnd.',
  '  dataExfiltrationPrevention: false',
]

/** The `extraRequirements` section, commented out: endpoints of your own. */
const extraRequirementLines: readonly string[] = [
  "# Endpoints of your own next to Microsoft's (docs/profile.md#extrarequirements):",
  'extraRequirements: []',
  '#  - id: contoso-artifactory',
  '#    description: Internal PyPI and container mirror',
  '#    destination: artifacts.contoso.com # host, *.domain, IPv4 CIDR or tag:Name',
  '#    ports: [443]',
]

/** The `kubernetes` section, for a profile with Kubernetes compute. */
const kubernetesLines: readonly string[] = [
  'kubernetes:',
  '  # aks: AKS with the Azure ML extension; arc: an Azure Arc-connected cluster.',
  '  connection: aks',
  '  # Namespace of the Azure ML extension, and namespaces where models are deployed.',
  '  namespace: azureml',
  '  modelNamespaces: [default]',
  '  # API server address (CIDR) for in-cluster and node rules. TODO: kubectl get endpoints kubernetes',
  '  apiServerAddresses: []',
  '  # Custom DNS servers the nodes use, if any (UDP 53).',
  '  customDnsServers: []',
]

/**
 * The commented starter profile. Values the user must change are marked `TODO`; the placeholder
 * values are valid, so the starter validates as written (a test checks this).
 */
export function starterProfile(input: StarterInput): string {
  const kubernetes = input.compute.includes('kubernetes') ? ['', ...kubernetesLines] : []
  const lines = [
    ...settingLines(input),
    '',
    ...featureLines,
    ...kubernetes,
    '',
    ...extraRequirementLines,
  ]
  return `${lines.join('\n')}\n`
}

const FLAG_OF_PATH: readonly [RegExp, string][] = [
  [/^compute/, '--compute'],
  [/^workloads/, '--workloads'],
  [/^cloud/, '--cloud'],
  [/^workspaces\[0\]\.region/, '--region'],
]

/** `aml-egress init`: writes the starter, never over an existing file without `force`. */
export async function runInit(options: InitCommandOptions, context: { io: Io }): Promise<number> {
  const { io } = context
  const cloud = options.cloud ?? 'public'
  if (!(cloud === 'public' || cloud === 'usgov' || cloud === 'china'))
    throw new UsageError(`--cloud must be public, usgov or china, not '${cloud}'`)
  const region = options.region ?? DEFAULT_REGION[cloud]
  const text = starterProfile({
    cloud,
    region: findRegion(region)?.name ?? region,
    compute: list(options.compute ?? 'computeInstance,computeCluster'),
    workloads: list(options.workloads ?? 'training,inference'),
  })
  try {
    parseProfileText(text, 'the starter profile')
  } catch (error) {
    if (!isProfileError(error)) throw error
    const problems = error.issues.map((issue) => {
      const flag = FLAG_OF_PATH.find(([pattern]) => pattern.test(issue.path))?.[1]
      return `${flag ?? issue.path}: ${issue.message}`
    })
    throw new UsageError(problems.join('; '), 'run `aml-egress init --help` for the values')
  }
  const out = options.out ?? 'aml-egress.yaml'
  if (out === '-') {
    io.stdout(text)
    return 0
  }
  if ((await io.entryKind(out)) === 'directory')
    throw new UsageError(
      `--out '${out}' is a directory; init writes one profile file`,
      `name the file, e.g. --out ${out.replace(/\/+$/, '')}/aml-egress.yaml`,
    )
  if (!options.force && (await io.readFile(out)) !== undefined)
    throw new UsageError(
      `${out} exists; not overwriting it`,
      'pass --force to replace it, or --out another file',
    )
  await io.writeFile(out, text)
  io.stderr(
    `wrote ${out}\nnext: fill in the TODOs, then\n  aml-egress schema > ${STARTER_SCHEMA_PATH.slice(2)}\n  ${firstRender(out)}\n`,
  )
  return 0
}

export const initCommand = defineCliCommand({
  meta: { name: 'init', description: 'Write a commented starter profile that validates as is' },
  args: {
    cloud: { type: 'enum', options: ['public', 'usgov', 'china'], description: 'Azure cloud' },
    region: {
      type: 'string',
      description: 'Workspace region, ARM name (default: westeurope, usgovvirginia or chinanorth3)',
      valueHint: 'name',
    },
    compute: {
      type: 'string',
      description:
        'Compute kinds, comma-separated: computeInstance, computeCluster, serverless, kubernetes, attachedVm, managedOnlineEndpoint',
      valueHint: 'a,b',
    },
    workloads: {
      type: 'string',
      description: 'training, inference or both (comma-separated)',
      valueHint: 'a,b',
    },
    out: {
      type: 'string',
      alias: 'o',
      description: 'File to write (default aml-egress.yaml; - for stdout)',
      valueHint: 'file',
    },
    force: { type: 'boolean', description: 'Overwrite an existing file' },
  },
  examples: [
    'aml-egress init',
    'aml-egress init --compute kubernetes --workloads inference --region eastus2',
    'aml-egress init --cloud usgov --out gov.yaml',
    'aml-egress init --out - | less',
  ],
  run: ({ args, io }) =>
    runInit(
      {
        cloud: args.cloud,
        region: args.region,
        compute: args.compute,
        workloads: args.workloads,
        out: args.out,
        force: args.force === true,
      },
      { io },
    ),
})
