/**
 * The ARM JSON serialiser. Rules are written piece by piece into a sink, in the layout
 * `JSON.stringify(value, null, 2)` prints, instead of building an object per rule and
 * stringifying the tree: a 10,000-workspace fleet has 60,000 rules, each written twice (template
 * and group file) and measured once (a sink that only counts bytes).
 *
 * Every append to the text leaves a rope node that V8 keeps (and copies in each young-generation
 * collection) until the text is flattened, so the cost is per piece, not per byte. Everything
 * constant between two values is therefore one precomputed piece, a `Glue`: punctuation, keys,
 * fixed values, common lists, and the quotes of the string values on either side. Consecutive
 * glue is joined, and so are values many rules share (descriptions, ports, source lists): a
 * plan's rule is four pieces, its name and host and the glue after each.
 */

import { sameList } from './lists'
import type {
  ApplicationRule,
  ApplicationRuleProtocol,
  FirewallRule,
  NatRule,
  NetworkIpProtocol,
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

/** The keys of fields after the first one of their object. */
const KEYS = [
  'name',
  'description',
  'ipProtocols',
  'sourceAddresses',
  'sourceIpGroups',
  'protocols',
  'port',
  'targetFqdns',
  'fqdnTags',
  'targetUrls',
  'terminateTLS',
  'destinationAddresses',
  'destinationFqdns',
  'destinationIpGroups',
  'destinationPorts',
  'webCategories',
  'translatedAddress',
  'translatedFqdn',
  'translatedPort',
  'priority',
  'action',
  'rules',
  'ruleCollections',
] as const
type Key = (typeof KEYS)[number]

/** How many joins a glue remembers: a few glues follow a given one. */
const MAX_JOINS = 8

/** Constant text between two values, appended as one piece. */
class Glue {
  readonly text: string
  /** Line breaks in the text. */
  readonly breaks: number
  /** The text after the content of a string value: the value's closing quote, then the text. */
  readonly afterString: string
  /** The last few glues that followed this one, and each joined to it (a scan beats a map). */
  private readonly followers: Glue[] = []
  private readonly joined: Glue[] = []
  constructor(text: string) {
    this.text = flat(text)
    this.breaks = text.split('\n').length - 1
    this.afterString = flat(`"${text}`)
  }
  /** This glue and the next as one. */
  join(next: Glue): Glue {
    const followers = this.followers
    for (let index = 0; index < followers.length; index++)
      if (followers[index] === next) return this.joined[index] as Glue
    // More than a few means the glue after changes (source lists of a read policy): start over.
    if (followers.length >= MAX_JOINS) {
      followers.length = 0
      this.joined.length = 0
    }
    const joined = new Glue(this.text + next.text)
    followers.push(next)
    this.joined.push(joined)
    return joined
  }
}

/**
 * A copy of the text in one block. Text joined from parts is a rope in V8; appended as it is,
 * each of its nodes would be visited again whenever the output is flattened.
 */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text))
}

const TRUE = new Glue('true')
const EMPTY_LIST = new Glue('[]')
const FILTER_COLLECTION = 'FirewallPolicyFilterRuleCollection'
const NAT_COLLECTION = 'FirewallPolicyNatRuleCollection'

/** How many values of a field `SharedValues` remembers. */
const MAX_SHARED_VALUES = 256

/**
 * Fields whose string value many rules share, as glue by value: written as glue, a shared value
 * joins the glue around it into one piece.
 */
class SharedValues {
  private readonly glue = new Map<string, Glue>()
  /** `field` writes the field, from the `,` before it, around a value that needs no escaping. */
  constructor(private readonly field: (value: string) => string) {}
  /** The field's glue; undefined for a value that needs escaping or is not ASCII. */
  of(value: string): Glue | undefined {
    let glue = this.glue.get(value)
    if (glue === undefined) {
      if (!PLAIN.test(value)) return undefined
      // Values are shared when there are a few: more means they are not, start over.
      if (this.glue.size >= MAX_SHARED_VALUES) this.glue.clear()
      glue = new Glue(this.field(value))
      this.glue.set(value, glue)
    }
    return glue
  }
}

/** Copies of the literal source lists last written at a level, as one piece when they can be. */
type SharedSources = {
  addresses: readonly string[]
  ipGroups: readonly string[]
  /** Absent when a source needs escaping or is not ASCII: a byte count uses a glue's length. */
  glue: Glue | undefined
}

