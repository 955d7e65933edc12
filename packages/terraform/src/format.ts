import { maxGroupBytesOption } from '@aml-egress/azure-firewall'
import { defineFormat } from '@aml-egress/core'
import { formatName, terraformCapabilities, terraformUnsupportedHelp } from './capabilities'
import { evaluateTerraform } from './evaluate'
import type { TerraformConfig, TerraformRenderOptions } from './model'
import { readTerraform } from './read'
import { terraformReferences } from './references'
import { renderTerraform } from './render'

/**
 * The Terraform (azurerm) format: renders a reusable module, reads `.tf`/`.tfvars` back.
 * @example const { files } = terraformFormat.render(plan, { directory: 'terraform' })
 */
export const terraformFormat = defineFormat<TerraformConfig, TerraformRenderOptions>({
  name: formatName,
  title: 'Terraform (azurerm)',
  capabilities: terraformCapabilities,
  unsupportedHelp: terraformUnsupportedHelp,
  fileExtensions: ['.tf', '.tf.json'],
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
      description:
        'exact hosts on other ports as network-rule FQDNs (needs the policy DNS proxy); --no-dns-proxy: their service tags',
      type: 'boolean',
      default: "FQDNs within Azure's 20,000 network-rule pairs, else the hosts' service tags",
    },
    maxGroupBytesOption,
  ],
  render: renderTerraform,
  read: readTerraform,
  evaluate: evaluateTerraform,
  references: terraformReferences,
})
