import { planFlows, rulesAllowingFlow } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { fixturePlan, hostRule, plan } from '../test/plans'
import { evaluateSquid } from './evaluate'
import { readSquid } from './read'
import { renderSquid } from './render'

function contents(result: ReturnType<typeof renderSquid>): string {
  return result.files.map((file) => file.contents).join('\n')
}

/** Lines that are directives (not comments or blank). */
function directives(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'))
}

describe('format: squid', () => {
  describe('renderSquid', () => {
    it('returns one include fragment at squid/aml-egress.conf with the catalog version in its header', () => {
      // GIVEN a plan WHEN rendered with default options
      const result = renderSquid(fixturePlan())
      // THEN one file, with the catalog version and doc date in a comment
      expect(result.files.map((f) => f.path)).toStrictEqual(['squid/aml-egress.conf'])
      expect(result.files[0]!.contents).toContain(
        '# Azure Machine Learning egress allowlist, catalog 2026.3.0-test (docs of 2026-03-19).',
      )
    })

    it('returns the rule for a source listed twice, once in the src ACL (fuzz seed -1874547349)', () => {
      const result = renderSquid(
        plan([hostRule({ fqdn: 'ml.azure.com', sources: ['10.1.0.0/16', '10.1.0.0/16'] })]),
      )
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([])
      expect(directives(contents(result))).toContain('acl aml_egress_sources src 10.1.0.0/16')
      expect(
        directives(contents(result)).some((line) => line.startsWith('http_access allow')),
      ).toBe(true)
    })

    it('returns byte-identical output when the same rules come in another order', () => {
      const forward = fixturePlan()
      const reversed = { ...forward, rules: [...forward.rules].reverse() }
      expect(contents(renderSquid(reversed))).toBe(contents(renderSquid(forward)))
    })

    it('returns .x.com with a negated exact-apex ACL when only *.x.com is allowed', () => {
      // GIVEN *.blob.core.windows.net without its apex
      const result = renderSquid(plan([hostRule({ fqdn: '*.blob.core.windows.net' })]))
      // THEN the dot form is guarded by the apex, which Squid's `.x` would otherwise allow
      expect(directives(contents(result))).toStrictEqual([
        'acl aml_egress_sources src 10.10.0.0/24',
        'acl aml_egress_connect method CONNECT',
        'acl aml_egress_https_443_ports port 443',
        'acl aml_egress_https_443_domains dstdomain .blob.core.windows.net',
        'acl aml_egress_https_443_apex dstdomain blob.core.windows.net',
        'http_access allow aml_egress_sources aml_egress_connect aml_egress_https_443_ports aml_egress_https_443_domains !aml_egress_https_443_apex',
      ])
    })

    it('returns .x.com without an apex guard when the plan allows x.com too', () => {
      const result = renderSquid(
        plan([hostRule({ fqdn: '*.pytorch.org' }), hostRule({ fqdn: 'pytorch.org' })]),
      )
      const text = contents(result)
      expect(directives(text).filter((l) => l.includes('dstdomain'))).toStrictEqual([
        'acl aml_egress_https_443_domains dstdomain .pytorch.org',
      ])
      expect(text).toContain('# *.pytorch.org pytorch.org <- req-pytorch.org req-wild-pytorch.org')
    })

    it('returns HTTP hosts on port 80 without CONNECT and HTTPS hosts on 443 with CONNECT only', () => {
      const result = renderSquid(
        plan([
          hostRule({ fqdn: 'archive.ubuntu.com', ports: [{ from: 80, to: 80 }] }),
          hostRule({ fqdn: 'ml.azure.com' }),
        ]),
      )
      expect(directives(contents(result)).filter((l) => l.startsWith('http_access'))).toStrictEqual(
        [
          'http_access allow aml_egress_sources !aml_egress_connect aml_egress_http_80_ports aml_egress_http_80_domains',
          'http_access allow aml_egress_sources aml_egress_connect aml_egress_https_443_ports aml_egress_https_443_domains',
        ],
      )
    })

    it('returns a coded diagnostic naming each rule and requirement a proxy cannot carry', () => {
      // Non-HTTP ports, SMB, UDP, a service tag and in-cluster traffic are not an HTTP proxy's to
      // carry: out of scope (issue 20), not "unsupported"; inbound stays not-egress.
      const result = renderSquid(fixturePlan())
      const summary = result.diagnostics.map((d) => ({
        code: d.code,
        ruleId: d.ruleId,
        requirementIds: d.requirementIds,
      }))
      expect(summary).toStrictEqual([
        {
          code: 'AML_EGRESS_OUT_OF_SCOPE',
          ruleId: 'outbound/tcp/*.instances.azureml.ms',
          requirementIds: ['req-wild-instances.azureml.ms'],
        },
        {
          code: 'AML_EGRESS_OUT_OF_SCOPE',
          ruleId: 'outbound/tcp/contoso.file.core.windows.net',
          requirementIds: ['req-contoso.file.core.windows.net'],
        },
        {
          code: 'AML_EGRESS_OUT_OF_SCOPE',
          ruleId: 'outbound/udp/westeurope.tundra.azureml.ms',
          requirementIds: ['req-westeurope.tundra.azureml.ms'],
        },
        {
          code: 'AML_EGRESS_TLS_INSPECTION_REQUIRED',
          ruleId:
            'outbound/tcp/github.com/microsoft/vscode-tools-for-ai/tree/master/azureml_remote_websocket_server/*',
          requirementIds: ['req-github.com'],
        },
        {
          code: 'AML_EGRESS_OUT_OF_SCOPE',
          ruleId: 'outbound/tcp/tag:AzureMachineLearning',
          requirementIds: ['req-outbound/tcp/tag:AzureMachineLearning'],
        },
        {
          code: 'AML_EGRESS_NOT_EGRESS',
          ruleId: 'inbound/tcp/tag:AzureMachineLearning',
          requirementIds: ['req-inbound/tcp/tag:AzureMachineLearning'],
        },
        {
          code: 'AML_EGRESS_OUT_OF_SCOPE',
          ruleId: 'inCluster/tcp/pods:azureml->apiserver',
          requirementIds: ['req-inCluster/tcp/pods:azureml->apiserver'],
        },
      ])
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([])
    })

    it('returns the severities of the one policy every format follows (issues 16, 20)', () => {
      // GIVEN the fixture plan: an inbound rule, a URL path, and rules a proxy cannot carry
      const severities = new Map(
        renderSquid(fixturePlan()).diagnostics.map((d) => [d.code, d.severity]),
      )
      // THEN all are info: nothing the user must fix in the proxy. What a proxy is not meant to
      // carry belongs to another target, inbound is not egress, and the host of a URL path is
      // allowed (the path needs TLS inspection).
      expect(Object.fromEntries(severities)).toStrictEqual({
        AML_EGRESS_OUT_OF_SCOPE: 'info',
        AML_EGRESS_TLS_INSPECTION_REQUIRED: 'info',
        AML_EGRESS_NOT_EGRESS: 'info',
      })
    })

    it('returns the fix in each diagnostic: the firewall format, network-policy, or ssl-bump', () => {
      const help = renderSquid(fixturePlan()).diagnostics.map((d) => d.help ?? '')
      expect(help.every((h) => /azure-firewall|network-policy|terraform|ssl-bump/.test(h))).toBe(
        true,
      )
    })

    it('returns every flow of the plan allowed on read-back, or its rule diagnosed', async () => {
      // GIVEN the fixture plan rendered and read back
      const p = fixturePlan()
      const result = renderSquid(p)
      const { config } = await readSquid(result.files)
      const diagnosed = new Set(
        result.diagnostics
          .filter((d) => d.code === 'AML_EGRESS_OUT_OF_SCOPE' || d.code === 'AML_EGRESS_NOT_EGRESS')
          .map((d) => d.ruleId),
      )
      // THEN each plan flow is allowed, or every rule allowing it has a diagnostic
      const failures = planFlows(p).filter(
        (flow) =>
          evaluateSquid(config, flow).verdict !== 'allowed' &&
          !rulesAllowingFlow(p, flow).every((rule) => diagnosed.has(rule.id)),
      )
      expect(failures).toStrictEqual([])
    })

    it('returns an error diagnostic and no directive when a host would inject a line', () => {
      // GIVEN a destination carrying a newline and a directive
      const bad = hostRule({ fqdn: 'evil.example\nhttp_access allow all' })
      const result = renderSquid(plan([bad, hostRule({ fqdn: 'ml.azure.com' })]))
      // THEN the rule is refused with a coded error and nothing of it reaches the file
      expect(result.diagnostics.map((d) => [d.code, d.severity, d.ruleId])).toStrictEqual([
        ['AML_EGRESS_INVALID_INPUT', 'error', bad.id],
      ])
      expect(contents(result)).not.toContain('allow all')
      expect(contents(result)).not.toContain('evil')
    })

    it('returns comment-safe text when catalog or requirement strings contain newlines', () => {
      const p = plan([
        hostRule({ fqdn: 'ml.azure.com', requirementIds: ['r1\nhttp_access allow all'] }),
      ])
      const text = contents(
        renderSquid({ ...p, catalog: { ...p.catalog, version: '1\nhttp_access allow all' } }),
      )
      expect(directives(text).some((line) => line.includes('allow all'))).toBe(false)
    })

    it("returns a host's requirement ids sorted and once each in its comment, in whatever order the rule lists them", () => {
      const text = contents(
        renderSquid(plan([hostRule({ fqdn: 'ml.azure.com', requirementIds: ['b', 'a', 'b'] })])),
      )
      expect(text).toContain('# ml.azure.com <- a b\n')
    })

    it('returns each of 1,500 hosts once, after its comment, in dstdomain order, whatever the plan order', async () => {
      // GIVEN more hosts than one chunk of lines, listed in reverse, a wildcard and its subtree among them
      const names = Array.from({ length: 1500 }, (_, at) => `h${at}.r${at % 7}.example.com`)
      const hosts = ['*.r3.example.com', ...names].reverse()
      const result = renderSquid(
        plan(hosts.map((fqdn) => hostRule({ fqdn, requirementIds: ['q'] }))),
      )
      const lines = contents(result).split('\n')
      const values = lines.filter((line) => line.startsWith('acl aml_egress_https_443_domains '))
      // THEN every name outside .r3.example.com once, by reversed labels (r0 < r1 < … ; h0 < h1 < h10 …)
      const expected = [0, 1, 2, 3, 4, 5, 6].flatMap((region) =>
        region === 3
          ? ['.r3.example.com']
          : names
              .filter((name) => name.includes(`.r${region}.`))
              .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      )
      expect(values.map((line) => line.split(' ').at(-1))).toStrictEqual(expected)
      // AND each value after the comment naming what it stands for
      const firstValue = lines.indexOf(values[0] ?? '')
      expect(lines[firstValue - 1]).toBe(`# ${expected[0]} <- q`)
      const wildcard = lines.indexOf('acl aml_egress_https_443_domains dstdomain .r3.example.com')
      const folded = names.filter((name) => name.includes('.r3.')).sort((a, b) => (a < b ? -1 : 1))
      expect(lines[wildcard - 1]).toBe(`# *.r3.example.com ${folded.join(' ')} <- q`)
      // AND the reader takes the whole file without a diagnostic
      const read = await readSquid(result.files)
      expect(read.diagnostics).toStrictEqual([])
    })

    it('returns a comment without control characters or a trailing backslash', () => {
      const p = plan([hostRule({ fqdn: 'ml.azure.com', requirementIds: ['r\u0007', 'x\\\\'] })])
      expect(contents(renderSquid(p))).toContain('# ml.azure.com <- r? x\n')
    })

    it('returns an error diagnostic when a source is not an IPv4 CIDR', () => {
      const result = renderSquid(
        plan([hostRule({ fqdn: 'ml.azure.com', sources: ['10.0.0.0/24 all'] })]),
      )
      expect(result.diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_INVALID_INPUT'])
      expect(contents(result)).not.toContain('10.0.0.0')
    })

    it('returns only directives from a fixed grammar for the fixture plan', () => {
      const grammar =
        /^(acl aml_egress_[a-z0-9_-]+ (src( [0-9./]+)+|method CONNECT|port( [0-9-]+)+|dstdomain \.?[a-z0-9_.-]+)|http_access allow( !?aml_egress_[a-z0-9_-]+)+)$/
      expect(
        directives(contents(renderSquid(fixturePlan()))).filter((l) => !grammar.test(l)),
      ).toStrictEqual([])
    })

    it('returns a standalone squid.conf that listens, logs, caches nothing and ends with deny all', () => {
      const result = renderSquid(fixturePlan(), {
        mode: 'standalone',
        httpPort: 3129,
        listenAddress: '10.10.0.4',
      })
      expect(result.files.map((f) => f.path)).toStrictEqual(['squid/squid.conf'])
      const lines = directives(contents(result))
      expect(lines.slice(0, 5)).toStrictEqual([
        'http_port 10.10.0.4:3129',
        'access_log daemon:/var/log/squid/access.log squid',
        'cache_log /var/log/squid/cache.log',
        'cache_store_log none',
        'cache deny all',
      ])
      expect(lines.at(-1)).toBe('http_access deny all')
    })

    it('returns an error diagnostic and no file when a standalone option is invalid', () => {
      const result = renderSquid(fixturePlan(), {
        mode: 'standalone',
        httpPort: 70000,
        accessLog: '/var/log/x\nhttp_access allow all',
      })
      expect(result.files).toStrictEqual([])
      expect(
        result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
      ).toStrictEqual([
        'render option: httpPort must be an integer 1-65535, got 70000',
        'render option: accessLog must be an absolute path of letters, digits, . _ / - or "none"',
      ])
    })

    it('returns output its own reader accepts without any diagnostic, in both modes', async () => {
      const include = await readSquid(renderSquid(fixturePlan()).files)
      const standalone = await readSquid(renderSquid(fixturePlan(), { mode: 'standalone' }).files)
      expect([include.diagnostics, standalone.diagnostics]).toStrictEqual([[], []])
    })

    it('returns a standalone config whose last line denies what the plan does not allow', async () => {
      const { config } = await readSquid(renderSquid(fixturePlan(), { mode: 'standalone' }).files)
      const verdict = evaluateSquid(config, {
        direction: 'outbound',
        source: { kind: 'address', address: '10.10.0.4' },
        destination: { kind: 'host', host: 'evil.example.org', serviceTags: [] },
        protocol: 'TCP',
        port: 443,
      })
      expect([verdict.verdict, verdict.decidedBy?.rule]).toStrictEqual([
        'denied',
        'http_access deny all',
      ])
    })

    it('returns one src ACL per distinct source set', () => {
      const result = renderSquid(
        plan([
          hostRule({ fqdn: 'a.example.com' }),
          hostRule({ fqdn: 'b.example.com', sources: ['10.20.0.0/24'] }),
        ]),
      )
      expect(directives(contents(result)).filter((l) => l.includes(' src '))).toStrictEqual([
        'acl aml_egress_sources src 10.10.0.0/24',
        'acl aml_egress_sources_2 src 10.20.0.0/24',
      ])
    })
  })
})
