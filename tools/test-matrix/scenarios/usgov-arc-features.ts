import { defineScenario, SUBNET, toHost } from '../src/scenario'

/**
 * Arc-connected Kubernetes in Azure Government with Cluster Connect, Azure RBAC and onboarding on,
 * workspaces in two Government regions. The Government Arc page gives the Cluster Connect host for
 * US Gov Virginia only (D29).
 */
export const usgovArcFeatures = defineScenario({
  id: 'usgov-arc-features',
  title: 'Arc-connected Kubernetes in Azure Government, every Arc feature on',
  profile: {
    cloud: 'usgov',
    workspaces: [
      { id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c', region: 'usgovvirginia' },
      { id: '0b7e5a3c-2d4f-4e6a-8c1b-9d0e1f2a3b4c', region: 'usgovarizona' },
    ],
    compute: ['kubernetes'],
    workloads: ['inference'],
    kubernetes: {
      connection: 'arc',
      apiServerAddresses: ['10.20.0.4/32'],
      arc: { clusterConnect: true, azureRbac: true, onboarding: true },
    },
    sourceAddresses: [SUBNET],
  },
  mustAllow: [
    toHost('guestnotificationservice.azure.us', 443, 'Cluster Connect / custom locations'),
    toHost(
      'usgovvirginia.guestnotificationservice.azure.us',
      443,
      'Cluster Connect (*.guestnotificationservice)',
    ),
    toHost('sts.windows.net', 443, 'Cluster Connect / custom locations'),
    toHost('relay-1.servicebus.usgovcloudapi.net', 443, 'Cluster Connect Service Bus (websockets)'),
    toHost('usgovvirginia.obo.arc.azure.us', 8084, 'Cluster Connect on 8084 (US Gov Virginia)'),
    toHost('graph.microsoft.com', 443, 'Azure RBAC'),
    toHost(
      'usgovarizona.dp.kubernetesconfiguration.azure.us',
      443,
      'Arc data plane, second region',
    ),
    toHost('usgovarizona.login.microsoftonline.us', 443, 'Arc ARM tokens, second region'),
  ],
  mustDeny: [
    toHost(
      'usgovarizona.obo.arc.azure.us',
      8084,
      'no Cluster Connect host documented outside Virginia (D29)',
    ),
    toHost('usgovvirginia.obo.arc.azure.us', 443, 'Cluster Connect host on the wrong port'),
    toHost('servicebus.usgovcloudapi.net', 443, 'apex of *.servicebus.usgovcloudapi.net'),
    toHost('relay-1.servicebus.windows.net', 443, 'public-cloud Service Bus'),
    toHost('dl.k8s.io', 443, 'not in the Government Arc table, onboarding or not'),
    toHost('usgovtexas.dp.kubernetesconfiguration.azure.us', 443, 'a region with no workspace'),
  ],
})
