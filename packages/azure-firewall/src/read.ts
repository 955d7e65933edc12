import {
  createDiagnostic,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticSeverity,
  type ReadResult,
  type RenderedFile,
  sortDiagnostics,
} from '@aml-egress/core'
import { type ArmScope, type ArmValue, emptyScope, resolveArm, UNKNOWN } from './armExpression'
import { formatName } from './build'
import { looksLikeHostName } from './evaluate'
import {
  type ApplicationRule,
  type ApplicationRuleProtocol,
  type FilterAction,
  type FirewallPolicy,
  type FirewallPolicyConfig,
  firewallLimits,
  type IpGroup,
  type ModelOrigin,
  type NatRule,
  type NetworkIpProtocol,
  type NetworkRule,
  type RuleCollection,
  type RuleCollectionGroup,
} from './model'

type Record_ = { [key: string]: ArmValue }

function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Case-insensitive property access: Azure's own output mixes `Properties` and `properties`. */
function get(record: ArmValue | undefined, key: string): ArmValue | undefined {
  if (!isRecord(record)) return undefined
  if (key in record) return record[key]
  const found = Object.keys(record).find((k) => k.toLowerCase() === key.toLowerCase())
  return found === undefined ? undefined : record[found]
}

type Reader = {
  diagnostics: Diagnostic[]
  groups: { group: RuleCollectionGroup; policy?: string; fromTemplate: boolean }[]
  policies: { name?: string; dnsProxy?: boolean; sku?: string; basePolicy?: string }[]
  ipGroups: IpGroup[]
  unresolvedPolicy: Set<string>
}

function report(
  reader: Reader,
  input: {
    code: DiagnosticCode
    severity: DiagnosticSeverity
    message: string
    file?: string
    line?: number
    path?: (string | number)[]
  },
): void {
  reader.diagnostics.push(
    createDiagnostic({
      code: input.code,
      severity: input.severity,
      message: input.message,
      format: formatName,
      ...(input.path ? { path: input.path } : {}),
      ...(input.file
        ? {
            location: { file: input.file, ...(input.line ? { line: input.line } : {}) },
          }
        : {}),
    }),
  )
}

const WHITESPACE = /\s/

/**
 * Offset of the first `"name": "<name>"` (any whitespace around the colon) at or after `from`, or
 * -1. Finds the value with indexOf and checks what precedes it: no RegExp per rule, which made
 * reading a 10,000-rule policy spend most of its time compiling patterns.
 */
function findName(text: string, name: string, from: number): number {
  const value = JSON.stringify(name)
  for (let at = text.indexOf(value, from); at !== -1; at = text.indexOf(value, at + 1)) {
    let before = at
    while (before > 0 && WHITESPACE.test(text.charAt(before - 1))) before--
    if (text.charAt(before - 1) !== ':') continue
    before--
    while (before > 0 && WHITESPACE.test(text.charAt(before - 1))) before--
    const start = before - '"name"'.length
    if (start >= from && text.startsWith('"name"', start)) return start
  }
  return -1
}

function countLines(text: string, from: number, to: number): number {
  let count = 0
  let index = text.indexOf('\n', from)
  while (index !== -1 && index < to) {
    count++
    index = text.indexOf('\n', index + 1)
  }
  return count
}

function syntaxLine(text: string, error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error)
  const line = /line (\d+)/.exec(message)
  if (line) return Number(line[1])
  const position = /position (\d+)/.exec(message)
  if (position) return text.slice(0, Number(position[1])).split('\n').length
  return undefined
}

type Fields = { unresolved: Set<string> }

function stringList(value: ArmValue | undefined, field: string, fields: Fields): string[] {
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

function priorityOf(value: ArmValue | undefined, fields: Fields): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  fields.unresolved.add('priority')
  return firewallLimits.maxPriority
}

const ipProtocolSpelling: Record<string, NetworkIpProtocol> = {
  tcp: 'TCP',
  udp: 'UDP',
  icmp: 'ICMP',
  any: 'Any',
}

function ipProtocols(value: ArmValue | undefined, field: string, fields: Fields) {
  const result: NetworkIpProtocol[] = []
  for (const text of stringList(value, field, fields)) {
    const protocol = ipProtocolSpelling[text.toLowerCase()]
    if (protocol) result.push(protocol)
    else fields.unresolved.add(field)
  }
  return result
}

