import type { TriageFormat } from '@aml-egress/core'

/** The CLI name of the format, and the `format` of its diagnostics. */
export const FORMAT_NAME = 'aml-managed-network'

const OWN_FIREWALL =
  'Allow it in your own firewall (azure-firewall or terraform format), outside the managed network.'

/**
 * What a managed network can express and where the rest can go. Service tag rules carry any
 * protocol and port, so `nonHttpPorts` and `udp` hold; the narrower FQDN rule (TCP 80 and 443)
 * is the renderer's own check. It hosts only Azure ML's managed compute, so not `attachedCompute`.
 */
export const managedNetworkDescriptor: TriageFormat = {
  name: FORMAT_NAME,
  capabilities: {
    exactFqdn: true,
    wildcardFqdn: true,
    serviceTag: true,
    cidr: false,
    nonHttpPorts: true,
    udp: true,
    inbound: false,
    inCluster: false,
    attachedCompute: false,
    urlPath: false,
  },
  unsupportedHelp: {
    cidr: OWN_FIREWALL,
    nonHttpPorts: OWN_FIREWALL,
    udp: OWN_FIREWALL,
    inbound:
      'Azure ML manages inbound traffic to managed compute itself; for compute in your own VNet, allow it in the subnet NSG (terraform format).',
    inCluster:
      'Kubernetes compute is not supported in a managed virtual network: render in-cluster rules with the network-policy or cilium format.',
    attachedCompute:
      'Kubernetes compute and attached VMs are not supported in a managed virtual network: allow what they need in your own firewall (azure-firewall or terraform format), outside the managed network.',
    urlPath:
      'The managed firewall (Standard or Basic; Premium is not supported) cannot filter URL paths: only the host is allowed.',
  },
}
