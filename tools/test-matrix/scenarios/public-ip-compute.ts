import { defineScenario, fromTag, SUBNET, toHost } from '../src/scenario'

/** "Compute cluster or instance with a public IP": inbound 44224 from AzureMachineLearning. */
export const publicIpCompute = defineScenario({
  id: 'public-ip-compute',
  title: 'Compute instances and clusters with public IPs',
  profile: {
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'eastus2',
        storageAccounts: ['contosomlsa'],
      },
    ],
    compute: ['computeInstance', 'computeCluster'],
    features: { publicIpCompute: true },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    fromTag(
      'AzureMachineLearning',
      44224,
      'inbound from the Azure ML service to public-IP compute',
    ),
    toHost('ml.azure.com', 443, 'studio'),
    toHost('contosomlsa.blob.core.windows.net', 443, 'your storage'),
  ],
  mustDeny: [
    fromTag('Internet', 44224, 'only the AzureMachineLearning tag may reach 44224'),
    fromTag('AzureMachineLearning', 22, 'SSH is for attached VMs only'),
    fromTag('BatchNodeManagement', 29876, 'historical Batch inbound (D06)'),
  ],
})
