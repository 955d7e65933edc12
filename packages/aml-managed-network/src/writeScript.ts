/**
 * A POSIX shell script of `az ml workspace outbound-rule set` commands for the workspaces of a
 * rule set. `set` creates or updates a rule by name, so the script can run again. It reads a list
 * of workspaces (id, name, resource group) and applies the set's rules to each workspace of the
 * set, and a workspace's own rules to it alone. Every value the renderer writes is single-quoted
 * (a `'` inside becomes `'\''`); names and groups from the list are double-quoted.
 */
import type { OutboundRule } from './model'
import { networksOf, type RuleSet } from './ruleSets'
import type { YamlIsolationMode } from './writeYaml'

/** `text` as one single-quoted shell word. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`
}

/** The function that applies the set's rules: `rule_set <workspace name> <resource group>`. */
export const RULE_SET_FUNCTION = 'rule_set'

function ruleArguments(rule: OutboundRule): string[] {
  switch (rule.type) {
    case 'FQDN':
      return ['--type', 'fqdn', '--destination', shellQuote(rule.destination)]
    case 'ServiceTag':
      return [
        '--type',
        'service_tag',
        '--service-tag',
        shellQuote(rule.serviceTag),
        '--protocol',
        shellQuote(rule.protocol),
        '--port-ranges',
        shellQuote(rule.portRanges),
      ]
    case 'PrivateEndpoint':
      return [
        '--type',
        'private_endpoint',
        '--service-resource-id',
        shellQuote(rule.serviceResourceId),
        '--subresource-target',
        shellQuote(rule.subresourceTarget),
        ...(rule.sparkEnabled ? ['--spark-enabled'] : []),
      ]
  }
}

function ruleCommand(rule: OutboundRule, target: string, indent: string): string[] {
  return [
    `${indent}az ml workspace outbound-rule set ${target} \\`,
    `${indent}  --rule ${shellQuote(rule.name)} ${ruleArguments(rule).join(' ')}`,
  ]
}

function ruleSetFunction(set: RuleSet, isolationMode: YamlIsolationMode): string[] {
  const target = '--workspace-name "$1" --resource-group "$2"'
  const lines = [
    `# The rules of every workspace of the set. Usage: ${RULE_SET_FUNCTION} <workspace name> <resource group>`,
    `${RULE_SET_FUNCTION}() {`,
    // Shell parameter expansion, not a template: the script stops when a line has no group.
    `  : "$\{2:?a line needs <workspace id> <workspace name> <resource group>}"`,
    '  # One way only: isolation cannot be turned off, nor go back from approved-only to internet outbound.',
    `  az ml workspace update --name "$1" --resource-group "$2" --managed-network ${isolationMode}`,
  ]
  for (const rule of set.rules) lines.push('', ...ruleCommand(rule, target, '  '))
  lines.push('}')
  return lines
}

/** The loop over the list: a `case` branch per workspace of the set, with its own rules. */
function workspaceLoop(set: RuleSet): string[] {
  const apply = `${RULE_SET_FUNCTION} "$name" "$group"`
  const target = '--workspace-name "$name" --resource-group "$group"'
  const own = new Map(set.ownRules.map((entry) => [entry.workspace, entry.rules]))
  const branches =
    set.workspaces.length === 0
      ? ["  '' | '#'*) ;;", `  *) ${apply} ;;`]
      : set.workspaces.flatMap((id) => {
          const rules = own.get(id)
          if (!rules) return [`  ${shellQuote(id)}) ${apply} ;;`]
          return [
            `  ${shellQuote(id)})`,
            `    ${apply}`,
            ...rules.flatMap((rule) => ruleCommand(rule, target, '    ')),
            '    ;;',
          ]
        })
  return [
    '# The list is read on descriptor 3, so that no command in the loop reads it; a last line',
    '# without a newline counts.',
    'while read -r id name group _ <&3 || [ -n "$id" ]; do',
    '  case $id in',
    ...branches,
    '  esac',
    'done 3<&0 </dev/null',
  ]
}

/**
 * A rule set's script.
 * @example ruleSetScript({ set, source, isolationMode: 'allow_only_approved_outbound' })
 */
export function ruleSetScript(input: {
  set: RuleSet
  /** `aml-egress, catalog <version>, docs of <date>`. */
  source: string
  isolationMode: YamlIsolationMode
}): string {
  const { set } = input
  const [only] = set.workspaces
  const usage =
    set.workspaces.length === 1 && only !== undefined
      ? [`# Usage: echo '${only} <workspace name> <resource group>' | sh outbound-rules.sh`]
      : [
          '# Usage: sh outbound-rules.sh < workspaces.txt, a line per workspace:',
          '#   <workspace id> <workspace name> <resource group>',
          set.workspaces.length === 0
            ? '# Every workspace listed gets the rules.'
            : '# Workspaces of other rule sets are skipped, so one list serves every rule set.',
        ]
  const lines = [
    '#!/bin/sh',
    `# Azure ML ${networksOf(set.name, set.workspaces)}: user-defined outbound rules (${input.source}).`,
    '# `az ml workspace outbound-rule set` creates or updates a rule by name: running this again is safe.',
    ...usage,
    'set -eu',
    '',
    ...ruleSetFunction(set, input.isolationMode),
    '',
    ...workspaceLoop(set),
  ]
  return `${lines.join('\n')}\n`
}
