import { readFileSync } from 'node:fs'
import type { Flow } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { evaluateSquid } from './evaluate'
import { readSquid } from './read'

/** Hand-written, real-world configs (each one also passes or fails `squid -k parse` as noted). */
function fixture(name: string, path = name): { path: string; contents: string } {
  return {
    path,
    contents: readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8'),
  }
}

function flow(input: { host: string; port?: number; from?: string }): Flow {
  return {
    direction: 'outbound',
    source: { kind: 'address', address: input.from ?? '10.10.0.5' },
    destination: { kind: 'host', host: input.host, serviceTags: [] },
    protocol: 'TCP',
    port: input.port ?? 443,
  }
}

async function verdictOf(files: { path: string; contents: string }[], f: Flow) {
  return evaluateSquid((await readSquid(files)).config, f)
}

describe('format: squid', () => {
  describe('evaluateSquid on the Debian default config with an allowlist added', () => {
    const files = [
      fixture('debian-allowlist.conf', 'squid.conf'),
      fixture('debian.conf', 'conf.d/debian.conf'),
    ]
    const cases: { flow: Flow; verdict: string; line?: number; why: string }[] = [
      {
        flow: flow({ host: 'contoso.blob.core.windows.net' }),
        verdict: 'allowed',
        line: 59,
        why: 'localnet + .blob…',
      },
      // `.blob.core.windows.net` in Squid also matches the apex itself.
      {
        flow: flow({ host: 'blob.core.windows.net' }),
        verdict: 'allowed',
        line: 59,
        why: 'dot form covers apex',
      },
      {
        flow: flow({ host: 'login.microsoftonline.com' }),
        verdict: 'allowed',
        line: 59,
        why: 'continued line',
      },
      {
        flow: flow({ host: 'ml.azure.com', port: 80 }),
        verdict: 'allowed',
        line: 59,
        why: 'GET on 80',
      },
      {
        flow: flow({ host: 'sub.ml.azure.com' }),
        verdict: 'denied',
        line: 68,
        why: 'exact entry, deny all',
      },
      { flow: flow({ host: 'evil.example.org' }), verdict: 'denied', line: 68, why: 'deny all' },
      // 445 is not in Safe_ports: the first line denies it.
      {
        flow: flow({ host: 'contoso.blob.core.windows.net', port: 445 }),
        verdict: 'denied',
        line: 34,
        why: '!Safe_ports',
      },
      // 8443 is a Safe_port (1025-65535) but not an SSL_port: CONNECT to it is denied.
      {
        flow: flow({ host: 'ml.azure.com', port: 8443 }),
        verdict: 'denied',
        line: 37,
        why: 'CONNECT !SSL_ports',
      },
      {
        flow: flow({ host: 'ml.azure.com', from: '203.0.113.9' }),
        verdict: 'denied',
        line: 68,
        why: 'not localnet',
      },
      {
        flow: flow({ host: 'evil.example.org', from: '127.0.0.1' }),
        verdict: 'allowed',
        line: 65,
        why: 'allow localhost',
      },
    ]
    for (const c of cases)
      it(`returns ${c.verdict} when ${c.flow.destination.kind === 'host' ? c.flow.destination.host : ''}:${c.flow.port} from ${c.flow.source.kind === 'address' ? c.flow.source.address : ''} (${c.why})`, async () => {
        // GIVEN the Debian config and its conf.d file WHEN the flow is evaluated
        const verdict = await verdictOf(files, c.flow)
        // THEN the first matching line decides, as in Squid
        expect({ verdict: verdict.verdict, line: verdict.decidedBy?.line }).toStrictEqual({
          verdict: c.verdict,
          line: c.line,
        })
      })

    it('returns unknown naming the include when the conf.d file is not given', async () => {
      const verdict = await verdictOf([files[0]!], flow({ host: 'ml.azure.com' }))
      expect(verdict.verdict).toBe('unknown')
      expect(verdict.decidedBy).toStrictEqual({
        rule: 'include /etc/squid/conf.d/*.conf',
        file: 'squid.conf',
        line: 53,
      })
    })

    it('returns denied when a line before the missing include already denies', async () => {
      const verdict = await verdictOf([files[0]!], flow({ host: 'ml.azure.com', port: 25 }))
      expect(verdict.verdict).toBe('denied')
    })
  })

  describe('evaluateSquid when http_access allow localhost comes first', () => {
    const files = [fixture('localhost-first.conf')]
    it('returns allowed for any host when the client is 127.0.0.1', async () => {
      const verdict = await verdictOf(
        files,
        flow({ host: 'evil.example.org', port: 8080, from: '127.0.0.1' }),
      )
      expect(verdict.verdict).toBe('allowed')
      expect(verdict.decidedBy?.rule).toBe('http_access allow localhost')
    })
    it('returns denied for a non-SSL CONNECT from the subnet', async () => {
      const verdict = await verdictOf(files, flow({ host: 'a.blob.core.windows.net', port: 8080 }))
      expect(verdict.verdict).toBe('denied')
      expect(verdict.decidedBy?.line).toBe(7)
    })
    it('returns allowed for an allowlisted host from the subnet', async () => {
      expect((await verdictOf(files, flow({ host: 'a.blob.core.windows.net' }))).verdict).toBe(
        'allowed',
      )
    })
    it('returns denied by the implicit default when nothing matches and the last line allows', async () => {
      const contents = 'acl aml dstdomain ml.azure.com\nhttp_access allow aml\n'
      const verdict = await verdictOf(
        [{ path: 'x.conf', contents }],
        flow({ host: 'evil.example.org' }),
      )
      expect(verdict.verdict).toBe('denied')
      expect(verdict.decidedBy).toBeUndefined()
    })
    it('returns allowed by the implicit default when nothing matches and the last line denies', async () => {
      const contents = 'acl bad dstdomain .evil.example\nhttp_access deny bad\n'
      const verdict = await verdictOf(
        [{ path: 'x.conf', contents }],
        flow({ host: 'ml.azure.com' }),
      )
      // An allowed verdict always names what decided (core's Verdict): here the deny it inverts.
      expect([verdict.verdict, verdict.decidedBy?.rule]).toStrictEqual([
        'allowed',
        'http_access deny bad',
      ])
    })
    it('returns denied when the config has no http_access line at all', async () => {
      const verdict = await verdictOf(
        [{ path: 'x.conf', contents: 'http_port 3128\n' }],
        flow({ host: 'ml.azure.com' }),
      )
      expect(verdict.verdict).toBe('denied')
    })
  })

  describe('evaluateSquid with dstdom_regex', () => {
    const files = [fixture('regex.conf')]
    const cases = [
      { host: 'a.blob.core.windows.net', verdict: 'allowed' },
      { host: 'x.y.blob.core.windows.net', verdict: 'allowed' },
      // The regex needs at least one label before the suffix: exact about the wildcard apex.
      { host: 'blob.core.windows.net', verdict: 'denied' },
      // -i was in effect for ^ML\.AZURE\.COM$.
      { host: 'ml.azure.com', verdict: 'allowed' },
      // +i turned case-insensitivity off; Squid lower-cases hosts, so `Instances` never matches.
      { host: 'ci.instances.azureml.ms', verdict: 'denied' },
      { host: 'notblob.core.windows.net', verdict: 'denied' },
    ]
    for (const c of cases)
      it(`returns ${c.verdict} for CONNECT ${c.host}:443`, async () => {
        expect((await verdictOf(files, flow({ host: c.host }))).verdict).toBe(c.verdict)
      })
    it('returns denied for any host on port 80 (deny !https)', async () => {
      expect(
        (await verdictOf(files, flow({ host: 'a.blob.core.windows.net', port: 80 }))).verdict,
      ).toBe('denied')
    })
  })

  describe('evaluateSquid with ACL types it does not model', () => {
    const files = [fixture('unknown-types.conf')]
    it('returns denied when a modelled line decides before any unknown one', async () => {
      expect((await verdictOf(files, flow({ host: 'x.evil.example' }))).verdict).toBe('denied')
    })
    it('returns denied when every possible outcome of the unknown lines is deny', async () => {
      // deny curl_clients (unknown) → allow … aml … (aml does not match) → deny all.
      expect((await verdictOf(files, flow({ host: 'other.example.org' }))).verdict).toBe('denied')
    })
    it('returns unknown, never allowed, when a time ACL decides', async () => {
      const verdict = await verdictOf(files, flow({ host: 'ml.azure.com' }))
      expect(verdict.verdict).toBe('unknown')
      expect(verdict.reason).toMatch(/browser|time/)
    })
  })

  describe('evaluateSquid with ACL values from a file', () => {
    it('returns allowed when the values file is given', async () => {
      const files = [fixture('values-file.conf'), fixture('aml-hosts.txt', 'aml-hosts.txt')]
      expect((await verdictOf(files, flow({ host: 'a.blob.core.windows.net' }))).verdict).toBe(
        'allowed',
      )
    })
    it('returns unknown when the values file is not given', async () => {
      const verdict = await verdictOf(
        [fixture('values-file.conf')],
        flow({ host: 'a.blob.core.windows.net' }),
      )
      expect(verdict.verdict).toBe('unknown')
    })
  })

  describe('evaluateSquid with a list Squid 5 refuses (child before parent)', () => {
    const files = [fixture('child-before-parent.conf')]
    it('returns unknown for flows the refused ACL decides', async () => {
      expect((await verdictOf(files, flow({ host: 'x.blob.core.windows.net' }))).verdict).toBe(
        'unknown',
      )
    })
    it('returns allowed when an earlier valid line decides', async () => {
      expect((await verdictOf(files, flow({ host: 'ml.azure.com' }))).verdict).toBe('allowed')
    })
  })

  describe('evaluateSquid for flows a proxy does not carry', () => {
    const read = readSquid([fixture('localhost-first.conf')])
    const base = flow({ host: 'a.blob.core.windows.net' })
    const cases: { name: string; flow: Flow }[] = [
      { name: 'UDP', flow: { ...base, protocol: 'UDP', port: 5831 } },
      { name: 'inbound', flow: { ...base, direction: 'inbound' } },
      { name: 'in-cluster', flow: { ...base, direction: 'inCluster' } },
      {
        name: 'a service tag',
        flow: { ...base, destination: { kind: 'serviceTag', tag: 'Storage' } },
      },
    ]
    for (const c of cases)
      it(`returns unknown with a reason for ${c.name}`, async () => {
        const verdict = evaluateSquid((await read).config, c.flow)
        expect(verdict.verdict).toBe('unknown')
        expect(verdict.reason.length).toBeGreaterThan(10)
      })
  })

  describe('evaluateSquid with IP destinations', () => {
    const contents = [
      'acl CONNECT method CONNECT',
      'acl named dstdomain ml.azure.com',
      'acl named_n dstdomain -n ml.azure.com',
      'acl nets dst 20.0.0.0/8',
      'http_access allow CONNECT nets',
      'http_access allow CONNECT named_n',
      'http_access deny all',
    ].join('\n')
    const ipFlow = (address: string): Flow => ({
      ...flow({ host: 'x' }),
      destination: { kind: 'address', address },
    })
    it('returns allowed when a dst ACL contains the address', async () => {
      expect((await verdictOf([{ path: 'c', contents }], ipFlow('20.1.2.3'))).verdict).toBe(
        'allowed',
      )
    })
    it('returns denied when no ACL can match the address (-n: no reverse lookup)', async () => {
      expect((await verdictOf([{ path: 'c', contents }], ipFlow('52.1.2.3'))).verdict).toBe(
        'denied',
      )
    })
    it('returns unknown when a dstdomain without -n would look the address up', async () => {
      const lookup = contents.replace('named_n\n', 'named\n')
      expect((await verdictOf([{ path: 'c', contents: lookup }], ipFlow('52.1.2.3'))).verdict).toBe(
        'unknown',
      )
    })
    it('returns unknown when a dst ACL decides a host flow (depends on DNS)', async () => {
      expect(
        (await verdictOf([{ path: 'c', contents }], flow({ host: 'example.org' }))).verdict,
      ).toBe('unknown')
    })
  })

  describe('evaluateSquid with later checks', () => {
    it('returns unknown instead of allowed when adapted_http_access may still refuse', async () => {
      const contents =
        'acl a dstdomain ml.azure.com\nhttp_access allow a\nadapted_http_access deny all\n'
      expect(
        (await verdictOf([{ path: 'c', contents }], flow({ host: 'ml.azure.com' }))).verdict,
      ).toBe('unknown')
    })
  })
})
