import { cloudSuffixes, type PlanRule } from '@aml-egress/core'

/**
 * Who provides a plan rule in a managed network:
 * - `aml`: Azure ML applies it itself. The firewall article says the configuration it lists is
 *   "applied automatically" with a managed virtual network, and the managed-network article lists
 *   the required service tags and private endpoints it creates.
 * - `unsupported`: only Kubernetes compute (AKS, Arc) needs it, and Kubernetes compute and
 *   attached VMs are not supported in a managed network: the customer's own firewall carries it.
 * - `user`: a user-defined outbound rule (the managed-network article's scenario-specific rules:
 *   Python packages, VS Code, Hugging Face; RStudio and R packages; profile endpoints).
 */
export type Provider = 'aml' | 'unsupported' | 'user'

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

/** Requirements of Kubernetes compute only (AKS, Arc, the inference router, in-cluster flows). */
export const KUBERNETES_SCENARIOS: ReadonlySet<string> = new Set([
  'aks-cluster-extensions',
  'aks-core-egress',
  'azure-arc-agents',
  'inference-vnet',
  'kubernetes-compute',
  'kubernetes-in-cluster',
  'kubernetes-inference-router',
])

/**
 * The provider of a rule, from the scenarios behind it: a rule any user scenario needs is a
 * user-defined rule (pypi.org serves Python packages and Kubernetes alike); a rule of Azure ML's
 * own tables is Azure ML's, even when Kubernetes needs it too; the rest is Kubernetes-only.
 * An unknown scenario (a profile's own endpoint) is the user's.
 * @example providerOf(rule) // 'user' for pypi.org
 */
export function providerOf(rule: Pick<PlanRule, 'scenarios'>): Provider {
  const { scenarios } = rule
  if (scenarios.some((s) => !AML_SCENARIOS.has(s) && !KUBERNETES_SCENARIOS.has(s))) return 'user'
  if (scenarios.some((s) => AML_SCENARIOS.has(s))) return 'aml'
  return scenarios.length === 0 ? 'user' : 'unsupported'
}

/** The sub-resources a storage private endpoint can target, by their host label. */
const STORAGE_SUBRESOURCES = new Set(['blob', 'file', 'queue', 'table', 'dfs', 'web'])

/** A storage host: the account (absent for `*.` patterns) and the sub-resource it names. */
export type StorageHost = { account?: string; subresource: string }

/**
 * The storage account and sub-resource a host names, in any cloud; undefined for other hosts.
 * @example storageHost('contoso.file.core.windows.net') // { account: 'contoso', subresource: 'file' }
 */
export function storageHost(fqdn: string): StorageHost | undefined {
  const labels = fqdn.split('.')
  const [account, subresource] = labels
  if (labels.length < 4 || account === undefined || subresource === undefined) return undefined
  const suffix = labels.slice(2).join('.')
  const isStorage = Object.values(cloudSuffixes).some((cloud) => cloud.storage === suffix)
  if (!isStorage || !STORAGE_SUBRESOURCES.has(subresource)) return undefined
  return account === '*' ? { subresource } : { account, subresource }
}
