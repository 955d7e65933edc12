import { defineScenario, fromTag, podToPod, SUBNET, toHost } from '../src/scenario'

/** Every compute kind and every feature on one workspace: the widest documented plan. */
export const everythingOn = defineScenario({
  id: 'everything-on',
  title: 'Every compute kind and feature',
  profile: {
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'swedencentral',
        storageAccounts: ['contosomlsa', 'contosodata'],
        containerRegistries: ['contosoacr'],
        hbiWorkspace: true,
      },
    ],
    compute: ['computeInstance', 'computeCluster', 'serverless', 'kubernetes', 'attachedVm'],
    features: {
      storageFirewall: true,
      vscode: true,
      vscodeInteractiveJobs: true,
      rstudio: true,
      positWorkbench: true,
      pythonPackages: true,
      rPackages: true,
      publicIpCompute: true,
      huggingFace: true,
      autoML: true,
      dataExfiltrationPrevention: true,
    },
    kubernetes: {
      connection: 'aks',
      apiServerAddresses: ['10.20.0.4/32'],
      customDnsServers: ['10.0.0.53'],
    },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('github.com', 443, 'websocket server bits for interactive jobs (host only, D13)'),
    toHost('www.wyday.com', 443, 'Posit Workbench licence check'),
    toHost('ghcr.io', 443, 'RStudio image'),
    toHost('cloud.r-project.org', 443, 'CRAN'),
    toHost('cdn-lfs.huggingface.co', 443, 'Hugging Face models'),
    toHost('registry-1.docker.io', 443, 'Hugging Face: *.docker.io'),
    toHost('automlresources-prod.azureedge.net', 443, 'AutoML NLP and Vision'),
    toHost(
      'automlresources-prod-d0eaehh7g8andvav.b02.azurefd.net',
      443,
      'exfiltration page AutoML host',
    ),
    toHost('contosodata.file.core.windows.net', 445, 'second storage account, SMB', {
      serviceTags: ['Storage.SwedenCentral'],
    }),
    toHost('kv1.vault.azure.net', 443, 'hbi key vault'),
    fromTag('AzureMachineLearning', 44224, 'public-IP compute inbound'),
    fromTag('AzureMachineLearning', 22, 'attached VM SSH'),
    podToPod(
      { namespace: 'azureml' },
      { namespace: 'kube-system', labels: { app: 'konnectivity-agent' } },
      8132,
      'in-cluster row 4, any port',
    ),
  ],
  mustDeny: [
    toHost('github.com', 80, 'github on plain HTTP'),
    toHost('huggingface.co', 443, 'only cdn-lfs.huggingface.co is listed'),
    toHost('docker.com', 443, 'apex of *.docker.com'),
    toHost('evil.example.com', 443, 'an unrelated host'),
    toHost('raw.githubusercontent.com', 443, 'historical websocket host (hist-09)'),
  ],
})
