import { defineFormat } from '@aml-egress/core'
import { managedNetworkDescriptor } from './descriptor'
import { evaluateManagedNetwork } from './evaluate'
import type { ManagedNetworkConfig, ManagedNetworkRenderOptions } from './model'
import { FILE_EXTENSIONS, readManagedNetwork } from './read'
import { renderManagedNetwork } from './render'

/**
 * Azure ML managed virtual network: the user-defined outbound rules each workspace needs on top of
 * what Azure ML creates itself, as workspace YAML, `az ml` commands, ARM and azurerm; reads those
 * shapes and `az ml workspace outbound-rule list` output back to evaluate flows.
 * @example amlManagedNetworkFormat.render(plan, { output: 'terraform' })
 */
export const amlManagedNetworkFormat = defineFormat<
  ManagedNetworkConfig,
  ManagedNetworkRenderOptions
>({
  ...managedNetworkDescriptor,
  title: 'Azure ML managed virtual network outbound rules',
  fileExtensions: FILE_EXTENSIONS,
  renderOptions: [
    {
      key: 'output',
      flag: 'output',
      description:
        'the shapes to write: all, yaml (az ml workspace update --file), cli (az ml commands), arm or terraform',
      type: 'choice',
      choices: ['all', 'yaml', 'cli', 'arm', 'terraform'],
      default: 'all',
    },
    {
      key: 'isolationMode',
      flag: 'isolation-mode',
      description:
        'the managed network mode the rules are for (internet outbound takes private endpoint rules only)',
      type: 'choice',
      choices: ['allow_only_approved_outbound', 'allow_internet_outbound'],
      default: 'allow_only_approved_outbound',
    },
    {
      key: 'firewallSku',
      flag: 'firewall-sku',
      description:
        'Azure Firewall SKU for FQDN rules, written to the YAML (default: left as it is)',
      type: 'choice',
      choices: ['standard', 'basic'],
    },
    {
      key: 'privateEndpoints',
      flag: 'private-endpoints',
      description:
        'JSON file: storage account name → resource ID, for private endpoint rules to accounts other than the default one',
      type: 'jsonFile',
    },
  ],
  render: renderManagedNetwork,
  read: readManagedNetwork,
  evaluate: evaluateManagedNetwork,
})
