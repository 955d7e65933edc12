import { defineScenario, podToPod, SUBNET, toHost } from '../src/scenario'

const fe = { namespace: 'azureml', labels: { app: 'azureml-fe' } }
const model = { namespace: 'models', labels: { app: 'sklearn-model' } }

/** Firewall article, Kubernetes table's Inference column; azureml-fe connectivity; in-cluster rows 5–7. */
export const kubernetesInference = defineScenario({
  id: 'kubernetes-inference',
  title: 'AKS real-time inference only',
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
    workloads: ['inference'],
    kubernetes: {
      connection: 'aks',
      modelNamespaces: ['models'],
      clusterDnsPrefix: 'contoso-aks',
      apiServerAddresses: ['10.20.0.4/32'],
    },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('westeurope.kusto.windows.net', 443, 'Kusto log upload (Inference column)'),
    toHost('ingest-viennawesteurope.kusto.windows.net', 443, 'azureml-fe telemetry'),
    toHost('contosoacr.azurecr.io', 443, 'your ACR'),
    toHost('contosomlsa.blob.core.windows.net', 443, 'models from blob'),
    toHost('api.azureml.ms', 443, 'azureml-fe: Entra-authenticated services'),
    toHost('mcr.microsoft.com', 443, 'azureml-fe router images'),
    toHost('contoso-aks.hcp.westeurope.azmk8s.io', 443, 'AKS API server FQDN'),
    podToPod(fe, model, 5001, 'in-cluster row 5: azureml-fe → model pods on 5001'),
    podToPod({ namespace: 'azureml' }, fe, 11001, 'in-cluster row 6: azureml-fe opens 11001'),
    podToPod({ namespace: 'azureml' }, fe, 20000, 'in-cluster row 6: azureml-fe opens 20000'),
    podToPod(
      model,
      { namespace: 'azureml', labels: { app: 'amlarc-identity-proxy' } },
      9999,
      'in-cluster row 7: model → identity proxy 9999',
    ),
  ],
  mustDeny: [
    toHost('pypi.org', 443, 'training only (N/A for inference)'),
    toHost('archive.ubuntu.com', 80, 'training only (N/A for inference)'),
    toHost('contoso-aks.hcp.eastus.azmk8s.io', 443, 'API server FQDN of another region'),
    podToPod(
      model,
      { namespace: 'azureml', labels: { app: 'amlarc-identity-proxy' } },
      9998,
      'identity proxy, wrong port',
    ),
    podToPod(fe, model, 5002, 'model pods, wrong port'),
  ],
})
