/**
 * Reads Terraform files into the Terraform config: `azurerm_firewall_policy_rule_collection_group`
 * resources become the azure-firewall model (so its evaluator answers for them), NSG rules (the
 * standalone resource and inline `security_rule` blocks) become `NsgRule`s. Values resolve from
 * variable defaults, tfvars files and locals; what does not resolve is recorded as unresolved, and
 * flows that depend on it evaluate to unknown.
 */
import type {
  ApplicationRule,
  ApplicationRuleProtocol,
  FilterRuleCollection,
  FirewallPolicy,
  IpGroup,
  NatRule,
  NatRuleCollection,
  NetworkIpProtocol,
  NetworkRule,
  RuleCollection,
  RuleCollectionGroup,
} from '@aml-egress/azure-firewall'
import { looksLikeHostName, withEvaluationIndex } from '@aml-egress/azure-firewall'
import {
  compareOrdinal,
  createDiagnostic,
  type Diagnostic,
  type ReadResult,
  type RenderedFile,
} from '@aml-egress/core'
import { formatName } from './capabilities'
import {
  bodies,
  expandBlocks,
  type HclDocument,
  type JsonObject,
  nameLine,
  type ResourceBody,
  readHclDocument,
} from './hclDocument'
import type { NsgProtocol, NsgRule, OpaqueElement, TerraformConfig } from './model'
import { indexNsgRules } from './nsgIndex'
import { type JsonValue, resolveValue, type Scope } from './template'

const RCG = 'azurerm_firewall_policy_rule_collection_group'
const NSG_RULE = 'azurerm_network_security_rule'
const NSG = 'azurerm_network_security_group'
const IP_GROUP = 'azurerm_ip_group'
const POLICY = 'azurerm_firewall_policy'

/** Resources that filter traffic but that this reader does not model (classic firewall rules). */
const UNMODELLED: Record<string, { reason: string; affects: OpaqueElement['affects'] }> = {
  azurerm_firewall_application_rule_collection: {
    reason: 'classic Azure Firewall rule collections are not modelled',
    affects: 'firewall',
  },
  azurerm_firewall_network_rule_collection: {
    reason: 'classic Azure Firewall rule collections are not modelled',
    affects: 'firewall',
  },
  azurerm_firewall_nat_rule_collection: {
    reason: 'classic Azure Firewall rule collections are not modelled',
    affects: 'firewall',
  },
}

type Context = {
  document: HclDocument
  diagnostics: Diagnostic[]
  opaque: OpaqueElement[]
  ipGroups: IpGroup[]
}

type Where = { file: string; line?: number; address: string }

function locationOf(where: Where): { file: string; line?: number } {
  return { file: where.file, ...(where.line ? { line: where.line } : {}) }
}

function unsupported(context: Context, where: Where, message: string): void {
  context.diagnostics.push(
    createDiagnostic({
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message: `${where.address}: ${message}`,
      format: formatName,
      location: locationOf(where),
    }),
  )
}

function invalid(context: Context, where: Where, message: string): void {
  context.diagnostics.push(
    createDiagnostic({
      code: 'AML_EGRESS_INVALID_INPUT',
      // A warning, not the code's error: the config is read on, and the flows it decides answer.
      severity: 'warning',
      message: `${where.address}: ${message}`,
      format: formatName,
      location: locationOf(where),
    }),
  )
}

/** Reads one attribute of a block; records `field` as unresolved when it does not resolve. */
class Fields {
  readonly unresolved: string[] = []
  constructor(
    private readonly body: JsonObject,
    readonly scope: Scope,
  ) {}

  raw(attribute: string): JsonValue | undefined {
    return this.body[attribute]
  }

  private resolved(attribute: string, field: string): JsonValue | undefined {
    const value = this.body[attribute]
    if (value === undefined) return undefined
    const result = resolveValue(value, this.scope)
    if (result.ok) return result.value
    this.unresolved.push(field)
    return undefined
  }

  string(attribute: string, field: string): string | undefined {
    const value = this.resolved(attribute, field)
    if (value === undefined || value === null) return undefined
    if (typeof value === 'string' || typeof value === 'number') return String(value)
    this.unresolved.push(field)
    return undefined
  }

  number(attribute: string, field: string): number | undefined {
    const value = this.resolved(attribute, field)
    if (typeof value === 'number') return value
    if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
    if (value !== undefined && value !== null) this.unresolved.push(field)
    return undefined
  }

