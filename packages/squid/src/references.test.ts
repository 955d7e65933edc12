import type { Flow } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { evaluateSquid } from './evaluate'
import { readSquid, squidReferences, valuesFileLine } from './read'

const connect = (host: string, source = '10.0.0.5'): Flow => ({
  direction: 'outbound',
  source: { kind: 'address', address: source },
  destination: { kind: 'host', host, serviceTags: [] },
  protocol: 'TCP',
  port: 443,
})

/** A chain main.conf → f1.conf → … → f<depth>.conf whose last file allows everything. */
function includeChain(depth: number) {
  const files = [{ path: '/c/main.conf', contents: 'include /c/f1.conf\nhttp_access deny all\n' }]
  for (let index = 1; index <= depth; index++)
    files.push({
      path: `/c/f${index}.conf`,
      contents: index < depth ? `include /c/f${index + 1}.conf\n` : 'http_access allow all\n',
    })
  return files
}

describe('format: squid, files a config names (issue #18)', () => {
  describe('valuesFileLine', () => {
    // Squid's ConfigParser::strtokFile: one value per line, up to a word starting with #.
    for (const [line, expected] of [
      ['ml.azure.com', 'ml.azure.com'],
      ['  a.example b.example  ', 'a.example b.example'],
      ['\ta.example\tb.example\r', 'a.example\tb.example'],
      ['a.example # b.example', 'a.example'],
      ['a.example b.example #c d', 'a.example b.example'],
      ['a#b.example', 'a#b.example'],
      ['# comment', undefined],
      ['   ', undefined],
    ] as const)
      it(`returns ${JSON.stringify(expected)} for the line ${JSON.stringify(line)}`, () => {
        expect(valuesFileLine(line)).toBe(expected)
      })
  })

  it('returns denied for both names when a values file has two names on one line', async () => {
    // GIVEN `a.example b.example` on one line (live Squid 5.7: TCP_DENIED for both)
    const { config } = await readSquid([
      {
        path: 'squid.conf',
        contents: 'acl d dstdomain "/etc/squid/hosts.txt"\nhttp_access allow d\n',
      },
      { path: 'hosts.txt', contents: 'a.example b.example\nc.example\n' },
    ])
    expect(
      ['a.example', 'b.example', 'c.example'].map((h) => evaluateSquid(config, connect(h)).verdict),
    ).toStrictEqual(['denied', 'denied', 'allowed'])
  })

  it('returns the first address of a src values line, as Squid reads it', async () => {
    // GIVEN `10.0.0.0/8 192.168.0.0/16` on one line (live Squid: the second range never matches)
    const { config } = await readSquid([
      {
        path: 'squid.conf',
        contents: 'acl net src "/etc/squid/nets.txt"\nhttp_access allow net\n',
      },
      { path: 'nets.txt', contents: '10.0.0.0/8 192.168.0.0/16\n' },
    ])
    const verdict = (source: string) => evaluateSquid(config, connect('x.example', source)).verdict
    expect([verdict('10.0.0.5'), verdict('192.168.0.5')]).toStrictEqual(['allowed', 'denied'])
  })

  it('returns a syntax error when a port values line holds two ports (Squid: "Bungled")', async () => {
    const { diagnostics } = await readSquid([
      { path: 'squid.conf', contents: 'acl p port "/etc/squid/ports.txt"\nhttp_access allow p\n' },
      { path: 'ports.txt', contents: '80 443\n' },
    ])
    expect(diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_READ_SYNTAX'])
  })

  it('returns the lines after a bare "http_access allow", which Squid skips', async () => {
    // GIVEN the line Squid 5 accepts with "Access line contains no ACL's, skipping"
    const { config, diagnostics } = await readSquid([
      { path: 'squid.conf', contents: 'http_access allow\nhttp_access deny all\n' },
    ])
    expect(diagnostics.map((d) => [d.code, d.severity])).toStrictEqual([
      ['AML_EGRESS_READ_UNSUPPORTED', 'info'],
    ])
    expect(evaluateSquid(config, connect('ml.azure.com')).verdict).toBe('denied')
  })

  it('returns the rules of an include chain 16 deep, as Squid reads it', async () => {
    const { config, diagnostics } = await readSquid(includeChain(16))
    expect(diagnostics).toStrictEqual([])
    expect(evaluateSquid(config, connect('ml.azure.com')).verdict).toBe('allowed')
  })

  it('returns a syntax error for an include chain 17 deep, where Squid stops', async () => {
    const { diagnostics } = await readSquid(includeChain(17))
    expect(diagnostics.map((d) => [d.code, d.location?.file])).toStrictEqual([
      ['AML_EGRESS_READ_SYNTAX', '/c/f16.conf'],
    ])
  })

  it('returns a syntax error when a file includes itself by its own path', async () => {
    const { diagnostics } = await readSquid([
      { path: '/c/squid.conf', contents: 'include /c/*.conf\nhttp_access deny all\n' },
    ])
    expect(diagnostics.map((d) => d.message)).toStrictEqual([
      expect.stringContaining('/c/squid.conf includes itself'),
    ])
  })

  describe('squidReferences', () => {
    it("returns Debian's conf.d glob when only the main file is given", () => {
      const main = {
        path: '/etc/squid/squid.conf',
        contents: 'include /etc/squid/conf.d/*.conf\nhttp_access deny all\n',
      }
      expect(squidReferences([main])).toStrictEqual([
        {
          path: '/etc/squid/conf.d/*.conf',
          required: true,
          location: { file: '/etc/squid/squid.conf', line: 1 },
        },
      ])
    })

    it('returns nothing when a given file matches the include', () => {
      const files = [
        { path: '/etc/squid/squid.conf', contents: 'include /etc/squid/conf.d/*.conf\n' },
        { path: '/etc/squid/conf.d/debian.conf', contents: 'logfile_rotate 0\n' },
      ]
      expect(squidReferences(files)).toStrictEqual([])
    })

    it('returns relative includes and values files from the directory of the file naming them', () => {
      const main = {
        path: 'proxy/squid.conf',
        contents: 'include conf.d/aml.conf\nacl d dstdomain "lists/hosts.txt"\n',
      }
      expect(squidReferences([main]).map((reference) => reference.path)).toStrictEqual([
        'proxy/conf.d/aml.conf',
        'proxy/lists/hosts.txt',
      ])
    })
  })
})
