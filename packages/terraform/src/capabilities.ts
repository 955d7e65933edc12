/**
 * What the Terraform format can say, apart from the format object so that the renderer can triage
 * a plan with it (the format object imports the renderer).
 */
import { azureFirewallCapabilities } from '@aml-egress/azure-firewall'
import type { FormatCapabilities, TriageFormat } from '@aml-egress/core'

/** The format name diagnostics carry. */
export const formatName = 'terraform'

/**
 * What the Terraform format can say: everything the Azure Firewall policy can (application rules
 * for HTTP/HTTPS hosts, network rules for tags, CIDRs and other ports) plus inbound NSG rules.
 * URL paths need TLS inspection; in-cluster traffic never reaches Azure networking.
 */
export const terraformCapabilities = {
  ...azureFirewallCapabilities,
  inbound: true,
} as const satisfies FormatCapabilities

/** Where a rule the format cannot say can go instead. */
export const terraformUnsupportedHelp = {
  inCluster: 'Render it with the network-policy format.',
} as const

/** The format as core's `triagePlan` reads it. */
export const terraformTriage: TriageFormat = {
  name: formatName,
  capabilities: terraformCapabilities,
  unsupportedHelp: terraformUnsupportedHelp,
}
