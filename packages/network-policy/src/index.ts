import { defineFormat } from '@aml-egress/core'
import { ciliumDescriptor, networkPolicyDescriptor } from './descriptors'
import { evaluateNetworkPolicy } from './evaluate'
import type { NetworkPolicyConfig } from './model'
import { readNetworkPolicy } from './read'
import {
  type CiliumRenderOptions,
  type NetworkPolicyRenderOptions,
  renderCilium,
  renderNetworkPolicy,
} from './render'

/**
 * Kubernetes `networking.k8s.io/v1` NetworkPolicy: in-cluster flows, addresses, and service tags
 * as ipBlocks when a service-tags file is given.
 * @example networkPolicyFormat.render(plan, { defaultDeny: true })
 */
export const networkPolicyFormat = defineFormat<NetworkPolicyConfig, NetworkPolicyRenderOptions>({
  ...networkPolicyDescriptor,
  render: renderNetworkPolicy,
  read: readNetworkPolicy,
  evaluate: evaluateNetworkPolicy,
})

/**
 * Cilium: CiliumNetworkPolicy with toFQDNs for hosts and toEntities for the API server, plus
 * NetworkPolicy for in-cluster flows.
 * @example ciliumFormat.render(plan)
 */
export const ciliumFormat = defineFormat<NetworkPolicyConfig, CiliumRenderOptions>({
  ...ciliumDescriptor,
  render: renderCilium,
  read: readNetworkPolicy,
  evaluate: evaluateNetworkPolicy,
})

export { ciliumCapabilities, networkPolicyCapabilities } from './descriptors'
export { evaluateFlow, evaluateNetworkPolicy } from './evaluate'
export { type EvaluationIndex, withEvaluationIndex } from './evaluationIndex'
export { hubbleDeniedFlow, hubbleFlowLog, podLabels, readHubbleRecord } from './hubbleLog'
export type {
  CiliumNetworkPolicy,
  EffectivePolicy,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyConfig,
  PolicyPeer,
  PolicyRule,
  PortMatch,
  ServiceTagsFile,
  Tri,
} from './model'
export { readNetworkPolicy, readPolicies, readPoliciesSync } from './read'
export {
  type CiliumRenderOptions,
  ciliumPolicyFile,
  type NetworkPolicyRenderOptions,
  networkPolicyFile,
  renderCilium,
  renderCiliumPolicies,
  renderNetworkPolicies,
  renderNetworkPolicy,
} from './render'
export { matchSelector } from './selectors'
export { indexServiceTags, isServiceTagsFile, lookupServiceTag } from './serviceTags'
export {
  isDns1123Label,
  isDns1123Subdomain,
  isValidLabelKey,
  isValidLabelValue,
  validateCiliumNetworkPolicy,
  validateNetworkPolicy,
} from './validate'
