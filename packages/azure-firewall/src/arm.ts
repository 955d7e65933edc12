/**
 * The ARM JSON of the firewall model: each function returns the JSON value Azure stores, field
 * for field in ARM's order, and `JSON.stringify` prints it. A field left `undefined` is one ARM
 * leaves out (JSON.stringify drops it). Values share the model's lists: read them, do not modify.
 */

import type {
  ApplicationRule,
  FirewallRule,
  NatRule,
  NetworkRule,
  RuleCollection,
  RuleCollectionGroup,
} from './model'

/** The ARM api-version the renderer targets (newest GA with rule collection groups). */
export const armApiVersion = '2025-07-01'

/** The ARM resource type of a rule collection group. */
export const ruleCollectionGroupType = 'Microsoft.Network/firewallPolicies/ruleCollectionGroups'

/** A JSON value as the ARM serialiser writes it; `undefined` fields are left out. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue | undefined }

/** How rule sources are written: the literal lists, or references to template parameters. */
export type SourceStyle = 'literal' | 'parameters'

/** An optional list: left out when empty. */
function nonEmpty(values: string[]): string[] | undefined {
  return values.length > 0 ? values : undefined
}

/** The source fields of a rule. */
function sources(rule: FirewallRule, style: SourceStyle) {
  return style === 'parameters'
    ? {
        sourceAddresses: "[parameters('sourceAddresses')]",
        sourceIpGroups: "[parameters('sourceIpGroups')]",
      }
    : { sourceAddresses: rule.sourceAddresses, sourceIpGroups: nonEmpty(rule.sourceIpGroups) }
}

function applicationRuleJson(rule: ApplicationRule, style: SourceStyle): JsonValue {
  const { sourceAddresses, sourceIpGroups } = sources(rule, style)
  return {
    ruleType: 'ApplicationRule',
    name: rule.name,
    description: rule.description,
    sourceAddresses,
    sourceIpGroups,
    protocols: rule.protocols.map((entry) => ({
      protocolType: entry.protocolType,
      port: entry.port,
    })),
    targetFqdns: nonEmpty(rule.targetFqdns),
    fqdnTags: nonEmpty(rule.fqdnTags),
    targetUrls: nonEmpty(rule.targetUrls),
    terminateTLS: rule.terminateTLS ? true : undefined,
    destinationAddresses: nonEmpty(rule.destinationAddresses),
    webCategories: nonEmpty(rule.webCategories),
  }
}

function networkRuleJson(rule: NetworkRule, style: SourceStyle): JsonValue {
  const { sourceAddresses, sourceIpGroups } = sources(rule, style)
  return {
    ruleType: 'NetworkRule',
    name: rule.name,
    description: rule.description,
    ipProtocols: rule.ipProtocols,
    sourceAddresses,
    sourceIpGroups,
    destinationAddresses: nonEmpty(rule.destinationAddresses),
    destinationFqdns: nonEmpty(rule.destinationFqdns),
    destinationIpGroups: nonEmpty(rule.destinationIpGroups),
    destinationPorts: rule.destinationPorts,
  }
}

function natRuleJson(rule: NatRule, style: SourceStyle): JsonValue {
  const { sourceAddresses, sourceIpGroups } = sources(rule, style)
  return {
    ruleType: 'NatRule',
    name: rule.name,
    description: rule.description,
    ipProtocols: rule.ipProtocols,
    sourceAddresses,
    sourceIpGroups,
    destinationAddresses: rule.destinationAddresses,
    destinationPorts: rule.destinationPorts,
    translatedAddress: rule.translatedAddress,
    translatedFqdn: rule.translatedFqdn,
    translatedPort: rule.translatedPort,
  }
}

function ruleJson(rule: FirewallRule, style: SourceStyle): JsonValue {
  switch (rule.ruleType) {
    case 'ApplicationRule':
      return applicationRuleJson(rule, style)
    case 'NetworkRule':
      return networkRuleJson(rule, style)
    case 'NatRule':
      return natRuleJson(rule, style)
  }
}

