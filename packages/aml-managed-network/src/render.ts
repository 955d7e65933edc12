import { compareOrdinal, type Plan, type RenderedFile, type RenderResult } from '@aml-egress/core'
import { buildManagedNetwork } from './build'
import type { ManagedNetworkRenderOptions } from './model'
import type { RuleSet } from './ruleSets'
import { ruleSetTemplate } from './writeArm'
import { MANIFEST_PATH, managedByAmlJson } from './writeManifest'
import { ruleSetScript } from './writeScript'
import { ruleSetTerraform } from './writeTerraform'
import { ruleSetYaml, workspaceYaml } from './writeYaml'

/** The directory of the rendered files. */
export const OUTPUT_DIRECTORY = 'aml-managed-network'

/** Where the rules come from, for file headers: one line, whatever the plan says. */
function sourceText(plan: Plan): string {
  const text = `aml-egress, catalog ${plan.catalog.version}, docs of ${plan.catalog.docDate}`
  return text.replace(/[^ -~]/g, ' ')
}

/** The YAML files of a set: one for its workspaces without own rules, one per workspace with. */
function yamlFiles(
  options: ManagedNetworkRenderOptions,
  input: { set: RuleSet; source: string; directory: string },
): RenderedFile[] {
  const { set, source, directory } = input
  const common = {
    name: set.name,
    source,
    isolationMode: options.isolationMode ?? 'allow_only_approved_outbound',
    firewallSku: options.firewallSku,
  }
  const withOwn = new Set(set.ownRules.map((entry) => entry.workspace))
  const workspaces = set.workspaces.filter((id) => !withOwn.has(id))
  const files: RenderedFile[] = []
  if (set.workspaces.length === 0 || workspaces.length > 0)
    files.push({
      path: `${directory}/workspace.yaml`,
      contents: ruleSetYaml({ ...common, workspaces, rules: set.rules }),
    })
  for (const { workspace, rules } of set.ownRules)
    files.push({
      path: `${directory}/workspace-${workspace}.yaml`,
      contents: workspaceYaml({
        ...common,
        workspace,
        rules: [...set.rules, ...rules].sort((a, b) => compareOrdinal(a.name, b.name)),
      }),
    })
  return files
}

function ruleSetFiles(
  options: ManagedNetworkRenderOptions,
  input: { set: RuleSet; source: string },
): RenderedFile[] {
  const { set } = input
  const output = options.output ?? 'all'
  const isolationMode = options.isolationMode ?? 'allow_only_approved_outbound'
  const directory = `${OUTPUT_DIRECTORY}/${set.name}`
  const files: RenderedFile[] = []
  if (output === 'all' || output === 'arm')
    files.push({ path: `${directory}/outbound-rules.json`, contents: ruleSetTemplate(input) })
  if (output === 'all' || output === 'cli')
    files.push({
      path: `${directory}/outbound-rules.sh`,
      contents: ruleSetScript({ ...input, isolationMode }),
    })
  if (output === 'all' || output === 'terraform')
    files.push({ path: `${directory}/outbound-rules.tf`, contents: ruleSetTerraform(input) })
  if (output === 'all' || output === 'yaml')
    files.push(...yamlFiles(options, { ...input, directory }))
  return files
}

/**
 * Renders the user-defined outbound rules of the workspaces' managed virtual networks, in the
 * shapes `output` picks (default all): `workspace.yaml` for `az ml workspace update --file`,
 * `outbound-rules.sh` of `az ml workspace outbound-rule set` commands, an ARM template and azurerm
 * resources, one directory per rule set (workspaces that need the same rules share one); and
 * `managed-by-aml.json`, the rules Azure ML applies itself, which are not repeated. Pure and
 * synchronous.
 * @example renderManagedNetwork(plan, { output: 'terraform' })
 */
export function renderManagedNetwork(
  plan: Plan,
  options: ManagedNetworkRenderOptions = {},
): RenderResult {
  const build = buildManagedNetwork(plan, options)
  const files: RenderedFile[] = []
  const source = sourceText(plan)
  for (const set of build.ruleSets) files.push(...ruleSetFiles(options, { set, source }))
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
