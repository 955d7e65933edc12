import { compareOrdinal, type Plan, type RenderedFile, type RenderResult } from '@aml-egress/core'
import { buildManagedNetwork } from './build'
import type { ManagedNetworkRenderOptions, OutboundRule } from './model'
import { armTemplate } from './writeArm'
import { MANIFEST_PATH, managedByAmlJson } from './writeManifest'
import { outboundRuleScript } from './writeScript'
import { outboundRulesTerraform } from './writeTerraform'
import { workspaceYaml } from './writeYaml'

/** The directory of the rendered files. */
export const OUTPUT_DIRECTORY = 'aml-managed-network'

function workspaceFiles(
  options: ManagedNetworkRenderOptions,
  workspace: string,
  rules: readonly OutboundRule[],
): RenderedFile[] {
  const output = options.output ?? 'all'
  const isolationMode = options.isolationMode ?? 'allow_only_approved_outbound'
  const directory = `${OUTPUT_DIRECTORY}/${workspace}`
  const files: RenderedFile[] = []
  if (output === 'all' || output === 'arm')
    files.push({
      path: `${directory}/outbound-rules.json`,
      contents: armTemplate({ workspace, rules }),
    })
  if (output === 'all' || output === 'cli')
    files.push({
      path: `${directory}/outbound-rules.sh`,
      contents: outboundRuleScript({ workspace, isolationMode, rules }),
    })
  if (output === 'all' || output === 'terraform')
    files.push({
      path: `${directory}/outbound-rules.tf`,
      contents: outboundRulesTerraform({ workspace, rules }),
    })
  if (output === 'all' || output === 'yaml')
    files.push({
      path: `${directory}/workspace.yaml`,
      contents: workspaceYaml({
        workspace,
        isolationMode,
        firewallSku: options.firewallSku,
        rules,
      }),
    })
  return files
}

/**
 * Renders the user-defined outbound rules of each workspace's managed virtual network, in the
 * shapes `output` picks (default all): `workspace.yaml` for `az ml workspace update --file`,
 * `outbound-rules.sh` of `az ml workspace outbound-rule set` commands, an ARM template and azurerm
 * resources, one directory per workspace; and `managed-by-aml.json`, the rules Azure ML applies
 * itself, which are not repeated. Pure and synchronous.
 * @example renderManagedNetwork(plan, { output: 'terraform' })
 */
export function renderManagedNetwork(
  plan: Plan,
  options: ManagedNetworkRenderOptions = {},
): RenderResult {
  const build = buildManagedNetwork(plan, options)
  const files: RenderedFile[] = []
  for (const workspace of build.workspaces)
    files.push(...workspaceFiles(options, workspace, build.rulesByWorkspace.get(workspace) ?? []))
  files.push({
    path: MANIFEST_PATH,
    contents: managedByAmlJson({
      isolationMode: build.isolationMode,
      sourceAddresses: plan.sourceAddresses,
      workspaces: build.workspaces,
      rules: build.amlManaged,
    }),
  })
  files.sort((a, b) => compareOrdinal(a.path, b.path))
  return { files, diagnostics: build.diagnostics }
}
