import { defineScenario, SUBNET, toHost, toTag } from '../src/scenario'

/**
 * AKS with the Azure ML extension in Azure Government, GPU node pools on. Flows from the AKS egress
 * article's Azure US Government tables, its GPU table and cluster-extension table, and the storage
 * rows of the Azure ML Kubernetes table with the Government suffix (D26).
 */
export const usgovAks = defineScenario({
  id: 'usgov-aks',
  title: 'AKS in Azure Government with GPU node pools',
  profile: {
    cloud: 'usgov',
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'usgovarizona',
        storageAccounts: ['govaksml'],
        containerRegistries: ['govaksacr'],
      },
    ],
    compute: ['kubernetes'],
    workloads: ['training'],
    kubernetes: { connection: 'aks', apiServerAddresses: ['10.20.0.4/32'], gpuNodePools: true },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost(
      'contoso-dns-1a2b.hcp.usgovarizona.cx.aks.containerservice.azure.us',
      443,
      'AKS: node <-> API server',
    ),
    toHost('mcr.microsoft.com', 443, 'AKS: MCR images'),
    toHost('eastus.data.mcr.microsoft.com', 443, 'AKS: MCR storage behind the CDN'),
    toHost('management.usgovcloudapi.net', 443, 'AKS: Azure API (Government)'),
    toHost('login.microsoftonline.us', 443, 'AKS: Entra authentication (Government)'),
    toHost('packages.microsoft.com', 443, 'AKS: cached apt-get packages'),
    toHost('acs-mirror.azureedge.net', 443, 'AKS: kubenet and Azure CNI binaries'),
    toHost('ntp.ubuntu.com', 123, 'AKS Government network rules: NTP', { udp: true }),
    toTag('AzureCloud.usgovarizona', 1194, 'AKS Government network rules: tunnel UDP 1194', {
      udp: true,
    }),
    toTag('AzureCloud.usgovarizona', 9000, 'AKS Government network rules: tunnel TCP 9000'),
    toHost(
      'usgovarizona.dp.kubernetesconfiguration.azure.us',
      443,
      'cluster extensions (Government)',
    ),
    toHost('nvidia.github.io', 443, 'GPU node pools: driver installation'),
    toHost('us.download.nvidia.com', 443, 'GPU node pools: driver installation'),
    toHost('download.docker.com', 443, 'GPU node pools: driver installation'),
    toHost(
      'govaksml.blob.core.usgovcloudapi.net',
      443,
      'Azure ML Kubernetes table: your storage (D26)',
    ),
    toHost(
      'logs.table.core.usgovcloudapi.net',
      443,
      'Azure ML Kubernetes table: table storage (D26)',
    ),
    toHost('pypi.org', 443, 'Azure ML Kubernetes table: pip packages, in every cloud (D26)'),
  ],
  mustDeny: [
    toHost(
      'contoso-dns-1a2b.hcp.usgovarizona.azmk8s.io',
      443,
      'the Azure Global API server domain',
    ),
    toHost(
      'contoso-dns-1a2b.hcp.usgovtexas.cx.aks.containerservice.azure.us',
      443,
      'API server host of another region',
    ),
    toHost('management.azure.com', 443, 'public-cloud Azure API'),
    toHost('login.microsoftonline.com', 443, 'public-cloud Entra ID'),
    toHost(
      'cluster.kusto.windows.net',
      443,
      'public-cloud Kusto: no Government host documented (D26)',
    ),
    toHost('govaksml.blob.core.windows.net', 443, 'public-cloud storage suffix'),
    toHost('arcmktplaceprod.azurecr.io', 443, 'Azure Global cluster-extension marketplace images'),
    toTag('AzureFrontDoor.FirstParty', 443, 'not a US Government service tag (D25)'),
    toHost('dl.k8s.io', 443, 'Arc onboarding, not AKS'),
  ],
})
