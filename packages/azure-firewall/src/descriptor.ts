/**
 * What the format descriptor (`azureFirewallFormat`) says about rendering, apart from the
 * functions: the builder triages plans with it, and `format.ts` (which imports the renderer)
 * cannot be imported by the builder without a cycle.
 */
import type { FormatCapabilities, TriageFormat } from '@aml-egress/core'

/** The format name used in diagnostics. */
export const formatName = 'azure-firewall'

/** What a firewall policy can say. In-cluster traffic never reaches it; inbound belongs to NSGs. */
export const azureFirewallCapabilities = {
  exactFqdn: true,
  wildcardFqdn: true,
  serviceTag: true,
  cidr: true,
  nonHttpPorts: true,
  udp: true,
  inbound: false,
  inCluster: false,
  attachedCompute: true,
  urlPath: false,
} as const satisfies FormatCapabilities

/** Where the rules a firewall cannot express can go. */
export const azureFirewallUnsupportedHelp = {
  inbound: 'Allow it in the subnet NSG (render with the terraform format).',
  inCluster: 'Render it with the network-policy format.',
} as const satisfies TriageFormat['unsupportedHelp']

/** The descriptor's part `triagePlan` reads. */
export const azureFirewallTriage: TriageFormat = {
  name: formatName,
  capabilities: azureFirewallCapabilities,
  unsupportedHelp: azureFirewallUnsupportedHelp,
}
