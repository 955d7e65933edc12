/**
 * An ARM template of `Microsoft.MachineLearningServices/workspaces/outboundRules` resources
 * (api-version 2026-05-01) for the workspaces of a rule set, deployed once per workspace: rules
 * named `[format('{0}/{1}', parameters('workspaceName'), '<rule>')]` as Bicep writes child
 * resources, and a `workspaceId` parameter that takes the set's workspace ids only. A workspace's
 * own rules are deployed on the condition that `workspaceId` is that workspace. Each rule depends
 * on the one before it, so they are written one at a time (a rule that depends on one whose
 * condition is false depends on nothing there: ARM drops it). Rule names are this package's own
 * (letters, digits, `-`); a string value that starts with `[` gets a second `[`, ARM's escape for
 * a literal, so no value is an expression.
 */
import type { OutboundRule } from './model'
import { networksOf, type RuleSet } from './ruleSets'

export const API_VERSION = '2026-05-01'
export const RULE_TYPE = 'Microsoft.MachineLearningServices/workspaces/outboundRules'

type Json = string | number | boolean | Json[] | { [key: string]: Json }

/** A string as an ARM template literal: never an expression. */
export function armLiteral(text: string): string {
  return text.startsWith('[') ? `[${text}` : text
}

function ruleProperties(rule: OutboundRule): Json {
  const common = { type: rule.type, category: 'UserDefined' }
  switch (rule.type) {
    case 'FQDN':
      return { ...common, destination: armLiteral(rule.destination) }
    case 'ServiceTag':
      return {
        ...common,
        destination: {
          serviceTag: armLiteral(rule.serviceTag),
          protocol: armLiteral(rule.protocol),
          portRanges: armLiteral(rule.portRanges),
          action: 'Allow',
        },
      }
    case 'PrivateEndpoint':
      return {
        ...common,
        destination: {
          serviceResourceId: armLiteral(rule.serviceResourceId),
          subresourceTarget: armLiteral(rule.subresourceTarget),
          sparkEnabled: rule.sparkEnabled,
        },
      }
  }
}

function ruleResource(
  rule: OutboundRule,
  options: { previous: OutboundRule | undefined; workspace?: string },
): Json {
  const { previous, workspace } = options
  const resource: { [key: string]: Json } = {
    type: RULE_TYPE,
    apiVersion: API_VERSION,
    name: `[format('{0}/{1}', parameters('workspaceName'), '${rule.name}')]`,
  }
  if (workspace !== undefined) resource.condition = ownCondition(workspace)
  if (previous)
    resource.dependsOn = [
      `[resourceId('${RULE_TYPE}', parameters('workspaceName'), '${previous.name}')]`,
    ]
  resource.properties = ruleProperties(rule)
  return resource
}

/**
 * The condition of a workspace's own rules. Workspace ids are GUIDs (the renderer writes no
 * other), compared in lower case: ARM's own case rules for `allowedValues` are not ours to guess.
 */
export function ownCondition(workspace: string): string {
  return `[equals(toLower(parameters('workspaceId')), '${workspace.toLowerCase()}')]`
}

function resources(set: RuleSet): Json[] {
  const { rules } = set
  const list = rules.map((rule, i) => ruleResource(rule, { previous: rules[i - 1] }))
  for (const { workspace, rules: own } of set.ownRules)
    own.forEach((rule, i) => {
      list.push(ruleResource(rule, { previous: own[i - 1] ?? rules.at(-1), workspace }))
    })
  return list
}

function parameters(set: RuleSet): { [key: string]: Json } {
  const result: { [key: string]: Json } = {
    workspaceName: {
      type: 'string',
      metadata: { description: 'Name of the Azure Machine Learning workspace' },
    },
  }
  const [only] = set.workspaces
  if (set.workspaces.length > 0)
    result.workspaceId = {
      type: 'string',
      ...(set.workspaces.length === 1 && only !== undefined ? { defaultValue: only } : {}),
      allowedValues: set.workspaces,
      metadata: {
        description:
          "Workspace ID (GUID) of the workspace, one of the rule set's: it selects the workspace's own rules",
      },
    }
  return result
}

/**
 * A rule set's ARM template.
 * @example ruleSetTemplate({ set, source }) // JSON text
 */
export function ruleSetTemplate(input: {
  set: RuleSet
  /** `aml-egress, catalog <version>, docs of <date>`. */
  source: string
}): string {
  const { set } = input
  const count = set.workspaces.length
  const deploy = `Deploy once per workspace: az deployment group create --resource-group <group> --template-file outbound-rules.json --parameters workspaceName=<name>${count > 1 ? ' workspaceId=<workspace id>' : ''}`
  const description = `User-defined outbound rules of the Azure ML ${networksOf(set.name, set.workspaces)} (${input.source}). Azure ML creates its required rules itself.${count === 1 ? '' : ` ${deploy}`}`
  const template: Json = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: { description },
    parameters: parameters(set),
    resources: resources(set),
  }
  return `${JSON.stringify(template, null, 2)}\n`
}