function applicationProtocols(value: ArmValue | undefined, fields: Fields) {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) {
    fields.unresolved.add('protocols')
    return []
  }
  const result: ApplicationRuleProtocol[] = []
  for (const item of value) {
    const type = get(item, 'protocolType')
    const port = get(item, 'port')
    const spelled =
      typeof type === 'string'
        ? (['Http', 'Https', 'Mssql'] as const).find((t) => t.toLowerCase() === type.toLowerCase())
        : undefined
    const number = typeof port === 'number' ? port : typeof port === 'string' ? Number(port) : NaN
    if (spelled && Number.isInteger(number)) result.push({ protocolType: spelled, port: number })
    else fields.unresolved.add('protocols')
  }
  return result
}

function finish<T extends { unresolved?: string[] }>(value: T, fields: Fields): T {
  if (fields.unresolved.size > 0) value.unresolved = [...fields.unresolved].sort()
  return value
}

function text(value: ArmValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function readRule(
  raw: ArmValue,
  input: { index: number; classic?: 'application' | 'network' | 'nat'; origin: ModelOrigin },
): ApplicationRule | NetworkRule | NatRule | undefined {
  const fields: Fields = { unresolved: new Set() }
  const type = input.classic
    ? { application: 'applicationrule', network: 'networkrule', nat: 'natrule' }[input.classic]
    : text(get(raw, 'ruleType'))?.toLowerCase()
  const name = text(get(raw, 'name')) ?? `rule-${input.index + 1}`
  const description = text(get(raw, 'description'))
  const base = {
    name,
    ...(description !== undefined ? { description } : {}),
    sourceAddresses: stringList(get(raw, 'sourceAddresses'), 'sourceAddresses', fields),
    sourceIpGroups: stringList(get(raw, 'sourceIpGroups'), 'sourceIpGroups', fields),
    ...(input.origin.file ? { origin: input.origin } : {}),
  }
  // Classic network and NAT rules call their IP protocols `protocols`.
  const protocolsField = input.classic ? 'protocols' : 'ipProtocols'
  switch (type) {
    case 'applicationrule':
      return finish<ApplicationRule>(
        {
          ruleType: 'ApplicationRule',
          ...base,
          protocols: applicationProtocols(get(raw, 'protocols'), fields),
          targetFqdns: stringList(get(raw, 'targetFqdns'), 'targetFqdns', fields),
          fqdnTags: stringList(get(raw, 'fqdnTags'), 'fqdnTags', fields),
          targetUrls: stringList(get(raw, 'targetUrls'), 'targetUrls', fields),
          terminateTLS: get(raw, 'terminateTLS') === true,
          destinationAddresses: stringList(
            get(raw, 'destinationAddresses'),
            'destinationAddresses',
            fields,
          ),
          webCategories: stringList(get(raw, 'webCategories'), 'webCategories', fields),
        },
        fields,
      )
    case 'networkrule':
      return finish<NetworkRule>(
        {
          ruleType: 'NetworkRule',
          ...base,
          ipProtocols: ipProtocols(get(raw, protocolsField), 'ipProtocols', fields),
          destinationAddresses: stringList(
            get(raw, 'destinationAddresses'),
            'destinationAddresses',
            fields,
          ),
          destinationFqdns: stringList(get(raw, 'destinationFqdns'), 'destinationFqdns', fields),
          destinationIpGroups: stringList(
            get(raw, 'destinationIpGroups'),
            'destinationIpGroups',
            fields,
          ),
          destinationPorts: stringList(get(raw, 'destinationPorts'), 'destinationPorts', fields),
        },
        fields,
      )
    case 'natrule': {
      const translatedAddress = optionalString(
        get(raw, 'translatedAddress'),
        'translatedAddress',
        fields,
      )
      const translatedFqdn = optionalString(get(raw, 'translatedFqdn'), 'translatedFqdn', fields)
      const translatedPort = optionalString(get(raw, 'translatedPort'), 'translatedPort', fields)
      return finish<NatRule>(
        {
          ruleType: 'NatRule',
          ...base,
          ipProtocols: ipProtocols(get(raw, protocolsField), 'ipProtocols', fields),
          destinationAddresses: stringList(
            get(raw, 'destinationAddresses'),
            'destinationAddresses',
            fields,
          ),
          destinationPorts: stringList(get(raw, 'destinationPorts'), 'destinationPorts', fields),
          ...(translatedAddress !== undefined ? { translatedAddress } : {}),
          ...(translatedFqdn !== undefined ? { translatedFqdn } : {}),
          ...(translatedPort !== undefined ? { translatedPort } : {}),
        },
        fields,
      )
    }
  }
  return undefined
}

function unknownCollection(name: string, priority: number, origin: ModelOrigin): RuleCollection {
  return {
    collectionType: 'filter',
    name,
    priority,
    action: 'Deny',
    ruleType: 'network',
    rules: [],
    unresolved: ['action', 'rules'],
    ...(origin.file ? { origin } : {}),
  }
}

/** A file being read; `cursor` and `line` advance as names are located, so lookups stay linear. */
type Source = { file: string; text: string; cursor: number; line: number }

function locate(source: Source, name: string): ModelOrigin {
  const offset = findName(source.text, name, source.cursor)
  if (offset < 0) return { file: source.file }
  source.line += countLines(source.text, source.cursor, offset)
  source.cursor = offset
  return { file: source.file, line: source.line }
}

function readCollection(
  reader: Reader,
  raw: ArmValue,
  input: { index: number; source: Source; groupName: string },
): RuleCollection[] {
  const fields: Fields = { unresolved: new Set() }
  const name = text(get(raw, 'name')) ?? `collection-${input.index + 1}`
  const origin = locate(input.source, name)
  const priority = priorityOf(get(raw, 'priority'), fields)
  const type = text(get(raw, 'ruleCollectionType'))?.toLowerCase()
  const actionText = text(get(get(raw, 'action'), 'type'))?.toLowerCase()
  const rawRules = get(raw, 'rules')
  const where = `collection ${input.groupName}/${name}`
  if (type !== 'firewallpolicyfilterrulecollection' && type !== 'firewallpolicynatrulecollection') {
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      severity: 'warning',
      message: `${where} has ruleCollectionType ${String(get(raw, 'ruleCollectionType'))}, which is not modelled; flows it could decide are unknown.`,
      file: input.source.file,
      ...(origin.line ? { line: origin.line } : {}),
    })
    return [unknownCollection(name, priority, origin)]
  }
  if (!Array.isArray(rawRules)) {
    if (rawRules !== undefined && rawRules !== null) {
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        severity: 'warning',
        message: `The rules of ${where} could not be resolved; flows it could decide are unknown.`,
        file: input.source.file,
        ...(origin.line ? { line: origin.line } : {}),
      })
      return [unknownCollection(name, priority, origin)]
    }
  }
  const rules = (Array.isArray(rawRules) ? rawRules : []).flatMap((rule, index) => {
    const ruleName = text(get(rule, 'name'))
    const ruleOrigin = ruleName ? locate(input.source, ruleName) : { file: input.source.file }
    const read = readRule(rule, { index, origin: ruleOrigin })
    if (!read)
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        severity: 'warning',
        message: `Rule ${index + 1} of ${where} has ruleType ${String(get(rule, 'ruleType'))}; it is ignored, so flows it would decide may be reported wrongly as denied.`,
        file: input.source.file,
        ...(ruleOrigin.line ? { line: ruleOrigin.line } : {}),
      })
    return read ? [read] : []
  })
  const base = { name, priority, ...(origin.file ? { origin } : {}) }
  if (type === 'firewallpolicynatrulecollection') {
    const nat = rules.filter((r): r is NatRule => r.ruleType === 'NatRule')
    if (nat.length !== rules.length)
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        severity: 'warning',
        message: `${where} is a NAT collection with non-NAT rules; Azure rejects that, and they are ignored.`,
        file: input.source.file,
      })
    return [
      finish<RuleCollection>(
        { collectionType: 'nat', action: 'DNAT', ...base, rules: nat },
        fields,
      ),
    ]
  }
  let action: FilterAction = 'Deny'
  if (actionText === 'allow') action = 'Allow'
  else if (actionText !== 'deny') fields.unresolved.add('action')
  const application = rules.filter((r): r is ApplicationRule => r.ruleType === 'ApplicationRule')
  const network = rules.filter((r): r is NetworkRule => r.ruleType === 'NetworkRule')
  if (rules.length !== application.length + network.length)
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      severity: 'warning',
      message: `${where} is a filter collection with NAT rules; Azure rejects that, and they are ignored.`,
      file: input.source.file,
    })
  if (application.length > 0 && network.length > 0)
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      severity: 'warning',
      message: `${where} mixes application and network rules; Azure requires one rule type per collection. They are evaluated as two collections with the same priority.`,
      file: input.source.file,
      ...(origin.line ? { line: origin.line } : {}),
    })
  const collections: RuleCollection[] = []
  if (network.length > 0 || application.length === 0)
    collections.push(
      finish<RuleCollection>(
        {
          collectionType: 'filter',
          action,
          ruleType: 'network',
          ...base,
          rules: network,
        },
        { unresolved: new Set(fields.unresolved) },
      ),
    )
  if (application.length > 0)
    collections.push(
      finish<RuleCollection>(
        {
          collectionType: 'filter',
          action,
          ruleType: 'application',
          ...base,
          rules: application,
        },
        { unresolved: new Set(fields.unresolved) },
      ),
    )
  return collections
}

