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

// Joining the reversed labels with a character below every label character makes plain string
// order equal label-by-label order, so each subtree is one contiguous run.
const SEPARATOR = '\u0001'
const SEPARATOR_CODE = SEPARATOR.charCodeAt(0)

function sortKey(name: string): string {
  return name.split('.').reverse().join(SEPARATOR)
}

/**
 * True when `key`, which starts with `parentKey`, is it or a name under it. Checks the character
 * after instead of building `parentKey + SEPARATOR` for every entry.
 */
function isSubtreeKey(key: string, parentKey: string): boolean {
  return key.length === parentKey.length || key.charCodeAt(parentKey.length) === SEPARATOR_CODE
}

/**
 * Collapses patterns into a dstdomain list Squid 5 accepts without warnings: every pattern covered
 * by a wildcard ancestor (or equal to the apex of a wildcard) is folded into it; the rest is sorted
 * by reversed labels. O(n log n).
 * @example collapseDomains([{ name: 'a.x.com', wildcard: false }, { name: 'x.com', wildcard: true }])
 * // → [{ value: '.x.com', … covers: [*.x.com, a.x.com] }]
 */
export function collapseDomains<T extends DomainPattern>(
  patterns: readonly T[],
): CollapsedDomain<T>[] {
  const keyed = patterns.map((pattern) => ({ pattern, key: sortKey(pattern.name) }))
  // Same name: the wildcard first, so the exact apex folds into `.name`.
  keyed.sort(
    (a, b) =>
      compareOrdinal(a.key, b.key) || Number(b.pattern.wildcard) - Number(a.pattern.wildcard),
  )
  const out: CollapsedDomain<T>[] = []
  // The last wildcard entry (whose subtree follows it) and the last entry, with their keys.
  let parent: CollapsedDomain<T> | undefined
  let parentKey = ''
  let previous: CollapsedDomain<T> | undefined
  let previousKey = ''
  for (const { pattern, key } of keyed) {
    if (parent && key.startsWith(parentKey) && isSubtreeKey(key, parentKey)) {
      parent.covers.push(pattern)
      continue
    }
    if (previous && !pattern.wildcard && !previous.pattern.wildcard && key === previousKey) {
      previous.covers.push(pattern)
      continue
    }
    const entry: CollapsedDomain<T> = {
      value: pattern.wildcard ? `.${pattern.name}` : pattern.name,
      pattern,
      covers: [pattern],
    }
    out.push(entry)
    previous = entry
    previousKey = key
    if (pattern.wildcard) {
      parent = entry
      parentKey = key
    }
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