/**
 * The glue of objects and lists whose braces or brackets sit at one nesting level. A key's glue
 * starts with the `,` ending the field before it.
 */
type Level = {
  /** A later key: `,\n  "port": `. */
  key: Readonly<Record<Key, Glue>>
  /** A later key and the opening quote of its string value: `,\n  "name": "`. */
  stringKey: Readonly<Record<Key, Glue>>
  /** A later key and an empty list: `,\n  "rules": []`. */
  emptyListKey: Readonly<Record<Key, Glue>>
  /** A later key, `[` and the opening quote of the first string of the list. */
  stringListKey: Readonly<Record<Key, Glue>>
  /** The line break and `}`. */
  close: Glue
  /** `[` and the line break before the first item. */
  listOpen: Glue
  /** `,` and the line break before a later item. */
  listNext: Glue
  /** `,`, the line break and the opening quote of a later string item. */
  stringListNext: Glue
  /** The line break and `]`. */
  listClose: Glue
  /** A group's `properties` up to the priority value: `{\n  "priority": `. */
  propertiesHead: Glue
  /** A collection up to the opening quote of its name, per collection type. */
  collectionHead: Readonly<Record<RuleCollection['collectionType'], Glue>>
  /** A collection's `action` field up to the opening quote of the action. */
  action: Glue
  /** A `protocols` entry up to the opening quote of its protocol type. */
  protocolHead: Glue
  /** A rule up to the opening quote of its name, per rule type. */
  ruleHead: Readonly<Record<FirewallRule['ruleType'], Glue>>
  /** Both source fields of a rule as references to the template's parameters. */
  parameterSources: Glue
  /** The `protocols` field of a rule: HTTPS 443, HTTP 80, and both (what plans give). */
  httpsProtocols: Glue
  httpProtocols: Glue
  httpAndHttpsProtocols: Glue
  /** The `ipProtocols` field of a rule: TCP, UDP, and both (what plans give). */
  tcp: Glue
  udp: Glue
  tcpAndUdp: Glue
  /** A rule's description, by description: a policy's rules share a few. */
  description: SharedValues
  /** A rule's `destinationPorts` of one port, by port: most rules have one of a few. */
  singlePort: SharedValues
  /** A policy's rules share their source lists: the last ones written at this level. */
  sharedSources: SharedSources | undefined
}

function levelOf(pretty: boolean, level: number): Level {
  // Line breaks and indentation of the level and the three below it.
  const [line, inner, item, entry] = [0, 1, 2, 3].map((deeper) =>
    pretty ? `\n${'  '.repeat(level + deeper)}` : '',
  ) as [string, string, string, string]
  const colon = pretty ? ': ' : ':'
  const field = (key: string) => `${inner}"${key}"${colon}`
  const keyed = (after: string) =>
    Object.fromEntries(KEYS.map((key) => [key, new Glue(`,${field(key)}${after}`)])) as Record<
      Key,
      Glue
    >
  const ruleHead = (type: string) => new Glue(`{${field('ruleType')}"${type}",${field('name')}"`)
  const collectionHead = (type: string) =>
    new Glue(`{${field('ruleCollectionType')}"${type}",${field('name')}"`)
  const protocol = (type: string, port: number) =>
    `{${entry}"protocolType"${colon}"${type}",${entry}"port"${colon}${port}${item}}`
  const list = (key: string, items: string[]) =>
    new Glue(`,${field(key)}[${item}${items.join(`,${item}`)}${inner}]`)
  return {
    key: keyed(''),
    stringKey: keyed('"'),
    emptyListKey: keyed('[]'),
    stringListKey: keyed(`[${item}"`),
    close: new Glue(`${line}}`),
    listOpen: new Glue(`[${inner}`),
    listNext: new Glue(`,${inner}`),
    stringListNext: new Glue(`,${inner}"`),
    listClose: new Glue(`${line}]`),
    propertiesHead: new Glue(`{${field('priority')}`),
    collectionHead: {
      filter: collectionHead(FILTER_COLLECTION),
      nat: collectionHead(NAT_COLLECTION),
    },
    action: new Glue(`,${field('action')}{${item}"type"${colon}"`),
    protocolHead: new Glue(`{${inner}"protocolType"${colon}"`),
    ruleHead: {
      ApplicationRule: ruleHead('ApplicationRule'),
      NetworkRule: ruleHead('NetworkRule'),
      NatRule: ruleHead('NatRule'),
    },
    parameterSources: new Glue(
      `,${field('sourceAddresses')}"[parameters('sourceAddresses')]",${field('sourceIpGroups')}"[parameters('sourceIpGroups')]"`,
    ),
    httpsProtocols: list('protocols', [protocol('Https', 443)]),
    httpProtocols: list('protocols', [protocol('Http', 80)]),
    httpAndHttpsProtocols: list('protocols', [protocol('Http', 80), protocol('Https', 443)]),
    tcp: list('ipProtocols', ['"TCP"']),
    udp: list('ipProtocols', ['"UDP"']),
    tcpAndUdp: list('ipProtocols', ['"TCP"', '"UDP"']),
    description: new SharedValues((value) => `,${field('description')}"${value}"`),
    singlePort: new SharedValues(
      (value) => `,${field('destinationPorts')}[${item}"${value}"${inner}]`,
    ),
    sharedSources: undefined,
  }
}

