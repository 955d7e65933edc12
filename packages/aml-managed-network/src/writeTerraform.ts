/**
 * azurerm resources for the workspaces of a rule set:
 * `azurerm_machine_learning_workspace_network_outbound_rule_fqdn`, `_service_tag` and
 * `_private_endpoint`. The set's rules have `for_each` over `local.workspaces`, the set's workspace
 * ids; a workspace's own rules are resources of their own. Resource IDs come from
 * `var.workspace_resource_ids`, a map by workspace id, so one map serves every set. Attributes of
 * a block are aligned as `terraform fmt` aligns them; every string goes through `hclString`.
 */
import type { OutboundRule } from './model'
import { networksOf, type RuleSet } from './ruleSets'

const PREFIX = 'azurerm_machine_learning_workspace_network_outbound_rule'
/** The variable of workspace resource IDs, by workspace id. */
export const RESOURCE_IDS = 'workspace_resource_ids'
/** `for_each` of the set's rules, and their `workspace_id`. */
export const FOR_EACH = 'toset(local.workspaces)'
export const EACH_WORKSPACE = `var.${RESOURCE_IDS}[each.key]`

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

/** One workspace's resource ID: `var.workspace_resource_ids["<id>"]`. */
export function workspaceResourceId(workspace: string): string {
  return `var.${RESOURCE_IDS}[${hclString(workspace)}]`
}

/** A rule's block: for each workspace of the set, or (`workspace`) for that workspace alone. */
function ruleBlock(rule: OutboundRule, workspace?: string): string[] {
  // Names are letters, digits and `-`: with `_` for `-` they are distinct HCL identifiers; an own
  // rule's label ends with its workspace id, as two workspaces may have own rules of one name.
  const name = workspace === undefined ? rule.name : `${rule.name}-${workspace}`
  const label = name.replace(/[^A-Za-z0-9_]/g, '_')
  const common: Attribute[] =
    workspace === undefined
      ? [
          ['for_each', FOR_EACH],
          ['name', hclString(rule.name)],
          ['workspace_id', EACH_WORKSPACE],
        ]
      : [
          ['name', hclString(rule.name)],
          ['workspace_id', workspaceResourceId(workspace)],
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

function workspacesLocal(set: RuleSet): string[] {
  if (set.workspaces.length === 0)
    return [
      'locals {',
      `  # Every workspace in var.${RESOURCE_IDS}: no rule of the plan names one.`,
      `  workspaces = keys(var.${RESOURCE_IDS})`,
      '}',
    ]
  return [
    'locals {',
    '  # The workspaces of this rule set (workspace ids).',
    '  workspaces = [',
    ...set.workspaces.map((id) => `    ${hclString(id)},`),
    '  ]',
    '}',
  ]
}

/**
 * A rule set's Terraform file.
 * @example ruleSetTerraform({ set, source }) // HCL text
 */
export function ruleSetTerraform(input: {
  set: RuleSet
  /** `aml-egress, catalog <version>, docs of <date>`. */
  source: string
}): string {
  const { set } = input
  const lines = [
    `# Azure ML ${networksOf(set.name, set.workspaces)}: user-defined outbound rules (${input.source}).`,
    '# Azure ML creates its required rules itself; ../managed-by-aml.json lists them.',
    `variable "${RESOURCE_IDS}" {`,
    '  type        = map(string)',
    `  description = ${hclString('Resource ID of each Azure Machine Learning workspace, by workspace id (GUID); one map can serve every rule set')}`,
    '}',
    '',
    ...workspacesLocal(set),
  ]
  for (const rule of set.rules) lines.push('', ...ruleBlock(rule))
  for (const { workspace, rules } of set.ownRules) {
    lines.push('', `# Workspace ${workspace} alone needs these rules.`)
    rules.forEach((rule, i) => {
      lines.push(...(i === 0 ? [] : ['']), ...ruleBlock(rule, workspace))
    })
  }
  return `${lines.join('\n')}\n`
}
