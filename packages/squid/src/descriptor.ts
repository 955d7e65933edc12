import type { TriageFormat } from '@aml-egress/core'

/**
 * What the squid format can express and where the rest can go: read by the format object and by
 * the renderer's triage, so both say the same.
 */
export const squidDescriptor: TriageFormat = {
  name: 'squid',
  capabilities: {
    exactFqdn: true,
    wildcardFqdn: true,
    serviceTag: false,
    cidr: false,
    nonHttpPorts: false,
    udp: false,
    inbound: false,
    inCluster: false,
    attachedCompute: true,
    urlPath: false,
  },
  unsupportedHelp: {
    serviceTag: 'Render this rule with the azure-firewall format.',
    cidr: 'Render this rule with the azure-firewall format.',
    nonHttpPorts: 'Render this rule with the azure-firewall format.',
    udp: 'Render this rule with the azure-firewall format.',
    inbound: 'Allow it in the subnet NSG (render with the terraform format).',
    inCluster: 'Render it with the network-policy format.',
  },
}