/** The glue of every level, made when first used. */
class Levels {
  private readonly levels: Level[] = []
  constructor(private readonly pretty: boolean) {}
  at(level: number): Level {
    let found = this.levels[level]
    if (found === undefined) {
      found = levelOf(this.pretty, level)
      this.levels[level] = found
    }
    return found
  }
}

const prettyLevels = new Levels(true)
const compactLevels = new Levels(false)

/** Where the serialiser writes: JSON text, or only its size. */
type JsonSink = {
  readonly levels: Levels
  /** Constant text. */
  glue(piece: Glue): void
  /**
   * The content of a string value, escaped as `JSON.stringify` does: the glue before it holds
   * the opening quote, the glue after it the closing one.
   */
  string(content: string): void
  number(value: number): void
}

// Text JSON.stringify copies as is: printable ASCII but `"` and `\`.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/
const NON_ASCII = /[\u0080-\uffff]/

/** JSON text, pretty (two-space indent) or compact; counts its line breaks. */
class JsonText implements JsonSink {
  private out = ''
  /** Glue not appended yet: consecutive glue is joined and appended as one piece. */
  private pending: Glue | undefined = undefined
  /** The last piece was a string's content: the next glue starts with its closing quote. */
  private inString = false
  /** Line breaks written so far. */
  breaks = 0
  constructor(readonly levels: Levels) {}
  glue(piece: Glue): void {
    this.pending = this.pending === undefined ? piece : this.pending.join(piece)
    this.breaks += piece.breaks
  }
  string(content: string): void {
    this.appendPending()
    this.out += PLAIN.test(content) ? content : JSON.stringify(content).slice(1, -1)
    this.inString = true
  }
  number(value: number): void {
    this.appendPending()
    this.out += JSON.stringify(value)
  }
  private appendPending(): void {
    const pending = this.pending
    if (pending === undefined) return
    this.out += this.inString ? pending.afterString : pending.text
    this.inString = false
    this.pending = undefined
  }
  /**
   * The text, flattened. Appending leaves a rope node per piece; kept for the whole render, a
   * fleet's nodes would be copied by every young-generation collection. Converting a string to a
   * number makes V8 flatten it into one block, after which the nodes are garbage.
   */
  text(): string {
    this.appendPending()
    const text = this.out
    Number(text)
    return text
  }
}

/** The UTF-8 size of compact JSON, without writing it. Glue is ASCII: its size is its length. */
class JsonBytes implements JsonSink {
  readonly levels = compactLevels
  bytes = 0
  glue(piece: Glue): void {
    this.bytes += piece.text.length
  }
  string(content: string): void {
    // The content and the closing quote; the opening one is in the glue before.
    this.bytes +=
      (PLAIN.test(content) ? content.length : utf8Bytes(JSON.stringify(content)) - 2) + 1
  }
  number(value: number): void {
    this.bytes += JSON.stringify(value).length
  }
}

// The braces of an object are at `level`, its fields one deeper, and the brackets of their lists
// there too.

