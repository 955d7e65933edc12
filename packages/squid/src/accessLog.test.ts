import { readFileSync } from 'node:fs'
import { deniedSummary, readLogText } from '@aml-egress/test-matrix'
import { describe, expect, it } from 'vitest'
import { requestTarget, squidAccessLog } from './accessLog'

const fixture = (name: string) =>
  readFileSync(new URL(`../test/fixtures/logs/${name}`, import.meta.url), 'utf8')

// The denies of the real Squid 5.7 run (reference README: every TCP_DENIED/403 line), in log order.
const SAMPLE_DENIES = [
  'pypi.org:443/TCP',
  'archive.ubuntu.com:80/TCP',
  'mystorageacct.blob.core.windows.net:443/TCP',
  'westeurope.api.azureml.ms:443/TCP',
  'mcr.microsoft.com:443/TCP',
  '20.60.128.4:445/TCP',
  '20.60.128.4:445/TCP',
  'files.pythonhosted.org:80/TCP',
  'www.example.com:443/TCP',
]

const native = (request: string, result = 'TCP_DENIED/403', client = '10.20.1.4') =>
  `1796605557.082      0 ${client} ${result} 3449 ${request} - HIER_NONE/- text/html`

describe('squid access.log reader', () => {
  for (const format of ['native', 'common', 'combined'])
    it(`returns the nine TCP_DENIED/403 requests of the real ${format} sample and ignores the six others`, async () => {
      // GIVEN the same fifteen requests in one logformat; WHEN read in chunks that split lines
      const result = await readLogText(squidAccessLog, fixture(`squid-access.${format}.log`), 97)
      // THEN the denies, in log order; allowed, upstream failures and the 400 are not denies
      expect(result.denied.map(deniedSummary)).toStrictEqual(SAMPLE_DENIES)
      expect(result.ignored).toBe(6)
      expect(result.malformed).toStrictEqual([])
    })

  it('returns the native epoch time and the common local time as the same instant', async () => {
    const nativeFirst = (await readLogText(squidAccessLog, fixture('squid-access.native.log')))
      .denied[0]
    const commonFirst = (await readLogText(squidAccessLog, fixture('squid-access.common.log')))
      .denied[0]
    // 1796605557.082 is 2026-12-07T01:05:57.082Z; the common line says [07/Dec/2026:01:05:57 +0000]
    expect(nativeFirst?.time).toBe(Date.UTC(2026, 11, 7, 1, 5, 57, 82))
    expect(commonFirst?.time).toBe(Date.UTC(2026, 11, 7, 1, 5, 57))
    expect(nativeFirst?.source).toBe('127.0.0.1')
  })

  it('applies the offset of a common-format time', async () => {
    const line =
      '10.0.0.9 - - [07/Dec/2026:03:05:57 +0200] "CONNECT pypi.org:443 HTTP/1.1" 403 3449 TCP_DENIED:HIER_NONE'
    const { denied } = await readLogText(squidAccessLog, line)
    expect(denied[0]?.time).toBe(Date.UTC(2026, 11, 7, 1, 5, 57))
  })

  it('returns IPv6 clients and bracketed IPv6 destinations, ports in URLs, scheme default ports', async () => {
    const text = [
      native('CONNECT [2001:db8::1]:443', 'TCP_DENIED/403', '2001:db8::5'),
      native('GET http://pypi.org:8080/simple/'),
      native('GET https://PyPI.org/simple/'),
      native('GET http://user:secret@files.pythonhosted.org/packages/x.whl'),
      native('CONNECT pypi.org.:443'),
      native('GET http://[2001:db8::2]/'),
    ].join('\n')
    const { denied, malformed } = await readLogText(squidAccessLog, text)
    expect(denied.map(deniedSummary)).toStrictEqual([
      '2001:db8::1:443/TCP',
      'pypi.org:8080/TCP',
      'PyPI.org:443/TCP',
      'files.pythonhosted.org:80/TCP',
      'pypi.org.:443/TCP',
      '2001:db8::2:80/TCP',
    ])
    expect(denied[0]?.source).toBe('2001:db8::5')
    expect(malformed).toStrictEqual([])
  })

  it('ignores 407 (authentication), NONE_NONE and allowed lines; counts garbage and a truncated last line as malformed', async () => {
    const text = [
      native('CONNECT pypi.org:443', 'TCP_DENIED/407'),
      native('CONNECT pypi.org:443', 'NONE_NONE/503'),
      native('CONNECT pypi.org:443', 'TCP_TUNNEL/200'),
      'this is not squid',
      native('CONNECT mcr.microsoft.com:443'),
      native('CONNECT pypi.org'),
      '1796605557.082      0 10.20.1.4 TCP_DENIED/403 3449 CONN',
    ].join('\r\n')
    const { denied, ignored, malformed } = await readLogText(squidAccessLog, text)
    expect(denied.map(deniedSummary)).toStrictEqual(['mcr.microsoft.com:443/TCP'])
    expect(ignored).toBe(3)
    expect(malformed.map((m) => m.at)).toStrictEqual([4, 6, 7])
  })

  it('detects the three logformats from their first line and nothing else', () => {
    for (const format of ['native', 'common', 'combined'])
      expect(squidAccessLog.detect(fixture(`squid-access.${format}.log`))).toBe(true)
    expect(squidAccessLog.detect('{"category":"AZFWApplicationRule"}')).toBe(false)
    expect(squidAccessLog.detect('')).toBe(false)
  })

  it('returns undefined for a port that is not a port', () => {
    expect(requestTarget('CONNECT', 'pypi.org:99999')).toBeUndefined()
    expect(requestTarget('GET', 'pypi.org/simple')).toBeUndefined()
    expect(requestTarget('CONNECT', 'pypi.org:443')).toStrictEqual({ host: 'pypi.org', port: 443 })
  })
})
