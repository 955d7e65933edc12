/**
 * Squid `dstdomain` lists. Squid 5 refuses a list where a subdomain comes before its dotted parent
 * or where `x` and `.x` both appear, so lists are collapsed and sorted; and a lookup structure that
 * answers "does this list match host h?" in O(labels) for lists of any size.
 */

import { compareOrdinal } from '@aml-egress/core'

/** A plan host pattern reduced to what a dstdomain list needs. */
export type DomainPattern = {
  /** Host without wildcard: `blob.core.windows.net` for `*.blob.core.windows.net`. */
  name: string
  /** `*.name` in the plan (and `.name` in Squid). */
  wildcard: boolean
}

/** One entry of a collapsed list, with the plan patterns it stands for. */
export type CollapsedDomain<T extends DomainPattern> = {
  /** The dstdomain value: `.name` for a wildcard, `name` otherwise. */
  value: string
  pattern: T
  /** Every input pattern this entry covers, itself included, in sorted order. */
  covers: T[]
}

const DOT = 46
const WILDCARD = '*.'

/**
 * Ordinal order of the reversed labels of `a` (from `aFrom`) and `b` (from `bFrom`), label by
 * label: `com` < `com.x` < `com.x.a` < `com.x-y`. Read in place, so sorting a fleet's names builds
 * no key per name (the plan lists hosts in nearly this order already, so a sort compares each
 * about once): past their common ending, only the label where they differ decides.
 */
function compareReversedLabels(a: string, aFrom: number, b: string, bFrom: number): number {
  // Neighbours in a plan mostly differ in their first label only: compared natively.
  const aDot = a.indexOf('.', aFrom)
  const bDot = b.indexOf('.', bFrom)
  if (
    aDot !== -1 &&
    bDot !== -1 &&
    a.length - aDot === b.length - bDot &&
    a.endsWith(b.slice(bDot))
  )
    return compareOrdinal(a.slice(aFrom, aDot), b.slice(bFrom, bDot))
  let aAt = a.length - 1
  let bAt = b.length - 1
  while (aAt >= aFrom && bAt >= bFrom && a.charCodeAt(aAt) === b.charCodeAt(bAt)) {
    aAt--
    bAt--
  }
  // The differing labels end where the common ending's first whole label starts.
  let tail = a.length - aAt - 1
  while (tail > 0 && a.charCodeAt(a.length - tail) !== DOT) tail--
  const aStart = labelStart(a, aAt, aFrom)
  const bStart = labelStart(b, bAt, bFrom)
  const aLength = a.length - tail - aStart
  const bLength = b.length - tail - bStart
  const shared = Math.min(aLength, bLength)
  for (let at = 0; at < shared; at++) {
    const difference = a.charCodeAt(aStart + at) - b.charCodeAt(bStart + at)
    if (difference !== 0) return difference
  }
  // A label before a longer one it starts; equal labels: the name with fewer labels first.
  if (aLength !== bLength) return aLength - bLength
  return Number(aStart > aFrom) - Number(bStart > bFrom)
}

/** Where the label holding `at` starts (`at + 1` when `at` is a dot or before `from`). */
function labelStart(text: string, at: number, from: number): number {
  let start = at + 1
  while (start > from && text.charCodeAt(start - 1) !== DOT) start--
  return start
}

/**
 * The order of a dstdomain list, for plan host patterns (`*.name` or `name`): by reversed labels,
 * so every subtree is one run after its root, and `*.x` just before `x`, so the apex folds into
 * `.x`.
 * @example ['b.x.com', 'x.com', '*.x.com'].sort(compareHostPatterns) // ['*.x.com', 'x.com', 'b.x.com']
 */
export function compareHostPatterns(a: string, b: string): number {
  const aWildcard = a.startsWith(WILDCARD)
  const bWildcard = b.startsWith(WILDCARD)
  return (
    compareReversedLabels(a, aWildcard ? 2 : 0, b, bWildcard ? 2 : 0) ||
    Number(bWildcard) - Number(aWildcard)
  )
}

/**
 * True when the dstdomain value of plan pattern `value` stands for `pattern` too: `*.x` (`.x`)
 * for `x` and every name and pattern under it, `x` for `x` only.
 */
export function dstdomainCovers(value: string, pattern: string): boolean {
  if (!value.startsWith(WILDCARD)) return pattern === value
  // `x` itself, or a name ending with `.x`.
  return pattern.length === value.length - 2
    ? endsWithPart(pattern, value, 2)
    : endsWithPart(pattern, value, 1)
}

/** True when `text` ends with `suffix.slice(from)`, compared in place. */
function endsWithPart(text: string, suffix: string, from: number): boolean {
  const offset = text.length - suffix.length
  if (offset + from < 0) return false
  for (let at = suffix.length - 1; at >= from; at--)
    if (text.charCodeAt(offset + at) !== suffix.charCodeAt(at)) return false
  return true
}

/**
 * Where the run of `sorted` (in `compareHostPatterns` order) that the dstdomain value of
 * `sorted[start]` stands for ends: each subtree follows its root, each repeat its first.
 */
export function coveredEnd<T>(
  sorted: readonly T[],
  start: number,
  patternOf: (item: T) => string,
): number {
  const value = patternOf(sorted[start] as T)
  let end = start + 1
  while (end < sorted.length && dstdomainCovers(value, patternOf(sorted[end] as T))) end++
  return end
}

