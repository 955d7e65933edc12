import { defineScenario, SUBNET, toHost, toTag } from '../src/scenario'

/** Firewall article, Microsoft Azure operated by 21Vianet tabs. */
export const china = defineScenario({
  id: 'china',
  title: 'Azure operated by 21Vianet compute instances',
  profile: {
    cloud: 'china',
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'chinaeast2',
        storageAccounts: ['cnmlsa'],
      },
    ],
    compute: ['computeInstance'],
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('login.chinacloudapi.cn', 443, 'Entra ID (21Vianet)'),
    toHost('management.chinacloudapi.cn', 443, 'Azure Resource Manager (21Vianet)'),
    toHost('studio.ml.azure.cn', 443, 'studio (21Vianet)'),
    toHost('ws.azureml.cn', 443, 'API *.azureml.cn'),
    toHost('ci-1.instances.azureml.cn', 443, 'compute instance'),
    toHost('chinaeast2.tundra.azureml.cn', 5831, 'compute instance UDP 5831', {
      udp: true,
      serviceTags: ['AzureMachineLearning'],
    }),
    toHost('cnmlsa.file.core.chinacloudapi.cn', 445, 'your file share on 445', {
      serviceTags: ['Storage.ChinaEast2'],
    }),
  ],
  mustDeny: [
    toHost('ml.azure.com', 443, 'public-cloud studio'),
    toTag('AzureFrontDoor.FrontEnd', 443, 'not needed in 21Vianet'),
    toHost('cnmlsa.file.core.windows.net', 445, 'public-cloud storage suffix'),
  ],
})
