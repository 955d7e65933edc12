import { defineFormat, type FormatCapabilities } from '@aml-egress/core'
import { evaluateTerraform } from './evaluate'
import type { TerraformConfig, TerraformRenderOptions } from './model'
import { readTerraform } from './read'
import { renderTerraform } from './render'

/**
 * What the Terraform format can say: everything the Azure Firewall policy can (application rules
 * for HTTP/HTTPS hosts, network rules for tags, CIDRs and other ports) plus inbound NSG rules.
 * URL paths need TLS inspection; in-cluster traffic never reaches Azure networking.
 */
export const terraformCapabilities = {
  exactFqdn: true,
  wildcardFqdn: true,
  serviceTag: true,
  cidr: true,
  nonHttpPorts: true,
  udp: true,
  inbound: true,
  inCluster: false,
  urlPath: false,
} as const satisfies FormatCapabilities

/**
 * The Terraform (azurerm) format: renders a reusable module, reads `.tf`/`.tfvars` back.
 * @example const { files } = terraformFormat.render(plan, { directory: 'terraform' })
 */
export const terraformFormat = defineFormat<TerraformConfig, TerraformRenderOptions>({
  name: 'terraform',
  title: 'Terraform (azurerm)',
  capabilities: terraformCapabilities,
  unsupportedHelp: { inCluster: 'Render it with the network-policy format.' },
  fileExtensions: ['.tf'],
  renderOptions: [
    {
      key: 'basePriority',
      flag: 'base-priority',
      description: 'default of var.base_priority, the first rule collection group priority',
      type: 'integer',
      default: '500',
    },
    {
      key: 'dnsProxy',
      flag: 'dns-proxy',
      description: 'exact hosts on other ports as network-rule FQDNs (needs the policy DNS proxy)',
      type: 'boolean',
      default: 'true',
    },
  ],
  render: renderTerraform,
  read: readTerraform,
  evaluate: evaluateTerraform,
})