  boolean(attribute: string, field: string): boolean | undefined {
    const value = this.resolved(attribute, field)
    if (typeof value === 'boolean') return value
    if (value === 'true' || value === 'false') return value === 'true'
    return undefined
  }

  /** A list of strings; items that resolve are kept even when others do not. */
  list(attribute: string, field: string): string[] {
    const value = this.body[attribute]
    if (value === undefined || value === null) return []
    const items = Array.isArray(value) ? value : [value]
    const result: string[] = []
    for (const item of items) {
      const resolved = resolveValue(item, this.scope)
      const values = resolved.ok
        ? Array.isArray(resolved.value)
          ? resolved.value
          : [resolved.value]
        : undefined
      if (!values || values.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
        if (!this.unresolved.includes(field)) this.unresolved.push(field)
        continue
      }
      result.push(...values.map(String))
    }
    return result
  }

  mark(field: string): void {
    if (!this.unresolved.includes(field)) this.unresolved.push(field)
  }

  /** `{ unresolved }` when something was unresolved, else nothing: keeps the model minimal. */
  result(): { unresolved?: string[] } {
    return this.unresolved.length > 0 ? { unresolved: [...new Set(this.unresolved)] } : {}
  }
}

const IP_PROTOCOLS: Record<string, NetworkIpProtocol> = {
  TCP: 'TCP',
  UDP: 'UDP',
  ICMP: 'ICMP',
  Any: 'Any',
}

function ipProtocols(fields: Fields, context: Context, where: Where): NetworkIpProtocol[] {
  const values = fields.list('protocols', 'ipProtocols')
  const result: NetworkIpProtocol[] = []
  for (const value of values) {
    const protocol = IP_PROTOCOLS[value]
    if (protocol) result.push(protocol)
    else {
      invalid(
        context,
        where,
        `protocol "${value}" is not one of TCP, UDP, ICMP, Any (azurerm spells them exactly so); terraform would reject it.`,
      )
      fields.mark('ipProtocols')
    }
  }
  return result
}

/** Terraform's `${azurerm_ip_group.x.id}` becomes the id `azurerm_ip_group.x`, matched to the group read. */
function ipGroupReferences(fields: Fields, attribute: string, field: string): string[] {
  const raw = fields.raw(attribute)
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  const references: string[] = []
  const rest: JsonValue[] = []
  for (const item of items) {
    const match =
      typeof item === 'string' ? /^\$\{(azurerm_ip_group\.[\w-]+)\.id\}$/.exec(item) : null
    if (match?.[1]) references.push(match[1])
    else rest.push(item)
  }
  const resolved = new Fields({ value: rest }, fields.scope).list('value', field)
  if (rest.length > 0 && resolved.length < rest.length) fields.mark(field)
  return [...references, ...resolved]
}

function fieldsOf(body: JsonObject, scope: Scope): Fields {
  return new Fields(body, scope)
}

function resourceWhere(resource: ResourceBody): Where {
  return {
    file: resource.file,
    address: `${resource.type}.${resource.name}`,
    ...(resource.line ? { line: resource.line } : {}),
  }
}

/** A construct that may decide flows but is not modelled: those flows evaluate to unknown. */
function addOpaque(
  context: Context,
  where: Where,
  input: { reason: string; affects: OpaqueElement['affects'] },
): void {
  context.opaque.push({ address: where.address, ...input, ...origin(where) })
}

function origin(where: Where): { origin: { file: string; line?: number } } {
  return { origin: locationOf(where) }
}

function ruleWhere(context: Context, parent: Where, name: string): Where {
  const lines = context.document.lines.get(parent.file) ?? []
  const line = nameLine({ lines, name, ...(parent.line ? { from: parent.line } : {}) })
  return { file: parent.file, address: `${parent.address}/${name}`, ...(line ? { line } : {}) }
}

