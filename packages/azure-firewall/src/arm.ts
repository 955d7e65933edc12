/**
 * The ARM JSON serialiser. Rules are written piece by piece into a sink, in the layout
 * `JSON.stringify(value, null, 2)` prints, instead of building an object per rule and
 * stringifying the tree: a 10,000-workspace fleet has 40,000 rules, each written twice (template
 * and group file) and measured once (a sink that only counts bytes).
 */
import type {
  ApplicationRule,
  ApplicationRuleProtocol,
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

/** The keys the serialiser writes. */
const KEYS = [
  'ruleType',
  'ruleCollectionType',
  'name',
  'description',
  'ipProtocols',
  'sourceAddresses',
  'sourceIpGroups',
  'protocols',
  'protocolType',
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
  'type',
  'rules',
  'ruleCollections',
] as const
type Key = (typeof KEYS)[number]

/**
 * The punctuation around the items of an object or list whose brackets sit at one nesting level,
 * each piece with exactly one line break when pretty (so a writer counts breaks by pieces).
 */
type Level = {
  /** `{`, the line break and the first key: `{\n  "ruleType": `. */
  open: Readonly<Record<Key, string>>
  /** `,`, the line break and a later key. */
  next: Readonly<Record<Key, string>>
  /** The line break and `}`. */
  close: string
  /** `[` and the line break before the first item. */
  listOpen: string
  /** `,` and the line break before a later item. */
  listNext: string
  /** The line break and `]`. */
  listClose: string
}

function levelOf(pretty: boolean, level: number): Level {
  const line = pretty ? `\n${'  '.repeat(level)}` : ''
  const inner = pretty ? `\n${'  '.repeat(level + 1)}` : ''
  const colon = pretty ? ': ' : ':'
  const keyed = (before: string) =>
    Object.fromEntries(KEYS.map((key) => [key, `${before}${inner}"${key}"${colon}`])) as Record<
      Key,
      string
    >
  return {
    open: keyed('{'),
    next: keyed(','),
    close: `${line}}`,
    listOpen: `[${inner}`,
    listNext: `,${inner}`,
    listClose: `${line}]`,
  }
}

/** The punctuation of every level, made when first used. */
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
  levels: Levels
  /** A punctuation piece of a `Level`. */
  punct(piece: string): void
  /** Other text, without line breaks: `[]`, `true`, a fixed value. ASCII only. */
  raw(text: string): void
  /** A JSON value, serialised as `JSON.stringify` does. */
  value(value: JsonValue): void
}

/** JSON text, pretty (two-space indent) or compact; counts its line breaks. */
class JsonText implements JsonSink {
  readonly levels: Levels
  private out = ''
  /** Line breaks written so far: one per punctuation piece, in pretty text. */
  breaks = 0
  constructor(pretty: boolean) {
    this.levels = pretty ? prettyLevels : compactLevels
  }
  punct(piece: string): void {
    this.out += piece
    this.breaks++
  }
  raw(text: string): void {
    this.out += text
  }
  value(value: JsonValue): void {
    this.out +=
      typeof value === 'string' && PLAIN.test(value)
        ? `"${value}"`
        : (JSON.stringify(value) ?? 'null')
  }
  /**
   * The text, flattened. Appending leaves a rope node per piece; kept for the whole render, a
   * fleet's millions of nodes would be copied by every young-generation collection. Converting
   * a string to a number makes V8 flatten it into one block, after which the nodes are garbage.
   */
  text(): string {
    const text = this.out
    Number(text)
    return text
  }
}

// Text JSON.stringify copies as is: printable ASCII but `"` and `\`.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/
const NON_ASCII = /[\u0080-\uffff]/

/** The UTF-8 size of compact JSON, without writing it. */
class JsonBytes implements JsonSink {
  readonly levels = compactLevels
  bytes = 0
  punct(piece: string): void {
    this.bytes += piece.length
  }
  raw(text: string): void {
    this.bytes += text.length
  }
  value(value: JsonValue): void {
    this.bytes +=
      typeof value === 'string' && PLAIN.test(value)
        ? value.length + 2
        : utf8Bytes(JSON.stringify(value) ?? 'null')
  }
}

/** A later field holding a string, when present. */
function optionalString(sink: JsonSink, key: string, value: string | undefined): void {
  if (value === undefined) return
  sink.punct(key)
  sink.value(value)
}