function nameSegments(resolved: ArmValue | undefined, raw: unknown): string[] | undefined {
  if (typeof resolved === 'string') return resolved.split('/')
  // `[concat(parameters('policy'), '/aml-egress')]`: the group name is the literal tail.
  if (typeof raw === 'string') {
    const tail = /'\/?([^'/]+)'\s*\)\s*\]$/.exec(raw)
    if (tail?.[1]) return [UNKNOWN_NAME, tail[1]]
  }
  return undefined
}

const UNKNOWN_NAME = '(unresolved)'

function readGroup(
  reader: Reader,
  input: {
    resource: ArmValue
    rawName: unknown
    parentName?: string
    source: Source
    fromTemplate: boolean
    unresolvable?: string
  },
): void {
  const fields: Fields = { unresolved: new Set() }
  const segments = nameSegments(get(input.resource, 'name'), input.rawName)
  const name = segments?.at(-1) ?? `group-${reader.groups.length + 1}`
  if (!segments) fields.unresolved.add('name')
  const policy = segments && segments.length > 1 ? segments[0] : input.parentName
  const origin = locate(input.source, name)
  // `az ... rule-collection-group show` prints the properties flattened onto the resource.
  const properties = get(input.resource, 'properties') ?? input.resource
  const priority = priorityOf(get(properties, 'priority'), fields)
  const rawCollections = get(properties, 'ruleCollections')
  let ruleCollections: RuleCollection[] = []
  if (input.unresolvable || (rawCollections !== undefined && !Array.isArray(rawCollections))) {
    fields.unresolved.add('ruleCollections')
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      severity: 'warning',
      message: `Rule collection group ${name}: ${input.unresolvable ?? 'its rule collections could not be resolved'}; every flow is unknown until it is.`,
      file: input.source.file,
      ...(origin.line ? { line: origin.line } : {}),
    })
  } else if (Array.isArray(rawCollections))
    ruleCollections = rawCollections.flatMap((collection, index) =>
      readCollection(reader, collection, { index, source: input.source, groupName: name }),
    )
  reader.groups.push({
    group: finish<RuleCollectionGroup>(
      { name, priority, ruleCollections, ...(origin.file ? { origin } : {}) },
      fields,
    ),
    ...(policy && policy !== UNKNOWN_NAME ? { policy } : {}),
    fromTemplate: input.fromTemplate,
  })
}

