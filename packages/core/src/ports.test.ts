import { describe, expect, it } from 'vitest'
import { formatPortRanges, mergePortRanges, portInRanges, portRangesCover } from './ports'

describe('ports', () => {
  it('merges overlapping and adjacent ranges in order', () => {
    expect(
      mergePortRanges([
        { from: 8787, to: 8787 },
        { from: 443, to: 443 },
        { from: 444, to: 445 },
        { from: 8000, to: 8001 },
      ]),
    ).toStrictEqual([
      { from: 443, to: 445 },
      { from: 8000, to: 8001 },
      { from: 8787, to: 8787 },
    ])
  })

  it('treats an empty list as every port', () => {
    expect(portInRanges(65535, [])).toBe(true)
    expect(portRangesCover([], [{ from: 1, to: 2 }])).toBe(true)
    expect(portRangesCover([{ from: 443, to: 443 }], [])).toBe(false)
    expect(formatPortRanges([])).toStrictEqual(['*'])
  })

  it('covers a range only when every port is inside', () => {
    expect(portRangesCover([{ from: 8704, to: 8710 }], [{ from: 8704, to: 8711 }])).toBe(false)
    expect(portRangesCover([{ from: 443, to: 445 }], [{ from: 445, to: 445 }])).toBe(true)
  })
})
