import { china } from '../scenarios/china'
import { customRequirements } from '../scenarios/custom-requirements'
import { everythingOn } from '../scenarios/everything-on'
import { fleetThreeWorkspaces } from '../scenarios/fleet-three-workspaces'
import { hbiWorkspace } from '../scenarios/hbi-workspace'
import { kubernetesArc } from '../scenarios/kubernetes-arc'
import { kubernetesInference } from '../scenarios/kubernetes-inference'
import { kubernetesTraining } from '../scenarios/kubernetes-training'
import { publicIpCompute } from '../scenarios/public-ip-compute'
import { pythonPackages } from '../scenarios/python-packages'
import { storageFirewall } from '../scenarios/storage-firewall'
import { usgov } from '../scenarios/usgov'
import { usgovAks } from '../scenarios/usgov-aks'
import { usgovArc } from '../scenarios/usgov-arc'
import { usgovArcFeatures } from '../scenarios/usgov-arc-features'
import { vscode } from '../scenarios/vscode'
import type { Scenario } from './scenario'

/** Every scenario, sorted by id. A test checks this list against the files in `scenarios/`. */
export const scenarios: readonly Scenario[] = [
  china,
  customRequirements,
  everythingOn,
  fleetThreeWorkspaces,
  hbiWorkspace,
  kubernetesArc,
  kubernetesInference,
  kubernetesTraining,
  publicIpCompute,
  pythonPackages,
  storageFirewall,
  usgov,
  usgovAks,
  usgovArc,
  usgovArcFeatures,
  vscode,
]
