import { defineScenario, SUBNET, toHost } from '../src/scenario'

/** Firewall article, "hbi_workspace": the Batch key vault via Keyvault.<region> or *.vault.azure.net. */
export const hbiWorkspace = defineScenario({
  id: 'hbi-workspace',
  title: 'High-business-impact workspace on compute instances and clusters',
  profile: {
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'westeurope',
        storageAccounts: ['contosomlsa'],
        hbiWorkspace: true,
      },
    ],
    compute: ['computeInstance', 'computeCluster'],
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('batch-kv-weu.vault.azure.net', 443, 'hbi: Azure Key Vault *.vault.azure.net', {
      serviceTags: ['AzureKeyVault.WestEurope'],
    }),
    toHost('ml.azure.com', 443, 'studio'),
    toHost('login.microsoftonline.com', 80, 'Entra ID on 80 and 443'),
    toHost('contosomlsa.file.core.windows.net', 445, 'your storage: file share on 445', {
      serviceTags: ['Storage.WestEurope'],
    }),
    toHost('x1.westeurope.batch.azure.com', 443, 'Azure Batch', {
      serviceTags: ['BatchNodeManagement.WestEurope'],
    }),
    toHost('ci-1.instances.azureml.ms', 8787, 'compute instance 8787 (D05)', {
      serviceTags: ['AzureMachineLearning'],
    }),
    toHost('westeurope.tundra.azureml.ms', 5831, 'compute instance create/delete on UDP 5831', {
      udp: true,
      serviceTags: ['AzureMachineLearning'],
    }),
  ],
  mustDeny: [
    toHost('vault.azure.net', 443, 'apex of *.vault.azure.net'),
    toHost('batch-kv-weu.vault.azure.net', 80, 'key vault on the wrong port'),
    toHost('ci-1.instances.azureml.ms', 22, 'compute instance host on a port the docs do not list'),
    toHost('x1.eastus.batch.azure.com', 443, 'Batch in another region', {
      serviceTags: ['BatchNodeManagement.EastUS'],
    }),
  ],
})
