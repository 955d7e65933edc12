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

/** Where the rules come from, for file headers: one line, whatever the plan says. */
function sourceText(plan: Plan): string {
  const text = `aml-egress, catalog ${plan.catalog.version}, docs of ${plan.catalog.docDate}`
  return text.replace(/[^ -~]/g, ' ')
}

function workspaceFiles(
  options: ManagedNetworkRenderOptions,
  input: { workspace: string; source: string; rules: readonly OutboundRule[] },
): RenderedFile[] {
  const { workspace, source, rules } = input
  const output = options.output ?? 'all'
  const isolationMode = options.isolationMode ?? 'allow_only_approved_outbound'
  const directory = `${OUTPUT_DIRECTORY}/${workspace}`
  const files: RenderedFile[] = []
  if (output === 'all' || output === 'arm')
    files.push({
      path: `${directory}/outbound-rules.json`,
      contents: armTemplate({ workspace, source, rules }),
    })
  if (output === 'all' || output === 'cli')
    files.push({
      path: `${directory}/outbound-rules.sh`,
      contents: outboundRuleScript({ workspace, source, isolationMode, rules }),
    })
  if (output === 'all' || output === 'terraform')
    files.push({
      path: `${directory}/outbound-rules.tf`,
      contents: outboundRulesTerraform({ workspace, source, rules }),
    })
  if (output === 'all' || output === 'yaml')
    files.push({
      path: `${directory}/workspace.yaml`,
      contents: workspaceYaml({
        workspace,
        source,
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
  const source = sourceText(plan)
  for (const workspace of build.workspaces) {
    const rules = build.rulesByWorkspace.get(workspace) ?? []
    files.push(...workspaceFiles(options, { workspace, source, rules }))
  }
  files.push({
    path: MANIFEST_PATH,
    contents: managedByAmlJson({
      catalog: plan.catalog,
      isolationMode: build.isolationMode,
      sourceAddresses: plan.sourceAddresses,
      workspaces: build.workspaces,
      rules: build.amlManaged,
    }),
  })
  files.sort((a, b) => compareOrdinal(a.path, b.path))
  return { files, diagnostics: build.diagnostics }
}
