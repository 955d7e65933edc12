/**
 * Typed fields out of resolved ARM JSON, and the rules built from them. A value that is not what
 * the field takes (an unresolved expression, an object where a list belongs) is never guessed: the
 * field name goes into the element's `unresolved` list.
 */
import { compareOrdinal } from '@aml-egress/core'
import { type ArmValue, UNKNOWN } from './armExpression'
import {
  type ApplicationRule,
  type ApplicationRuleProtocol,
  type FirewallRule,
  firewallLimits,
  type ModelOrigin,
  type NatRule,
  type NetworkIpProtocol,
  type NetworkRule,
} from './model'

/** A JSON object of a resource. */
export type ArmRecord = { [key: string]: ArmValue }

export function isRecord(value: unknown): value is ArmRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Case-insensitive property access: Azure's own output mixes `Properties` and `properties`. */
export function get(record: ArmValue | undefined, key: string): ArmValue | undefined {
  if (!isRecord(record)) return undefined
  if (key in record) return record[key]
  const found = Object.keys(record).find((k) => k.toLowerCase() === key.toLowerCase())
  return found === undefined ? undefined : record[found]
}

export function text(value: ArmValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** The fields of one element whose values could not be read. */
export type Fields = { unresolved: Set<string> }

export function newFields(): Fields {
  return { unresolved: new Set() }
}

/** Records the unresolved fields on the element. */
export function finish<T extends { unresolved?: string[] }>(value: T, fields: Fields): T {
  if (fields.unresolved.size > 0) value.unresolved = [...fields.unresolved].sort(compareOrdinal)
  return value
}

export function stringList(value: ArmValue | undefined, field: string, fields: Fields): string[] {
  if (value === undefined || value === null) return []
  if (value === UNKNOWN) {
    fields.unresolved.add(field)
    return []
  }
  if (typeof value === 'string') return [value]
  if (!Array.isArray(value)) {
    fields.unresolved.add(field)
    return []
  }
  const result: string[] = []
  for (const item of value) {
    if (typeof item === 'string') result.push(item)
    else if (typeof item === 'number') result.push(String(item))
    else fields.unresolved.add(field)
  }
  return result
}

function optionalString(value: ArmValue | undefined, field: string, fields: Fields) {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  fields.unresolved.add(field)
  return undefined
}

/** A priority; one that cannot be read sorts last and is marked unresolved. */
export function priorityOf(value: ArmValue | undefined, fields: Fields): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  fields.unresolved.add('priority')
  return firewallLimits.maxPriority
}

const ipProtocolSpelling = new Map<string, NetworkIpProtocol>([
  ['tcp', 'TCP'],
  ['udp', 'UDP'],
  ['icmp', 'ICMP'],
  ['any', 'Any'],
])

function ipProtocols(value: ArmValue | undefined, fields: Fields): NetworkIpProtocol[] {
  const result: NetworkIpProtocol[] = []
  for (const text of stringList(value, 'ipProtocols', fields)) {
    const protocol = ipProtocolSpelling.get(text.toLowerCase())
    if (protocol) result.push(protocol)
    else fields.unresolved.add('ipProtocols')
  }
  return result
}

const applicationProtocolTypes = ['Http', 'Https', 'Mssql'] as const

function applicationProtocols(
  value: ArmValue | undefined,
  fields: Fields,
): ApplicationRuleProtocol[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    fields.unresolved.add('protocols')
    return []
  }
  const result: ApplicationRuleProtocol[] = []
  for (const item of value) {
    const type = text(get(item, 'protocolType'))?.toLowerCase()
    const port = get(item, 'port')
    const spelled = applicationProtocolTypes.find((t) => t.toLowerCase() === type)
    const number = typeof port === 'number' ? port : typeof port === 'string' ? Number(port) : NaN
    if (spelled && Number.isInteger(number)) result.push({ protocolType: spelled, port: number })
    else fields.unresolved.add('protocols')
  }
  return result
}