function readClassic(
  reader: Reader,
  input: { resource: ArmValue; source: Source; name: string },
): void {
  const properties = get(input.resource, 'properties') ?? input.resource
  const origin = locate(input.source, input.name)
  const kinds = [
    ['natRuleCollections', 'nat'],
    ['networkRuleCollections', 'network'],
    ['applicationRuleCollections', 'application'],
  ] as const
  const ruleCollections: RuleCollection[] = []
  for (const [key, kind] of kinds) {
    const list = get(properties, key)
    if (list === undefined || list === null) continue
    if (!Array.isArray(list)) {
      readGroup(reader, {
        resource: input.resource,
        rawName: input.name,
        source: input.source,
        fromTemplate: false,
        unresolvable: `${key} could not be resolved`,
      })
      return
    }
    list.forEach((raw, index) => {
      const fields: Fields = { unresolved: new Set() }
      const name = text(get(raw, 'name')) ?? `${kind}-${index + 1}`
      const collectionOrigin = locate(input.source, name)
      const props = get(raw, 'properties') ?? raw
      const priority = priorityOf(get(props, 'priority'), fields)
      const actionText = text(get(get(props, 'action'), 'type'))?.toLowerCase()
      const rawRules = get(props, 'rules')
      const rules = (Array.isArray(rawRules) ? rawRules : []).flatMap((rule, ruleIndex) => {
        const ruleName = text(get(rule, 'name'))
        const ruleOrigin = ruleName ? locate(input.source, ruleName) : { file: input.source.file }
        const read = readRule(rule, { index: ruleIndex, classic: kind, origin: ruleOrigin })
        return read ? [read] : []
      })
      if (rawRules !== undefined && !Array.isArray(rawRules)) fields.unresolved.add('rules')
      const base = { name, priority, origin: collectionOrigin }
      if (kind === 'nat') {
        if (actionText === 'snat')
          report(reader, {
            code: 'AML_EGRESS_READ_UNSUPPORTED',
            severity: 'info',
            message: `Classic NAT collection ${name} does SNAT, which is not modelled; it is ignored.`,
            file: input.source.file,
          })
        else
          ruleCollections.push(
            finish<RuleCollection>(
              {
                collectionType: 'nat',
                action: 'DNAT',
                ...base,
                rules: rules.filter((r): r is NatRule => r.ruleType === 'NatRule'),
              },
              fields,
            ),
          )
        return
      }
      let action: FilterAction = 'Deny'
      if (actionText === 'allow') action = 'Allow'
      else if (actionText !== 'deny') fields.unresolved.add('action')
      ruleCollections.push(
        kind === 'network'
          ? finish<RuleCollection>(
              {
                collectionType: 'filter',
                action,
                ruleType: 'network',
                ...base,
                rules: rules.filter((r): r is NetworkRule => r.ruleType === 'NetworkRule'),
              },
              fields,
            )
          : finish<RuleCollection>(
              {
                collectionType: 'filter',
                action,
                ruleType: 'application',
                ...base,
                rules: rules.filter((r): r is ApplicationRule => r.ruleType === 'ApplicationRule'),
              },
              fields,
            ),
      )
    })
  }
  const policyId = text(get(get(properties, 'firewallPolicy'), 'id'))
  if (policyId && ruleCollections.length === 0) {
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      severity: 'info',
      message: `Firewall ${input.name} uses policy ${policyId}; read that policy's rule collection groups to evaluate it.`,
      file: input.source.file,
    })
    return
  }
  // Classic rules have no groups: one group holds them, ordered by collection priority per type.
  reader.groups.push({
    group: { name: input.name, priority: firewallLimits.minPriority, ruleCollections, origin },
    fromTemplate: false,
  })
}

