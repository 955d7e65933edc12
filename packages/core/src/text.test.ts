import { describe, expect, it } from 'vitest'
import { formatCount } from './text'

describe('formatCount', () => {
  it('groups thousands with commas', () => {
    expect([0, 999, 1000, 60_129, 1_234_567].map(formatCount)).toStrictEqual([
      '0',
      '999',
      '1,000',
      '60,129',
      '1,234,567',
    ])
  })
})
