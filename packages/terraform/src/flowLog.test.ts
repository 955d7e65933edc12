import { readFileSync } from 'node:fs'
import { deniedSummary, readLogText } from '@aml-egress/test-matrix'
import { describe, expect, it } from 'vitest'
import { flowLog, parseFlowTuple } from './flowLog'

const fixture = (name: string) =>
  readFileSync(new URL(`../test/fixtures/logs/${name}`, import.meta.url), 'utf8')

describe('NSG and VNet flow-log reader', () => {
  it('returns the three denied outbound tuples of the NSG v2 sample; allowed and inbound tuples are ignored', async () => {
    const result = await readLogText(flowLog, fixture('nsg-flowlog-v2.PT1H.json'), 128)
    expect(result.denied.map(deniedSummary)).toStrictEqual([
      '151.101.0.223:443/TCP',
      '20.60.128.4:445/TCP',
      '93.184.215.14:443/TCP',
    ])
    expect(result.ignored).toBe(4)
    // Tuple times are epoch seconds in NSG flow logs.
    expect(result.denied[0]).toMatchObject({ time: 1748855643000, source: '10.20.1.4' })
  })

  it('returns the four denied tuples of the VNet sample (state D, IANA protocol numbers, times in ms)', async () => {
    const result = await readLogText(flowLog, fixture('vnet-flowlog.PT1H.json'), 128)
    expect(result.denied.map(deniedSummary)).toStrictEqual([
      '151.101.0.223:443/TCP',
      '20.60.128.4:445/TCP',
      '93.184.215.14:443/TCP',
      '93.184.215.14:443/UDP',
    ])
    expect(result.ignored).toBe(3)
    expect(result.denied[0]?.time).toBe(1748855643118)
  })

  it('reads version 1 tuples (eight fields) and IPv6 addresses', () => {
    expect(parseFlowTuple('1748855643,10.20.1.4,20.60.128.4,50412,445,T,O,D', false)).toMatchObject(
      { port: 445, protocol: 'TCP' },
    )
    expect(
      parseFlowTuple('1748855643,fd00::4,2603:1020:207::10,50412,445,T,O,D', false),
    ).toMatchObject({
      destination: { kind: 'address', address: '2603:1020:207::10' },
    })
    expect(parseFlowTuple('1748855643,10.20.1.4,20.60.128.4,50412,445,T,O,A', false)).toBe(
      'ignored',
    )
    expect(
      parseFlowTuple('1748855643,10.20.1.4,20.60.128.4,50412,99999,T,O,D', false),
    ).toBeUndefined()
    expect(parseFlowTuple('1748855643,10.20.1.4', false)).toBeUndefined()
  })

  it('counts malformed tuples and records, and a blob cut off inside a record', async () => {
    const text = JSON.stringify({
      records: [
        {
          category: 'NetworkSecurityGroupFlowEvent',
          properties: {
            Version: 2,
            flows: [
              {
                rule: 'r',
                flows: [
                  {
                    flowTuples: [
                      'garbage',
                      '1748855643,10.20.1.4,20.60.128.4,50412,445,T,O,D,B,,,,',
                    ],
                  },
                ],
              },
            ],
          },
        },
        { category: 'Something' },
      ],
    })
    const result = await readLogText(flowLog, text)
    expect(result.denied.map(deniedSummary)).toStrictEqual(['20.60.128.4:445/TCP'])
    expect(result.malformed).toHaveLength(2)
    const cut = await readLogText(flowLog, fixture('nsg-flowlog-v2.PT1H.json').slice(0, 900))
    expect(cut.malformed.map((m) => m.reason)).toStrictEqual([
      'truncated: the file ends inside a record',
    ])
  })

  it('detects NSG and VNet flow logs', () => {
    expect(flowLog.detect(fixture('nsg-flowlog-v2.PT1H.json'))).toBe(true)
    expect(flowLog.detect(fixture('vnet-flowlog.PT1H.json'))).toBe(true)
    expect(flowLog.detect('{"category":"AZFWNetworkRule"}')).toBe(false)
  })
})