function readPolicy(reader: Reader, input: { resource: ArmValue; name?: string }): void {
  const properties = get(input.resource, 'properties') ?? input.resource
  const proxy = get(get(properties, 'dnsSettings'), 'enableProxy')
  const tier = get(get(properties, 'sku'), 'tier')
  const base = get(properties, 'basePolicy')
  const baseId = base === undefined || base === null ? undefined : get(base, 'id')
  reader.policies.push({
    ...(input.name ? { name: input.name } : {}),
    ...(typeof proxy === 'boolean' ? { dnsProxy: proxy } : {}),
    ...(proxy === undefined || proxy === null ? { dnsProxy: false } : {}),
    ...(typeof tier === 'string' ? { sku: tier } : {}),
    ...(base !== undefined && base !== null
      ? { basePolicy: typeof baseId === 'string' ? baseId : UNKNOWN_NAME }
      : {}),
  })
  if (proxy === UNKNOWN) reader.unresolvedPolicy.add('dnsProxy')
}

function readIpGroup(reader: Reader, input: { resource: ArmValue; name: string }): void {
  const properties = get(input.resource, 'properties') ?? input.resource
  const fields: Fields = { unresolved: new Set() }
  const addresses = stringList(get(properties, 'ipAddresses'), 'ipAddresses', fields)
  // An IP group with addresses we could not resolve stays unresolvable (left out).
  if (fields.unresolved.size === 0) reader.ipGroups.push({ id: input.name, addresses })
}

const types = {
  group: 'microsoft.network/firewallpolicies/rulecollectiongroups',
  policy: 'microsoft.network/firewallpolicies',
  classic: 'microsoft.network/azurefirewalls',
  ipGroup: 'microsoft.network/ipgroups',
  deployment: 'microsoft.resources/deployments',
} as const