/** A later field holding a string, when present. */
function optionalString(sink: JsonSink, at: Level, key: Key, value: string | undefined): void {
  if (value === undefined) return
  sink.glue(at.stringKey[key])
  sink.string(value)
}

/** The `description` field of a rule, when present. */
function description(sink: JsonSink, at: Level, value: string | undefined): void {
  if (value === undefined) return
  const shared = at.description.of(value)
  if (shared !== undefined) sink.glue(shared)
  else {
    sink.glue(at.stringKey.description)
    sink.string(value)
  }
}

/** The `destinationPorts` field of a rule at `level`. */
function destinationPorts(sink: JsonSink, level: number, ports: readonly string[]): void {
  const shared =
    ports.length === 1 ? sink.levels.at(level).singlePort.of(ports[0] as string) : undefined
  if (shared !== undefined) sink.glue(shared)
  else stringList(sink, level, 'destinationPorts', ports)
}

/** A later field holding a list of strings; `[]` when empty. */
function stringList(sink: JsonSink, level: number, key: Key, values: readonly string[]): void {
  if (values.length === 0) {
    sink.glue(sink.levels.at(level).emptyListKey[key])
    return
  }
  sink.glue(sink.levels.at(level).stringListKey[key])
  sink.string(values[0] as string)
  const list = sink.levels.at(level + 1)
  for (let index = 1; index < values.length; index++) {
    sink.glue(list.stringListNext)
    sink.string(values[index] as string)
  }
  sink.glue(list.listClose)
}

/** A later field holding a list of strings, left out when empty (as optional lists are). */
function nonEmptyList(sink: JsonSink, level: number, key: Key, values: readonly string[]): void {
  if (values.length > 0) stringList(sink, level, key, values)
}

/** The source fields of a rule at `level`. */
function sources(
  sink: JsonSink,
  level: number,
  rule: { sourceAddresses: string[]; sourceIpGroups: string[] },
  style: SourceStyle,
): void {
  const at = sink.levels.at(level)
  if (style === 'parameters') {
    sink.glue(at.parameterSources)
    return
  }
  let shared = at.sharedSources
  // Compared by content: a caller may change a list between two renders.
  if (
    shared === undefined ||
    !sameList(shared.addresses, rule.sourceAddresses) ||
    !sameList(shared.ipGroups, rule.sourceIpGroups)
  ) {
    shared = sharedSourcesOf(sink.levels, level, rule)
    at.sharedSources = shared
  }
  if (shared.glue !== undefined) sink.glue(shared.glue)
  else literalSources(sink, level, rule)
}

function literalSources(
  sink: JsonSink,
  level: number,
  rule: { sourceAddresses: string[]; sourceIpGroups: string[] },
): void {
  stringList(sink, level, 'sourceAddresses', rule.sourceAddresses)
  nonEmptyList(sink, level, 'sourceIpGroups', rule.sourceIpGroups)
}

/** The literal sources of a rule at `level`, kept for the rules after it. */
function sharedSourcesOf(
  levels: Levels,
  level: number,
  rule: { sourceAddresses: string[]; sourceIpGroups: string[] },
): SharedSources {
  const addresses = [...rule.sourceAddresses]
  const ipGroups = [...rule.sourceIpGroups]
  const isPlain = (source: string) => PLAIN.test(source)
  if (!addresses.every(isPlain) || !ipGroups.every(isPlain))
    return { addresses, ipGroups, glue: undefined }
  const text = new JsonText(levels)
  literalSources(text, level, rule)
  return { addresses, ipGroups, glue: new Glue(text.text()) }
}

/** The `protocols` field of an application rule at `level`. */
function protocols(sink: JsonSink, level: number, entries: readonly ApplicationRuleProtocol[]) {
  const at = sink.levels.at(level)
  const common = commonProtocols(at, entries)
  if (common !== undefined) {
    sink.glue(common)
    return
  }
  if (entries.length === 0) {
    sink.glue(at.emptyListKey.protocols)
    return
  }
  sink.glue(at.key.protocols)
  const list = sink.levels.at(level + 1)
  const entryAt = sink.levels.at(level + 2)
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] as ApplicationRuleProtocol
    sink.glue(index === 0 ? list.listOpen : list.listNext)
    sink.glue(entryAt.protocolHead)
    sink.string(entry.protocolType)
    sink.glue(entryAt.key.port)
    sink.number(entry.port)
    sink.glue(entryAt.close)
  }
  sink.glue(list.listClose)
}

