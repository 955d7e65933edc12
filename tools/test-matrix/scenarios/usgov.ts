import { defineScenario, SUBNET, toHost, toTag } from '../src/scenario'

/** Firewall article, Azure Government tabs. */
export const usgov = defineScenario({
  id: 'usgov',
  title: 'Azure Government compute instances and clusters',
  profile: {
    cloud: 'usgov',
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'usgovvirginia',
        storageAccounts: ['govmlsa'],
      },
    ],
    compute: ['computeInstance', 'computeCluster'],
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('login.microsoftonline.us', 443, 'Entra ID (Government)'),
    toHost('management.usgovcloudapi.net', 443, 'Azure Resource Manager (Government)'),
    toHost('ml.azure.us', 443, 'studio (Government)'),
    toHost('ws.ml.azure.us', 443, 'API *.ml.azure.us'),
    toHost('ci-1.instances.azureml.us', 443, 'compute instance'),
    toHost('usgovvirginia.tundra.azureml.us', 5831, 'compute instance UDP 5831', {
      udp: true,
      serviceTags: ['AzureMachineLearning'],
    }),
    toHost('govmlsa.blob.core.usgovcloudapi.net', 443, 'your storage (Government)'),
    toHost('govmlsa.file.core.usgovcloudapi.net', 445, 'your file share on 445', {
      serviceTags: ['Storage.USGovVirginia'],
    }),
    toTag(
      'BatchNodeManagement.USGovVirginia',
      443,
      'no Batch hosts in the Government tab: the tag stays (D08)',
    ),
  ],
  mustDeny: [
    toHost('ml.azure.com', 443, 'public-cloud studio'),
    toHost('login.microsoftonline.com', 443, 'public-cloud Entra ID'),
    toHost('govmlsa.blob.core.windows.net', 443, 'public-cloud storage suffix'),
    toHost('usgovtexas.tundra.azureml.us', 5831, 'another region', { udp: true }),
  ],
})
