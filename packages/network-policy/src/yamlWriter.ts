/**
 * Writes policy documents as YAML, byte for byte as the `yaml` library writes them
 * (`new Document(value)`, `toString({ lineWidth: 0 })`, a comment before the document and before
 * each item of its egress or ingress list). The documents this package renders are written
 * directly by a small printer: the library's node tree took most of a 10,000-workspace Cilium
 * render (issue #8). A value the printer does not know (a string to quote) sends the document to
 * the library, and so does a document that holds one object twice, which the library writes as
 * an anchor and an alias: the caller says so (`sharesObjects`), since finding it out would cost
 * more than the printing. yamlWriter.test.ts checks the printer against the library.
 *
 * The printer appends lines to one list that the caller joins once, so a fleet's 10 MB file is
 * copied once.
 */

import { yaml11ReadsAsNonString, yamlCoreReadsAsNonString } from '@aml-egress/core'
import { Document, isSeq, isMap as isYamlMap, type Node } from 'yaml'
import type { CiliumEgressRule, CiliumFqdnSelector, CiliumPortRule } from './model'

/** A value as policy documents hold it. */
type Value = string | number | boolean | null | undefined | readonly Value[] | ValueMap
type ValueMap = { readonly [key: string]: Value }

// Written plain by the library: starts with a letter or digit, no spaces or flow/comment indicators.
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._/:,-]*$/
// `*` starts an alias, so the library double-quotes these (host patterns, port numbers as text).
const QUOTED = /^(?:\*[A-Za-z0-9.*-]*|[0-9]+)$/

/** Plain characters, but read as another type by a YAML 1.2 or 1.1 reader. */
function readsAsOtherType(text: string): boolean {
  return yamlCoreReadsAsNonString(text) || yaml11ReadsAsNonString(text)
}

/** A string the library writes as it is: a plain scalar or key. */
function isPlain(text: string): boolean {
  return PLAIN.test(text) && !text.endsWith(':') && !readsAsOtherType(text)
}

/** The text of a scalar, or `undefined` when only the library knows how it is written. */
function scalar(value: Value): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined
  if (typeof value !== 'string') return undefined
  if (QUOTED.test(value)) return `"${value}"`
  if (isPlain(value)) return value
  // The library's yaml-1.1 schema double-quotes what a YAML 1.1 reader takes for another type;
  // plain characters need no escape inside the quotes.
  return PLAIN.test(value) && !value.endsWith(':') && yaml11ReadsAsNonString(value)
    ? `"${value}"`
    : undefined
}

function isMap(value: Value): value is ValueMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True when the map has an entry the library writes (it leaves out undefined values). */
function hasEntries(map: ValueMap): boolean {
  return Object.values(map).some((value) => value !== undefined)
}

/**
 * One item of the commented list, dash at `indent`, as the printer would write it; undefined for
 * a shape it does not know.
 */
export type ItemWriter = (item: object, indent: string) => string | undefined

type Printer = {
  out: string[]
  /** The list whose items carry comments (spec.egress or spec.ingress), and those comments. */
  commentedList: readonly Value[] | undefined
  itemComments: readonly (string | undefined)[]
  writeItem: ItemWriter | undefined
}

/**
 * A block map at `indent`: a `key: value` line, or `key:` and its block, per entry. As a list
 * item its first line starts at the dash (`lead`: `indent` with `- ` for its last two spaces).
 */
function writeMap(printer: Printer, map: ValueMap, indent: string, lead = indent): boolean {
  let head = lead
  for (const key of Object.keys(map)) {
    const value = map[key]
    if (value === undefined) continue
    if (!isPlain(key) || !writeEntry(printer, { head, key, value, indent })) return false
    head = indent
  }
  return true
}