function commonProtocols(at: Level, entries: readonly ApplicationRuleProtocol[]) {
  const [first, second] = entries
  if (entries.length === 1) {
    if (first?.protocolType === 'Https' && first.port === 443) return at.httpsProtocols
    if (first?.protocolType === 'Http' && first.port === 80) return at.httpProtocols
  } else if (
    entries.length === 2 &&
    first?.protocolType === 'Http' &&
    first.port === 80 &&
    second?.protocolType === 'Https' &&
    second.port === 443
  )
    return at.httpAndHttpsProtocols
  return undefined
}

/** The `ipProtocols` field of a network or NAT rule at `level`. */
function ipProtocols(sink: JsonSink, level: number, values: readonly NetworkIpProtocol[]) {
  const at = sink.levels.at(level)
  const [first, second] = values
  const common =
    values.length === 1
      ? first === 'TCP'
        ? at.tcp
        : first === 'UDP'
          ? at.udp
          : undefined
      : values.length === 2 && first === 'TCP' && second === 'UDP'
        ? at.tcpAndUdp
        : undefined
  if (common !== undefined) sink.glue(common)
  else stringList(sink, level, 'ipProtocols', values)
}

function applicationRule(
  sink: JsonSink,
  level: number,
  rule: ApplicationRule,
  style: SourceStyle,
): void {
  const at = sink.levels.at(level)
  sink.glue(at.ruleHead.ApplicationRule)
  sink.string(rule.name)
  description(sink, at, rule.description)
  sources(sink, level, rule, style)
  protocols(sink, level, rule.protocols)
  nonEmptyList(sink, level, 'targetFqdns', rule.targetFqdns)
  nonEmptyList(sink, level, 'fqdnTags', rule.fqdnTags)
  nonEmptyList(sink, level, 'targetUrls', rule.targetUrls)
  if (rule.terminateTLS) {
    sink.glue(at.key.terminateTLS)
    sink.glue(TRUE)
  }
  nonEmptyList(sink, level, 'destinationAddresses', rule.destinationAddresses)
  nonEmptyList(sink, level, 'webCategories', rule.webCategories)
  sink.glue(at.close)
}

function networkRule(sink: JsonSink, level: number, rule: NetworkRule, style: SourceStyle): void {
  const at = sink.levels.at(level)
  sink.glue(at.ruleHead.NetworkRule)
  sink.string(rule.name)
  description(sink, at, rule.description)
  ipProtocols(sink, level, rule.ipProtocols)
  sources(sink, level, rule, style)
  nonEmptyList(sink, level, 'destinationAddresses', rule.destinationAddresses)
  nonEmptyList(sink, level, 'destinationFqdns', rule.destinationFqdns)
  nonEmptyList(sink, level, 'destinationIpGroups', rule.destinationIpGroups)
  destinationPorts(sink, level, rule.destinationPorts)
  sink.glue(at.close)
}

function natRule(sink: JsonSink, level: number, rule: NatRule, style: SourceStyle): void {
  const at = sink.levels.at(level)
  sink.glue(at.ruleHead.NatRule)
  sink.string(rule.name)
  description(sink, at, rule.description)
  ipProtocols(sink, level, rule.ipProtocols)
  sources(sink, level, rule, style)
  stringList(sink, level, 'destinationAddresses', rule.destinationAddresses)
  destinationPorts(sink, level, rule.destinationPorts)
  optionalString(sink, at, 'translatedAddress', rule.translatedAddress)
  optionalString(sink, at, 'translatedFqdn', rule.translatedFqdn)
  optionalString(sink, at, 'translatedPort', rule.translatedPort)
  sink.glue(at.close)
}

function rule(sink: JsonSink, level: number, entry: FirewallRule, style: SourceStyle): void {
  if (entry.ruleType === 'ApplicationRule') applicationRule(sink, level, entry, style)
  else if (entry.ruleType === 'NetworkRule') networkRule(sink, level, entry, style)
  else natRule(sink, level, entry, style)
}

