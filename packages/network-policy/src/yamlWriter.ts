/**
 * A direct YAML writer for the policy documents this package renders. It produces exactly what
 * the `yaml` library writes (`new Document(value)`, `toString({ lineWidth: 0 })`, a comment before
 * the document and before the items of its egress or ingress list) for the values it knows how to
 * write, and `undefined` for anything else, so the caller falls back to the library. Building the
 * library's node tree took most of a 10,000-workspace Cilium render (issue #8); the output is
 * checked against the library in yamlWriter.test.ts.
 */

import type { CiliumEgressRule, CiliumFqdnSelector, CiliumPortRule } from './model'

/** A value as policy documents hold it. */
type Value = string | number | boolean | null | undefined | readonly Value[] | ValueMap
type ValueMap = { readonly [key: string]: Value }

// Written plain by the library: starts with a letter or digit, no spaces or flow/comment indicators.
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._/:,-]*$/
// Strings the YAML 1.2 core schema would read as something else: the library quotes them.
const CORE_NOT_STRING =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[Tt]rue|TRUE|[Ff]alse|FALSE|~|[Nn]ull|NULL)$/
// `*` starts an alias, so the library double-quotes these (host patterns, port numbers as text).
const QUOTED = /^(?:\*[A-Za-z0-9.*-]*|[0-9]+)$/

/** The text of a scalar, or `undefined` when only the library knows how it is written. */
function scalar(value: Value): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined
  if (typeof value !== 'string') return undefined
  if (QUOTED.test(value)) return `"${value}"`
  if (PLAIN.test(value) && !value.endsWith(':') && !CORE_NOT_STRING.test(value)) return value
  return undefined
}

function isMap(value: Value): value is ValueMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A key the library writes plain; few distinct keys occur, so each is checked once. */
const plainKeys = new Map<string, boolean>()
function isPlainKey(key: string): boolean {
  let plain = plainKeys.get(key)
  if (plain === undefined) {
    plain = PLAIN.test(key) && !key.endsWith(':') && !CORE_NOT_STRING.test(key)
    // Label keys come from plans: capped, so a process rendering many plans does not grow.
    if (plainKeys.size < 1024) plainKeys.set(key, plain)
  }
  return plain
}

const pads: string[] = []
function pad(column: number): string {
  let text = pads[column]
  if (text === undefined) {
    text = ' '.repeat(column)
    pads[column] = text
  }
  return text
}

/** True when the map has a key the library would write (it leaves out undefined values). */
function hasEntries(map: ValueMap): boolean {
  for (const key of Object.keys(map)) if (map[key] !== undefined) return true
  return false
}

type Writer = {
  /**
   * The text so far in pieces, joined once at the end: one flat string instead of a rope of
   * concatenations (a Cilium policy has hundreds of thousands of lines).
   */
  parts: string[]
  /**
   * Maps and lists written so far: the library writes an object met twice as an anchor and an
   * alias, which this writer does not, so a shared object means falling back.
   */
  seen: Set<object>
  /** The one list that carries item comments, its comments, and its direct item writer. */
  commentedList: readonly Value[] | undefined
  itemComments: readonly (string | undefined)[]
  writeItem: ItemWriter | undefined
}

/**
 * Writes one item of `spec.egress` or `spec.ingress` into `parts` as this writer would (dash at
 * column 4), or returns false having written nothing. Its items are not checked for shared objects.
 */
export type ItemWriter = (item: object, parts: string[]) => boolean

function firstVisit(writer: Writer, value: object): boolean {
  if (writer.seen.has(value)) return false
  writer.seen.add(value)
  return true
}

