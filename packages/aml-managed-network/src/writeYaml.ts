import type { OutboundRule } from './model'
import { networksOf } from './ruleSets'

/**
 * The workspace YAML for `az ml workspace update --file`: the `managed_network` section with the
 * isolation mode, the firewall SKU when chosen, and the user-defined rules as azure-ai-ml's
 * workspace schema reads them (`type` in snake case, destinations with snake-case keys). Every
 * string is a JSON string, which YAML reads as a double-quoted scalar: no value becomes syntax.
 * A rule set's YAML serves each of its workspaces; a workspace that also needs rules of its own
 * gets a YAML of its own with all its rules (the docs do not say whether `update --file` adds to
 * a workspace's rules or replaces them, so each workspace's file is complete).
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

/** The list of workspaces a YAML is for, in comments at its end: for people, and for the reader. */
export const YAML_WORKSPACES = '# workspaces:'
/** The one workspace a YAML of a workspace's own rules is for. */
export const YAML_WORKSPACE = '# workspace: '

function managedNetworkLines(input: {
  isolationMode: YamlIsolationMode
  firewallSku?: 'standard' | 'basic' | undefined
  rules: readonly OutboundRule[]
}): string[] {
  const lines = ['managed_network:', `  isolation_mode: ${input.isolationMode}`]
  if (input.firewallSku) lines.push(`  firewall_sku: ${input.firewallSku}`)
  if (input.rules.length === 0) lines.push('  outbound_rules: []')
  else {
    lines.push('  outbound_rules:')
    for (const rule of input.rules) lines.push(...ruleLines(rule))
  }
  return lines
}

type YamlInput = {
  /** `aml-egress, catalog <version>, docs of <date>`: where the rules come from. */
  source: string
  isolationMode: YamlIsolationMode
  firewallSku?: 'standard' | 'basic' | undefined
}

const NOT_REPEATED =
  '# Azure ML creates its required rules itself; ../managed-by-aml.json lists them, they are not repeated here.'

/**
 * A rule set's `managed_network` YAML, for each of `workspaces` (empty: every workspace); the
 * workspaces are listed at the end.
 * @example ruleSetYaml({ name: 'rule-set-1a2b3c4d', workspaces, rules, source, isolationMode })
 */
export function ruleSetYaml(
  input: YamlInput & {
    name: string
    workspaces: readonly string[]
    rules: readonly OutboundRule[]
  },
): string {
  const { workspaces } = input
  const lines = [
    `# Azure ML ${networksOf(input.name, workspaces)}: user-defined outbound rules (${input.source}).`,
    ...(workspaces.length > 1 ? ['# The workspaces are listed at the end.'] : []),
    `# Apply${workspaces.length === 1 ? '' : ' to each workspace'}: az ml workspace update --file workspace.yaml --name <workspace name> --resource-group <group>`,
    NOT_REPEATED,
    ...managedNetworkLines(input),
  ]
  if (workspaces.length > 0) lines.push(YAML_WORKSPACES, ...workspaces.map((id) => `#   - ${id}`))
  return `${lines.join('\n')}\n`
}

/**
 * The YAML of one workspace of a rule set that also needs rules of its own: the set's rules and
 * its own, complete, so that it is the one file `az ml workspace update --file` needs for it.
 * @example workspaceYaml({ name, workspace, rules, source, isolationMode })
 */
export function workspaceYaml(
  input: YamlInput & { name: string; workspace: string; rules: readonly OutboundRule[] },
): string {
  const lines = [
    `# Azure ML managed virtual network of workspace ${input.workspace}: user-defined outbound rules, those of ${input.name} and its own (${input.source}).`,
    `# Apply (instead of workspace.yaml): az ml workspace update --file workspace-${input.workspace}.yaml --name <workspace name> --resource-group <group>`,
    NOT_REPEATED,
    ...managedNetworkLines(input),
    `${YAML_WORKSPACE}${input.workspace}`,
  ]
  return `${lines.join('\n')}\n`
}