/** `key: value` on one line, or `key:` and the block below it. */
function writeEntry(
  printer: Printer,
  { head, key, value, indent }: { head: string; key: string; value: Value; indent: string },
): boolean {
  const { out } = printer
  if (Array.isArray(value)) {
    out.push(value.length === 0 ? `${head}${key}: []\n` : `${head}${key}:\n`)
    return writeList(printer, value, `${indent}  `)
  }
  if (isMap(value)) {
    out.push(hasEntries(value) ? `${head}${key}:\n` : `${head}${key}: {}\n`)
    return writeMap(printer, value, `${indent}  `)
  }
  const text = scalar(value)
  if (text === undefined) return false
  out.push(`${head}${key}: ${text}\n`)
  return true
}

/** A block list with its dashes at `indent`, each item after its comment if it has one. */
function writeList(printer: Printer, list: readonly Value[], indent: string): boolean {
  const { out } = printer
  const commented = printer.commentedList === list
  for (const [index, item] of list.entries()) {
    const comment = commented ? printer.itemComments[index] : undefined
    if (comment !== undefined) out.push(`${indent}# ${comment}\n`)
    if (isMap(item)) {
      const written = commented ? printer.writeItem?.(item, indent) : undefined
      if (written !== undefined) out.push(written)
      // A map's first entry goes on the dash line, the rest below it.
      else if (!hasEntries(item)) out.push(`${indent}- {}\n`)
      else if (!writeMap(printer, item, `${indent}  `, `${indent}- `)) return false
      continue
    }
    const text = Array.isArray(item) ? undefined : scalar(item)
    if (text === undefined) return false
    out.push(`${indent}- ${text}\n`)
  }
  return true
}

/** What `writePolicyYaml` writes: a document, its comment and its list items' comments. */
export type PolicyYamlInput = {
  document: object
  /** One printable line. */
  comment: string
  /** By item of `spec.egress` (or, when it has none, `spec.ingress`); each one printable line. */
  itemComments: readonly (string | undefined)[]
  /** The document holds one object (map or list) twice: only the library writes it. */
  sharesObjects?: boolean | undefined
  /** Writes the items of the commented list that have a shape it knows. */
  writeItem?: ItemWriter | undefined
}

/** The list whose items carry the comments: `spec.egress`, else `spec.ingress`. */
function commentedListOf(document: ValueMap): readonly Value[] | undefined {
  const spec = document.spec
  const list = isMap(spec) ? (spec.egress !== undefined ? spec.egress : spec.ingress) : undefined
  return Array.isArray(list) ? list : undefined
}

/**
 * Appends the document as the printer writes it (an object held twice is written twice); false,
 * having appended nothing, when a value is outside what it knows.
 * @example printPolicyYaml({ document: { kind: 'NetworkPolicy' }, comment: 'x', itemComments: [] }, out) // out: ['# x\n\n', 'kind: NetworkPolicy\n']
 */
export function printPolicyYaml(input: PolicyYamlInput, out: string[]): boolean {
  const document = input.document as ValueMap
  if (input.comment === '' || input.itemComments.some((comment) => comment === '')) return false
  if (!hasEntries(document)) return false
  const start = out.length
  out.push(`# ${input.comment}\n\n`)
  const printer: Printer = {
    out,
    commentedList: commentedListOf(document),
    itemComments: input.itemComments,
    writeItem: input.writeItem,
  }
  if (writeMap(printer, document, '')) return true
  out.length = start
  return false
}

/**
 * The document as the `yaml` library writes it, with the same comments. The yaml-1.1 schema
 * quotes every string a YAML 1.1 reader would not read back as the same string; what it writes
 * is read the same by YAML 1.2 readers too.
 */
export function libraryPolicyYaml(input: PolicyYamlInput): string {
  const document = new Document(input.document, { schema: 'yaml-1.1' })
  document.commentBefore = ` ${input.comment}`
  const spec = document.get('spec', true)
  const list = isYamlMap(spec) ? (spec.get('egress', true) ?? spec.get('ingress', true)) : undefined
  if (isSeq(list))
    for (const [index, item] of list.items.entries()) {
      const comment = input.itemComments[index]
      if (comment) (item as Node).commentBefore = ` ${comment}`
    }
  return document.toString({ lineWidth: 0 })
}