function ruleCollection(
  sink: JsonSink,
  level: number,
  collection: RuleCollection,
  style: SourceStyle,
): void {
  const at = sink.levels.at(level)
  sink.glue(at.collectionHead[collection.collectionType])
  sink.string(collection.name)
  sink.glue(at.key.priority)
  sink.number(collection.priority)
  sink.glue(at.action)
  sink.string(collection.collectionType === 'nat' ? 'DNAT' : collection.action)
  sink.glue(sink.levels.at(level + 1).close)
  const rules = collection.rules
  if (rules.length === 0) sink.glue(at.emptyListKey.rules)
  else {
    sink.glue(at.key.rules)
    const list = sink.levels.at(level + 1)
    for (let index = 0; index < rules.length; index++) {
      sink.glue(index === 0 ? list.listOpen : list.listNext)
      rule(sink, level + 2, rules[index] as FirewallRule, style)
    }
    sink.glue(list.listClose)
  }
  sink.glue(at.close)
}

/** The `ruleCollections` list of a group, its brackets at `level`. */
function ruleCollections(
  sink: JsonSink,
  level: number,
  group: RuleCollectionGroup,
  style: SourceStyle,
): void {
  const collections = group.ruleCollections
  if (collections.length === 0) {
    sink.glue(EMPTY_LIST)
    return
  }
  const at = sink.levels.at(level)
  for (let index = 0; index < collections.length; index++) {
    sink.glue(index === 0 ? at.listOpen : at.listNext)
    ruleCollection(sink, level + 1, collections[index] as RuleCollection, style)
  }
  sink.glue(at.listClose)
}

/** A group's `ruleCollections` as pretty JSON, its `[` at nesting `level`, and its line breaks. */
export function ruleCollectionsJson(
  level: number,
  group: RuleCollectionGroup,
  style: SourceStyle,
): { text: string; breaks: number } {
  const text = new JsonText(prettyLevels)
  ruleCollections(text, level, group, style)
  return { text: text.text(), breaks: text.breaks }
}

/**
 * A group's `properties` as pretty JSON, its `{` at nesting `level`: `priority` (JSON text, a
 * number or an ARM expression) around the `ruleCollections` text written beforehand. Joined as
 * strings: the collections are megabytes, not worth copying piece by piece.
 */
export function groupPropertiesJson(
  level: number,
  input: { priority: string; ruleCollections: string },
): string {
  const at = prettyLevels.at(level)
  return `${at.propertiesHead.text}${input.priority}${at.key.ruleCollections.text}${input.ruleCollections}${at.close.text}`
}

function compactProperties(sink: JsonSink, group: RuleCollectionGroup, style: SourceStyle) {
  const at = sink.levels.at(0)
  sink.glue(at.propertiesHead)
  sink.number(group.priority)
  sink.glue(at.key.ruleCollections)
  ruleCollections(sink, 1, group, style)
  sink.glue(at.close)
}

/** One rule collection as ARM JSON. */
export function ruleCollectionToArm(collection: RuleCollection, style: SourceStyle): JsonValue {
  const text = new JsonText(compactLevels)
  ruleCollection(text, 0, collection, style)
  return JSON.parse(text.text())
}

/** The `properties` of a rule collection group resource. */
export function ruleCollectionGroupPropertiesToArm(
  group: RuleCollectionGroup,
  style: SourceStyle,
): JsonValue {
  const text = new JsonText(compactLevels)
  compactProperties(text, group, style)
  return JSON.parse(text.text())
}

/** Serialised size of a group as Azure stores it (compact JSON with literal sources). */
export function ruleCollectionGroupBytes(group: RuleCollectionGroup): number {
  const size = new JsonBytes()
  compactProperties(size, group, 'literal')
  return size.bytes
}

/** Compact size of one collection with literal sources. */
export function ruleCollectionBytes(collection: RuleCollection): number {
  const size = new JsonBytes()
  ruleCollection(size, 0, collection, 'literal')
  return size.bytes
}

/** Compact size of one application or network rule with literal sources. */
export function filterRuleBytes(entry: ApplicationRule | NetworkRule): number {
  const size = new JsonBytes()
  rule(size, 0, entry, 'literal')
  return size.bytes
}

/**
 * UTF-8 size of JSON text. Counted from the UTF-16 code units instead of encoding a copy.
 * JSON.stringify escapes lone surrogates, so every surrogate is half of a pair: 2 units, 4 bytes.
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
