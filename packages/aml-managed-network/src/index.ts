export {
  AML_SCENARIOS,
  type Provider,
  providerOf,
  storageHost,
} from './classify'
export { FORMAT_NAME, managedNetworkDescriptor } from './descriptor'
export { evaluateManagedNetwork } from './evaluate'
export { amlManagedNetworkFormat } from './format'
export type {
  AmlManagedList,
  AmlManagedRule,
  FqdnRule,
  IsolationMode,
  ManagedNetworkConfig,
  ManagedNetworkOutput,
  ManagedNetworkRenderOptions,
  ManagedNetworkWorkspace,
  OutboundRule,
  PrivateEndpointRule,
  RuleCategory,
  RuleLocation,
  RuleStatus,
  ServiceTagRule,
} from './model'
export { isValidRuleName, RULE_NAME } from './names'
export { parsePortRanges, portRangesText } from './portRanges'
export { FILE_EXTENSIONS, readManagedNetwork } from './read'
export { OUTPUT_DIRECTORY, renderManagedNetwork } from './render'
export { MANIFEST_PATH } from './writeManifest'
