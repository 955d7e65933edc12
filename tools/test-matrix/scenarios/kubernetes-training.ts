import {
  defineScenario,
  FOREIGN_ADDRESS,
  podToApiServer,
  podToPod,
  SUBNET,
  toHost,
} from '../src/scenario'

const aml = { namespace: 'azureml' }

/** Firewall article, "Kubernetes compute": the outbound table's Training column, AKS prerequisites, in-cluster rows 1–4. */
export const kubernetesTraining = defineScenario({
  id: 'kubernetes-training',
  title: 'AKS with the Azure ML extension, training only',
  profile: {
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'westeurope',
        storageAccounts: ['contosomlsa'],
        containerRegistries: ['contosoacr'],
      },
    ],
    compute: ['kubernetes'],
    workloads: ['training'],
    kubernetes: { connection: 'aks', apiServerAddresses: ['10.20.0.4/32'] },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('westeurope.kusto.windows.net', 443, 'Kusto log upload: *.kusto.windows.net 443'),
    toHost(
      'contosomlsa001.table.core.windows.net',
      443,
      'Kusto log upload: *.table.core.windows.net',
    ),
    toHost(
      'contosomlsa001.queue.core.windows.net',
      443,
      'Kusto log upload: *.queue.core.windows.net',
    ),
    toHost('contosoacr.azurecr.io', 443, '<your ACR name>.azurecr.io'),
    toHost(
      'contosoacr.westeurope.data.azurecr.io',
      443,
      '<your ACR name>.<region>.data.azurecr.io',
    ),
    toHost(
      'contosomlsa.blob.core.windows.net',
      443,
      '<your storage account name>.blob.core.windows.net',
    ),
    toHost(
      '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c.workspace.westeurope.api.azureml.ms',
      443,
      '<your workspace ID>.workspace.<region>.api.azureml.ms',
    ),
    toHost('westeurope.experiments.azureml.net', 443, '<region>.experiments.azureml.net'),
    toHost('westeurope.api.azureml.ms', 443, '<region>.api.azureml.ms'),
    toHost('pypi.org', 443, 'pip packages for training environments (Training column)'),
    toHost('archive.ubuntu.com', 80, 'security patches, port 80 (Training column)'),
    toHost('security.ubuntu.com', 80, 'security patches, port 80'),
    toHost('ppa.launchpad.net', 80, 'security patches, port 80'),
    toHost('westeurope.dp.kubernetesconfiguration.azure.com', 443, 'AKS extension configuration'),
    toHost('mcr.microsoft.com', 443, 'AKS extension images'),
    toHost('arcmktplaceprod.azurecr.io', 443, 'AKS marketplace extension images'),
    podToApiServer(aml, '10.20.0.4', 443, 'in-cluster row 1: azureml → API server'),
    podToPod(
      aml,
      { namespace: 'azureml', labels: { app: 'some-component' } },
      8080,
      'in-cluster row 2: azureml ↔ azureml, any port',
    ),
    podToPod(
      aml,
      { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      53,
      'in-cluster row 3: DNS over UDP',
      { udp: true },
    ),
    podToPod(
      aml,
      { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      53,
      'in-cluster row 3: DNS over TCP',
    ),
  ],
  mustDeny: [
    toHost('kusto.windows.net', 443, 'apex of *.kusto.windows.net'),
    toHost(
      'othersa.blob.core.windows.net',
      443,
      'another storage account: only contosomlsa is listed for Kubernetes',
    ),
    toHost('otheracr.azurecr.io', 443, 'another registry'),
    toHost('archive.ubuntu.com', 443, 'right host, wrong port (the docs say 80)'),
    toHost('pypi.org', 80, 'right host, wrong port'),
    toHost('westeurope.kusto.windows.net', 443, 'right host, from outside the compute subnet', {
      from: FOREIGN_ADDRESS,
    }),
    toHost('api.azureml.ms', 443, 'azureml-fe host: inference only'),
    podToPod(
      { namespace: 'models' },
      { namespace: 'azureml', labels: { app: 'amlarc-identity-proxy' } },
      9999,
      'identity proxy: inference only',
    ),
  ],
})
