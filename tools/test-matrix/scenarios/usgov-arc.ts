import { defineScenario, SUBNET, toHost } from '../src/scenario'

/**
 * Arc-connected Kubernetes in Azure Government with none of the Arc features the Government Arc
 * page scopes its other hosts to (D28): the agents' own hosts only.
 */
export const usgovArc = defineScenario({
  id: 'usgov-arc',
  title: 'Arc-connected Kubernetes in Azure Government, no Arc features',
  profile: {
    cloud: 'usgov',
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'usgovvirginia',
        storageAccounts: ['govarcml'],
      },
    ],
    compute: ['kubernetes'],
    workloads: ['training'],
    kubernetes: { connection: 'arc', apiServerAddresses: ['10.20.0.4/32'] },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('management.usgovcloudapi.net', 443, 'Arc: register the cluster'),
    toHost('usgovvirginia.dp.kubernetesconfiguration.azure.us', 443, 'Arc: data plane'),
    toHost('login.microsoftonline.us', 443, 'Arc: ARM tokens'),
    toHost('usgovvirginia.login.microsoftonline.us', 443, 'Arc: ARM tokens (regional)'),
    toHost('mcr.microsoft.com', 443, 'Arc: agent images'),
    toHost('westus.data.mcr.microsoft.com', 443, 'Arc: agent images (*.data.mcr.microsoft.com)'),
    toHost('gbl.his.arc.azure.us', 443, 'Arc: managed identity certificates endpoint'),
    toHost('usgv.his.arc.azure.us', 443, 'Arc: managed identity certificates'),
    toHost('govarcml.blob.core.usgovcloudapi.net', 443, 'Azure ML Kubernetes table: storage (D26)'),
  ],
  mustDeny: [
    toHost(
      'guestnotificationservice.azure.us',
      443,
      'Cluster Connect / custom locations off (D28)',
    ),
    toHost('relay-1.servicebus.usgovcloudapi.net', 443, 'Cluster Connect Service Bus off (D28)'),
    toHost('sts.windows.net', 443, 'Cluster Connect token service off (D28)'),
    toHost('usgovvirginia.obo.arc.azure.us', 8084, 'Cluster Connect off (D28)'),
    toHost('graph.microsoft.com', 443, 'Azure RBAC off (D28)'),
    toHost('dl.k8s.io', 443, 'not in the Government Arc table'),
    toHost('management.azure.com', 443, 'public-cloud Azure Resource Manager'),
    toHost('gbl.his.arc.azure.com', 443, 'public-cloud Arc identity endpoint'),
    toHost('nvidia.github.io', 443, 'GPU node pools are an AKS option'),
  ],
})
