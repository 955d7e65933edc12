/**
 * Renders a plan as a reusable Terraform module: the azure-firewall model serialised as
 * `azurerm_firewall_policy_rule_collection_group` HCL, plus `azurerm_network_security_rule`s for the
 * subnet NSG. Pure and deterministic; every profile-derived string goes through `hclString`.
 */
import {
  type AzureFirewallRenderOptions,
  azureAddresses,
  buildFirewallPolicy,
  type RuleCollectionGroup,
} from '@aml-egress/azure-firewall'
import {
  compareOrdinal,
  createDiagnostic,
  type Diagnostic,
  type Plan,
  type RenderResult,
  sortDiagnostics,
  triagePlan,
} from '@aml-egress/core'
import { formatName, terraformTriage } from './capabilities'
import { type FirewallHclContext, ruleCollectionGroupResource } from './firewallHcl'
import { formatHcl, HclWriter } from './hcl'
import type { TerraformRenderOptions } from './model'
import { header, nsgResource, outputsFile, variablesFile, versionsFile } from './moduleHcl'
import { type BuiltNsgRule, buildNsgRules } from './nsg'

/** The render options with their defaults filled in. */
type Settings = {
  directory: string
  nsgBasePriority: number
  firewall: AzureFirewallRenderOptions & { basePriority: number }
}

function settingsOf(options: TerraformRenderOptions): Settings {
  return {
    directory: (options.directory ?? 'terraform').replace(/^\/+|\/+$/g, ''),
    nsgBasePriority: options.nsgBasePriority ?? 1000,
    firewall: {
      groupName: options.ruleCollectionGroupName ?? 'aml-egress',
      ...(options.diagnostics !== undefined ? { diagnostics: options.diagnostics } : {}),
      basePriority: options.basePriority ?? 500,
      ...(options.dnsProxy !== undefined ? { dnsProxy: options.dnsProxy } : {}),
      ...(options.maxGroupBytes !== undefined ? { maxGroupBytes: options.maxGroupBytes } : {}),
    },
  }
}

/** Application rules that name a service tag in `destination_addresses`, which azurerm rejects. */
function applicationRuleChecks(groups: readonly RuleCollectionGroup[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  for (const group of groups)
    for (const collection of group.ruleCollections)
      for (const rule of collection.rules)
        if (
          rule.ruleType === 'ApplicationRule' &&
          rule.destinationAddresses.some((address) => /^[A-Za-z]/.test(address))
        )
          diagnostics.push(
            createDiagnostic({
              code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
              // An error, not the code's warning: terraform apply would fail on this rule.
              severity: 'error',
              message: `Application rule ${rule.name} names a service tag in destination_addresses, which azurerm rejects.`,
              format: formatName,
            }),
          )
  return diagnostics
}

/** A test for the plan's compute subnets, in any order: the rules write them as a variable. */
function isPlanSources(plan: Plan): (values: readonly string[]) => boolean {
  const sources = azureAddresses(plan.sourceAddresses).sort(compareOrdinal)
  return (values) => {
    if (sources.length === 0 || values.length !== sources.length) return false
    const sorted = [...values].sort(compareOrdinal)
    return sources.every((value, at) => value === sorted[at])
  }
}

/** `main.tf`: the rule collection groups, then the NSG rules, a blank line between resources. */
function mainFile(
  plan: Plan,
  input: { groups: readonly RuleCollectionGroup[]; nsgRules: readonly BuiltNsgRule[] },
  settings: Settings,
): string {
  const writer = new HclWriter()
  writer.body(
    header(plan, 'Azure Firewall policy rules and subnet NSG rules for Azure Machine Learning.'),
    0,
  )
  const context: FirewallHclContext = { isSourceVariable: isPlanSources(plan) }
  const first = input.groups[0]?.priority ?? settings.firewall.basePriority
  const resources = [
    ...input.groups.map(
      (group) => () =>
        ruleCollectionGroupResource(writer, { group, offset: group.priority - first, context }),
    ),
    ...input.nsgRules.map(
      (rule) => () => writer.body(nsgResource(rule, { base: settings.nsgBasePriority }), 0),
    ),
  ]
  resources.forEach((write, index) => {
    if (index > 0) writer.blank()
    write()
  })
  return writer.text()
}

/** How far past `nsg_base_priority` the NSG rules of either direction go. */
function nsgSpan(rules: readonly BuiltNsgRule[], base: number): number {
  return Math.max(0, ...rules.map((rule) => (rule.priority ?? base) - base))
}

/**
 * Renders the plan as a Terraform module under `options.directory` (default `terraform/`):
 * `main.tf`, `variables.tf`, `outputs.tf`, `versions.tf`.
 * @example renderTerraform(plan).files.map((file) => file.path) // ['terraform/main.tf', …]
 */
export function renderTerraform(plan: Plan, options: TerraformRenderOptions = {}): RenderResult {
  const settings = settingsOf(options)
  // One triage for the module: outbound rules go to the firewall policy, all of them to NSGs.
  const triage = triagePlan(plan, terraformTriage, options)
  const firewall = buildFirewallPolicy(plan, settings.firewall, triage, formatName)
  const nsg = buildNsgRules({
    rules: triage.rules,
    basePriority: settings.nsgBasePriority,
    ...(options.diagnostics !== undefined ? { diagnostics: options.diagnostics } : {}),
  })
  const groups = firewall.policy.ruleCollectionGroups
  // `concat` copies a fleet's 80,000 diagnostics without iterating them one by one, as spread does.
  const diagnostics = firewall.diagnostics.concat(nsg.diagnostics, applicationRuleChecks(groups))
  const path = (name: string) => `${settings.directory}/${name}`
  const variables = variablesFile(plan, {
    basePriority: groups[0]?.priority ?? settings.firewall.basePriority,
    groups: Math.max(1, groups.length),
    ...(nsg.rules.length > 0
      ? {
          nsg: {
            nsgBasePriority: settings.nsgBasePriority,
            nsgSpan: nsgSpan(nsg.rules, settings.nsgBasePriority),
          },
        }
      : {}),
  })
  const files = [
    { path: path('main.tf'), contents: mainFile(plan, { groups, nsgRules: nsg.rules }, settings) },
    {
      path: path('outputs.tf'),
      contents: formatHcl(outputsFile(plan, { groups, nsgRules: nsg.rules })),
    },
    { path: path('variables.tf'), contents: formatHcl(variables) },
    { path: path('versions.tf'), contents: formatHcl(versionsFile(plan)) },
  ]
  return { files, diagnostics: sortDiagnostics(diagnostics) }
}
