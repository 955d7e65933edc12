import { describe, expect, it } from 'vitest'
import { canonicalCidr, cidrContains, compareCidrs, isIpv4Cidr, sampleAddress } from './cidr'

describe('cidr', () => {
  it('accepts addresses and blocks, rejects malformed ones', () => {
    expect(['10.0.0.0/8', '10.0.0.1', '0.0.0.0/0'].every(isIpv4Cidr)).toBe(true)
    expect(
      ['10.0.0.0/33', '256.0.0.0/8', '10.0.0', '01.0.0.0/8', '10.0.0.0/8/1'].some(isIpv4Cidr),
    ).toBe(false)
  })

  it('contains an address or block only inside its range', () => {
    expect(cidrContains('10.10.0.0/24', '10.10.0.255')).toBe(true)
    expect(cidrContains('10.10.0.0/24', '10.10.1.0')).toBe(false)
    expect(cidrContains('10.0.0.0/8', '10.10.0.0/24')).toBe(true)
    expect(cidrContains('10.10.0.0/24', '10.0.0.0/8')).toBe(false)
  })

  it('clears host bits and samples the first usable host', () => {
    expect(canonicalCidr('10.10.0.7/24')).toBe('10.10.0.0/24')
    expect(canonicalCidr('10.0.0.4')).toBe('10.0.0.4/32')
    expect(sampleAddress('10.10.0.0/24')).toBe('10.10.0.1')
  })
})

describe('compareCidrs', () => {
  it('orders by address as a number, then by prefix length', () => {
    expect(
      ['10.0.0.0/8', '9.0.0.0/8', '10.0.0.0/16', '192.168.0.0/16', '10.10.0.0/24'].sort(
        compareCidrs,
      ),
    ).toStrictEqual(['9.0.0.0/8', '10.0.0.0/8', '10.0.0.0/16', '10.10.0.0/24', '192.168.0.0/16'])
  })
})
