/**
 * One outbound rule from any shape into the model. The shapes spell the same rule differently
 * (ARM `FQDN` / `serviceResourceId`, YAML `fqdn` / `service_resource_id`, `outbound-rule list`
 * `FQDN` / `service_resource_id`, Terraform `destination_fqdn` / `sub_resource_target`), so keys
 * are compared without case and `_`. Unknown keys are ignored (read-only fields such as
 * `errorInformation` or `parentRuleNames`); a rule that cannot be understood is an error message.
 */
import type { OutboundRule, RuleCategory, RuleLocation, RuleStatus, ServiceTagRule } from './model'

type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function normalKey(key: string): string {
  return key.replaceAll('_', '').toLowerCase()
}

/** A field by its name in any of the shapes' spellings (`subresourceTarget`, `sub_resource_target`). */
export function field(object: Json, ...names: string[]): unknown {
  const wanted = new Set(names.map(normalKey))
  for (const [key, value] of Object.entries(object)) if (wanted.has(normalKey(key))) return value
  return undefined
}

const TYPES: Record<string, OutboundRule['type']> = {
  fqdn: 'FQDN',
  servicetag: 'ServiceTag',
  privateendpoint: 'PrivateEndpoint',
}
const CATEGORIES: Record<string, RuleCategory> = {
  required: 'Required',
  recommended: 'Recommended',
  userdefined: 'UserDefined',
  dependency: 'Dependency',
}
const STATUSES: Record<string, RuleStatus> = {
  inactive: 'Inactive',
  active: 'Active',
  provisioning: 'Provisioning',
  deleting: 'Deleting',
  failed: 'Failed',
}

function lookup<T>(table: Record<string, T>, value: unknown): T | undefined {
  return typeof value === 'string' ? table[normalKey(value)] : undefined
}

function strings(value: unknown): string[] | undefined {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value
  return undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function serviceTagRule(
  common: Pick<ServiceTagRule, 'name' | 'category' | 'status' | 'location'>,
  destination: Json,
): OutboundRule | string {
  const serviceTag = text(field(destination, 'serviceTag'))
  const protocol = text(field(destination, 'protocol'))
  const portRanges = text(field(destination, 'portRanges'))
  const addressPrefixes = strings(field(destination, 'addressPrefixes'))
  const action = field(destination, 'action')
  if ((!serviceTag && !addressPrefixes?.length) || !protocol || !portRanges)
    return 'a service tag rule needs service_tag (or address_prefixes), protocol and port_ranges'
  if (action !== undefined && action !== 'Allow' && action !== 'Deny')
    return `action ${JSON.stringify(action)} is neither Allow nor Deny`
  return {
    ...common,
    type: 'ServiceTag',
    serviceTag: serviceTag ?? '',
    protocol,
    portRanges,
    ...(addressPrefixes?.length ? { addressPrefixes } : {}),
    ...(action ? { action } : {}),
  }
}

/**
 * A rule from its name, type and destination fields (the destination inline, as Terraform writes
 * it, or nested); a message when it is not a rule this reader understands.
 * @example readRule({ name: 'allow-pypi', type: 'fqdn', destination: 'pypi.org' }, location)
 */
export function readRule(raw: Json, location: RuleLocation): OutboundRule | string {
  const name = text(field(raw, 'name'))
  const type = lookup(TYPES, field(raw, 'type'))
  if (!name) return 'an outbound rule without a name'
  if (!type)
    return `rule ${name}: type ${JSON.stringify(field(raw, 'type'))} is not fqdn, service_tag or private_endpoint`
  const status = lookup(STATUSES, field(raw, 'status'))
  const category = lookup(CATEGORIES, field(raw, 'category'))
  const common = {
    name,
    ...(category ? { category } : {}),
    ...(status ? { status } : {}),
    location,
  }
  const destination = field(raw, 'destination') ?? raw
  if (type === 'FQDN') {
    const host = text(field(raw, 'destinationFqdn')) ?? text(destination)
    return host
      ? { ...common, type, destination: host }
      : `rule ${name}: an FQDN rule needs a destination host`
  }
  if (!isObject(destination)) return `rule ${name}: the destination is not an object`
  if (type === 'ServiceTag') {
    const rule = serviceTagRule(common, destination)
    return typeof rule === 'string' ? `rule ${name}: ${rule}` : rule
  }
  const serviceResourceId = text(field(destination, 'serviceResourceId'))
  const subresourceTarget = text(field(destination, 'subresourceTarget'))
  if (!serviceResourceId || !subresourceTarget)
    return `rule ${name}: a private endpoint rule needs service_resource_id and subresource_target`
  const fqdns = strings(field(raw, 'fqdns'))
  return {
    ...common,
    type,
    serviceResourceId,
    subresourceTarget,
    sparkEnabled: field(destination, 'sparkEnabled') === true,
    ...(fqdns?.length ? { fqdns } : {}),
  }
}
