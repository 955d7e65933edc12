import type { OutboundRule } from './model'

/**
 * azurerm resources for one workspace: `azurerm_machine_learning_workspace_network_outbound_rule_fqdn`,
 * `_service_tag` and `_private_endpoint`, on `var.workspace_id`. Attributes of a block are
 * aligned as `terraform fmt` aligns them; every string goes through `hclString`.
 */

const PREFIX = 'azurerm_machine_learning_workspace_network_outbound_rule'

/** A quoted HCL string: `"`, `\` and control characters escaped, `${` and `%{` doubled. */
export function hclString(text: string): string {
  const escaped = JSON.stringify(text).slice(1, -1)
  return `"${escaped.replaceAll('${', '$${').replaceAll('%{', '%%{')}"`
}

type Attribute = readonly [name: string, value: string]

function block(type: string, label: string, attributes: readonly Attribute[]): string[] {
  const width = Math.max(...attributes.map(([name]) => name.length))
  return [
    `resource "${PREFIX}_${type}" "${label}" {`,
    ...attributes.map(([name, value]) => `  ${name.padEnd(width)} = ${value}`),
    '}',
  ]
}

function ruleBlock(rule: OutboundRule): string[] {
  // Names are letters, digits and `-`: with `_` for `-` they are distinct HCL identifiers.
  const label = rule.name.replaceAll('-', '_')
  const common: Attribute[] = [
    ['name', hclString(rule.name)],
    ['workspace_id', 'var.workspace_id'],
  ]
  switch (rule.type) {
    case 'FQDN':
      return block('fqdn', label, [...common, ['destination_fqdn', hclString(rule.destination)]])
    case 'ServiceTag':
      return block('service_tag', label, [
        ...common,
        ['service_tag', hclString(rule.serviceTag)],
        ['protocol', hclString(rule.protocol)],
        ['port_ranges', hclString(rule.portRanges)],
      ])
    case 'PrivateEndpoint':
      return block('private_endpoint', label, [
        ...common,
        ['service_resource_id', hclString(rule.serviceResourceId)],
        ['sub_resource_target', hclString(rule.subresourceTarget)],
        ['spark_enabled', String(rule.sparkEnabled)],
      ])
  }
}

/**
 * One workspace's Terraform file.
 * @example outboundRulesTerraform({ workspace, rules }) // HCL text
 */
export function outboundRulesTerraform(input: {
  workspace: string
  /** `aml-egress, catalog <version>, docs of <date>`. */
  source: string
  rules: readonly OutboundRule[]
}): string {
  const lines = [
    `# Azure ML managed virtual network of workspace ${input.workspace}: user-defined outbound rules (${input.source}).`,
    '# Azure ML creates its required rules itself; ../managed-by-aml.json lists them.',
    'variable "workspace_id" {',
    '  type        = string',
    `  description = ${hclString(`Resource ID of the Azure Machine Learning workspace ${input.workspace}`)}`,
    '}',
  ]
  for (const rule of input.rules) lines.push('', ...ruleBlock(rule))
  return `${lines.join('\n')}\n`
}
