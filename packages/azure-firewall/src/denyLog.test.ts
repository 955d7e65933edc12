import { readFileSync } from 'node:fs'
import { deniedSummary, readLogText } from '@aml-egress/test-matrix'
import { describe, expect, it } from 'vitest'
import { azureFirewallLog, firewallTime, parseFirewallMessage } from './denyLog'

const fixture = (name: string) =>
  readFileSync(new URL(`../test/fixtures/logs/${name}`, import.meta.url), 'utf8')

// The Deny rows of the samples (reference README: the same scenario in every shape), in order.
const STRUCTURED_DENIES = [
  'pypi.org:443/TCP',
  'files.pythonhosted.org:443/TCP',
  'westeurope.api.azureml.ms:443/TCP',
  'archive.ubuntu.com:80/TCP',
  'www.example.com:443/TCP',
  '20.60.128.4:445/TCP',
]

describe('azure-firewall deny-log reader', () => {
  it('returns the six denies of the storage export (JSON Lines) and ignores allows, NAT and DNS records', async () => {
    const result = await readLogText(
      azureFirewallLog,
      fixture('azfw-structured.storage-PT1H.jsonl'),
      101,
    )
    expect(result.denied.map(deniedSummary)).toStrictEqual(STRUCTURED_DENIES)
    expect(result.ignored).toBe(6)
    expect(result.malformed).toStrictEqual([])
    expect(result.denied[0]).toMatchObject({
      time: Date.UTC(2025, 5, 2, 9, 14, 3, 118),
      source: '10.20.1.4',
    })
  })

  it('returns the same denies from the pretty-printed Event Hub body read a few characters at a time', async () => {
    const result = await readLogText(azureFirewallLog, fixture('azfw-structured.eventhub.json'), 7)
    expect(result.denied.map(deniedSummary)).toStrictEqual(STRUCTURED_DENIES)
    expect(result.malformed).toStrictEqual([])
  })

  it('returns the denies of az monitor query rows, whose ports are strings', async () => {
    const result = await readLogText(azureFirewallLog, fixture('azfw-la-query.az-cli.json'), 64)
    expect(result.denied.map(deniedSummary)).toStrictEqual(STRUCTURED_DENIES)
    expect(result.ignored).toBe(4)
  })

  it('returns the denies of the portal CSV export with its localised UTC time', async () => {
    const result = await readLogText(
      azureFirewallLog,
      fixture('azfw-la-export.AZFWApplicationRule.csv'),
    )
    expect(result.denied.map(deniedSummary)).toStrictEqual(STRUCTURED_DENIES.slice(0, 5))
    // "6/2/2025, 9:14:03.118 AM" in the TimeGenerated [UTC] column
    expect(result.denied[0]?.time).toBe(Date.UTC(2025, 5, 2, 9, 14, 3, 118))
  })

  it('returns the denies of the legacy msg categories; allows, DNAT and a deny without destination are ignored', async () => {
    const result = await readLogText(azureFirewallLog, fixture('azfw-legacy.eventhub.json'), 50)
    expect(result.denied.map(deniedSummary)).toStrictEqual([
      'pypi.org:443/TCP',
      'westeurope.api.azureml.ms:443/TCP',
      'archive.ubuntu.com:80/TCP',
      'www.example.com:443/TCP',
      '20.60.128.4:445/TCP',
      '20.60.128.4:-/ICMP',
    ])
    expect(result.ignored).toBe(5)
    expect(result.malformed).toStrictEqual([])
  })

  it('reads every documented msg shape', () => {
    expect(
      parseFirewallMessage(
        'HTTP  request from 10.1.0.4:41822 to Archive.Ubuntu.com:80. Url: archive.ubuntu.com/x. Action: Deny. No rule matched. Proceeding with default action',
        0,
      ),
    ).toMatchObject({
      destination: { kind: 'host', host: 'Archive.Ubuntu.com' },
      port: 80,
      protocol: 'TCP',
      source: '10.1.0.4',
    })
    expect(
      parseFirewallMessage(
        'UDP request from 10.1.0.4:61002 to 168.63.129.16:53. Action: Allow. Policy: p. Rule Collection Group: g. Rule Collection: c. Rule: r',
        0,
      ),
    ).toBe('ignored')
    expect(
      parseFirewallMessage(
        'HTTP request from 10.1.0.4:1 to evil.example:80. Url: evil.example/x. Action: Deny. ThreatIntel: Botnet',
        0,
      ),
    ).toBe('ignored')
    expect(
      parseFirewallMessage(
        'TCP request from 10.1.0.4:1 to 10.2.0.4:80. Action: drop. Signature: 1. IDS: x. Priority: 1. Classification: y',
        0,
      ),
    ).toBe('ignored')
    expect(
      parseFirewallMessage(
        'HTTPS request from 10.1.0.4:1 to pypi.org:443. Action: Deny. Failed to resolve address pypi.org:443: lookup',
        0,
      ),
    ).toMatchObject({ port: 443 })
    expect(parseFirewallMessage('nonsense', 0)).toBeUndefined()
  })

  it('counts malformed records and a truncated last line, and keeps reading', async () => {
    const lines = fixture('azfw-structured.storage-PT1H.jsonl').trimEnd().split('\n')
    const text = [
      lines[0],
      '{"category":"AZFWApplicationRule","properties":{"Action":"Deny","Protocol":"HTTPS","Fqdn":"pypi.org"}}',
      '42',
      'not json at all',
      lines[3],
      (lines[1] ?? '').slice(0, 60),
    ].join('\n')
    const result = await readLogText(azureFirewallLog, text)
    expect(result.denied.map(deniedSummary)).toStrictEqual([
      'pypi.org:443/TCP',
      'westeurope.api.azureml.ms:443/TCP',
    ])
    expect(result.malformed.map((m) => m.at)).toStrictEqual([2, 3, 4, 6])
  })

  it('accepts ISO times with seven fractional digits and the portal spelling, nothing else', () => {
    expect(firewallTime('2025-06-02T09:14:03.1180000Z')).toBe(Date.UTC(2025, 5, 2, 9, 14, 3, 118))
    expect(firewallTime('6/2/2025, 9:14:03.118 PM')).toBe(Date.UTC(2025, 5, 2, 21, 14, 3, 118))
    expect(firewallTime('6/2/2025, 12:00:00 AM')).toBe(Date.UTC(2025, 5, 2, 0, 0, 0))
    expect(firewallTime('yesterday')).toBeUndefined()
  })

  it('detects the AZFW and legacy categories, query rows and the CSV header', () => {
    for (const name of [
      'azfw-structured.storage-PT1H.jsonl',
      'azfw-structured.eventhub.json',
      'azfw-la-query.az-cli.json',
      'azfw-la-export.AZFWApplicationRule.csv',
      'azfw-legacy.eventhub.json',
    ])
      expect(azureFirewallLog.detect(fixture(name).slice(0, 4096))).toBe(true)
    expect(azureFirewallLog.detect('{"flow":{"verdict":"DROPPED"}}')).toBe(false)
  })
})
