import { defineScenario, SUBNET, toHost } from '../src/scenario'

/** Three workspaces in two regions behind one hub: per-workspace storage, per-region Batch. */
export const fleetThreeWorkspaces = defineScenario({
  id: 'fleet-three-workspaces',
  title: 'A fleet of three workspaces in two regions',
  profile: {
    workspaces: [
      {
        id: '11111111-1111-4111-8111-111111111111',
        region: 'westeurope',
        storageAccounts: ['fleetweu1'],
      },
      {
        id: '22222222-2222-4222-8222-222222222222',
        region: 'westeurope',
        storageAccounts: ['fleetweu2'],
      },
      {
        id: '33333333-3333-4333-8333-333333333333',
        region: 'eastus',
        storageAccounts: ['fleeteus1'],
      },
    ],
    compute: ['computeInstance', 'computeCluster'],
    sourceAddresses: [SUBNET, '10.11.0.0/24'],
  },
  mustAllow: [
    toHost('fleetweu1.file.core.windows.net', 445, 'workspace 1 file share', {
      serviceTags: ['Storage.WestEurope'],
    }),
    toHost('fleetweu2.file.core.windows.net', 445, 'workspace 2 file share', {
      serviceTags: ['Storage.WestEurope'],
    }),
    toHost('fleeteus1.file.core.windows.net', 445, 'workspace 3 file share', {
      serviceTags: ['Storage.EastUS'],
    }),
    toHost('fleeteus1.dfs.core.windows.net', 443, 'workspace 3 data lake'),
    toHost('pool1.westeurope.batch.azure.com', 443, 'Batch, first region', {
      serviceTags: ['BatchNodeManagement.WestEurope'],
    }),
    toHost('pool1.eastus.service.batch.azure.com', 443, 'Batch, second region', {
      serviceTags: ['BatchNodeManagement.EastUS'],
    }),
    toHost('eastus.tundra.azureml.ms', 5831, 'UDP 5831 for the second region', {
      udp: true,
      serviceTags: ['AzureMachineLearning'],
    }),
    toHost('ml.azure.com', 443, 'studio, from the second subnet', { from: '10.11.0.20' }),
  ],
  mustDeny: [
    toHost('fleetweu3.file.core.windows.net', 445, 'a storage account outside the fleet', {
      serviceTags: ['Storage.WestEurope'],
    }),
    toHost('pool1.northeurope.batch.azure.com', 443, 'Batch in a region with no workspace', {
      serviceTags: ['BatchNodeManagement.NorthEurope'],
    }),
    toHost('fleeteus1.dfs.core.windows.net', 445, 'data lake is 443 only'),
    toHost('ml.azure.com', 443, 'from a subnet outside the fleet', { from: '10.12.0.20' }),
  ],
})
