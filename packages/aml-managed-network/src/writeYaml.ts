import type { OutboundRule } from './model'

/**
 * The workspace YAML for `az ml workspace update --file`: the `managed_network` section with the
 * isolation mode, the firewall SKU when chosen, and the user-defined rules as azure-ai-ml's
 * workspace schema reads them (`type` in snake case, destinations with snake-case keys). Every
 * string is a JSON string, which YAML reads as a double-quoted scalar: no value becomes syntax.
 */

/** `allow_only_approved_outbound` / `allow_internet_outbound` in the YAML's spelling. */
export type YamlIsolationMode = 'allow_only_approved_outbound' | 'allow_internet_outbound'

function quoted(text: string): string {
  return JSON.stringify(text)
}

function ruleLines(rule: OutboundRule): string[] {
  const head = `  - name: ${quoted(rule.name)}`
  switch (rule.type) {
    case 'FQDN':
      return [head, '    type: fqdn', `    destination: ${quoted(rule.destination)}`]
    case 'ServiceTag':
      return [
        head,
        '    type: service_tag',
        '    destination:',
        `      service_tag: ${quoted(rule.serviceTag)}`,
        `      protocol: ${quoted(rule.protocol)}`,
        `      port_ranges: ${quoted(rule.portRanges)}`,
      ]
    case 'PrivateEndpoint':
      return [
        head,
        '    type: private_endpoint',
        '    destination:',
        `      service_resource_id: ${quoted(rule.serviceResourceId)}`,
        `      subresource_target: ${quoted(rule.subresourceTarget)}`,
        `      spark_enabled: ${rule.sparkEnabled}`,
      ]
  }
}

/**
 * One workspace's `managed_network` YAML.
 * @example workspaceYaml({ workspace, isolationMode: 'allow_only_approved_outbound', rules })
 */
export function workspaceYaml(input: {
  workspace: string
  /** `aml-egress, catalog <version>, docs of <date>`: where the rules come from. */
  source: string
  isolationMode: YamlIsolationMode
  firewallSku?: 'standard' | 'basic'
  rules: readonly OutboundRule[]
}): string {
  const lines = [
    `# Azure ML managed virtual network of workspace ${input.workspace}: user-defined outbound rules (${input.source}).`,
    '# Apply: az ml workspace update --file workspace.yaml --name <workspace name> --resource-group <group>',
    '# Azure ML creates its required rules itself; ../managed-by-aml.json lists them, they are not repeated here.',
    'managed_network:',
    `  isolation_mode: ${input.isolationMode}`,
  ]
  if (input.firewallSku) lines.push(`  firewall_sku: ${input.firewallSku}`)
  if (input.rules.length === 0) lines.push('  outbound_rules: []')
  else {
    lines.push('  outbound_rules:')
    for (const rule of input.rules) lines.push(...ruleLines(rule))
  }
  return `${lines.join('\n')}\n`
}
