import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  collapseDomains,
  compareHostPatterns,
  coveredEnd,
  type DomainPattern,
  DomainSet,
} from './domains'

const exact = (name: string): DomainPattern => ({ name, wildcard: false })
const wild = (name: string): DomainPattern => ({ name, wildcard: true })

describe('format: squid', () => {
  describe('collapseDomains', () => {
    it('returns the dotted parent alone when a child and the apex are listed too', () => {
      // GIVEN a child listed before its wildcard parent, and the parent's apex
      const patterns = [exact('a.x.com'), wild('x.com'), exact('x.com'), wild('b.x.com')]
      // WHEN collapsed
      const result = collapseDomains(patterns)
      // THEN only `.x.com` remains, standing for all four
      expect(result.map((d) => [d.value, d.covers.length])).toStrictEqual([['.x.com', 4]])
    })

    it('returns siblings sorted by reversed labels, never merging x-y.com into x.com', () => {
      const result = collapseDomains([
        wild('x.com'),
        exact('x-y.com'),
        exact('a.x.com'),
        exact('b.org'),
      ])
      expect(result.map((d) => d.value)).toStrictEqual(['.x.com', 'x-y.com', 'b.org'])
    })

    it('returns one entry for an exact name listed twice', () => {
      expect(collapseDomains([exact('a.com'), exact('a.com')]).map((d) => d.value)).toStrictEqual([
        'a.com',
      ])
    })

    it('returns a list Squid accepts without warnings, matching the same hosts, for any input', () => {
      const label = fc.constantFrom('a', 'b', 'x', 'x-y', 'c0')
      const name = fc
        .array(label, { minLength: 1, maxLength: 4 })
        .map((labels) => [...labels, 'com'].join('.'))
      const pattern = fc.record({ name, wildcard: fc.boolean() })
      fc.assert(
        fc.property(
          fc.array(pattern, { maxLength: 30 }),
          fc.array(name, { maxLength: 10 }),
          (patterns, hosts) => {
            const collapsed = collapseDomains(patterns)
            const set = new DomainSet()
            const inserts = collapsed.map((d) => set.add(d.value).kind)
            // Squid semantics of the input list, taken one value at a time (`.x` matches x too).
            const squidMatch = (host: string) =>
              patterns.some((p) => host === p.name || (p.wildcard && host.endsWith(`.${p.name}`)))
            return (
              inserts.every((kind) => kind === 'ok') &&
              hosts.every((h) => set.matches(h) === squidMatch(h))
            )
          },
        ),
      )
    })

    it('returns 100,000 collapsed domains in well under a second per 100k (O(n log n))', () => {
      const patterns: DomainPattern[] = []
      for (let i = 0; i < 100_000; i++)
        patterns.push({ name: `h${i}.r${i % 97}.example${i % 13}.com`, wildcard: i % 10 === 0 })
      const started = performance.now()
      const result = collapseDomains(patterns)
      const elapsed = performance.now() - started
      expect(result.length).toBe(100_000)
      expect(elapsed).toBeLessThan(5_000)
    })
  })

  describe('compareHostPatterns', () => {
    // The order Squid 5 needs, written the obvious way: labels reversed and joined with a character
    // below every label character, compared as strings; `*.x` just before `x`.
    const reversedKey = (pattern: string) =>
      pattern.replace(/^\*\./, '').split('.').reverse().join('\u0001')
    const byKey = (a: string, b: string) => {
      const [keyA, keyB] = [reversedKey(a), reversedKey(b)]
      if (keyA !== keyB) return keyA < keyB ? -1 : 1
      return Number(b.startsWith('*.')) - Number(a.startsWith('*.'))
    }

    it('returns siblings by reversed labels, x.com before x-y.com before a.x.com never between', () => {
      const sorted = ['x-y.com', 'a.x.com', 'b.org', 'x.com', '*.x.com', 'com'].sort(
        compareHostPatterns,
      )
      expect(sorted).toStrictEqual(['com', '*.x.com', 'x.com', 'a.x.com', 'x-y.com', 'b.org'])
    })

    it('returns the sign of the reversed-label key comparison, for any two patterns', () => {
      const label = fc.constantFrom('a', 'b', 'ab', 'ba', 'x', 'x-y', 'xy', 'c0', 'com')
      const pattern = fc
        .tuple(fc.boolean(), fc.array(label, { minLength: 1, maxLength: 4 }))
        .map(([wildcard, labels]) => `${wildcard ? '*.' : ''}${labels.join('.')}`)
      fc.assert(
        fc.property(pattern, pattern, (a, b) => {
          return Math.sign(compareHostPatterns(a, b)) === Math.sign(byKey(a, b))
        }),
        { numRuns: 2000 },
      )
    })
  })

  describe('coveredEnd', () => {
    it('returns the end of the run a value stands for: its subtree after `*.x`, repeats after `x`', () => {
      const sorted = ['*.x.com', 'x.com', '*.a.x.com', 'b.x.com', 'x-y.com', 'x-y.com', 'y.com']
      const identity = (pattern: string) => pattern
      expect(coveredEnd(sorted, 0, identity)).toBe(4)
      expect(coveredEnd(sorted, 4, identity)).toBe(6)
      expect(coveredEnd(sorted, 6, identity)).toBe(7)
    })
  })

  describe('DomainSet', () => {
    // Expected kinds are the squid 5.7 `-k parse` results from the reference table.
    const table: { values: string[]; kinds: string[] }[] = [
      { values: ['.example.com', 'a.example.com'], kinds: ['ok', 'warning'] },
      { values: ['a.example.com', '.example.com'], kinds: ['ok', 'fatal'] },
      { values: ['.example.com', '.a.example.com'], kinds: ['ok', 'warning'] },
      { values: ['.a.example.com', '.example.com'], kinds: ['ok', 'fatal'] },
      { values: ['example.com', '.example.com'], kinds: ['ok', 'fatal'] },
      { values: ['.example.com', 'example.com'], kinds: ['ok', 'fatal'] },
      { values: ['a.example.com', 'a.example.com'], kinds: ['ok', 'ok'] },
    ]
    for (const row of table)
      it(`returns ${row.kinds.join(', ')} when adding ${row.values.join(' then ')}`, () => {
        const set = new DomainSet()
        expect(row.values.map((v) => set.add(v).kind)).toStrictEqual(row.kinds)
      })

    it('returns true for the apex and children of a dotted entry and only the name for an exact one', () => {
      const set = new DomainSet()
      set.add('.blob.core.windows.net')
      set.add('ml.azure.com')
      expect(
        [
          'blob.core.windows.net',
          'A.Blob.Core.Windows.Net',
          'notblob.core.windows.net',
          'ml.azure.com',
          'x.ml.azure.com',
        ].map((host) => set.matches(host)),
      ).toStrictEqual([true, true, false, true, false])
    })
  })
})