function applicationRule(
  context: Context,
  input: { body: JsonObject; scope: Scope; parent: Where },
): ApplicationRule {
  const fields = fieldsOf(input.body, input.scope)
  const name = fields.string('name', 'name') ?? '(unnamed)'
  const where = ruleWhere(context, input.parent, name)
  const protocols: ApplicationRuleProtocol[] = []
  const expanded = expandBlocks({ body: input.body, type: 'protocols', scope: input.scope })
  if (expanded.unresolved.length > 0) fields.mark('protocols')
  for (const block of expanded.blocks) {
    const protocol = fieldsOf(block.body, block.scope)
    const type = protocol.string('type', 'protocols')
    const port = protocol.number('port', 'protocols')
    if (protocol.unresolved.length > 0 || type === undefined || port === undefined) {
      fields.mark('protocols')
      continue
    }
    if (type !== 'Http' && type !== 'Https' && type !== 'Mssql') {
      invalid(context, where, `application protocol "${type}" is not Http, Https or Mssql.`)
      fields.mark('protocols')
      continue
    }
    protocols.push({ protocolType: type, port })
  }
  const destinationAddresses = fields.list('destination_addresses', 'destinationAddresses')
  for (const address of destinationAddresses)
    if (/^[A-Za-z]/.test(address))
      invalid(
        context,
        where,
        `destination_addresses "${address}" is not an IP, CIDR or range; azurerm accepts no service tags or names in application rules.`,
      )
  const rule: ApplicationRule = {
    ruleType: 'ApplicationRule',
    name,
    sourceAddresses: fields.list('source_addresses', 'sourceAddresses'),
    sourceIpGroups: ipGroupReferences(fields, 'source_ip_groups', 'sourceIpGroups'),
    protocols,
    targetFqdns: fields.list('destination_fqdns', 'targetFqdns'),
    fqdnTags: fields.list('destination_fqdn_tags', 'fqdnTags'),
    targetUrls: fields.list('destination_urls', 'targetUrls'),
    terminateTLS: fields.boolean('terminate_tls', 'terminateTLS') ?? false,
    destinationAddresses,
    webCategories: fields.list('web_categories', 'webCategories'),
  }
  const description = fields.string('description', 'description')
  return {
    ...rule,
    ...(description !== undefined ? { description } : {}),
    ...fields.result(),
    ...origin(where),
  }
}

function networkRule(
  context: Context,
  input: { body: JsonObject; scope: Scope; parent: Where },
): NetworkRule {
  const fields = fieldsOf(input.body, input.scope)
  const name = fields.string('name', 'name') ?? '(unnamed)'
  const where = ruleWhere(context, input.parent, name)
  const destinationAddresses = fields.list('destination_addresses', 'destinationAddresses')
  for (const address of destinationAddresses)
    if (looksLikeHostName(address))
      invalid(
        context,
        where,
        `destination_addresses "${address}" looks like a host name; network rules match it only in destination_fqdns (with DNS proxy), so it matches no traffic.`,
      )
  const destinationFqdns = fields.list('destination_fqdns', 'destinationFqdns')
  for (const fqdn of destinationFqdns)
    if (fqdn.includes('*'))
      invalid(
        context,
        where,
        `destination_fqdns "${fqdn}" is a wildcard; network rules take exact names only.`,
      )
  const rule: NetworkRule = {
    ruleType: 'NetworkRule',
    name,
    sourceAddresses: fields.list('source_addresses', 'sourceAddresses'),
    sourceIpGroups: ipGroupReferences(fields, 'source_ip_groups', 'sourceIpGroups'),
    ipProtocols: ipProtocols(fields, context, where),
    destinationAddresses,
    destinationFqdns,
    destinationIpGroups: ipGroupReferences(fields, 'destination_ip_groups', 'destinationIpGroups'),
    destinationPorts: fields.list('destination_ports', 'destinationPorts'),
  }
  const description = fields.string('description', 'description')
  return {
    ...rule,
    ...(description !== undefined ? { description } : {}),
    ...fields.result(),
    ...origin(where),
  }
}

function natRule(
  context: Context,
  input: { body: JsonObject; scope: Scope; parent: Where },
): NatRule {
  const fields = fieldsOf(input.body, input.scope)
  const name = fields.string('name', 'name') ?? '(unnamed)'
  const where = ruleWhere(context, input.parent, name)
  const destination = fields.string('destination_address', 'destinationAddresses')
  const translatedAddress = fields.string('translated_address', 'translatedAddress')
  const translatedFqdn = fields.string('translated_fqdn', 'translatedFqdn')
  const translatedPort = fields.string('translated_port', 'translatedPort')
  return {
    ruleType: 'NatRule',
    name,
    sourceAddresses: fields.list('source_addresses', 'sourceAddresses'),
    sourceIpGroups: ipGroupReferences(fields, 'source_ip_groups', 'sourceIpGroups'),
    ipProtocols: ipProtocols(fields, context, where),
    destinationAddresses: destination === undefined ? [] : [destination],
    destinationPorts: fields.list('destination_ports', 'destinationPorts'),
    ...(translatedAddress !== undefined ? { translatedAddress } : {}),
    ...(translatedFqdn !== undefined ? { translatedFqdn } : {}),
    ...(translatedPort !== undefined ? { translatedPort } : {}),
    ...fields.result(),
    ...origin(where),
  }
}

