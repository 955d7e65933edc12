import type { OutboundRule } from './model'

/**
 * An ARM template of `Microsoft.MachineLearningServices/workspaces/outboundRules` resources
 * (api-version 2026-05-01) for one workspace, named `[format('{0}/{1}', parameters('workspaceName'),
 * '<rule>')]` as Bicep writes child resources. Each rule depends on the one before it, so they are
 * written one at a time. Rule names are this package's own (letters, digits, `-`); a string value
 * that starts with `[` gets a second `[`, ARM's escape for a literal, so no value is an expression.
 */

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

function ruleResource(rule: OutboundRule, previous: OutboundRule | undefined): Json {
  const resource: { [key: string]: Json } = {
    type: RULE_TYPE,
    apiVersion: API_VERSION,
    name: `[format('{0}/{1}', parameters('workspaceName'), '${rule.name}')]`,
  }
  if (previous)
    resource.dependsOn = [
      `[resourceId('${RULE_TYPE}', parameters('workspaceName'), '${previous.name}')]`,
    ]
  resource.properties = ruleProperties(rule)
  return resource
}

/**
 * One workspace's ARM template.
 * @example armTemplate({ workspace, rules }) // JSON text
 */
export function armTemplate(input: {
  workspace: string
  /** `aml-egress, catalog <version>, docs of <date>`. */
  source: string
  rules: readonly OutboundRule[]
}): string {
  const template: Json = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: {
      description: `User-defined outbound rules of the managed virtual network of Azure ML workspace ${input.workspace} (${input.source}). Azure ML creates its required rules itself.`,
    },
    parameters: {
      workspaceName: {
        type: 'string',
        metadata: { description: 'Name of the Azure Machine Learning workspace' },
      },
    },
    resources: input.rules.map((rule, i) => ruleResource(rule, input.rules[i - 1])),
  }
  return `${JSON.stringify(template, null, 2)}\n`
}
