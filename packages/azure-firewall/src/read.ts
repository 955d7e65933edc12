import {
  compareOrdinal,
  createDiagnostic,
  type Diagnostic,
  type DiagnosticInput,
  type ReadResult,
  type RenderedFile,
  sortDiagnostics,
} from '@aml-egress/core'
import { type ArmScope, type ArmValue, emptyScope, resolveArm, UNKNOWN } from './armExpression'
import { formatName } from './descriptor'
import { withEvaluationIndex } from './evaluate'
import { lintPolicy } from './lint'
import {
  type ApplicationRule,
  type FilterAction,
  type FirewallPolicy,
  type FirewallPolicyConfig,
  type FirewallRule,
  firewallLimits,
  type IpGroup,
  type ModelOrigin,
  type NatRule,
  type NetworkRule,
  type RuleCollection,
  type RuleCollectionGroup,
} from './model'
import {
  type ArmRecord,
  type Fields,
  finish,
  get,
  isRecord,
  newFields,
  priorityOf,
  type RuleKind,
  readRule,
  stringList,
  text,
} from './readRule'

/** What one read has found so far, across files. */
type Reader = {
  diagnostics: Diagnostic[]
  groups: { group: RuleCollectionGroup; policy?: string; fromTemplate: boolean }[]
  policies: { name?: string; dnsProxy?: boolean; sku?: string; basePolicy?: string }[]
  ipGroups: IpGroup[]
  unresolvedPolicy: Set<string>
}

function report(reader: Reader, diagnostic: Omit<DiagnosticInput, 'format'>): void {
  reader.diagnostics.push(createDiagnostic({ ...diagnostic, format: formatName }))
}

function location(file: string, line?: number): { file: string; line?: number } {
  return line ? { file, line } : { file }
}

const WHITESPACE = /\s/

/**
 * Offset of the first `"name": "<name>"` (any whitespace around the colon) at or after `from`, or
 * -1: the value is found with indexOf, then what precedes it is checked.
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

/**
 * A file being read. Resources are read in file order, so each name is looked up from where the
 * previous one was found: `cursor` and `line` only advance.
 */
type Source = { file: string; text: string; cursor: number; line: number }

function locate(source: Source, name: string): ModelOrigin {
  const offset = findName(source.text, name, source.cursor)
  if (offset < 0) return { file: source.file }
  source.line += countLines(source.text, source.cursor, offset)
  source.cursor = offset
  return { file: source.file, line: source.line }
}

function locateRule(source: Source, raw: ArmValue): ModelOrigin {
  const name = text(get(raw, 'name'))
  return name ? locate(source, name) : { file: source.file }
}

/** A collection's name, priority and origin: what every collection model starts with. */
type CollectionHead = { name: string; priority: number; origin?: ModelOrigin }

/** A collection that could not be read: it may decide any flow, so flows it meets are unknown. */
function unknownCollection(head: CollectionHead): RuleCollection {
  const { name, priority, origin } = head
  return {
    collectionType: 'filter',
    name,
    priority,
    action: 'Deny',
    ruleType: 'network',
    rules: [],
    unresolved: ['action', 'rules'],
    ...(origin?.file ? { origin } : {}),
  }
}

function filterAction(actionText: string | undefined, fields: Fields): FilterAction {
  if (actionText === 'allow') return 'Allow'
  if (actionText !== 'deny') fields.unresolved.add('action')
  return 'Deny'
}

const isNatRule = (rule: FirewallRule): rule is NatRule => rule.ruleType === 'NatRule'
const isNetworkRule = (rule: FirewallRule): rule is NetworkRule => rule.ruleType === 'NetworkRule'
const isApplicationRule = (rule: FirewallRule): rule is ApplicationRule =>
  rule.ruleType === 'ApplicationRule'

function natCollection(head: CollectionHead, rules: FirewallRule[], fields: Fields) {
  return finish<RuleCollection>(
    { collectionType: 'nat', action: 'DNAT', ...head, rules: rules.filter(isNatRule) },
    fields,
  )
}