function walkResource(
  reader: Reader,
  input: {
    raw: unknown
    scope: ArmScope
    source: Source
    fromTemplate: boolean
    parent?: { type: string; name?: string }
  },
): void {
  const raw = input.raw
  if (!isRecord(raw)) return
  const rawType = resolveArm(get(raw, 'type'), input.scope)
  let type =
    typeof rawType === 'string'
      ? rawType.toLowerCase()
      : get(raw, 'ruleCollections') !== undefined ||
          get(get(raw, 'properties'), 'ruleCollections') !== undefined
        ? types.group
        : ''
  if (input.parent && type !== '' && !type.includes('/')) type = `${input.parent.type}/${type}`
  const resolvedName = resolveArm(get(raw, 'name'), input.scope)
  const fullName =
    typeof resolvedName === 'string' && input.parent?.name && !resolvedName.includes('/')
      ? `${input.parent.name}/${resolvedName}`
      : resolvedName
  const condition = get(raw, 'condition')
  if (condition !== undefined) {
    const value = resolveArm(condition, input.scope)
    if (value === false) return
    if (value !== true && type === types.group) {
      readGroup(reader, {
        resource: raw,
        rawName: get(raw, 'name'),
        source: input.source,
        fromTemplate: input.fromTemplate,
        unresolvable: 'its deployment condition could not be resolved',
      })
      return
    }
  }
  if (get(raw, 'copy') !== undefined) {
    if (type === types.group)
      readGroup(reader, {
        resource: raw,
        rawName: get(raw, 'name'),
        source: input.source,
        fromTemplate: input.fromTemplate,
        unresolvable: 'copy loops are not expanded',
      })
    else if (type === types.policy || type === types.classic)
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        severity: 'warning',
        message: `A ${type} resource with a copy loop is not expanded.`,
        file: input.source.file,
      })
    return
  }
  const resource = resolveArm(raw, input.scope)
  const name = typeof fullName === 'string' ? fullName : undefined
  switch (type) {
    case types.group:
      readGroup(reader, {
        resource,
        rawName: get(raw, 'name'),
        source: input.source,
        fromTemplate: input.fromTemplate,
        ...(input.parent?.name ? { parentName: input.parent.name } : {}),
      })
      return
    case types.policy:
      readPolicy(reader, { resource, ...(name ? { name } : {}) })
      break
    case types.classic:
      readClassic(reader, { resource, source: input.source, name: name ?? 'azure-firewall' })
      return
    case types.ipGroup:
      if (name) readIpGroup(reader, { resource, name })
      return
    case types.deployment:
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        severity: 'warning',
        message: `Nested deployment ${name ?? ''} is not followed; rules it deploys are not evaluated.`,
        file: input.source.file,
      })
      return
    default:
      if (!type.startsWith('microsoft.network/firewallpolicies')) return
  }
  const children = get(raw, 'resources')
  if (Array.isArray(children))
    for (const child of children)
      walkResource(reader, {
        ...input,
        raw: child,
        parent: { type, ...(name ? { name } : {}) },
      })
}

function isParametersFile(json: unknown): json is Record_ {
  if (!isRecord(json)) return false
  const schema = text(get(json, '$schema')) ?? ''
  return (
    schema.toLowerCase().includes('deploymentparameters') ||
    (isRecord(get(json, 'parameters')) &&
      get(json, 'resources') === undefined &&
      Object.values(get(json, 'parameters') as Record_).every(
        (p) => isRecord(p) && ('value' in p || 'reference' in p),
      ))
  )
}

