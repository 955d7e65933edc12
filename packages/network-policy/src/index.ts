import { defineFormat, type FormatCapabilities } from '@aml-egress/core'
import { evaluateFlow } from './evaluate'
import type { NetworkPolicyConfig } from './model'
import { readPolicies } from './read'
import {
  type CiliumRenderOptions,
  type NetworkPolicyRenderOptions,
  renderCiliumPolicies,
  renderNetworkPolicies,
} from './render'

const inCluster = {
  cidr: true,
  nonHttpPorts: true,
  udp: true,
  inbound: false,
  inCluster: true,
  urlPath: false,
} as const

/** What plain NetworkPolicy can express: no host names, no service tags (without the tags file). */
export const networkPolicyCapabilities: FormatCapabilities = {
  exactFqdn: false,
  wildcardFqdn: false,
  serviceTag: false,
  ...inCluster,
}

/** Cilium adds host names (toFQDNs); wildcards are narrowed to a few labels (lossy). */
export const ciliumCapabilities: FormatCapabilities = {
  exactFqdn: true,
  wildcardFqdn: true,
  serviceTag: false,
  ...inCluster,
}

/**
 * Kubernetes `networking.k8s.io/v1` NetworkPolicy: in-cluster flows, addresses, and service tags
 * as ipBlocks when a service-tags file is given.
 * @example networkPolicyFormat.render(plan, { defaultDeny: true })
 */
export const networkPolicyFormat = defineFormat<NetworkPolicyConfig, NetworkPolicyRenderOptions>({
  name: 'network-policy',
  title: 'Kubernetes NetworkPolicy',
  capabilities: networkPolicyCapabilities,
  render: (plan, options) => renderNetworkPolicies({ plan, options }),
  read: readPolicies,
  evaluate: (config, flow) => evaluateFlow({ config, flow }),
})

/**
 * Cilium: CiliumNetworkPolicy with toFQDNs for hosts and toEntities for the API server, plus
 * NetworkPolicy for in-cluster flows.
 * @example ciliumFormat.render(plan)
 */
export const ciliumFormat = defineFormat<NetworkPolicyConfig, CiliumRenderOptions>({
  name: 'cilium',
  title: 'Cilium network policies',
  capabilities: ciliumCapabilities,
  render: (plan, options) => renderCiliumPolicies({ plan, options }),
  read: readPolicies,
  evaluate: (config, flow) => evaluateFlow({ config, flow }),
})

export { evaluateFlow } from './evaluate'
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
export { readPolicies, readPoliciesSync } from './read'
export {
  type CiliumRenderOptions,
  ciliumPolicyFile,
  type NetworkPolicyRenderOptions,
  networkPolicyFile,
  renderCiliumPolicies,
  renderNetworkPolicies,
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