/**
 * Appends one policy document as YAML with its comments: printed directly, or by the library
 * when the document holds something the printer does not know.
 * @example const out: string[] = []; writePolicyYaml({ document: { kind: 'NetworkPolicy' }, comment: 'x', itemComments: [] }, out); out.join('') // '# x\n\nkind: NetworkPolicy\n'
 */
export function writePolicyYaml(input: PolicyYamlInput, out: string[]): void {
  if (!input.sharesObjects && printPolicyYaml(input, out)) return
  out.push(libraryPolicyYaml(input))
}

/** `- matchName: …` or `- matchPattern: …` per selector, dashes at `indent`. */
function fqdnLines(
  selectors: readonly CiliumFqdnSelector[],
  indent: string,
  lines: string[],
): boolean {
  for (const selector of selectors) {
    const [key, value] =
      'matchName' in selector
        ? ['matchName', selector.matchName]
        : ['matchPattern', selector.matchPattern]
    const text = scalar(value)
    if (text === undefined) return false
    lines.push(`${indent}- ${key}: ${text}\n`)
  }
  return true
}

/** `- entity` per entity, dashes at `indent`. */
function entityLines(entities: readonly string[], indent: string, lines: string[]): boolean {
  for (const entity of entities) {
    const text = scalar(entity)
    if (text === undefined) return false
    lines.push(`${indent}- ${text}\n`)
  }
  return true
}

/** `- ports:` per rule, each port as the renderer builds it: port, endPort, protocol. */
function portRuleLines(rules: readonly CiliumPortRule[], indent: string, lines: string[]): boolean {
  for (const rule of rules) {
    if (rule.rules !== undefined || rule.ports.length === 0) return false
    lines.push(`${indent}- ports:\n`)
    for (const { port, endPort, protocol } of rule.ports) {
      const text = scalar(port)
      const end = endPort === undefined ? '' : scalar(endPort)
      if (text === undefined || end === undefined) return false
      lines.push(`${indent}    - port: ${text}\n`)
      if (endPort !== undefined) lines.push(`${indent}      endPort: ${end}\n`)
      if (protocol !== undefined) lines.push(`${indent}      protocol: ${protocol}\n`)
    }
  }
  return true
}

/** The peers of a `toFQDNs` or `toEntities` item; false for any other field or an empty list. */
function peerLines(
  rule: CiliumEgressRule,
  field: string | undefined,
  indent: string,
  lines: string[],
): boolean {
  if (field === 'toFQDNs' && rule.toFQDNs?.length) return fqdnLines(rule.toFQDNs, indent, lines)
  if (field === 'toEntities' && rule.toEntities?.length)
    return entityLines(rule.toEntities, indent, lines)
  return false
}

/**
 * The item writer for the egress rules plan rules become: `toFQDNs` or `toEntities`, then
 * `toPorts` with ports as the renderer builds them. A fleet's Cilium file is tens of thousands
 * of host names in these; writing them by their shape instead of walking them halves its render
 * time.
 * @example writeCiliumEgressItem({ toEntities: ['kube-apiserver'], toPorts }, '    ') // '    - toEntities:\n        - kube-apiserver\n      toPorts: …'
 */
export function writeCiliumEgressItem(item: object, indent: string): string | undefined {
  const rule = item as CiliumEgressRule
  const [field, ...rest] = Object.keys(rule)
  if (rest.join() !== 'toPorts' || !rule.toPorts?.length) return undefined
  const lists = `${indent}    `
  const lines = [`${indent}- ${field}:\n`]
  if (!peerLines(rule, field, lists, lines)) return undefined
  lines.push(`${indent}  toPorts:\n`)
  if (!portRuleLines(rule.toPorts, lists, lines)) return undefined
  // Joined here, not in the file's list: one flat string per item keeps that list and the
  // collector's work small (a fleet's items hold tens of thousands of lines).
  return lines.join('')
}
