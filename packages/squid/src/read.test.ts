import type { Flow } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { evaluateSquid } from './evaluate'
import { readSquid, resolveReference } from './read'

const connect = (host: string, port = 443): Flow => ({
  direction: 'outbound',
  source: { kind: 'address', address: '10.0.0.5' },
  destination: { kind: 'host', host, serviceTags: [] },
  protocol: 'TCP',
  port,
})

async function codes(contents: string) {
  return (await readSquid([{ path: 'squid.conf', contents }])).diagnostics.map((d) => ({
    code: d.code,
    line: d.location?.line,
  }))
}

describe('format: squid', () => {
  describe('readSquid', () => {
    it('returns values from continued lines and stops at a # token', async () => {
      // GIVEN a value list continued with \ and a trailing comment
      const contents =
        'acl d dstdomain a.example \\\n   b.example # c.example\nhttp_access allow d\n'
      // WHEN read
      const { config } = await readSquid([{ path: 'squid.conf', contents }])
      // THEN the continuation joins and the comment is dropped
      const acl = config.acls.find((a) => a.name === 'd')
      expect(acl?.values.map((v) => [v.value, v.location.line])).toStrictEqual([
        ['a.example', 1],
        ['b.example', 1],
      ])
    })

    it('returns http_access lines from included files in place, following globs and suffixes', async () => {
      const files = [
        {
          path: 'etc/squid.conf',
          contents: 'include /etc/squid/conf.d/*.conf\nhttp_access deny all\n',
        },
        { path: 'conf.d/b.conf', contents: 'http_access allow b\n' },
        {
          path: 'conf.d/a.conf',
          contents: 'acl b dstdomain b.example\nacl a dstdomain a.example\nhttp_access allow a\n',
        },
      ]
      const { config, diagnostics } = await readSquid(files)
      expect(diagnostics).toStrictEqual([])
      expect(config.httpAccess.map((l) => l.text)).toStrictEqual([
        'http_access allow a',
        'http_access allow b',
        'http_access deny all',
      ])
      expect(config.files).toStrictEqual(['etc/squid.conf', 'conf.d/a.conf', 'conf.d/b.conf'])
    })

    it('returns the file matched by base name when the deployed path differs', () => {
      const files = [
        { path: 'squid/aml-egress.conf', contents: '' },
        { path: 'squid/other.conf', contents: '' },
      ]
      expect(
        resolveReference({ reference: '/etc/squid/conf.d/aml-egress.conf', files }).map(
          (f) => f.path,
        ),
      ).toStrictEqual(['squid/aml-egress.conf'])
    })

    it('returns a syntax error with file and line when an ACL is used before it is defined', async () => {
      expect(await codes('http_access allow later\nacl later src all\n')).toStrictEqual([
        { code: 'AML_EGRESS_READ_SYNTAX', line: 1 },
      ])
    })

    it('returns a syntax error for a port above 65535', async () => {
      expect(await codes('acl p port 70000\nhttp_access allow p\n')).toStrictEqual([
        { code: 'AML_EGRESS_READ_SYNTAX', line: 1 },
      ])
    })

    it('returns READ_UNSUPPORTED at the line of an ACL type it does not model', async () => {
      expect(await codes('acl t time MTWHF 08:00-18:00\nhttp_access allow t\n')).toStrictEqual([
        { code: 'AML_EGRESS_READ_UNSUPPORTED', line: 1 },
      ])
    })

    it('returns a syntax error when a dotted parent follows its child, as squid 5 does', async () => {
      expect(
        await codes('acl d dstdomain a.example.com\nacl d dstdomain .example.com\n'),
      ).toStrictEqual([{ code: 'AML_EGRESS_READ_SYNTAX', line: 2 }])
    })

    it('returns ACL names matched case-insensitively, as squid does', async () => {
      const contents =
        'acl AML dstdomain ml.azure.com\nhttp_access allow aml\nhttp_access deny all\n'
      const { config, diagnostics } = await readSquid([{ path: 'c', contents }])
      expect(diagnostics).toStrictEqual([])
      expect(evaluateSquid(config, connect('ml.azure.com')).verdict).toBe('allowed')
    })

    it('returns the built-in CONNECT ACL when the config does not define it', async () => {
      const contents = 'http_access deny CONNECT\nhttp_access allow all\n'
      const { config, diagnostics } = await readSquid([{ path: 'c', contents }])
      expect(diagnostics).toStrictEqual([])
      expect(evaluateSquid(config, connect('ml.azure.com')).verdict).toBe('denied')
      expect(evaluateSquid(config, connect('ml.azure.com', 80)).verdict).toBe('allowed')
    })

    it('returns unknown for lines inside if blocks', async () => {
      const contents =
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Squid's own macro syntax
        'if ${process_number} = 1\nhttp_access allow all\nendif\nhttp_access deny all\n'
      const { config, diagnostics } = await readSquid([{ path: 'c', contents }])
      expect(diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_READ_UNSUPPORTED'])
      expect(evaluateSquid(config, connect('ml.azure.com')).verdict).toBe('unknown')
    })

    it('returns quoted strings as values when configuration_includes_quoted_values is on', async () => {
      const contents =
        'configuration_includes_quoted_values on\nacl d dstdomain "ml.azure.com"\nhttp_access allow d\n'
      const { config } = await readSquid([{ path: 'c', contents }])
      expect(evaluateSquid(config, connect('ml.azure.com')).verdict).toBe('allowed')
    })

    it('returns a syntax error, as squid fails, when files include each other', async () => {
      // GIVEN a.conf → b.conf → a.conf (squid: "includes are nested too deeply (>16)", exit 1)
      const files = [
        { path: 'a.conf', contents: 'include b.conf\nhttp_access allow all\n' },
        { path: 'b.conf', contents: 'include a.conf\n' },
      ]
      const { diagnostics } = await readSquid(files)
      expect(diagnostics.map((d) => [d.code, d.location?.file, d.location?.line])).toStrictEqual([
        ['AML_EGRESS_READ_SYNTAX', 'b.conf', 1],
      ])
    })
  })
})
