import { describe, expect, it } from 'vitest'
import { compareOrdinal } from './order'

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