/** A list of strings, its brackets at `level`; `[]` when empty. */
function stringList(sink: JsonSink, level: number, values: readonly string[]): void {
  if (values.length === 0) {
    sink.raw('[]')
    return
  }
  const at = sink.levels.at(level)
  sink.punct(at.listOpen)
  sink.value(values[0] as string)
  for (let index = 1; index < values.length; index++) {
    sink.punct(at.listNext)
    sink.value(values[index] as string)
  }
  sink.punct(at.listClose)
}

/** A later field holding a list of strings, its brackets at `level`. */
function listField(sink: JsonSink, level: number, key: string, values: readonly string[]) {
  sink.punct(key)
  stringList(sink, level, values)
}

/** A later field holding a list, left out when the list is empty (as optional lists are). */
function nonEmptyList(sink: JsonSink, level: number, key: string, values: readonly string[]) {
  if (values.length > 0) listField(sink, level, key, values)
}

/** The source fields of a rule whose fields are at `level`. */
function sources(
  sink: JsonSink,
  level: number,
  rule: { sourceAddresses: string[]; sourceIpGroups: string[] },
  style: SourceStyle,
): void {
  const next = sink.levels.at(level - 1).next
  if (style === 'parameters') {
    sink.punct(next.sourceAddresses)
    sink.raw(`"[parameters('sourceAddresses')]"`)
    sink.punct(next.sourceIpGroups)
    sink.raw(`"[parameters('sourceIpGroups')]"`)
    return
  }
  listField(sink, level, next.sourceAddresses, rule.sourceAddresses)
  nonEmptyList(sink, level, next.sourceIpGroups, rule.sourceIpGroups)
}

function protocol(sink: JsonSink, level: number, entry: ApplicationRuleProtocol): void {
  const at = sink.levels.at(level)
  const hasType = entry.protocolType !== undefined
  const hasPort = entry.port !== undefined
  if (!hasType && !hasPort) {
    sink.raw('{}')
    return
  }
  if (hasType) {
    sink.punct(at.open.protocolType)
    sink.value(entry.protocolType)
  }
  if (hasPort) {
    sink.punct(hasType ? at.next.port : at.open.port)
    sink.value(entry.port)
  }
  sink.punct(at.close)
}

/** The `protocols` list, its brackets at `level`. */
function protocols(sink: JsonSink, level: number, entries: readonly ApplicationRuleProtocol[]) {
  if (entries.length === 0) {
    sink.raw('[]')
    return
  }
  const at = sink.levels.at(level)
  for (let index = 0; index < entries.length; index++) {
    sink.punct(index === 0 ? at.listOpen : at.listNext)
    protocol(sink, level + 1, entries[index] as ApplicationRuleProtocol)
  }
  sink.punct(at.listClose)
}

// A rule's braces sit at `level`, its fields one deeper, and the brackets of its lists there too.

function applicationRule(
  sink: JsonSink,
  level: number,
  rule: ApplicationRule,
  style: SourceStyle,
): void {
  const at = sink.levels.at(level)
  const next = at.next
  const inner = level + 1
  sink.punct(at.open.ruleType)
  sink.raw('"ApplicationRule"')
  optionalString(sink, next.name, rule.name)
  optionalString(sink, next.description, rule.description)
  sources(sink, inner, rule, style)
  sink.punct(next.protocols)
  protocols(sink, inner, rule.protocols)
  nonEmptyList(sink, inner, next.targetFqdns, rule.targetFqdns)
  nonEmptyList(sink, inner, next.fqdnTags, rule.fqdnTags)
  nonEmptyList(sink, inner, next.targetUrls, rule.targetUrls)
  if (rule.terminateTLS) {
    sink.punct(next.terminateTLS)
    sink.raw('true')
  }
  nonEmptyList(sink, inner, next.destinationAddresses, rule.destinationAddresses)
  nonEmptyList(sink, inner, next.webCategories, rule.webCategories)
  sink.punct(at.close)
}