/** The rule types, by their lower-case `ruleType`; a classic collection's kind names its rules. */
export type RuleKind = 'application' | 'network' | 'nat'

const ruleKinds = new Map<string, RuleKind>([
  ['applicationrule', 'application'],
  ['networkrule', 'network'],
  ['natrule', 'nat'],
])

type RuleInput = {
  raw: ArmValue
  fields: Fields
  /** Where the IP protocols are: classic network and NAT rules call them `protocols`. */
  protocolsField: string
}

/** The fields every rule has. */
function ruleBase(raw: ArmValue, input: { index: number; origin: ModelOrigin }, fields: Fields) {
  const description = text(get(raw, 'description'))
  return {
    name: text(get(raw, 'name')) ?? `rule-${input.index + 1}`,
    ...(description !== undefined ? { description } : {}),
    sourceAddresses: stringList(get(raw, 'sourceAddresses'), 'sourceAddresses', fields),
    sourceIpGroups: stringList(get(raw, 'sourceIpGroups'), 'sourceIpGroups', fields),
    ...(input.origin.file ? { origin: input.origin } : {}),
  }
}

function list(input: RuleInput, field: string): string[] {
  return stringList(get(input.raw, field), field, input.fields)
}

function applicationRule(input: RuleInput) {
  return {
    protocols: applicationProtocols(get(input.raw, 'protocols'), input.fields),
    targetFqdns: list(input, 'targetFqdns'),
    fqdnTags: list(input, 'fqdnTags'),
    targetUrls: list(input, 'targetUrls'),
    terminateTLS: get(input.raw, 'terminateTLS') === true,
    destinationAddresses: list(input, 'destinationAddresses'),
    webCategories: list(input, 'webCategories'),
  }
}

function networkRule(input: RuleInput) {
  return {
    ipProtocols: ipProtocols(get(input.raw, input.protocolsField), input.fields),
    destinationAddresses: list(input, 'destinationAddresses'),
    destinationFqdns: list(input, 'destinationFqdns'),
    destinationIpGroups: list(input, 'destinationIpGroups'),
    destinationPorts: list(input, 'destinationPorts'),
  }
}

function natRule(input: RuleInput) {
  const translated = (field: string) => optionalString(get(input.raw, field), field, input.fields)
  const translatedAddress = translated('translatedAddress')
  const translatedFqdn = translated('translatedFqdn')
  const translatedPort = translated('translatedPort')
  return {
    ipProtocols: ipProtocols(get(input.raw, input.protocolsField), input.fields),
    destinationAddresses: list(input, 'destinationAddresses'),
    destinationPorts: list(input, 'destinationPorts'),
    ...(translatedAddress !== undefined ? { translatedAddress } : {}),
    ...(translatedFqdn !== undefined ? { translatedFqdn } : {}),
    ...(translatedPort !== undefined ? { translatedPort } : {}),
  }
}

/**
 * One rule of a policy collection (by its `ruleType`) or of a classic collection (by the
 * collection's kind); `undefined` for a rule type that is not modelled.
 */
export function readRule(
  raw: ArmValue,
  input: { index: number; classic?: RuleKind; origin: ModelOrigin },
): FirewallRule | undefined {
  const kind = input.classic ?? ruleKinds.get(text(get(raw, 'ruleType'))?.toLowerCase() ?? '')
  if (!kind) return undefined
  const fields = newFields()
  const base = ruleBase(raw, input, fields)
  const rule: RuleInput = {
    raw,
    fields,
    protocolsField: input.classic ? 'protocols' : 'ipProtocols',
  }
  switch (kind) {
    case 'application':
      return finish<ApplicationRule>(
        { ruleType: 'ApplicationRule', ...base, ...applicationRule(rule) },
        fields,
      )
    case 'network':
      return finish<NetworkRule>({ ruleType: 'NetworkRule', ...base, ...networkRule(rule) }, fields)
    case 'nat':
      return finish<NatRule>({ ruleType: 'NatRule', ...base, ...natRule(rule) }, fields)
  }
}