/** A pattern as the plan writes it: `*.name` or `name`. */
function planPattern({ name, wildcard }: DomainPattern): string {
  return wildcard ? `${WILDCARD}${name}` : name
}

/**
 * A name's labels reversed and joined with a character below every label character: plain string
 * order is then `compareHostPatterns`' label order.
 */
function sortKey(name: string): string {
  return name.split('.').reverse().join('\u0001')
}

/**
 * Collapses patterns into a dstdomain list Squid 5 accepts without warnings: every pattern covered
 * by a wildcard ancestor (or equal to the apex of a wildcard) is folded into it; the rest is sorted
 * by reversed labels. O(n log n), for input in any order: each key is made once.
 * @example collapseDomains([{ name: 'a.x.com', wildcard: false }, { name: 'x.com', wildcard: true }])
 * // → [{ value: '.x.com', … covers: [*.x.com, a.x.com] }]
 */
export function collapseDomains<T extends DomainPattern>(
  patterns: readonly T[],
): CollapsedDomain<T>[] {
  const keyed = patterns.map((item) => ({
    item,
    key: sortKey(item.name),
    pattern: planPattern(item),
  }))
  keyed.sort(
    (a, b) => compareOrdinal(a.key, b.key) || Number(b.item.wildcard) - Number(a.item.wildcard),
  )
  const out: CollapsedDomain<T>[] = []
  for (let start = 0; start < keyed.length; ) {
    const end = coveredEnd(keyed, start, (entry) => entry.pattern)
    const covers = keyed.slice(start, end).map((entry) => entry.item)
    const [pattern] = covers as [T]
    out.push({ value: pattern.wildcard ? `.${pattern.name}` : pattern.name, pattern, covers })
    start = end
  }
  return out
}

/** What Squid says when a value is added to a dstdomain list. */
export type DomainInsertResult =
  | { kind: 'ok' }
  | { kind: 'warning'; message: string }
  | { kind: 'fatal'; message: string }

const OK: DomainInsertResult = Object.freeze({ kind: 'ok' })

/**
 * A dstdomain list as Squid matches it: `.x` matches `x` and every name under it, `x` only `x`,
 * case-insensitively. Insertion reports what Squid 5.7 reports for overlaps (verified with
 * `squid -k parse`): a dotted parent after its child, or `x` together with `.x`, is fatal.
 */
export class DomainSet {
  private readonly exact = new Set<string>()
  private readonly dotted = new Set<string>()
  /** Every proper ancestor name of every entry, to find "new parent after child" in O(labels). */
  private readonly ancestors = new Set<string>()

  /**
   * A set that only matches: it skips what `add` reports about overlaps (the reader reported those
   * already), which makes building it for a 100,000-value list several times cheaper.
   */
  static forMatching(values: Iterable<string>): DomainSet {
    const set = new DomainSet()
    for (const raw of values) {
      const value = raw.toLowerCase()
      if (value.startsWith('.')) set.dotted.add(value.slice(1))
      else set.exact.add(value)
    }
    return set
  }

  /** Number of distinct values. */
  get size(): number {
    return this.exact.size + this.dotted.size
  }

  /** Adds one dstdomain value; says whether Squid would accept it next to the values already in. */
  add(raw: string): DomainInsertResult {
    const value = raw.toLowerCase()
    const isDotted = value.startsWith('.')
    const name = isDotted ? value.slice(1) : value
    if (isDotted ? this.dotted.has(name) : this.exact.has(name)) return OK
    // One walk over the proper ancestors, nearest first: the nearest dotted one (for the warning),
    // and recording them until one is already recorded (all above it came with it).
    let dottedParent: string | undefined
    let recording = true
    for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
      const ancestor = name.slice(dot + 1)
      if (dottedParent === undefined && this.dotted.has(ancestor)) dottedParent = ancestor
      if (recording && this.ancestors.has(ancestor)) recording = false
      if (recording) this.ancestors.add(ancestor)
    }
    let result: DomainInsertResult = OK
    if (isDotted) {
      // `ancestors` only holds names above earlier values, never `name` itself from this walk.
      if (this.exact.has(name) || this.ancestors.has(name))
        result = {
          kind: 'fatal',
          message: `'${value}' is a parent of a name listed before it; you need to remove the subdomain`,
        }
      this.dotted.add(name)
    } else {
      if (this.dotted.has(name))
        result = { kind: 'fatal', message: `'${value}' and '.${name}' are both listed` }
      this.exact.add(name)
    }
    if (result === OK && dottedParent !== undefined)
      result = {
        kind: 'warning',
        message: `'${value}' is a subdomain of '.${dottedParent}'; you should remove it`,
      }
    return result
  }

  /** True when the list matches `host` (a name or an IP literal, compared as text). */
  matches(host: string): boolean {
    const lower = host.toLowerCase()
    const name = lower.endsWith('.') ? lower.slice(0, -1) : lower
    if (this.exact.has(name) || this.dotted.has(name)) return true
    return this.dottedAncestor(name) !== undefined
  }

  /** The nearest dotted proper ancestor. */
  private dottedAncestor(name: string): string | undefined {
    // Lists of exact names only (apex guards, most hand-written lists) need no walk.
    if (this.dotted.size === 0) return undefined
    for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
      const ancestor = name.slice(dot + 1)
      if (this.dotted.has(ancestor)) return ancestor
    }
    return undefined
  }
}
