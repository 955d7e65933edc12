import { defineFormat, type RenderOptionSpec } from '@aml-egress/core'
import type { AzureFirewallRenderOptions } from './build'
import { azureFirewallCapabilities, azureFirewallUnsupportedHelp, formatName } from './descriptor'
import { evaluateAzureFirewall } from './evaluate'
import { type FirewallPolicyConfig, firewallLimits } from './model'
import { readAzureFirewall } from './read'
import { renderAzureFirewall } from './render'

/** The group size budget as a render flag; terraform offers the same one. */
export const maxGroupBytesOption: RenderOptionSpec<{ maxGroupBytes?: number }> = {
  key: 'maxGroupBytes',
  flag: 'max-group-bytes',
  description:
    'size budget of a rule collection group (1 MB for policies created before July 2022, 2 MB after)',
  type: 'integer',
  default: String(firewallLimits.maxGroupBytes),
}

/**
 * The `azure-firewall` format: an ARM template of rule collection groups for an existing policy,
 * read back (templates, resource JSON, classic firewalls) and evaluated with Azure's rule order.
 * @example const { files } = azureFirewallFormat.render(plan)
 */
export const azureFirewallFormat = defineFormat<FirewallPolicyConfig, AzureFirewallRenderOptions>({
  name: formatName,
  title: 'Azure Firewall policy (ARM)',
  capabilities: azureFirewallCapabilities,
  unsupportedHelp: azureFirewallUnsupportedHelp,
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
      description:
        'exact hosts on other ports as network-rule FQDNs (needs the policy DNS proxy); --no-dns-proxy: their service tags',
      type: 'boolean',
      default: "FQDNs within Azure's 20,000 network-rule pairs, else the hosts' service tags",
    },
    {
      key: 'files',
      flag: 'arm-files',
      description:
        'deployable files: ARM template(s), plain rule collection group resources, or both',
      type: 'choice',
      choices: ['template', 'groups', 'both'],
      default: 'template',
    },
    maxGroupBytesOption,
  ],
  render: (plan, options) => renderAzureFirewall(plan, options),
  read: readAzureFirewall,
  evaluate: evaluateAzureFirewall,
})