/** `key: value` with the key at `column`; `prefix` is what the line starts with (spaces or `- `). */
function writePair(
  writer: Writer,
  key: string,
  value: Value,
  column: number,
  prefix: string,
): boolean {
  if (!isPlainKey(key)) return false
  if (typeof value === 'object' && value !== null && !firstVisit(writer, value)) return false
  if (Array.isArray(value)) {
    if (value.length === 0) {
      writer.parts.push(prefix, key, ': []\n')
      return true
    }
    writer.parts.push(prefix, key, ':\n')
    return writeList(writer, value, column + 2)
  }
  if (isMap(value)) {
    if (!hasEntries(value)) {
      writer.parts.push(prefix, key, ': {}\n')
      return true
    }
    writer.parts.push(prefix, key, ':\n')
    return writeEntries(writer, value, column + 2, pad(column + 2))
  }
  const text = scalar(value)
  if (text === undefined) return false
  writer.parts.push(prefix, key, ': ', text, '\n')
  return true
}

/** Map entries at `column`; the first line starts with `firstPrefix` (`- ` for a list item). */
function writeEntries(writer: Writer, map: ValueMap, column: number, firstPrefix: string): boolean {
  let prefix = firstPrefix
  for (const key of Object.keys(map)) {
    const value = map[key]
    if (value === undefined) continue
    if (!writePair(writer, key, value, column, prefix)) return false
    prefix = pad(column)
  }
  return true
}

/** A block list with its dashes at `column`. */
function writeList(writer: Writer, list: readonly Value[], column: number): boolean {
  const indent = pad(column)
  const commented = writer.commentedList === list
  for (let index = 0; index < list.length; index++) {
    if (commented) {
      const comment = writer.itemComments[index]
      if (comment !== undefined) writer.parts.push(indent, '# ', comment, '\n')
    }
    const item = list[index]
    if (commented && writer.writeItem && isMap(item) && writer.writeItem(item, writer.parts))
      continue
    if (Array.isArray(item)) return false
    if (isMap(item)) {
      if (!firstVisit(writer, item)) return false
      if (!hasEntries(item)) writer.parts.push(indent, '- {}\n')
      else if (!writeEntries(writer, item, column + 2, `${indent}- `)) return false
      continue
    }
    const text = scalar(item)
    if (text === undefined) return false
    writer.parts.push(indent, '- ', text, '\n')
  }
  return true
}

/**
 * Constant texts joined, by first and second text: an item's fixed lines become one part, since
 * joining the parts of a fleet's 40,000 items costs by their number. Only texts of this file and
 * protocol names are joined, so the cache stays small.
 */
const joinedTexts = new Map<string, Map<string, string>>()

function joined(first: string, second: string): string {
  let bySecond = joinedTexts.get(first)
  if (bySecond === undefined) {
    bySecond = new Map()
    joinedTexts.set(first, bySecond)
  }
  let text = bySecond.get(second)
  if (text === undefined) {
    text = first + second
    bySecond.set(second, text)
  }
  return text
}

/** Port numbers as written, by their text: a fleet repeats a few ports. Capped like `plainKeys`. */
const portTexts = new Map<string, string | undefined>()
function portText(port: string): string | undefined {
  let text = portTexts.get(port)
  if (text === undefined && !portTexts.has(port)) {
    text = scalar(port)
    if (portTexts.size < 1024) portTexts.set(port, text)
  }
  return text
}

/**
 * The `ItemWriter` for the egress rule a plan rule becomes (`toFQDNs` or `toEntities`, then
 * `toPorts` with ports as `ciliumPorts` builds them: port, endPort, protocol), read field by field
 * instead of walked as a generic value: 40,000 such walks were most of a fleet's Cilium render.
 * Each field writer gets the constant text that goes before it (the end of the line before, and
 * the indentation) and returns the one that goes after, so constants join into one part.
 * Any other shape, or a value only the library can write, is left to the generic writer.
 * @example writeCiliumEgressItem({ toEntities: ['kube-apiserver'] }, parts) // pushes '    - toEntities:\n        - ', …
 */