/** A rule standing for a dynamic block that could not be expanded: it may match anything. */
function placeholderRule(
  kind: 'application' | 'network',
  where: Where,
): ApplicationRule | NetworkRule {
  const base = { name: '(dynamic)', sourceAddresses: [], sourceIpGroups: [], ...origin(where) }
  return kind === 'application'
    ? {
        ...base,
        ruleType: 'ApplicationRule',
        protocols: [],
        targetFqdns: [],
        fqdnTags: [],
        targetUrls: [],
        terminateTLS: false,
        destinationAddresses: [],
        webCategories: [],
        unresolved: ['protocols', 'targetFqdns', 'sourceAddresses'],
      }
    : {
        ...base,
        ruleType: 'NetworkRule',
        ipProtocols: [],
        destinationAddresses: [],
        destinationFqdns: [],
        destinationIpGroups: [],
        destinationPorts: [],
        unresolved: ['ipProtocols', 'destinationPorts', 'destinationAddresses', 'sourceAddresses'],
      }
}

type CollectionKind = 'application' | 'network' | 'nat'

function collection(
  context: Context,
  input: { kind: CollectionKind; body: JsonObject; scope: Scope; parent: Where },
): RuleCollection {
  const { kind, body, scope } = input
  const fields = fieldsOf(body, scope)
  const name = fields.string('name', 'name') ?? '(unnamed)'
  const lines = context.document.lines.get(input.parent.file) ?? []
  const line = nameLine({ lines, name, ...(input.parent.line ? { from: input.parent.line } : {}) })
  const where: Where = {
    file: input.parent.file,
    address: `${input.parent.address}/${name}`,
    ...(line ? { line } : {}),
  }
  const priority = fields.number('priority', 'priority')
  if (priority === undefined) fields.mark('priority')
  const action = fields.string('action', 'action')
  const rules = expandBlocks({ body, type: 'rule', scope })
  for (const text of rules.unresolved)
    unsupported(context, where, `${text} could not be expanded; flows it may match are unknown.`)
  const common = { name, priority: priority ?? 65000, ...origin(where) }
  if (kind === 'nat') {
    if (action !== undefined && action !== 'Dnat')
      invalid(context, where, `NAT collection action "${action}" must be "Dnat" in azurerm.`)
    const result: NatRuleCollection = {
      ...common,
      collectionType: 'nat',
      action: 'DNAT',
      rules: rules.blocks.map((block) => natRule(context, { ...block, parent: where })),
    }
    return { ...result, ...fields.result() }
  }
  if (action !== undefined && action !== 'Allow' && action !== 'Deny') {
    invalid(context, where, `collection action "${action}" is not Allow or Deny.`)
    fields.mark('action')
  } else if (action === undefined) fields.mark('action')
  const filterAction = action === 'Deny' ? 'Deny' : 'Allow'
  const placeholders = rules.unresolved.map(() => placeholderRule(kind, where))
  const result: FilterRuleCollection =
    kind === 'application'
      ? {
          ...common,
          collectionType: 'filter',
          action: filterAction,
          ruleType: 'application',
          rules: [
            ...rules.blocks.map((block) => applicationRule(context, { ...block, parent: where })),
            ...(placeholders as ApplicationRule[]),
          ],
        }
      : {
          ...common,
          collectionType: 'filter',
          action: filterAction,
          ruleType: 'network',
          rules: [
            ...rules.blocks.map((block) => networkRule(context, { ...block, parent: where })),
            ...(placeholders as NetworkRule[]),
          ],
        }
  return { ...result, ...fields.result() }
}

