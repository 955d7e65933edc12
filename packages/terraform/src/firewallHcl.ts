/**
 * The azure-firewall model as `azurerm_firewall_policy_rule_collection_group` resources: one
 * resource per rule collection group, its collections in priority order, each rule as a `rule`
 * block in azurerm's attribute names.
 */
import type {
  ApplicationRule,
  ApplicationRuleProtocol,
  FilterRuleCollection,
  NetworkRule,
  RuleCollectionGroup,
} from '@aml-egress/azure-firewall'
import { compareOrdinal } from '@aml-egress/core'
import { type HclWriter, hclReference } from './hcl'

/** The resource type of a rule collection group. */
export const RCG = 'azurerm_firewall_policy_rule_collection_group'

const SOURCE_ADDRESSES = hclReference('var.source_addresses').expression
const FIREWALL_POLICY_ID = hclReference('var.firewall_policy_id').expression

/** A resource local name: letters, digits and `_`, starting with a letter. */
export function localName(text: string): string {
  const name = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '')
  return /^[A-Za-z]/.test(name) ? name : `r_${name}`
}

/** What the rules are written with: whether a source list is the module's `var.source_addresses`. */
export type FirewallHclContext = {
  isSourceVariable: (sources: readonly string[]) => boolean
}

/** A list attribute, left out when the list is empty. */
function optionalList(
  writer: HclWriter,
  indent: number,
  name: string,
  values: readonly string[],
): void {
  if (values.length > 0) writer.attribute(indent, name, values)
}

function ruleHead(
  writer: HclWriter,
  indent: number,
  rule: ApplicationRule | NetworkRule,
  context: FirewallHclContext,
): void {
  writer.string(indent, 'name', rule.name)
  if (rule.description) writer.string(indent, 'description', rule.description)
  if (rule.sourceAddresses.length > 0) {
    if (context.isSourceVariable(rule.sourceAddresses))
      writer.assign(indent, 'source_addresses', SOURCE_ADDRESSES)
    else writer.attribute(indent, 'source_addresses', rule.sourceAddresses)
  }
  optionalList(writer, indent, 'source_ip_groups', rule.sourceIpGroups)
}

function protocolsBlock(writer: HclWriter, indent: number, protocol: ApplicationRuleProtocol) {
  writer.open(indent, 'protocols')
  writer.string(indent + 2, 'type', protocol.protocolType)
  writer.attribute(indent + 2, 'port', protocol.port)
  writer.close(indent)
}

function applicationRule(
  writer: HclWriter,
  indent: number,
  rule: ApplicationRule,
  context: FirewallHclContext,
): void {
  ruleHead(writer, indent, rule, context)
  optionalList(writer, indent, 'destination_addresses', rule.destinationAddresses)
  optionalList(writer, indent, 'destination_fqdns', rule.targetFqdns)
  optionalList(writer, indent, 'destination_fqdn_tags', rule.fqdnTags)
  optionalList(writer, indent, 'destination_urls', rule.targetUrls)
  if (rule.terminateTLS) writer.attribute(indent, 'terminate_tls', true)
  optionalList(writer, indent, 'web_categories', rule.webCategories)
  for (const protocol of rule.protocols) protocolsBlock(writer, indent, protocol)
}

function networkRule(
  writer: HclWriter,
  indent: number,
  rule: NetworkRule,
  context: FirewallHclContext,
): void {
  ruleHead(writer, indent, rule, context)
  writer.attribute(indent, 'protocols', rule.ipProtocols)
  optionalList(writer, indent, 'destination_addresses', rule.destinationAddresses)
  optionalList(writer, indent, 'destination_ip_groups', rule.destinationIpGroups)
  optionalList(writer, indent, 'destination_fqdns', rule.destinationFqdns)
  writer.attribute(indent, 'destination_ports', rule.destinationPorts)
}

function collection(
  writer: HclWriter,
  indent: number,
  entry: FilterRuleCollection,
  context: FirewallHclContext,
): void {
  writer.open(
    indent,
    entry.ruleType === 'application' ? 'application_rule_collection' : 'network_rule_collection',
  )
  const inner = indent + 2
  writer.string(inner, 'name', entry.name)
  writer.attribute(inner, 'priority', entry.priority)
  writer.string(inner, 'action', entry.action)
  writer.blank()
  entry.rules.forEach((rule: ApplicationRule | NetworkRule, index) => {
    if (index > 0) writer.blank()
    writer.open(inner, 'rule')
    if (rule.ruleType === 'ApplicationRule') applicationRule(writer, inner + 2, rule, context)
    else networkRule(writer, inner + 2, rule, context)
    writer.close(inner)
  })
  writer.close(indent)
}

function byPriorityThenName(a: FilterRuleCollection, b: FilterRuleCollection): number {
  return a.priority - b.priority || compareOrdinal(a.name, b.name)
}

/**
 * One rule collection group resource; `offset` is its priority after `var.base_priority`.
 * azurerm keeps each collection type as an ordered list: priority order is the order the API
 * returns, so a plan that adds one collection adds one block instead of reordering the list.
 */
export function ruleCollectionGroupResource(
  writer: HclWriter,
  input: { group: RuleCollectionGroup; offset: number; context: FirewallHclContext },
): void {
  const { group, offset, context } = input
  const filters = group.ruleCollections.filter(
    (collection): collection is FilterRuleCollection => collection.collectionType === 'filter',
  )
  const application = filters.filter((c) => c.ruleType === 'application').sort(byPriorityThenName)
  const network = filters.filter((c) => c.ruleType === 'network').sort(byPriorityThenName)
  writer.open(0, 'resource', [RCG, localName(group.name)])
  writer.string(2, 'name', group.name)
  writer.assign(2, 'firewall_policy_id', FIREWALL_POLICY_ID)
  writer.attribute(
    2,
    'priority',
    hclReference(offset === 0 ? 'var.base_priority' : `var.base_priority + ${offset}`),
  )
  for (const entry of [...application, ...network]) {
    writer.blank()
    collection(writer, 2, entry, context)
  }
  writer.close(0)
}
