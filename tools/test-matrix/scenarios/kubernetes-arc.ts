import { defineScenario, SUBNET, toHost } from '../src/scenario'

/** Arc network requirements (public cloud), every Arc feature on, plus the Azure ML Kubernetes table. */
export const kubernetesArc = defineScenario({
  id: 'kubernetes-arc',
  title: 'Arc-connected Kubernetes, training and inference',
  profile: {
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'eastus',
        storageAccounts: ['contosomlsa'],
        containerRegistries: ['contosoacr'],
      },
    ],
    compute: ['kubernetes'],
    kubernetes: {
      connection: 'arc',
      apiServerAddresses: ['10.20.0.4/32'],
      // The hosts the Arc page scopes to these features (D28) are asserted below.
      arc: { clusterConnect: true, azureRbac: true, onboarding: true },
    },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('management.azure.com', 443, 'Arc: Azure Resource Manager'),
    toHost('eastus.dp.kubernetesconfiguration.azure.com', 443, 'Arc: configuration data plane'),
    toHost('login.microsoftonline.com', 443, 'Arc: Entra ID'),
    toHost('eastus.login.microsoft.com', 443, 'Arc: regional login'),
    toHost('gbl.his.arc.azure.com', 443, 'Arc: hybrid identity'),
    toHost('eastus.his.arc.azure.com', 443, 'Arc: *.his.arc.azure.com'),
    toHost('guestnotificationservice.azure.com', 443, 'Arc: notifications'),
    toHost('sts.windows.net', 443, 'Arc: token service'),
    toHost('contoso-relay.servicebus.windows.net', 443, 'Arc: *.servicebus.windows.net websockets'),
    toHost('eastus.obo.arc.azure.com', 8084, 'Arc: Cluster Connect on 8084'),
    toHost('dl.k8s.io', 443, 'Arc: kubectl downloads during onboarding'),
    toHost('graph.microsoft.com', 443, 'Arc: Azure RBAC'),
    toHost('eastus.kusto.windows.net', 443, 'Azure ML: Kusto'),
  ],
  mustDeny: [
    toHost('arcmktplaceprod.azurecr.io', 443, 'AKS-extension prerequisite, not Arc'),
    toHost('eastus.obo.arc.azure.com', 443, 'Cluster Connect host on the wrong port'),
    toHost('servicebus.windows.net', 443, 'apex of *.servicebus.windows.net'),
    toHost('westus.dp.kubernetesconfiguration.azure.com', 443, 'another region'),
  ],
})
