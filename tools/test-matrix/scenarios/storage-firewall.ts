import { defineScenario, SUBNET, toHost, toTag } from '../src/scenario'

/** Basic configuration with service tags, plus "firewall between Azure ML and storage": Storage.<region> on 445. */
export const storageFirewall = defineScenario({
  id: 'storage-firewall',
  title: 'Service-tag configuration with SMB 445 to storage',
  profile: {
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'westeurope',
        storageAccounts: ['contosomlsa'],
      },
    ],
    compute: ['computeCluster'],
    features: { storageFirewall: true },
    destinationStyle: 'serviceTags',
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('contosomlsa.file.core.windows.net', 445, 'Storage.<region> on 445 (SMB)', {
      serviceTags: ['Storage.WestEurope'],
    }),
    toHost('contosomlsa.blob.core.windows.net', 443, 'Storage.<region> on 443', {
      serviceTags: ['Storage.WestEurope'],
    }),
    toTag('AzureMachineLearning', 443, 'AzureMachineLearning 443'),
    toTag('AzureMachineLearning', 5831, 'AzureMachineLearning UDP 5831', { udp: true }),
    toTag('AzureActiveDirectory', 80, 'AzureActiveDirectory 80'),
    toTag('BatchNodeManagement.WestEurope', 443, 'BatchNodeManagement.<region> 443'),
    toTag('AzureResourceManager', 443, 'AzureResourceManager 443'),
    toTag('MicrosoftContainerRegistry', 443, 'MicrosoftContainerRegistry 443'),
    toTag('AzureFrontDoor.FirstParty', 443, 'AzureFrontDoor.FirstParty 443 (D01)'),
    toTag('VirtualNetwork', 443, 'VirtualNetwork 443: private endpoints'),
  ],
  mustDeny: [
    toHost('othersa.file.core.windows.net', 445, 'storage in another region', {
      serviceTags: ['Storage.EastUS'],
    }),
    toHost('contosomlsa.file.core.windows.net', 139, 'NetBIOS is not SMB 445', {
      serviceTags: ['Storage.WestEurope'],
    }),
    toTag('Storage.WestEurope', 80, 'storage on plain HTTP'),
    toTag('AzureMachineLearning', 5831, 'AzureMachineLearning on TCP 5831 (the docs say UDP)'),
    toTag('BatchNodeManagement.EastUS', 443, 'Batch of another region'),
  ],
})