function ruleCollectionGroup(context: Context, resource: ResourceBody): RuleCollectionGroup {
  const where = resourceWhere(resource)
  const fields = fieldsOf(resource.body, resource.scope)
  const name = fields.string('name', 'name') ?? resource.name
  const priority = fields.number('priority', 'priority')
  if (priority === undefined) fields.mark('priority')
  if (resource.conditional) {
    // Whether the group exists at all is unknown: like an unknown position, every match is a maybe.
    fields.mark('priority')
    unsupported(
      context,
      where,
      'count/for_each could not be resolved; flows its rules match are unknown.',
    )
  }
  const collections: RuleCollection[] = []
  const kinds: [string, CollectionKind][] = [
    ['application_rule_collection', 'application'],
    ['network_rule_collection', 'network'],
    ['nat_rule_collection', 'nat'],
  ]
  for (const [type, kind] of kinds) {
    const expanded = expandBlocks({ body: resource.body, type, scope: resource.scope })
    for (const block of expanded.blocks)
      collections.push(collection(context, { kind, ...block, parent: where }))
    for (const text of expanded.unresolved) {
      unsupported(context, where, `${text} could not be expanded; flows it may match are unknown.`)
      if (kind === 'nat') continue
      const placeholder = placeholderRule(kind, where)
      collections.push({
        name: '(dynamic)',
        priority: 65000,
        collectionType: 'filter',
        action: 'Allow',
        ...(kind === 'application'
          ? { ruleType: 'application', rules: [placeholder as ApplicationRule] }
          : { ruleType: 'network', rules: [placeholder as NetworkRule] }),
        unresolved: ['priority', 'action'],
        ...origin(where),
      } as FilterRuleCollection)
    }
  }
  return {
    name,
    priority: priority ?? 65000,
    ruleCollections: collections,
    ...fields.result(),
    ...origin(where),
  }
}

const NSG_PROTOCOLS: Record<string, NsgProtocol> = {
  '*': '*',
  Tcp: 'Tcp',
  Udp: 'Udp',
  Icmp: 'Icmp',
  Ah: 'Ah',
  Esp: 'Esp',
}

type NsgRuleInput = {
  body: JsonObject
  scope: Scope
  where: Where
  networkSecurityGroup: string
  conditional: boolean
}

/**
 * The rule's direction; undefined when it is neither Inbound nor Outbound. Such a rule may sit in
 * either list, and evaluating it as both would be guessing: it is left out, as an opaque element.
 */
function nsgDirection(
  context: Context,
  fields: Fields,
  where: Where,
): NsgRule['direction'] | undefined {
  const direction = fields.string('direction', 'direction')
  if (direction === 'Inbound' || direction === 'Outbound') return direction
  unsupported(
    context,
    where,
    `direction ${direction === undefined ? 'could not be resolved' : `"${direction}" is not Inbound or Outbound`}; the rule is left out.`,
  )
  addOpaque(context, where, { reason: 'NSG rule direction unknown', affects: 'nsg' })
  return undefined
}

/** `access`; an unresolved or invalid one is marked and read as Allow (the flow is unknown). */
function nsgAccess(context: Context, fields: Fields, where: Where): NsgRule['access'] {
  const access = fields.string('access', 'access')
  if (access === 'Allow' || access === 'Deny') return access
  if (access !== undefined) invalid(context, where, `access "${access}" is not Allow or Deny.`)
  fields.mark('access')
  return 'Allow'
}

/** `protocol`; an unresolved or invalid one is marked and read as `*`. */
function nsgProtocol(context: Context, fields: Fields, where: Where): NsgProtocol {
  const text = fields.string('protocol', 'protocol')
  const protocol = text === undefined ? undefined : NSG_PROTOCOLS[text]
  if (protocol !== undefined) return protocol
  if (text !== undefined)
    invalid(
      context,
      where,
      `protocol "${text}" is not one of *, Tcp, Udp, Icmp, Ah, Esp (azurerm spells them exactly so).`,
    )
  fields.mark('protocol')
  return '*'
}

/** `<name>` when set, else the list `<plural>`: azurerm's `*_prefix` / `*_prefixes` pairs. */
function oneOrList(fields: Fields, name: string, plural: string): string[] {
  const one = fields.string(name, name)
  return one !== undefined ? [one] : fields.list(plural, plural)
}

/** Application security groups make a side unknown: which addresses they hold is not in the files. */
function markSecurityGroups(fields: Fields): void {
  for (const field of [
    'source_application_security_group_ids',
    'destination_application_security_group_ids',
  ])
    if (fields.list(field, field).length > 0) fields.mark(field)
}