function filterCollection(
  head: CollectionHead,
  input: { action: FilterAction; ruleType: 'network' | 'application'; rules: FirewallRule[] },
  fields: Fields,
): RuleCollection {
  const { action, rules } = input
  return finish<RuleCollection>(
    input.ruleType === 'network'
      ? {
          collectionType: 'filter',
          action,
          ruleType: 'network',
          ...head,
          rules: rules.filter(isNetworkRule),
        }
      : {
          collectionType: 'filter',
          action,
          ruleType: 'application',
          ...head,
          rules: rules.filter(isApplicationRule),
        },
    fields,
  )
}

/** A policy collection being read: where it is, for its diagnostics. */
type CollectionSite = { reader: Reader; source: Source; where: string; origin: ModelOrigin }

function readCollectionRules(site: CollectionSite, rawRules: ArmValue[]): FirewallRule[] {
  return rawRules.flatMap((raw, index) => {
    const origin = locateRule(site.source, raw)
    const rule = readRule(raw, { index, origin })
    if (!rule)
      report(site.reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        message: `Rule ${index + 1} of ${site.where} has ruleType ${String(get(raw, 'ruleType'))}; it is ignored, so flows it would decide may be reported wrongly as denied.`,
        location: location(site.source.file, origin.line),
      })
    return rule ? [rule] : []
  })
}

/** Azure takes one rule type per filter collection; a mixed one is read as one per type. */
function filterCollections(
  site: CollectionSite,
  input: { head: CollectionHead; action: FilterAction; rules: FirewallRule[] },
  fields: Fields,
): RuleCollection[] {
  const { head, action, rules } = input
  const network = rules.filter(isNetworkRule).length
  const application = rules.filter(isApplicationRule).length
  if (rules.length !== application + network)
    report(site.reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message: `${site.where} is a filter collection with NAT rules; Azure rejects that, and they are ignored.`,
      location: location(site.source.file),
    })
  if (application > 0 && network > 0)
    report(site.reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message: `${site.where} mixes application and network rules; Azure requires one rule type per collection. They are evaluated as two collections with the same priority.`,
      location: location(site.source.file, site.origin.line),
    })
  return [
    ...(network > 0 || application === 0
      ? [filterCollection(head, { action, ruleType: 'network', rules }, fields)]
      : []),
    ...(application > 0
      ? [filterCollection(head, { action, ruleType: 'application', rules }, fields)]
      : []),
  ]
}

const collectionTypes = ['firewallpolicyfilterrulecollection', 'firewallpolicynatrulecollection']

/** The reason a policy collection cannot be read, if it cannot. */
function unreadableCollection(raw: ArmValue, where: string): string | undefined {
  const type = text(get(raw, 'ruleCollectionType'))?.toLowerCase()
  if (type === undefined || !collectionTypes.includes(type))
    return `${where} has ruleCollectionType ${String(get(raw, 'ruleCollectionType'))}, which is not modelled; flows it could decide are unknown.`
  const rawRules = get(raw, 'rules')
  if (rawRules !== undefined && rawRules !== null && !Array.isArray(rawRules))
    return `The rules of ${where} could not be resolved; flows it could decide are unknown.`
  return undefined
}

/** One collection of a policy group; a mixed filter collection becomes two. */
function readCollection(
  reader: Reader,
  raw: ArmValue,
  input: { index: number; source: Source; groupName: string },
): RuleCollection[] {
  const fields = newFields()
  const name = text(get(raw, 'name')) ?? `collection-${input.index + 1}`
  const origin = locate(input.source, name)
  const priority = priorityOf(get(raw, 'priority'), fields)
  const head: CollectionHead = { name, priority, ...(origin.file ? { origin } : {}) }
  const site = {
    reader,
    source: input.source,
    where: `collection ${input.groupName}/${name}`,
    origin,
  }
  const unreadable = unreadableCollection(raw, site.where)
  if (unreadable) {
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message: unreadable,
      location: location(input.source.file, origin.line),
    })
    return [unknownCollection(head)]
  }
  const rawRules = get(raw, 'rules')
  const rules = readCollectionRules(site, Array.isArray(rawRules) ? rawRules : [])
  if (text(get(raw, 'ruleCollectionType'))?.toLowerCase() === 'firewallpolicynatrulecollection') {
    if (!rules.every(isNatRule))
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        message: `${site.where} is a NAT collection with non-NAT rules; Azure rejects that, and they are ignored.`,
        location: location(input.source.file),
      })
    return [natCollection(head, rules, fields)]
  }
  const action = filterAction(text(get(get(raw, 'action'), 'type'))?.toLowerCase(), fields)
  return filterCollections(site, { head, action, rules }, fields)
}

