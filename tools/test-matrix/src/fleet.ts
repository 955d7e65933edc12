import type { ProfileInput } from '@aml-egress/core'

const REGIONS = [
  'westeurope',
  'northeurope',
  'eastus',
  'eastus2',
  'westus2',
  'swedencentral',
  'uksouth',
  'japaneast',
] as const

/** A hex GUID from a counter: deterministic, valid, unique per index. */
function guid(index: number): string {
  const hex = index.toString(16).padStart(12, '0')
  return `00000000-0000-4000-8000-${hex}`
}

/**
 * A fleet profile of `size` workspaces spread over eight regions, two storage accounts and one
 * registry each, every compute kind but Kubernetes and the common features on. Deterministic.
 */
export function fleetProfile(size: number): ProfileInput {
  return {
    workspaces: Array.from({ length: size }, (_, index) => ({
      id: guid(index + 1),
      region: REGIONS[index % REGIONS.length] ?? 'westeurope',
      storageAccounts: [`fleetsa${index}`, `fleetdata${index}`],
      containerRegistries: [`fleetacr${index}`],
      hbiWorkspace: index % 10 === 0,
    })),
    compute: ['computeInstance', 'computeCluster', 'serverless'],
    features: { storageFirewall: true, vscode: true, pythonPackages: true },
    sourceAddresses: ['10.0.0.0/16'],
  }
}

/** Two more regions for the Kubernetes fleet: ten in all. */
const MORE_REGIONS = [...REGIONS, 'australiaeast', 'centralindia'] as const

/**
 * A platform team's estate (issue #20): `size` workspaces over ten regions, two storage accounts
 * and one registry each, one in seven HBI, Kubernetes (AKS) next to compute instances and
 * clusters, training and inference: the in-cluster, API server and model-namespace rules that the
 * plain fleet lacks. Deterministic.
 */
export function kubernetesFleetProfile(size: number): ProfileInput {
  return {
    ...fleetProfile(size),
    workspaces: Array.from({ length: size }, (_, index) => ({
      id: guid(index + 1),
      region: MORE_REGIONS[index % MORE_REGIONS.length] ?? 'westeurope',
      storageAccounts: [`fleetsa${index}`, `fleetdata${index}`],
      containerRegistries: [`fleetacr${index}`],
      hbiWorkspace: index % 7 === 0,
    })),
    compute: ['computeInstance', 'computeCluster', 'kubernetes'],
    workloads: ['training', 'inference'],
    kubernetes: {
      connection: 'aks',
      namespace: 'azureml',
      modelNamespaces: ['models'],
      apiServerAddresses: ['10.20.0.4/32'],
    },
  }
}