function nsgRule(context: Context, input: NsgRuleInput): NsgRule | undefined {
  const { where } = input
  const fields = fieldsOf(input.body, input.scope)
  const name = fields.string('name', 'name') ?? '(unnamed)'
  const direction = nsgDirection(context, fields, where)
  if (direction === undefined) return undefined
  const access = nsgAccess(context, fields, where)
  const protocol = nsgProtocol(context, fields, where)
  const priority = fields.number('priority', 'priority')
  if (priority !== undefined && (priority < 100 || priority > 4096))
    invalid(context, where, `NSG priority ${priority} is outside 100–4096.`)
  markSecurityGroups(fields)
  const description = fields.string('description', 'description')
  return {
    address: where.address,
    name,
    networkSecurityGroup: input.networkSecurityGroup,
    ...(priority !== undefined ? { priority } : {}),
    direction,
    access,
    protocol,
    sourceAddressPrefixes: oneOrList(fields, 'source_address_prefix', 'source_address_prefixes'),
    sourcePortRanges: oneOrList(fields, 'source_port_range', 'source_port_ranges'),
    destinationAddressPrefixes: oneOrList(
      fields,
      'destination_address_prefix',
      'destination_address_prefixes',
    ),
    destinationPortRanges: oneOrList(fields, 'destination_port_range', 'destination_port_ranges'),
    ...(description !== undefined ? { description } : {}),
    ...fields.result(),
    ...(input.conditional ? { conditional: true } : {}),
    ...origin(where),
  }
}

/** `<resource group>/<nsg name>`, with unresolved parts kept as their expression text. */
function nsgKey(
  resourceGroup: JsonValue | undefined,
  name: JsonValue | undefined,
  scope: Scope,
): string {
  // The key only groups rules by NSG: an unresolved name decides no flow, so it is not reported.
  const { unseenVariables: _notReported, ...naming } = scope
  const part = (value: JsonValue | undefined): string => {
    if (value === undefined) return '?'
    const resolved = resolveValue(value, naming)
    return resolved.ok && typeof resolved.value === 'string'
      ? resolved.value
      : typeof value === 'string'
        ? value
        : JSON.stringify(value)
  }
  return `${part(resourceGroup)}/${part(name)}`
}

function readNsg(context: Context, resource: ResourceBody, rules: NsgRule[]): void {
  const where = resourceWhere(resource)
  if (resource.type === NSG_RULE) {
    const rule = nsgRule(context, {
      body: resource.body,
      scope: resource.scope,
      where,
      networkSecurityGroup: nsgKey(
        resource.body.resource_group_name,
        resource.body.network_security_group_name,
        resource.scope,
      ),
      conditional: resource.conditional,
    })
    if (rule) rules.push(rule)
    return
  }
  const key = nsgKey(resource.body.resource_group_name, resource.body.name, resource.scope)
  const expanded = expandBlocks({
    body: resource.body,
    type: 'security_rule',
    scope: resource.scope,
  })
  expanded.blocks.forEach((block, index) => {
    const name = typeof block.body.name === 'string' ? block.body.name : ''
    const lines = context.document.lines.get(resource.file) ?? []
    const line = nameLine({ lines, name, ...(resource.line ? { from: resource.line } : {}) })
    const rule = nsgRule(context, {
      ...block,
      where: {
        file: resource.file,
        address: `${where.address}.security_rule[${index}]`,
        ...(line ? { line } : {}),
      },
      networkSecurityGroup: key,
      conditional: resource.conditional,
    })
    if (rule) rules.push(rule)
  })
  for (const text of expanded.unresolved) {
    unsupported(
      context,
      where,
      `${text} could not be expanded; flows through this NSG are unknown.`,
    )
    rules.push({
      address: `${where.address}.dynamic`,
      name: '(dynamic)',
      networkSecurityGroup: key,
      direction: 'Inbound',
      access: 'Allow',
      protocol: '*',
      sourceAddressPrefixes: [],
      sourcePortRanges: [],
      destinationAddressPrefixes: [],
      destinationPortRanges: [],
      unresolved: ['access', 'priority', 'source_address_prefixes', 'destination_address_prefixes'],
      ...origin(where),
    })
    rules.push({ ...(rules.at(-1) as NsgRule), direction: 'Outbound' })
  }
}

function readIpGroup(context: Context, resource: ResourceBody): void {
  const fields = fieldsOf(resource.body, resource.scope)
  const addresses = fields.list('cidrs', 'cidrs')
  if (fields.unresolved.length > 0 || resource.conditional) return
  context.ipGroups.push({ id: `${resource.type}.${resource.name}`, addresses })
}