function networkRule(sink: JsonSink, level: number, rule: NetworkRule, style: SourceStyle): void {
  const at = sink.levels.at(level)
  const next = at.next
  const inner = level + 1
  sink.punct(at.open.ruleType)
  sink.raw('"NetworkRule"')
  optionalString(sink, next.name, rule.name)
  optionalString(sink, next.description, rule.description)
  listField(sink, inner, next.ipProtocols, rule.ipProtocols)
  sources(sink, inner, rule, style)
  nonEmptyList(sink, inner, next.destinationAddresses, rule.destinationAddresses)
  nonEmptyList(sink, inner, next.destinationFqdns, rule.destinationFqdns)
  nonEmptyList(sink, inner, next.destinationIpGroups, rule.destinationIpGroups)
  listField(sink, inner, next.destinationPorts, rule.destinationPorts)
  sink.punct(at.close)
}

function natRule(sink: JsonSink, level: number, rule: NatRule, style: SourceStyle): void {
  const at = sink.levels.at(level)
  const next = at.next
  const inner = level + 1
  sink.punct(at.open.ruleType)
  sink.raw('"NatRule"')
  optionalString(sink, next.name, rule.name)
  optionalString(sink, next.description, rule.description)
  listField(sink, inner, next.ipProtocols, rule.ipProtocols)
  sources(sink, inner, rule, style)
  listField(sink, inner, next.destinationAddresses, rule.destinationAddresses)
  listField(sink, inner, next.destinationPorts, rule.destinationPorts)
  optionalString(sink, next.translatedAddress, rule.translatedAddress)
  optionalString(sink, next.translatedFqdn, rule.translatedFqdn)
  optionalString(sink, next.translatedPort, rule.translatedPort)
  sink.punct(at.close)
}

function rule(
  sink: JsonSink,
  level: number,
  entry: RuleCollection['rules'][number],
  style: SourceStyle,
): void {
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
  const inner = level + 1
  const nat = collection.collectionType === 'nat'
  sink.punct(at.open.ruleCollectionType)
  sink.raw(nat ? '"FirewallPolicyNatRuleCollection"' : '"FirewallPolicyFilterRuleCollection"')
  optionalString(sink, at.next.name, collection.name)
  sink.punct(at.next.priority)
  sink.value(collection.priority)
  sink.punct(at.next.action)
  const action = nat ? 'DNAT' : collection.action
  if (action === undefined) sink.raw('{}')
  else {
    const actionAt = sink.levels.at(inner)
    sink.punct(actionAt.open.type)
    sink.value(action)
    sink.punct(actionAt.close)
  }
  sink.punct(at.next.rules)
  const rules = collection.rules
  if (rules.length === 0) sink.raw('[]')
  else {
    const list = sink.levels.at(inner)
    for (let index = 0; index < rules.length; index++) {
      sink.punct(index === 0 ? list.listOpen : list.listNext)
      rule(sink, inner + 1, rules[index] as RuleCollection['rules'][number], style)
    }
    sink.punct(list.listClose)
  }
  sink.punct(at.close)
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
    sink.raw('[]')
    return
  }
  const at = sink.levels.at(level)
  for (let index = 0; index < collections.length; index++) {
    sink.punct(index === 0 ? at.listOpen : at.listNext)
    ruleCollection(sink, level + 1, collections[index] as RuleCollection, style)
  }
  sink.punct(at.listClose)
}

/** A group's `ruleCollections` as pretty JSON, its `[` at nesting `level`, and its line breaks. */
export function ruleCollectionsJson(
  level: number,
  group: RuleCollectionGroup,
  style: SourceStyle,
): { text: string; breaks: number } {
  const text = new JsonText(true)
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
  return `${at.open.priority}${input.priority}${at.next.ruleCollections}${input.ruleCollections}${at.close}`
}

function compactProperties(sink: JsonSink, group: RuleCollectionGroup, style: SourceStyle) {
  const at = sink.levels.at(0)
  sink.punct(at.open.priority)
  sink.value(group.priority)
  sink.punct(at.next.ruleCollections)
  ruleCollections(sink, 1, group, style)
  sink.punct(at.close)
}

/** One rule collection as ARM JSON. */
export function ruleCollectionToArm(collection: RuleCollection, style: SourceStyle): JsonValue {
  const text = new JsonText(false)
  ruleCollection(text, 0, collection, style)
  return JSON.parse(text.text())
}

/** The `properties` of a rule collection group resource. */
export function ruleCollectionGroupPropertiesToArm(
  group: RuleCollectionGroup,
  style: SourceStyle,
): JsonValue {
  const text = new JsonText(false)
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
