import type { Capability, FormatCapabilities, RenderOptionSpec } from '@aml-egress/core'
import type { CiliumRenderOptions, NetworkPolicyRenderOptions } from './render'

/*
 * What the two formats of this package say about themselves, apart from their functions: the
 * renderer reads the capabilities and help from here, and index.ts makes the format objects.
 */

/** A flavour's description: the format object without its functions. */
export type FlavourDescriptor<RenderOptions> = {
  name: 'network-policy' | 'cilium'
  title: string
  capabilities: FormatCapabilities
  unsupportedHelp: Partial<Record<Capability, string>>
  fileExtensions: readonly string[]
  renderOptions: readonly RenderOptionSpec<RenderOptions>[]
}

const inCluster = {
  cidr: true,
  nonHttpPorts: true,
  udp: true,
  inbound: false,
  inCluster: true,
  attachedCompute: true,
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
  serviceTag: 'Pass the Azure service-tags file (--service-tags) to render it as ipBlocks.',
}

const hostHelp =
  'Use the cilium format (toFQDNs), or pass a service-tags file (--service-tags) to render documented service tags as ipBlocks.'

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

export const networkPolicyDescriptor: FlavourDescriptor<NetworkPolicyRenderOptions> = {
  name: 'network-policy',
  title: 'Kubernetes NetworkPolicy',
  capabilities: networkPolicyCapabilities,
  unsupportedHelp: { ...kubernetesHelp, exactFqdn: hostHelp, wildcardFqdn: hostHelp },
  fileExtensions: ['.yaml', '.yml'],
  renderOptions: kubernetesOptions,
}

export const ciliumDescriptor: FlavourDescriptor<CiliumRenderOptions> = {
  name: 'cilium',
  title: 'Cilium network policies',
  capabilities: ciliumCapabilities,
  unsupportedHelp: kubernetesHelp,
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
}
