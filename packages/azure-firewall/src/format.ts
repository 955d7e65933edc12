import { defineFormat, type FormatCapabilities } from '@aml-egress/core'
import type { AzureFirewallRenderOptions } from './build'
import { evaluateFirewallPolicy } from './evaluate'
import type { FirewallPolicyConfig } from './model'
import { readFirewallPolicy } from './read'
import { renderAzureFirewall } from './render'

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
  urlPath: false,
} as const satisfies FormatCapabilities

/**
 * The `azure-firewall` format: an ARM template of rule collection groups for an existing policy,
 * read back (templates, resource JSON, classic firewalls) and evaluated with Azure's rule order.
 * @example const { files } = azureFirewallFormat.render(plan)
 */
export const azureFirewallFormat = defineFormat<FirewallPolicyConfig, AzureFirewallRenderOptions>({
  name: 'azure-firewall',
  title: 'Azure Firewall policy (ARM)',
  capabilities: azureFirewallCapabilities,
  unsupportedHelp: {
    inbound: 'Allow it in the subnet NSG (render with the terraform format).',
    inCluster: 'Render it with the network-policy format.',
  },
  fileExtensions: ['.json'],
  renderOptions: [
    {
      key: 'basePriority',
      flag: 'base-priority',
      description: 'priority of the first rule collection group',
      type: 'integer',
      default: '1000',
    },
    {
      key: 'dnsProxy',
      flag: 'dns-proxy',
      description: 'exact hosts on other ports as network-rule FQDNs (needs the policy DNS proxy)',
      type: 'boolean',
      default: 'true',
    },
  ],
  render: (plan, options) => renderAzureFirewall(plan, options),
  read: async (files) => readFirewallPolicy(files),
  evaluate: (config, flow) => evaluateFirewallPolicy(config, flow),
})
