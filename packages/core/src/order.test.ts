import { describe, expect, it } from 'vitest'
import { compareOrdinal, sortInPlace } from './order'

describe('compareOrdinal', () => {
  it('returns ASCII order: punctuation, then upper case, then lower case', () => {
    // '-' is 0x2d, '.' 0x2e, 'B' 0x42, 'b' 0x62; a locale collation would interleave them.
    expect(['ab', 'aB', 'a.b', 'a-b'].sort(compareOrdinal)).toStrictEqual([
      'a-b',
      'a.b',
      'aB',
      'ab',
    ])
  })

  it('returns 0 only for equal strings, and opposite signs when swapped', () => {
    expect(compareOrdinal('x', 'x')).toBe(0)
    expect(Math.sign(compareOrdinal('x1', 'x2'))).toBe(-Math.sign(compareOrdinal('x2', 'x1')))
    expect(compareOrdinal('x', 'xy')).toBeLessThan(0)
  })
})

describe('sortInPlace', () => {
  it('returns the order of Array.prototype.sort, stable, for short and long lists', () => {
    // GIVEN lists of every length from 0 to 40 with many equal keys, tagged by position
    let seed = 7
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % 5
    }
    for (let length = 0; length <= 40; length++) {
      const items = Array.from({ length }, (_, position) => ({ key: next(), position }))
      const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key
      // WHEN sorted in place
      const sorted = sortInPlace([...items], byKey)
      // THEN the order (equal keys in input order) is the built-in stable sort's
      expect(sorted).toStrictEqual([...items].sort(byKey))
    }
  })
})