const UNKNOWN_NAME = '(unresolved)'

function nameSegments(resolved: ArmValue | undefined, raw: unknown): string[] | undefined {
  if (typeof resolved === 'string') return resolved.split('/')
  // `[concat(parameters('policy'), '/aml-egress')]`: the group name is the literal tail.
  if (typeof raw === 'string') {
    const tail = /'\/?([^'/]+)'\s*\)\s*\]$/.exec(raw)
    if (tail?.[1]) return [UNKNOWN_NAME, tail[1]]
  }
  return undefined
}

function readGroup(
  reader: Reader,
  input: {
    resource: ArmValue
    rawName: unknown
    parentName?: string
    source: Source
    fromTemplate: boolean
    /** Why the group's collections cannot be read, when they cannot. */
    unresolvable?: string
  },
): void {
  const fields = newFields()
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
      message: `Rule collection group ${name}: ${input.unresolvable ?? 'its rule collections could not be resolved'}; every flow is unknown until it is.`,
      location: location(input.source.file, origin.line),
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

/** One collection of a classic firewall; `undefined` for SNAT, which is not modelled. */
function readClassicCollection(
  reader: Reader,
  raw: ArmValue,
  input: { kind: RuleKind; index: number; source: Source },
): RuleCollection | undefined {
  const { kind, source } = input
  const fields = newFields()
  const name = text(get(raw, 'name')) ?? `${kind}-${input.index + 1}`
  const origin = locate(source, name)
  const properties = get(raw, 'properties') ?? raw
  const head = { name, priority: priorityOf(get(properties, 'priority'), fields), origin }
  const actionText = text(get(get(properties, 'action'), 'type'))?.toLowerCase()
  const rawRules = get(properties, 'rules')
  const rules = (Array.isArray(rawRules) ? rawRules : []).flatMap((rule, index) => {
    const read = readRule(rule, { index, classic: kind, origin: locateRule(source, rule) })
    return read ? [read] : []
  })
  if (rawRules !== undefined && !Array.isArray(rawRules)) fields.unresolved.add('rules')
  if (kind !== 'nat') {
    const action = filterAction(actionText, fields)
    return filterCollection(head, { action, ruleType: kind, rules }, fields)
  }
  if (actionText !== 'snat') return natCollection(head, rules, fields)
  report(reader, {
    code: 'AML_EGRESS_READ_UNSUPPORTED',
    // Advice, not a gap: SNAT changes addresses, never whether a flow is allowed.
    severity: 'info',
    message: `Classic NAT collection ${name} does SNAT, which is not modelled; it is ignored.`,
    location: location(source.file),
  })
  return undefined
}

/** The rule collection lists of a classic firewall, in the order Azure processes them. */
const classicCollectionLists = [
  ['natRuleCollections', 'nat'],
  ['networkRuleCollections', 'network'],
  ['applicationRuleCollections', 'application'],
] as const

/** A classic `Microsoft.Network/azureFirewalls`: its rules, or the policy it uses. */
function readClassic(
  reader: Reader,
  input: { resource: ArmValue; source: Source; name: string },
): void {
  const properties = get(input.resource, 'properties') ?? input.resource
  const origin = locate(input.source, input.name)
  const ruleCollections: RuleCollection[] = []
  for (const [key, kind] of classicCollectionLists) {
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
      const collection = readClassicCollection(reader, raw, { kind, index, source: input.source })
      if (collection) ruleCollections.push(collection)
    })
  }
  const policyId = text(get(get(properties, 'firewallPolicy'), 'id'))
  if (policyId && ruleCollections.length === 0) {
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      // Advice, not a gap: the rules are in the policy, which the user can read too.
      severity: 'info',
      message: `Firewall ${input.name} uses policy ${policyId}; read that policy's rule collection groups to evaluate it.`,
      location: location(input.source.file),
    })
    return
  }
  // Classic rules have no groups: one group holds them, ordered by collection priority per type.
  reader.groups.push({
    group: { name: input.name, priority: firewallLimits.minPriority, ruleCollections, origin },
    fromTemplate: false,
  })
}

