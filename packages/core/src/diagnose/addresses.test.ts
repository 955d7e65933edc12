import { describe, expect, it } from 'vitest'
import { cidrHolds, createAddressTagIndex, parseAddress, parseCidr } from './addresses'

describe('addresses', () => {
  it('parses IPv4, IPv6 (compressed, embedded IPv4, zone) and IPv4-mapped IPv6 as IPv4', () => {
    expect(parseAddress('10.0.0.1')).toStrictEqual({ family: 4, value: 167772161 })
    expect(parseAddress('[2001:db8::1]')).toStrictEqual({
      family: 6,
      value: 0x20010db8000000000000000000000001n,
    })
    expect(parseAddress('fe80::1%eth0')).toStrictEqual({
      family: 6,
      value: 0xfe800000000000000000000000000001n,
    })
    expect(parseAddress('::ffff:10.0.0.1')).toStrictEqual({ family: 4, value: 167772161 })
    for (const bad of ['10.0.0', '10.0.0.256', '1::2::3', '12345::', 'pypi.org', ''])
      expect(parseAddress(bad)).toBeUndefined()
  })

  it('holds an address in a block of its family only', () => {
    const block = parseCidr('10.20.1.0/24')
    const v6 = parseCidr('2603:1020:207::/48')
    expect(block && cidrHolds(block, parseAddress('10.20.1.255') as never)).toBe(true)
    expect(block && cidrHolds(block, parseAddress('10.20.2.0') as never)).toBe(false)
    expect(v6 && cidrHolds(v6, parseAddress('2603:1020:207:ffff::1') as never)).toBe(true)
    expect(v6 && cidrHolds(v6, parseAddress('10.20.1.1') as never)).toBe(false)
    expect(parseCidr('10.0.0.0/33')).toBeUndefined()
  })

  it('returns every tag whose prefixes contain the address: nested, adjacent, IPv6, none', () => {
    const index = createAddressTagIndex([
      { name: 'Storage', prefixes: ['20.60.0.0/16', '2603:1020::/32'] },
      { name: 'Storage.WestEurope', prefixes: ['20.60.32.0/23', '2603:1020:207::/48'] },
      { name: 'Storage.EastUS', prefixes: ['20.60.34.0/24', '20.60.34.0/24'] },
      { name: 'AzureCloud', prefixes: ['20.0.0.0/8', 'not a prefix'] },
    ])
    expect(index.tagsOf('20.60.33.255')).toStrictEqual([
      'AzureCloud',
      'Storage',
      'Storage.WestEurope',
    ])
    expect(index.tagsOf('20.60.34.0')).toStrictEqual(['AzureCloud', 'Storage', 'Storage.EastUS'])
    expect(index.tagsOf('20.61.0.0')).toStrictEqual(['AzureCloud'])
    expect(index.tagsOf('21.0.0.0')).toStrictEqual([])
    expect(index.tagsOf('19.255.255.255')).toStrictEqual([])
    expect(index.tagsOf('2603:1020:207::10')).toStrictEqual(['Storage', 'Storage.WestEurope'])
    expect(index.tagsOf('2603:1021::1')).toStrictEqual([])
    expect(index.tagsOf('pypi.org')).toStrictEqual([])
    expect(index.prefixCount).toBe(7)
  })
})
