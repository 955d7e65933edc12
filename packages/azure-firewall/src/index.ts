import { buildFirewallPolicy } from './build'

export {
  armApiVersion,
  type JsonValue,
  ruleCollectionGroupBytes,
  ruleCollectionGroupPropertiesToArm,
  ruleCollectionGroupType,
  ruleCollectionToArm,
  type SourceStyle,
} from './arm'
export {
  type ArmScope,
  type ArmValue,
  isArmExpression,
  resolveArm,
  UNKNOWN,
} from './armExpression'
export {
  type AzureFirewallFiles,
  type AzureFirewallRenderOptions,
  azureAddresses,
  buildFirewallPolicy,
  type FirewallPolicyBuild,
} from './build'
export {
  azureFirewallLog,
  firewallTime,
  parseFirewallMessage,
  readFirewallRecord,
} from './denyLog'
export { azureFirewallCapabilities } from './descriptor'
export {
  applicationFqdnMatches,
  type EvaluationIndex,
  evaluateAzureFirewall,
  evaluateFirewallPolicy,
  looksLikeHostName,
  serviceTagCovers,
  withEvaluationIndex,
} from './evaluate'
export { azureFirewallFormat, maxGroupBytesOption } from './format'
export { lintPolicy } from './lint'
export {
  type ApplicationProtocolType,
  type ApplicationRule,
  type ApplicationRuleCollection,
  type ApplicationRuleProtocol,
  type FilterAction,
  type FilterRuleCollection,
  type FirewallPolicy,
  type FirewallPolicyConfig,
  type FirewallRule,
  firewallLimits,
  firewallNamePattern,
  type IpGroup,
  isValidFirewallName,
  type ModelOrigin,
  type NatRule,
  type NatRuleCollection,
  type NetworkIpProtocol,
  type NetworkRule,
  type NetworkRuleCollection,
  type RuleCollection,
  type RuleCollectionGroup,
} from './model'
export { firewallName } from './names'
export { readAzureFirewall, readFirewallPolicy } from './read'
export {
  outputDirectory,
  renderArmTemplate,
  renderAzureFirewall,
  renderFirewallPolicyFiles,
  renderRuleCollectionGroup,
} from './render'
export { type PolicyCheck, validatePolicy } from './validate'

/**
 * @deprecated Use `buildFirewallPolicy`: builds are no longer cached across calls, so the two are
 * the same. Removed in the next minor release.
 */
export const sharedFirewallPolicy: typeof buildFirewallPolicy = buildFirewallPolicy