function readPolicy(resource: ResourceBody, policy: FirewallPolicy): void {
  const fields = fieldsOf(resource.body, resource.scope)
  const name = fields.string('name', 'name')
  if (name !== undefined) policy.name = name
  const sku = fields.string('sku', 'sku')
  if (sku !== undefined) policy.sku = sku
  if (resource.body.base_policy_id !== undefined)
    policy.basePolicy =
      fields.string('base_policy_id', 'basePolicy') ?? String(resource.body.base_policy_id)
  for (const dns of bodies(resource.body.dns)) {
    const proxy = fieldsOf(dns, resource.scope).boolean('proxy_enabled', 'dnsProxy')
    if (proxy !== undefined) policy.dnsProxy = proxy
  }
}

/** Modules are not read: every flow they may decide is unknown. */
function readModules(context: Context): void {
  for (const module of context.document.modules) {
    const where = {
      file: module.file,
      address: `module.${module.name}`,
      ...(module.line ? { line: module.line } : {}),
    }
    unsupported(
      context,
      where,
      'module contents are not read; flows its rules may decide are unknown.',
    )
    addOpaque(context, where, { reason: 'module not read', affects: 'firewall' })
    addOpaque(context, where, { reason: 'module not read', affects: 'nsg' })
  }
}

/** What the resources are read into. */
type ReadModel = { policy: FirewallPolicy; nsgRules: NsgRule[] }

/** One resource into the model; resources that decide no traffic are skipped. */
function readResource(context: Context, resource: ResourceBody, model: ReadModel): void {
  if (resource.type === RCG)
    model.policy.ruleCollectionGroups.push(ruleCollectionGroup(context, resource))
  else if (resource.type === NSG_RULE || resource.type === NSG)
    readNsg(context, resource, model.nsgRules)
  else if (resource.type === IP_GROUP) readIpGroup(context, resource)
  else if (resource.type === POLICY) readPolicy(resource, model.policy)
  else {
    const unmodelled = UNMODELLED[resource.type]
    if (!unmodelled) return
    const where = resourceWhere(resource)
    unsupported(context, where, `${unmodelled.reason}; flows they may decide are unknown.`)
    addOpaque(context, where, unmodelled)
  }
}

/**
 * One warning per variable a rule needed that has neither a default nor a value in the tfvars
 * files read: Terraform takes it from `-var`, `-var-file`, `TF_VAR_<name>` or a prompt, none of
 * which the reader sees, so the flows that rule decides are unknown.
 */
function unseenVariables(context: Context): void {
  const names = [...(context.document.scope.unseenVariables ?? [])].sort(compareOrdinal)
  for (const name of names) {
    const declaration = new RegExp(`^\\s*variable\\s+"${name.replace(/[^\w-]/g, '')}"`)
    let where: Where = { file: context.document.resources[0]?.file ?? '', address: `var.${name}` }
    for (const [file, lines] of context.document.lines) {
      const index = lines.findIndex((line) => declaration.test(line))
      if (index !== -1) where = { file, address: `var.${name}`, line: index + 1 }
    }
    unsupported(
      context,
      where,
      `no default and no value in the tfvars files read; Terraform takes it from -var, -var-file, TF_VAR_${name} or a prompt, which the reader cannot see, so flows its rules decide are unknown. Pass the tfvars file that sets it.`,
    )
  }
}

/**
 * Reads `.tf` / `.tfvars` files (ours or hand-written) into the Terraform config.
 * @example const { config, diagnostics } = await readTerraform([{ path: 'main.tf', contents }])
 */
export async function readTerraform(
  files: readonly RenderedFile[],
): Promise<ReadResult<TerraformConfig>> {
  const document = await readHclDocument(files)
  const context: Context = {
    document,
    diagnostics: [...document.diagnostics],
    opaque: [],
    ipGroups: [],
  }
  const model: ReadModel = { policy: { ruleCollectionGroups: [], ipGroups: [] }, nsgRules: [] }
  readModules(context)
  for (const resource of document.resources) readResource(context, resource, model)
  unseenVariables(context)
  model.policy.ipGroups = context.ipGroups
  return {
    config: {
      // Indexed once here: the evaluator would otherwise index the policy for every flow.
      firewallPolicy: withEvaluationIndex(model.policy),
      nsgRules: model.nsgRules,
      opaque: context.opaque,
      nsgIndex: indexNsgRules(model.nsgRules),
    },
    diagnostics: context.diagnostics,
  }
}