function lintPolicy(reader: Reader, policy: FirewallPolicy): void {
  const globalTags = [
    'storage',
    'sql',
    'azurekeyvault',
    'eventhub',
    'servicebus',
    'azurecosmosdb',
    'azurecontainerregistry',
  ]
  for (const group of policy.ruleCollectionGroups)
    for (const collection of group.ruleCollections) {
      if (collection.collectionType !== 'filter') continue
      for (const rule of collection.rules) {
        const where = `${group.name}/${collection.name}/${rule.name}`
        const at = {
          ...(rule.origin?.file ? { file: rule.origin.file } : {}),
          ...(rule.origin?.line ? { line: rule.origin.line } : {}),
        }
        const allow = collection.action === 'Allow'
        if (rule.ruleType === 'NetworkRule') {
          for (const entry of rule.destinationAddresses) {
            if (looksLikeHostName(entry))
              report(reader, {
                code: 'AML_EGRESS_READ_UNSUPPORTED',
                severity: 'warning',
                message: `${where}: destinationAddresses holds host name ${entry}; network rules take host names only in destinationFqdns (and Azure rejects this), so it matches nothing.`,
                ...at,
              })
            else if (allow && globalTags.includes(entry.toLowerCase()))
              report(reader, {
                code: 'AML_EGRESS_OVER_BROAD_RULE',
                severity: 'warning',
                message: `${where}: global service tag ${entry} reaches every region; the regional tag (${entry}.<Region>) is enough.`,
                ...at,
              })
            else if (allow && (entry === '*' || entry === '0.0.0.0/0'))
              report(reader, {
                code: 'AML_EGRESS_OVER_BROAD_RULE',
                severity: 'warning',
                message: `${where}: destination ${entry} allows any address.`,
                ...at,
              })
          }
          for (const fqdn of rule.destinationFqdns)
            if (fqdn.includes('*'))
              report(reader, {
                code: 'AML_EGRESS_READ_UNSUPPORTED',
                severity: 'warning',
                message: `${where}: destinationFqdns ${fqdn} is a wildcard; network-rule FQDNs take no wildcards (use an application rule, or a service tag), so it matches nothing.`,
                ...at,
              })
          if (rule.destinationFqdns.length > 0 && policy.dnsProxy !== true)
            report(reader, {
              code: 'AML_EGRESS_DNS_PROXY_REQUIRED',
              severity: policy.dnsProxy === false ? 'warning' : 'info',
              message: `${where} uses destinationFqdns: the policy needs DNS proxy on${policy.dnsProxy === false ? ', and it is off' : ' (its setting was not in the files read)'}.`,
              ...at,
            })
        } else {
          for (const protocol of rule.protocols)
            if (protocol.protocolType !== 'Mssql' && [22, 53, 445, 3389].includes(protocol.port))
              report(reader, {
                code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
                severity: 'warning',
                message: `${where}: an application rule on port ${protocol.port} inspects the traffic as ${protocol.protocolType}; it cannot pass non-HTTP traffic such as SMB. Use a network rule.`,
                ...at,
              })
          for (const fqdn of rule.targetFqdns)
            if (allow && (fqdn === '*' || (fqdn.startsWith('*') && !fqdn.startsWith('*.'))))
              report(reader, {
                code: 'AML_EGRESS_OVER_BROAD_RULE',
                severity: 'warning',
                message: `${where}: target ${fqdn} ${fqdn === '*' ? 'allows any host' : `also matches hosts that merely end in ${fqdn.slice(1)}`}.`,
                ...at,
              })
          if (rule.targetUrls.length > 0 && !rule.terminateTLS)
            report(reader, {
              code: 'AML_EGRESS_READ_UNSUPPORTED',
              severity: 'warning',
              message: `${where}: targetUrls need terminateTLS (Premium); Azure rejects the rule as written.`,
              ...at,
            })
        }
      }
    }
  for (const group of policy.ruleCollectionGroups) {
    const seen = new Map<string, string>()
    for (const collection of group.ruleCollections) {
      const other = seen.get(String(collection.priority))
      if (other && other !== collection.name)
        report(reader, {
          code: 'AML_EGRESS_READ_UNSUPPORTED',
          severity: 'warning',
          message: `Group ${group.name}: collections ${other} and ${collection.name} share priority ${collection.priority}; Azure requires unique priorities.`,
          ...(group.origin?.file ? { file: group.origin.file } : {}),
        })
      seen.set(String(collection.priority), collection.name)
    }
  }
}

function sameGroup(a: RuleCollectionGroup, b: RuleCollectionGroup): boolean {
  const strip = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value, (key, v) => (key === 'origin' ? undefined : v)))
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b))
}

/**
 * Reads ARM templates (with parameter files), plain rule collection group resources, `az` CLI
 * output and classic `Microsoft.Network/azureFirewalls` into one policy model. What it cannot
 * interpret becomes an AML_EGRESS_READ_UNSUPPORTED diagnostic and an `unresolved` mark.
 * @example const { config, diagnostics } = readFirewallPolicy([{ path: 'azuredeploy.json', contents }])
 */
