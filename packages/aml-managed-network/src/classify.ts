import {
  cloudSuffixes,
  type Plan,
  type PlanRule,
  planRequirement,
  servesOnlyAttachedCompute,
} from '@aml-egress/core'

/**
 * Who provides a plan rule in a managed network:
 * - `aml`: Azure ML applies it itself. The firewall article says the configuration it lists is
 *   "applied automatically" with a managed virtual network, and the managed-network article lists
 *   the required service tags and private endpoints it creates.
 * - `user`: a user-defined outbound rule (the managed-network article's scenario-specific rules:
 *   Python packages, VS Code, Hugging Face; RStudio and R packages; profile endpoints).
 * A rule that only Kubernetes compute or attached VMs need never gets here: core's triage leaves it
 * out (the format lacks `attachedCompute`).
 */
export type Provider = 'aml' | 'user'

/** The firewall article's tables of Azure ML's own needs, and the managed-network required list. */
export const AML_SCENARIOS: ReadonlySet<string> = new Set([
  'basic-configuration',
  'data-exfiltration-prevention',
  'hbi-workspace',
  'managed-vnet-required',
  'microsoft-hosts-azureml',
  'microsoft-hosts-compute',
  'microsoft-hosts-docker',
  'microsoft-hosts-general',
  'microsoft-hosts-monitoring',
  'public-internet-access-include',
  'public-ip-compute-udr',
  'recommended-training-and-deployment',
  'storage-firewall-port-445',
  'traffic-flow-concept',
  'training-vnet',
])

/**
 * The provider of a rule, from the requirements behind it: a rule that a requirement of a user
 * scenario needs for managed compute is a user-defined rule (pypi.org serves Python packages and
 * Kubernetes alike); a rule of Azure ML's own tables is Azure ML's; a requirement only Kubernetes
 * or attached VMs need (core's `servesOnlyAttachedCompute`) decides nothing, as the managed network
 * does not host them. A requirement the plan does not explain (an id of your own) is the user's.
 * @example providerOf(rule, plan) // 'user' for pypi.org
 */
export function providerOf(
  rule: Pick<PlanRule, 'requirementIds'>,
  plan: Pick<Plan, 'customRequirements'>,
): Provider {
  let aml = false
  for (const id of rule.requirementIds) {
    const requirement = planRequirement(plan, id)
    if (!requirement) return 'user'
    if (AML_SCENARIOS.has(requirement.scenario)) aml = true
    else if (!servesOnlyAttachedCompute(requirement)) return 'user'
  }
  return aml ? 'aml' : 'user'
}

/** The sub-resources a storage private endpoint can target, by their host label. */
const STORAGE_SUBRESOURCES = new Set(['blob', 'file', 'queue', 'table', 'dfs', 'web'])
/** Every cloud's storage suffix (`core.windows.net`, `core.usgovcloudapi.net`, …). */
const STORAGE_SUFFIXES: ReadonlySet<string> = new Set(
  Object.values(cloudSuffixes).map((cloud) => cloud.storage),
)

/** A storage host: the account (absent for `*.` patterns) and the sub-resource it names. */
export type StorageHost = { account?: string; subresource: string }

/**
 * The storage account and sub-resource a host names, in any cloud; undefined for other hosts.
 * @example storageHost('contoso.file.core.windows.net') // { account: 'contoso', subresource: 'file' }
 */
export function storageHost(fqdn: string): StorageHost | undefined {
  // Cut in place, no label array: every host of a fleet is asked. Each suffix has 3 labels.
  const first = fqdn.indexOf('.')
  const second = first === -1 ? -1 : fqdn.indexOf('.', first + 1)
  if (second === -1 || !STORAGE_SUFFIXES.has(fqdn.slice(second + 1))) return undefined
  const subresource = fqdn.slice(first + 1, second)
  if (!STORAGE_SUBRESOURCES.has(subresource)) return undefined
  const account = fqdn.slice(0, first)
  return account === '*' ? { subresource } : { account, subresource }
}
