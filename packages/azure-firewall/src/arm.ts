import type {
  ApplicationRule,
  NatRule,
  NetworkRule,
  RuleCollection,
  RuleCollectionGroup,
} from './model'

/** The ARM api-version the renderer targets (newest GA with rule collection groups). */
export const armApiVersion = '2025-07-01'

/** The ARM resource type of a rule collection group. */
export const ruleCollectionGroupType = 'Microsoft.Network/firewallPolicies/ruleCollectionGroups'

/** A JSON value as the ARM serialiser writes it. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue | undefined }

/** How rule sources are written: the literal lists, or references to template parameters. */
export type SourceStyle = 'literal' | 'parameters'

function sources(
  rule: { sourceAddresses: string[]; sourceIpGroups: string[] },
  style: SourceStyle,
): { sourceAddresses: JsonValue; sourceIpGroups?: JsonValue } {
  if (style === 'parameters')
    return {
      sourceAddresses: "[parameters('sourceAddresses')]",
      sourceIpGroups: "[parameters('sourceIpGroups')]",
    }
  return rule.sourceIpGroups.length > 0
    ? { sourceAddresses: rule.sourceAddresses, sourceIpGroups: rule.sourceIpGroups }
    : { sourceAddresses: rule.sourceAddresses }
}

function nonEmpty(values: string[]): string[] | undefined {
  return values.length > 0 ? values : undefined
}

function applicationRuleToArm(rule: ApplicationRule, style: SourceStyle): JsonValue {
  return {
    ruleType: 'ApplicationRule',
    name: rule.name,
    description: rule.description,
    ...sources(rule, style),
    protocols: rule.protocols.map((p) => ({ protocolType: p.protocolType, port: p.port })),
    targetFqdns: nonEmpty(rule.targetFqdns),
    fqdnTags: nonEmpty(rule.fqdnTags),
    targetUrls: nonEmpty(rule.targetUrls),
    terminateTLS: rule.terminateTLS ? true : undefined,
    destinationAddresses: nonEmpty(rule.destinationAddresses),
    webCategories: nonEmpty(rule.webCategories),
  }
}

function networkRuleToArm(rule: NetworkRule, style: SourceStyle): JsonValue {
  return {
    ruleType: 'NetworkRule',
    name: rule.name,
    description: rule.description,
    ipProtocols: rule.ipProtocols,
    ...sources(rule, style),
    destinationAddresses: nonEmpty(rule.destinationAddresses),
    destinationFqdns: nonEmpty(rule.destinationFqdns),
    destinationIpGroups: nonEmpty(rule.destinationIpGroups),
    destinationPorts: rule.destinationPorts,
  }
}

function natRuleToArm(rule: NatRule, style: SourceStyle): JsonValue {
  return {
    ruleType: 'NatRule',
    name: rule.name,
    description: rule.description,
    ipProtocols: rule.ipProtocols,
    ...sources(rule, style),
    destinationAddresses: rule.destinationAddresses,
    destinationPorts: rule.destinationPorts,
    translatedAddress: rule.translatedAddress,
    translatedFqdn: rule.translatedFqdn,
    translatedPort: rule.translatedPort,
  }
}

/** One rule collection as ARM JSON. */
export function ruleCollectionToArm(collection: RuleCollection, style: SourceStyle): JsonValue {
  if (collection.collectionType === 'nat')
    return {
      ruleCollectionType: 'FirewallPolicyNatRuleCollection',
      name: collection.name,
      priority: collection.priority,
      action: { type: 'DNAT' },
      rules: collection.rules.map((rule) => natRuleToArm(rule, style)),
    }
  return {
    ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
    name: collection.name,
    priority: collection.priority,
    action: { type: collection.action },
    rules:
      collection.ruleType === 'application'
        ? collection.rules.map((rule) => applicationRuleToArm(rule, style))
        : collection.rules.map((rule) => networkRuleToArm(rule, style)),
  }
}

/** The `properties` of a rule collection group resource. */
export function ruleCollectionGroupPropertiesToArm(
  group: RuleCollectionGroup,
  style: SourceStyle,
): JsonValue {
  return {
    priority: group.priority,
    ruleCollections: group.ruleCollections.map((collection) =>
      ruleCollectionToArm(collection, style),
    ),
  }
}

/** Serialised size of a group as Azure stores it (compact JSON with literal sources). */
export function ruleCollectionGroupBytes(group: RuleCollectionGroup): number {
  return jsonBytes(ruleCollectionGroupPropertiesToArm(group, 'literal'))
}

/**
 * UTF-8 size of a value as compact JSON. Counted from the UTF-16 code units instead of encoding a
 * copy (this runs once per rule when groups are packed). JSON.stringify escapes lone surrogates,
 * so every surrogate is half of a pair: 2 units, 4 bytes.
 */
export function jsonBytes(value: JsonValue): number {
  const text = JSON.stringify(value) ?? ''
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    bytes += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2
  }
  return bytes
}