function readPolicyResource(reader: Reader, input: { resource: ArmValue; name?: string }): void {
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
  const fields = newFields()
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

/** One resource of a template or resource file, and where it sits. */
type Walk = {
  raw: ArmRecord
  scope: ArmScope
  source: Source
  fromTemplate: boolean
  parent?: { type: string; name?: string }
  /** How many parents it has: child resources deeper than `MAX_CHILD_LEVELS` are not read. */
  level?: number
}

/** Real templates nest a rule collection group one level under its policy; 5,000 is an attack. */
const MAX_CHILD_LEVELS = 16

/** The lower-case resource type; a child's short type is prefixed with its parent's. */
function resourceType(walk: Walk): string {
  const { raw, parent } = walk
  const resolved = resolveArm(get(raw, 'type'), walk.scope)
  // `az` output of a group may carry no type; its rule collections say what it is.
  const type =
    typeof resolved === 'string'
      ? resolved.toLowerCase()
      : get(raw, 'ruleCollections') !== undefined ||
          get(get(raw, 'properties'), 'ruleCollections') !== undefined
        ? types.group
        : ''
  return parent && type !== '' && !type.includes('/') ? `${parent.type}/${type}` : type
}

/** The full resource name (`policy/group`), when it resolves. */
function resourceName(walk: Walk): string | undefined {
  const resolved = resolveArm(get(walk.raw, 'name'), walk.scope)
  if (typeof resolved !== 'string') return undefined
  const parentName = walk.parent?.name
  return parentName && !resolved.includes('/') ? `${parentName}/${resolved}` : resolved
}

function readUnresolvableGroup(reader: Reader, walk: Walk, unresolvable: string): void {
  readGroup(reader, {
    resource: walk.raw,
    rawName: get(walk.raw, 'name'),
    source: walk.source,
    fromTemplate: walk.fromTemplate,
    unresolvable,
  })
}

/**
 * A resource whose deployment depends on what the reader cannot evaluate: a condition that is
 * false (not deployed) or unknown, or a copy loop. True when it has been dealt with here.
 */
function readConditionalResource(reader: Reader, walk: Walk, type: string): boolean {
  const condition = get(walk.raw, 'condition')
  if (condition !== undefined) {
    const value = resolveArm(condition, walk.scope)
    if (value === false) return true
    if (value !== true && type === types.group) {
      readUnresolvableGroup(reader, walk, 'its deployment condition could not be resolved')
      return true
    }
  }
  if (get(walk.raw, 'copy') === undefined) return false
  if (type === types.group) readUnresolvableGroup(reader, walk, 'copy loops are not expanded')
  else if (type === types.policy || type === types.classic)
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message: `A ${type} resource with a copy loop is not expanded.`,
      location: location(walk.source.file),
    })
  return true
}

/** Reads one resource by its type; true when its child resources are read too. */
function readResource(reader: Reader, walk: Walk, input: { type: string; name?: string }) {
  const { type, name } = input
  const resource = resolveArm(walk.raw, walk.scope)
  switch (type) {
    case types.group:
      readGroup(reader, {
        resource,
        rawName: get(walk.raw, 'name'),
        source: walk.source,
        fromTemplate: walk.fromTemplate,
        ...(walk.parent?.name ? { parentName: walk.parent.name } : {}),
      })
      return false
    case types.policy:
      readPolicyResource(reader, { resource, ...(name ? { name } : {}) })
      return true
    case types.classic:
      readClassic(reader, { resource, source: walk.source, name: name ?? 'azure-firewall' })
      return false
    case types.ipGroup:
      if (name) readIpGroup(reader, { resource, name })
      return false
    case types.deployment:
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        message: `Nested deployment ${name ?? ''} is not followed; rules it deploys are not evaluated.`,
        location: location(walk.source.file),
      })
      return false
    default:
      return type.startsWith('microsoft.network/firewallpolicies')
  }
}