/** One rule collection as ARM JSON. */
export function ruleCollectionToArm(collection: RuleCollection, style: SourceStyle): JsonValue {
  const nat = collection.collectionType === 'nat'
  return {
    ruleCollectionType: nat
      ? 'FirewallPolicyNatRuleCollection'
      : 'FirewallPolicyFilterRuleCollection',
    name: collection.name,
    priority: collection.priority,
    action: { type: nat ? 'DNAT' : collection.action },
    rules: collection.rules.map((rule) => ruleJson(rule, style)),
  }
}

/**
 * The `properties` of a rule collection group resource. `priority` defaults to the group's; a
 * template passes an ARM expression.
 */
export function ruleCollectionGroupPropertiesToArm(
  group: RuleCollectionGroup,
  style: SourceStyle,
  priority: number | string = group.priority,
): JsonValue {
  return {
    priority,
    ruleCollections: group.ruleCollections.map((collection) =>
      ruleCollectionToArm(collection, style),
    ),
  }
}

/** Serialised size of a group as Azure stores it (compact JSON with literal sources). */
export function ruleCollectionGroupBytes(group: RuleCollectionGroup): number {
  return jsonSize(ruleCollectionGroupPropertiesToArm(group, 'literal')).utf8
}

/** Compact size of one collection with literal sources. */
export function ruleCollectionBytes(collection: RuleCollection): number {
  return jsonSize(ruleCollectionToArm(collection, 'literal')).utf8
}

/** Compact size of one application or network rule with literal sources. */
export function filterRuleBytes(rule: ApplicationRule | NetworkRule): number {
  return jsonSize(ruleJson(rule, 'literal')).utf8
}

/** The size of `JSON.stringify(value, null, indent)`: its length, UTF-8 bytes and line breaks. */
export type JsonSize = { length: number; utf8: number; lineBreaks: number }

// Text JSON.stringify copies as it is: printable ASCII but `"` and `\`.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/
const NON_ASCII = /[\u0080-\uffff]/

/**
 * The size of a value's JSON, measured without writing it (tested against `JSON.stringify`). The
 * builder sizes every rule and the renderer every group before writing anything.
 */
// Measured instead of written: writing only to measure cost 7 % of the 10,000-workspace fleet.
export function jsonSize(value: JsonValue, indent = 0): JsonSize {
  const size: JsonSize = { length: 0, utf8: 0, lineBreaks: 0 }
  measure(size, value, indent, 0)
  return size
}

function measure(size: JsonSize, value: JsonValue, indent: number, depth: number): void {
  if (typeof value === 'string' && PLAIN.test(value)) {
    add(size, value.length + 2)
    return
  }
  if (typeof value !== 'object' || value === null) {
    // An escaped string, a number, a boolean or null.
    const text = JSON.stringify(value)
    size.length += text.length
    size.utf8 += utf8Bytes(text)
    return
  }
  let members = 0
  if (Array.isArray(value))
    for (const item of value) {
      members++
      measure(size, item, indent, depth + 1)
    }
  else
    for (const key in value) {
      const item = value[key]
      if (item === undefined) continue
      members++
      measure(size, key, indent, depth + 1)
      // The colon, and a space after it when indented.
      add(size, indent > 0 ? 2 : 1)
      measure(size, item, indent, depth + 1)
    }
  // Brackets or braces, and commas between members.
  add(size, 2 + Math.max(members - 1, 0))
  if (members === 0 || indent === 0) return
  // A line break before each member and before the closing bracket, each followed by indentation.
  size.lineBreaks += members + 1
  add(size, members * (1 + indent * (depth + 1)) + 1 + indent * depth)
}

/** Adds ASCII text: as many bytes as characters. */
function add(size: JsonSize, characters: number): void {
  size.length += characters
  size.utf8 += characters
}

/**
 * UTF-8 size of JSON text, counted from its UTF-16 code units. JSON.stringify escapes lone
 * surrogates, so every surrogate is half of a pair: 2 units, 4 bytes.
 */
function utf8Bytes(text: string): number {
  let bytes = text.length
  if (!NON_ASCII.test(text)) return bytes
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    bytes += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2
  }
  return bytes
}
