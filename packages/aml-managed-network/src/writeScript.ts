import type { OutboundRule } from './model'
import type { YamlIsolationMode } from './writeYaml'

/**
 * A POSIX shell script of `az ml workspace outbound-rule set` commands. `set` creates or updates
 * a rule by name, so the script can run again. Every value is single-quoted (a `'` inside becomes
 * `'\''`); the workspace and group come from the environment, double-quoted.
 */

/** `text` as one single-quoted shell word. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`
}

const TARGET = '--workspace-name "$WORKSPACE_NAME" --resource-group "$RESOURCE_GROUP"'

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

/**
 * One workspace's script.
 * @example outboundRuleScript({ workspace, isolationMode: 'allow_only_approved_outbound', rules })
 */
export function outboundRuleScript(input: {
  workspace: string
  /** `aml-egress, catalog <version>, docs of <date>`. */
  source: string
  isolationMode: YamlIsolationMode
  rules: readonly OutboundRule[]
}): string {
  const lines = [
    '#!/bin/sh',
    `# Azure ML managed virtual network of workspace ${input.workspace}: user-defined outbound rules (${input.source}).`,
    '# `az ml workspace outbound-rule set` creates or updates a rule by name: running this again is safe.',
    '# Usage: WORKSPACE_NAME=<workspace name> RESOURCE_GROUP=<group> sh outbound-rules.sh',
    'set -eu',
    // Shell parameter expansion, not a template: the script stops when a variable is unset.
    `: "$\{WORKSPACE_NAME:?set WORKSPACE_NAME to the workspace name}"`,
    `: "$\{RESOURCE_GROUP:?set RESOURCE_GROUP to the resource group of the workspace}"`,
    '',
    '# One way only: isolation cannot be turned off, nor go back from approved-only to internet outbound.',
    `az ml workspace update --name "$WORKSPACE_NAME" --resource-group "$RESOURCE_GROUP" --managed-network ${input.isolationMode}`,
  ]
  for (const rule of input.rules)
    lines.push(
      '',
      `az ml workspace outbound-rule set ${TARGET} \\`,
      `  --rule ${shellQuote(rule.name)} ${ruleArguments(rule).join(' ')}`,
    )
  return `${lines.join('\n')}\n`
}