export function writeCiliumEgressItem(item: object, parts: string[]): boolean {
  const rule = item as CiliumEgressRule
  const start = parts.length
  let before = '    - '
  let after: string | undefined
  for (const key of Object.keys(rule)) {
    if (after !== undefined) before = joined(after, '      ')
    after =
      key === 'toFQDNs'
        ? writeFqdnSelectors(parts, before, rule.toFQDNs)
        : key === 'toEntities'
          ? writeEntities(parts, before, rule.toEntities)
          : key === 'toPorts'
            ? writePortRules(parts, before, rule.toPorts)
            : undefined
    if (after === undefined) {
      parts.length = start
      return false
    }
  }
  if (after === undefined) return false
  parts.push(after)
  return true
}

function writeFqdnSelectors(
  parts: string[],
  before: string,
  selectors: readonly CiliumFqdnSelector[] | undefined,
): string | undefined {
  if (!selectors || selectors.length === 0) return undefined
  let lead = joined(before, 'toFQDNs:\n')
  // Index loops in these writers: they run per item, where for-of allocated.
  for (let at = 0; at < selectors.length; at++) {
    const selector = selectors[at] as CiliumFqdnSelector
    const byName = 'matchName' in selector
    const text = scalar(byName ? selector.matchName : selector.matchPattern)
    if (text === undefined) return undefined
    parts.push(joined(lead, byName ? '        - matchName: ' : '        - matchPattern: '), text)
    lead = '\n'
  }
  return '\n'
}

function writeEntities(
  parts: string[],
  before: string,
  entities: readonly string[] | undefined,
): string | undefined {
  if (!entities || entities.length === 0) return undefined
  let lead = joined(before, 'toEntities:\n')
  for (const entity of entities) {
    const text = scalar(entity)
    if (text === undefined) return undefined
    parts.push(joined(lead, '        - '), text)
    lead = '\n'
  }
  return '\n'
}

function writePortRules(
  parts: string[],
  before: string,
  rules: readonly CiliumPortRule[] | undefined,
): string | undefined {
  if (!rules || rules.length === 0) return undefined
  let lead = joined(before, 'toPorts:\n')
  for (let at = 0; at < rules.length; at++) {
    const rule = rules[at] as CiliumPortRule
    if (rule.rules !== undefined || rule.ports.length === 0) return undefined
    lead = joined(lead, '        - ports:\n')
    for (let p = 0; p < rule.ports.length; p++) {
      const { port, endPort, protocol } = rule.ports[p] as CiliumPortRule['ports'][number]
      const number = portText(port)
      if (number === undefined) return undefined
      parts.push(joined(lead, '            - port: '), number)
      lead = '\n'
      if (endPort !== undefined) {
        const end = scalar(endPort)
        if (end === undefined) return undefined
        parts.push(joined(lead, '              endPort: '), end)
      }
      if (protocol !== undefined)
        lead = joined(joined(joined(lead, '              protocol: '), protocol), '\n')
    }
  }
  return lead
}

/**
 * Writes one document with a comment before it and before each item of `spec.egress` (or, when it
 * has none, `spec.ingress`), as `new Document(document).toString({ lineWidth: 0 })` with those
 * comments set would; `undefined` when a value is outside what this writer knows (use the library).
 * Comments must be single printable lines. `writeItem` writes that list's items where it can; the
 * caller vouches that those share no object with the rest of the document.
 * @example writePolicyYaml({ document: { kind: 'NetworkPolicy' }, comment: 'x', itemComments: [] }) // '# x\n\nkind: NetworkPolicy\n'
 */
export function writePolicyYaml(input: {
  document: object
  comment: string
  itemComments: readonly (string | undefined)[]
  writeItem?: ItemWriter
}): string | undefined {
  const document = input.document as ValueMap
  if (input.comment === '' || input.itemComments.some((comment) => comment === '')) return undefined
  const spec = document.spec
  const list = isMap(spec) ? (spec.egress !== undefined ? spec.egress : spec.ingress) : undefined
  const writer: Writer = {
    parts: ['# ', input.comment, '\n\n'],
    seen: new Set([document]),
    commentedList: Array.isArray(list) ? list : undefined,
    itemComments: input.itemComments,
    writeItem: input.writeItem,
  }
  if (!hasEntries(document)) return undefined
  return writeEntries(writer, document, 0, '') ? writer.parts.join('') : undefined
}