export function readFirewallPolicy(
  files: readonly RenderedFile[],
): ReadResult<FirewallPolicyConfig> {
  const reader: Reader = {
    diagnostics: [],
    groups: [],
    policies: [],
    ipGroups: [],
    unresolvedPolicy: new Set(),
  }
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const parsed: { file: RenderedFile; json: unknown }[] = []
  for (const file of sorted) {
    try {
      parsed.push({ file, json: JSON.parse(file.contents) })
    } catch (error) {
      const line = syntaxLine(file.contents, error)
      report(reader, {
        code: 'AML_EGRESS_READ_SYNTAX',
        severity: 'error',
        message: `${file.path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        file: file.path,
        ...(line ? { line } : {}),
      })
    }
  }
  const values: Record<string, unknown> = {}
  for (const { json } of parsed)
    if (isParametersFile(json))
      for (const [key, parameter] of Object.entries(get(json, 'parameters') as Record_))
        if (isRecord(parameter) && 'value' in parameter) values[key] = parameter.value
  for (const { file, json } of parsed) {
    if (isParametersFile(json)) continue
    const source: Source = { file: file.path, text: file.contents, cursor: 0, line: 1 }
    if (isRecord(json) && Array.isArray(json.resources)) {
      const parameters = get(json, 'parameters')
      const variables = get(json, 'variables')
      const scope: ArmScope = {
        values,
        parameters: isRecord(parameters) ? parameters : {},
        variables: isRecord(variables) ? variables : {},
      }
      for (const resource of json.resources)
        walkResource(reader, { raw: resource, scope, source, fromTemplate: true })
      continue
    }
    const items = Array.isArray(json)
      ? json
      : isRecord(json) && Array.isArray(get(json, 'value'))
        ? (get(json, 'value') as ArmValue[])
        : [json]
    const before = reader.groups.length + reader.policies.length
    for (const item of items)
      walkResource(reader, { raw: item, scope: emptyScope, source, fromTemplate: false })
    if (reader.groups.length + reader.policies.length === before && reader.ipGroups.length === 0)
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        severity: 'warning',
        message: `${file.path} holds no firewall policy, rule collection group or Azure Firewall resource.`,
        file: file.path,
      })
  }
  // The same group may come from a template and from its plain resource file: keep one.
  const groups: RuleCollectionGroup[] = []
  const byName = new Map<string, { group: RuleCollectionGroup; fromTemplate: boolean }>()
  const ordered = [...reader.groups].sort((a, b) => Number(b.fromTemplate) - Number(a.fromTemplate))
  for (const entry of ordered) {
    const key = entry.group.name.toLowerCase()
    const existing = byName.get(key)
    if (!existing) {
      byName.set(key, entry)
      groups.push(entry.group)
      continue
    }
    if (!sameGroup(existing.group, entry.group))
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        severity: 'warning',
        message: `Rule collection group ${entry.group.name} is defined differently in ${existing.group.origin?.file ?? '?'} and ${entry.group.origin?.file ?? '?'}; the first is evaluated.`,
        ...(entry.group.origin?.file ? { file: entry.group.origin.file } : {}),
      })
  }
  const policyNames = new Set(
    [...reader.policies.map((p) => p.name), ...reader.groups.map((g) => g.policy)].filter(
      (n): n is string => n !== undefined,
    ),
  )
  if (policyNames.size > 1)
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      severity: 'warning',
      message: `The files hold several policies (${[...policyNames].sort().join(', ')}); they are evaluated as one.`,
    })
  const first = reader.policies[0]
  const policy: FirewallPolicy = {
    ...(first?.name
      ? { name: first.name }
      : policyNames.size === 1
        ? { name: [...policyNames][0] ?? '' }
        : {}),
    ...(first?.sku ? { sku: first.sku } : {}),
    ...(first?.dnsProxy !== undefined && !reader.unresolvedPolicy.has('dnsProxy')
      ? { dnsProxy: first.dnsProxy }
      : {}),
    ...(first?.basePolicy ? { basePolicy: first.basePolicy } : {}),
    ruleCollectionGroups: groups,
    ipGroups: reader.ipGroups,
    ...(reader.unresolvedPolicy.size > 0 ? { unresolved: [...reader.unresolvedPolicy] } : {}),
  }
  if (policy.basePolicy)
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      severity: 'warning',
      message: `The policy inherits from ${policy.basePolicy}, whose rules run first; every flow is unknown until that policy is read.`,
    })
  lintPolicy(reader, policy)
  return { config: policy, diagnostics: sortDiagnostics(reader.diagnostics) }
}