/** Reads a resource and, for a policy, the child resources declared inside it. */
function walkResource(reader: Reader, input: Omit<Walk, 'raw'> & { raw: unknown }): void {
  if (!isRecord(input.raw)) return
  const walk = { ...input, raw: input.raw }
  const type = resourceType(walk)
  const name = resourceName(walk)
  if (readConditionalResource(reader, walk, type)) return
  if (!readResource(reader, walk, { type, ...(name ? { name } : {}) })) return
  const children = get(walk.raw, 'resources')
  if (!Array.isArray(children)) return
  const level = (walk.level ?? 0) + 1
  if (level > MAX_CHILD_LEVELS) {
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message: `Child resources nested more than ${MAX_CHILD_LEVELS} levels deep are not read; rules they deploy are not evaluated.`,
      location: location(walk.source.file),
    })
    return
  }
  for (const child of children)
    walkResource(reader, {
      ...walk,
      raw: child,
      parent: { type, ...(name ? { name } : {}) },
      level,
    })
}

function isParametersFile(json: unknown): json is ArmRecord {
  if (!isRecord(json)) return false
  const schema = text(get(json, '$schema')) ?? ''
  const parameters = get(json, 'parameters')
  return (
    schema.toLowerCase().includes('deploymentparameters') ||
    (isRecord(parameters) &&
      get(json, 'resources') === undefined &&
      Object.values(parameters).every((p) => isRecord(p) && ('value' in p || 'reference' in p)))
  )
}

/** An ARM deployment template (`$schema` …/deploymentTemplate.json#, a `resources` list). */
function isDeploymentTemplate(json: unknown): boolean {
  if (!isRecord(json) || !Array.isArray(get(json, 'resources'))) return false
  return (text(get(json, '$schema')) ?? '').toLowerCase().includes('deploymenttemplate')
}

type ParsedFile = { file: RenderedFile; json: unknown }

