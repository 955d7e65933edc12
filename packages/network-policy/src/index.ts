import { defineFormat, type FormatCapabilities, type RenderOptionSpec } from '@aml-egress/core'
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

const kubernetesOptions = [
  {
    key: 'namespace',
    flag: 'namespace',
    description: 'the Azure ML extension namespace, whose pods stand for the compute subnets',
    type: 'string',
    default: 'azureml',
  },
  {
    key: 'defaultDeny',
    flag: 'default-deny',
    description: 'also write a default-deny policy for that namespace',
    type: 'boolean',
    default: 'false',
  },
  {
    key: 'serviceTags',
    flag: 'service-tags',
    description: 'Azure service tags JSON (ServiceTags_Public.json): render tags as ipBlocks',
    type: 'jsonFile',
  },
] as const satisfies readonly RenderOptionSpec<NetworkPolicyRenderOptions>[]

const kubernetesHelp = {
  inbound: 'Allow it in the subnet NSG (render with the terraform format).',
  urlPath: 'Only a TLS-inspecting proxy filters URL paths.',
}

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
  unsupportedHelp: {
    ...kubernetesHelp,
    exactFqdn:
      'Use the cilium format (toFQDNs), or pass a service-tags file (--service-tags) to render documented service tags as ipBlocks.',
    wildcardFqdn:
      'Use the cilium format (toFQDNs), or pass a service-tags file (--service-tags) to render documented service tags as ipBlocks.',
    serviceTag: 'Pass the Azure service-tags file (--service-tags) to render it as ipBlocks.',
  },
  fileExtensions: ['.yaml', '.yml'],
  renderOptions: kubernetesOptions,
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
  unsupportedHelp: {
    ...kubernetesHelp,
    serviceTag: 'Pass the Azure service-tags file (--service-tags) to render it as ipBlocks.',
  },
  fileExtensions: ['.yaml', '.yml'],
  renderOptions: [
    ...kubernetesOptions,
    {
      key: 'wildcardDepth',
      flag: 'wildcard-depth',
      description: 'DNS labels a wildcard may cover in front of its suffix (1-4)',
      type: 'integer',
      default: '2',
    },
  ],
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
