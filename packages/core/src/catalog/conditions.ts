import type { Profile, Workspace } from '../profile'
import type { Condition } from './schema'

type ConditionRule = {
  /** What a user reads in `list` and the docs. */
  title: string
  /** Does the condition hold for this profile (and workspace, for per-workspace conditions)? */
  holds: (profile: Profile, workspace: Workspace) => boolean
}

const never = () => false
const usesKubernetes = (profile: Profile) => profile.compute.includes('kubernetes')
const usesArc = (profile: Profile) =>
  usesKubernetes(profile) && profile.kubernetes.connection === 'arc'

/**
 * How each documented condition maps to the profile. Conditions that only a managed VNet or an
 * obsolete setup has never hold (D19); their records stay in the catalog for `list` and `explain`.
 */
export const conditions: Record<Condition, ConditionRule> = {
  always: { title: 'always', holds: () => true },
  arcConnectedKubernetes: { title: 'Kubernetes connected through Azure Arc', holds: usesArc },
  arcClusterConnect: {
    title: 'Arc Cluster Connect or custom locations (kubernetes.arc.clusterConnect)',
    holds: (p) => usesArc(p) && p.kubernetes.arc.clusterConnect,
  },
  arcAzureRbac: {
    title: 'Arc with Azure RBAC (kubernetes.arc.azureRbac)',
    holds: (p) => usesArc(p) && p.kubernetes.arc.azureRbac,
  },
  arcOnboarding: {
    title: 'Arc onboarding (kubernetes.arc.onboarding)',
    holds: (p) => usesArc(p) && p.kubernetes.arc.onboarding,
  },
  aksGpuNodePools: {
    title: 'AKS GPU node pools (kubernetes.gpuNodePools)',
    holds: (p) =>
      usesKubernetes(p) && p.kubernetes.connection === 'aks' && p.kubernetes.gpuNodePools,
  },
  kubernetesCompute: { title: 'Kubernetes compute', holds: usesKubernetes },
  aksWithoutArc: {
    title: 'AKS with the Azure ML extension, without Arc',
    holds: (p) => usesKubernetes(p) && p.kubernetes.connection === 'aks',
  },
  aksCluster: {
    title: 'any AKS cluster',
    holds: (p) => usesKubernetes(p) && p.kubernetes.connection === 'aks',
  },
  aksLegacyTunnel: {
    title: 'AKS nodes without konnectivity (kubernetes.legacyNodeEgress)',
    holds: (p) =>
      usesKubernetes(p) && p.kubernetes.connection === 'aks' && p.kubernetes.legacyNodeEgress,
  },
  kubernetesRealtimeInference: {
    title: 'real-time inference on Kubernetes',
    holds: (p) => usesKubernetes(p) && p.workloads.includes('inference'),
  },
  vscode: { title: 'features.vscode', holds: (p) => p.features.vscode },
  vscodeWeb: { title: 'features.vscode (VS Code for the Web)', holds: (p) => p.features.vscode },
  vscodeDesktop: { title: 'features.vscode (VS Code desktop)', holds: (p) => p.features.vscode },
  vscodeInteractiveJob: {
    title: 'features.vscodeInteractiveJobs',
    holds: (p) => p.features.vscodeInteractiveJobs,
  },
  vscodeExtensionBehindProxy: {
    title: 'features.vscode behind a proxy',
    holds: (p) => p.features.vscode,
  },
  azureMonitorNotSecured: {
    title: 'features.azureMonitor (Azure Monitor not behind private link)',
    holds: (p) => p.features.azureMonitor,
  },
  huggingFaceModels: { title: 'features.huggingFace', holds: (p) => p.features.huggingFace },
  computePublicIp: { title: 'features.publicIpCompute', holds: (p) => p.features.publicIpCompute },
  computePublicIpBehindFirewall: {
    title: 'features.publicIpCompute behind a firewall',
    holds: (p) => p.features.publicIpCompute,
  },
  computeNoPublicIp: {
    title: 'compute without public IP',
    holds: (p) => !p.features.publicIpCompute,
  },
  pythonPackages: {
    title: 'features.pythonPackages',
    holds: (p) => p.features.pythonPackages === true,
  },
  pythonPackagesIndexOverwritten: {
    title: 'features.pythonPackages (D10)',
    holds: (p) => p.features.pythonPackages === true,
  },
  pytorchExamples: {
    title: 'features.pythonPackages (PyTorch examples)',
    holds: (p) => p.features.pythonPackages === true,
  },
  tensorflowExamples: {
    title: 'features.pythonPackages (TensorFlow examples)',
    holds: (p) => p.features.pythonPackages === true,
  },
  hbiWorkspace: { title: 'workspaces[].hbiWorkspace', holds: (_, w) => w.hbiWorkspace },
  managedVnet: { title: 'managed virtual network (configured by Azure)', holds: never },
  microsoftProvidedImages: {
    title: 'features.microsoftImages',
    holds: (p) => p.features.microsoftImages,
  },
  rstudio: { title: 'features.rstudio', holds: (p) => p.features.rstudio },
  rPackages: { title: 'features.rPackages', holds: (p) => p.features.rPackages },
  positWorkbench: { title: 'features.positWorkbench', holds: (p) => p.features.positWorkbench },
  privateLinkWorkspaceCustomApplication: {
    title: 'features.positWorkbench (custom applications)',
    holds: (p) => p.features.positWorkbench,
  },
  autoMLNlpVision: { title: 'features.autoML', holds: (p) => p.features.autoML },
  batchEndpointsOrParallelRunStep: { title: 'managed VNet: batch endpoints', holds: never },
  promptFlowWithAoaiSearch: { title: 'managed VNet: prompt flow', holds: never },
  replaceAzureFrontDoorFrontEnd: {
    title: 'features.dataExfiltrationPrevention',
    holds: (p) => p.features.dataExfiltrationPrevention,
  },
  privateEndpointsInVnet: {
    title: 'features.privateEndpoints',
    holds: (p) => p.features.privateEndpoints,
  },
  firewallBetweenComputeAndStorage: {
    title: 'features.storageFirewall',
    holds: (p) => p.features.storageFirewall,
  },
  computeAndStorageInDifferentVnets: {
    title: 'features.storageFirewall (storage in another VNet)',
    holds: (p) => p.features.storageFirewall,
  },
  workspacePublicAccessFromSelectedIps: { title: 'managed VNet: selected IPs', holds: never },
  serverlessNoPublicIpAndWorkspaceIpAllowList: {
    title: 'serverless compute with a workspace IP allow list',
    holds: never,
  },
  attachedVmOrHdinsight: { title: 'attached VM or HDInsight', holds: () => true },
  aksInferenceRestrictedOutbound: {
    title: 'inference on Kubernetes with restricted outbound',
    holds: (p) => usesKubernetes(p) && p.workloads.includes('inference'),
  },
  dataExfiltrationPrevention: {
    title: 'features.dataExfiltrationPrevention',
    holds: (p) => p.features.dataExfiltrationPrevention,
  },
  customDockerImages: { title: 'historical: custom Docker images', holds: never },
  computeClusterNoPublicIp: { title: 'historical: cluster without public IP', holds: never },
  computeInstanceOrCluster: { title: 'conflicting: traffic-flow article', holds: never },
}