/** The files that parse as JSON, in path order; the others are reported. */
function parseFiles(reader: Reader, files: readonly RenderedFile[]): ParsedFile[] {
  const sorted = [...files].sort((a, b) => compareOrdinal(a.path, b.path))
  return sorted.flatMap((file) => {
    try {
      return [{ file, json: JSON.parse(file.contents) as unknown }]
    } catch (error) {
      report(reader, {
        code: 'AML_EGRESS_READ_SYNTAX',
        message: `${file.path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        location: location(file.path, syntaxLine(file.contents, error)),
      })
      return []
    }
  })
}

/** Parameter values supplied by the parameter files among the files read. */
function parameterValues(parsed: readonly ParsedFile[]): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const { json } of parsed)
    if (isParametersFile(json))
      for (const [key, parameter] of Object.entries(get(json, 'parameters') as ArmRecord))
        if (isRecord(parameter) && 'value' in parameter) values[key] = parameter.value
  return values
}

function readTemplate(
  reader: Reader,
  input: { template: ArmRecord; resources: unknown[]; source: Source; values: ArmScope['values'] },
): void {
  const parameters = get(input.template, 'parameters')
  const variables = get(input.template, 'variables')
  const scope: ArmScope = {
    values: input.values,
    parameters: isRecord(parameters) ? parameters : {},
    variables: isRecord(variables) ? variables : {},
  }
  for (const resource of input.resources)
    walkResource(reader, { raw: resource, scope, source: input.source, fromTemplate: true })
}

/** Resource JSON without a template: one resource, a list, or `az` output (`{ value: [...] }`). */
function readResourceFile(reader: Reader, input: { json: unknown; source: Source }): void {
  const { json, source } = input
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
      message: `${source.file} holds no firewall policy, rule collection group or Azure Firewall resource.`,
      location: location(source.file),
    })
}

function sameGroup(a: RuleCollectionGroup, b: RuleCollectionGroup): boolean {
  const strip = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value, (key, v) => (key === 'origin' ? undefined : v)))
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b))
}

/** The same group may come from a template and from its plain resource file: keep one. */
function distinctGroups(reader: Reader): RuleCollectionGroup[] {
  const groups: RuleCollectionGroup[] = []
  const byName = new Map<string, RuleCollectionGroup>()
  const templatesFirst = [...reader.groups].sort(
    (a, b) => Number(b.fromTemplate) - Number(a.fromTemplate),
  )
  for (const { group } of templatesFirst) {
    const key = group.name.toLowerCase()
    const existing = byName.get(key)
    if (!existing) {
      byName.set(key, group)
      groups.push(group)
    } else if (!sameGroup(existing, group))
      report(reader, {
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        message: `Rule collection group ${group.name} is defined differently in ${existing.origin?.file ?? '?'} and ${group.origin?.file ?? '?'}; the first is evaluated.`,
        ...(group.origin?.file ? { location: location(group.origin.file) } : {}),
      })
  }
  return groups
}

/** The names of the policies the files hold or their groups belong to. */
function policyNames(reader: Reader): string[] {
  const names = [...reader.policies.map((p) => p.name), ...reader.groups.map((g) => g.policy)]
  return [...new Set(names.filter((n): n is string => n !== undefined))].sort(compareOrdinal)
}

/** One policy of everything read: the first policy resource's settings, every group. */
function policyOf(reader: Reader, groups: RuleCollectionGroup[]): FirewallPolicy {
  const names = policyNames(reader)
  if (names.length > 1)
    report(reader, {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message: `The files hold several policies (${names.join(', ')}); they are evaluated as one.`,
    })
  const first = reader.policies[0]
  const name = first?.name ?? (names.length === 1 ? names[0] : undefined)
  const policy: FirewallPolicy = {
    ...(name ? { name } : {}),
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
      message: `The policy inherits from ${policy.basePolicy}, whose rules run first; every flow is unknown until that policy is read.`,
    })
  return policy
}

/**
 * Files that parse as JSON but hold nothing the firewall reads (`{"foo": 1}`) are no config of
 * this format: evaluating them as an empty policy would report every flow blocked.
 */
function refuseNoPolicy(reader: Reader, parsed: readonly ParsedFile[]): void {
  const found = reader.groups.length + reader.policies.length + reader.ipGroups.length
  const configs = parsed.filter(({ json }) => !isParametersFile(json))
  // A deployment template that deploys no group (a plan with nothing for the firewall) is a config.
  if (found > 0 || parsed.length === 0 || parsed.some(({ json }) => isDeploymentTemplate(json)))
    return
  const paths = (configs.length > 0 ? configs : parsed).map(({ file }) => file.path)
  report(reader, {
    code: 'AML_EGRESS_READ_SYNTAX',
    message: `${paths.join(', ')}: no firewall policy, rule collection group or Azure Firewall resource (an ARM template, resource JSON or \`az network firewall policy\` output); is this an Azure Firewall config?`,
    location: location(paths[0] ?? ''),
  })
}

function readFiles(files: readonly RenderedFile[]): ReadResult<FirewallPolicyConfig> {
  const reader: Reader = {
    diagnostics: [],
    groups: [],
    policies: [],
    ipGroups: [],
    unresolvedPolicy: new Set(),
  }
  const parsed = parseFiles(reader, files)
  const values = parameterValues(parsed)
  for (const { file, json } of parsed) {
    if (isParametersFile(json)) continue
    const source: Source = { file: file.path, text: file.contents, cursor: 0, line: 1 }
    if (isRecord(json) && Array.isArray(json.resources))
      readTemplate(reader, { template: json, resources: json.resources, source, values })
    else readResourceFile(reader, { json, source })
  }
  refuseNoPolicy(reader, parsed)
  const policy = policyOf(reader, distinctGroups(reader))
  reader.diagnostics.push(...lintPolicy(policy))
  return { config: withEvaluationIndex(policy), diagnostics: sortDiagnostics(reader.diagnostics) }
}

/**
 * Reads ARM templates (with parameter files), plain rule collection group resources, `az` CLI
 * output and classic `Microsoft.Network/azureFirewalls` into one policy model, indexed for
 * `evaluateAzureFirewall`. What it cannot interpret becomes an AML_EGRESS_READ_UNSUPPORTED
 * diagnostic and an `unresolved` mark.
 * @example const { config, diagnostics } = await readAzureFirewall([{ path: 'azuredeploy.json', contents }])
 */
export async function readAzureFirewall(
  files: readonly RenderedFile[],
): Promise<ReadResult<FirewallPolicyConfig>> {
  return readFiles(files)
}

/**
 * @deprecated Use `readAzureFirewall` (async, like every reader); this synchronous alias is
 * removed in the next minor release.
 */
export function readFirewallPolicy(
  files: readonly RenderedFile[],
): ReadResult<FirewallPolicyConfig> {
  return readFiles(files)
}
