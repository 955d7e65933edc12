import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Flow, parseProfile, resolvePlan } from '@aml-egress/core'
import { scenarios } from '@aml-egress/test-matrix'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateSquid, readSquid, renderSquid } from '../src/index'
import {
  freePort,
  loopbackPrologue,
  type RunningSquid,
  realSquidMode,
  requireSquid,
  type Scratch,
  scratchDir,
  squidParse,
  startSquid,
  writeFiles,
} from '../testing/realSquid'
import { fixturePlan } from './plans'
import { proxyRequest, startOrigin } from './realSquid'

const mode = realSquidMode()
if (mode.skipMessage) console.warn(mode.skipMessage)
const title = `format: squid against real Squid${mode.skipMessage ? ` (${mode.skipMessage})` : ''}`

/** The include fragment wrapped the way the README tells operators to use it. */
function wrapInclude(input: { dir: string; port: number; fragmentPath: string }): string {
  return [
    loopbackPrologue({ dir: input.dir, port: input.port }),
    'acl SSL_ports port 443',
    'acl Safe_ports port 80 443',
    'acl CONNECT method CONNECT',
    'http_access deny !Safe_ports',
    'http_access deny CONNECT !SSL_ports',
    `include ${input.fragmentPath}`,
    'http_access deny all',
    '',
  ].join('\n')
}

describe.skipIf(!mode.run)(title, () => {
  let scratch: Scratch
  beforeAll(async () => {
    requireSquid(mode.squid)
    scratch = await scratchDir()
  })
  afterAll(async () => {
    await scratch?.remove()
  })

  const parse = async (name: string, files: Record<string, string>, main: string) => {
    const dir = join(scratch.dir, name)
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true, mode: 0o755 }))
    await writeFiles({ dir, files })
    return squidParse({ squid: requireSquid(mode.squid), config: join(dir, main) })
  }

  describe('squid -k parse', () => {
    // The hand-made fixture plus every scenario of the shared matrix (real resolved plans).
    const cases = [
      { name: 'fixture', plan: () => fixturePlan() },
      ...scenarios.map((scenario) => ({
        name: scenario.id,
        plan: () => resolvePlan(parseProfile(scenario.profile)),
      })),
    ]
    for (const testCase of cases) {
      it(`returns status 0 without warnings when parsing the ${testCase.name} include fragment`, async () => {
        // GIVEN the fragment inside a minimal loopback config
        const fragment = renderSquid(testCase.plan()).files[0]!
        const dir = join(scratch.dir, `include-${testCase.name}`)
        const port = await freePort()
        // WHEN squid parses it
        const result = await parse(
          `include-${testCase.name}`,
          {
            'aml-egress.conf': fragment.contents,
            'squid.conf': wrapInclude({ dir, port, fragmentPath: join(dir, 'aml-egress.conf') }),
            hosts: '',
          },
          'squid.conf',
        )
        // THEN it is accepted, and no overlap warning was printed
        expect(result.output).not.toMatch(/WARNING|ERROR|FATAL/)
        expect(result.status).toBe(0)
      })

      it(`returns status 0 without warnings when parsing the ${testCase.name} standalone squid.conf`, async () => {
        const dir = join(scratch.dir, `standalone-${testCase.name}`)
        const rendered = renderSquid(testCase.plan(), {
          mode: 'standalone',
          httpPort: await freePort(),
          listenAddress: '127.0.0.1',
          accessLog: `${dir}/access.log`,
          cacheLog: `${dir}/cache.log`,
          pidFile: `${dir}/squid.pid`,
        })
        const result = await parse(
          `standalone-${testCase.name}`,
          { 'squid.conf': rendered.files[0]!.contents },
          'squid.conf',
        )
        expect(result.output).not.toMatch(/WARNING|ERROR|FATAL/)
        expect(result.status).toBe(0)
      })
    }

    // Overlap rules from the reference table; the reader must fail exactly where squid does.
    const overlaps = [
      'a.example.com .example.com',
      '.a.example.com .example.com',
      'example.com .example.com',
      '.example.com example.com',
      '.example.com a.example.com',
      '.example.com .a.example.com',
      'example.com example.com',
      'a.example.com b.example.com',
    ]
    for (const values of overlaps) {
      it(`returns the same accept/refuse answer as squid when a dstdomain list is "${values}"`, async () => {
        const name = `overlap-${overlaps.indexOf(values)}`
        const dir = join(scratch.dir, name)
        const contents = [
          loopbackPrologue({ dir, port: await freePort() }),
          `acl d dstdomain ${values}`,
          'http_access allow d',
          'http_access deny all',
          '',
        ].join('\n')
        const result = await parse(name, { 'squid.conf': contents, hosts: '' }, 'squid.conf')
        const read = await readSquid([{ path: 'squid.conf', contents }])
        const readerRefuses = read.diagnostics.some((d) => d.code === 'AML_EGRESS_READ_SYNTAX')
        expect(readerRefuses).toBe(result.status !== 0)
      })
    }
  })

  describe('hand-written fixtures', () => {
    const fixtures = [
      'child-before-parent.conf',
      'debian-allowlist.conf',
      'localhost-first.conf',
      'regex.conf',
      'unknown-types.conf',
      'values-file.conf',
    ]
    for (const name of fixtures)
      it(`returns the same accept/refuse answer as squid -k parse for ${name}`, async () => {
        // GIVEN a config written by hand (its values file, if any, next to it)
        const dir = join(scratch.dir, `fixture-${name}`)
        const text = (file: string) =>
          readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')
        const contents = text(name).replace('/etc/squid/aml-hosts.txt', join(dir, 'aml-hosts.txt'))
        // WHEN squid and the reader parse it
        const result = await parse(
          `fixture-${name}`,
          { 'squid.conf': contents, 'aml-hosts.txt': text('aml-hosts.txt') },
          'squid.conf',
        )
        const read = await readSquid([
          { path: join(dir, 'squid.conf'), contents },
          { path: join(dir, 'aml-hosts.txt'), contents: text('aml-hosts.txt') },
        ])
        // THEN the reader reports a syntax error exactly when squid refuses the file
        const readerRefuses = read.diagnostics.some((d) => d.code === 'AML_EGRESS_READ_SYNTAX')
        expect({ readerRefuses, squidRefuses: result.status !== 0 }).toStrictEqual({
          readerRefuses: name === 'child-before-parent.conf',
          squidRefuses: name === 'child-before-parent.conf',
        })
      })
  })

  describe('live loopback proxy', () => {
    let squid: RunningSquid | undefined
    let origin: { close: () => Promise<void> } | undefined
    let files: { path: string; contents: string }[] = []
    let originPort = 0
    const hosts = [
      'ml.azure.com',
      'sub.ml.azure.com',
      'xml.azure.com',
      'ml.azure.com.evil.example',
      'blob.core.windows.net',
      'contoso.blob.core.windows.net',
      'a.b.blob.core.windows.net',
      'notblob.core.windows.net',
      'pypi.org',
      'pytorch.org',
      'download.pytorch.org',
      'instances.azureml.ms',
      'ci1.westeurope.instances.azureml.ms',
      'contoso.file.core.windows.net',
      'archive.ubuntu.com',
      'github.com',
      'evil.example.org',
      'origin.aml-egress.test',
      'abc-1.regex.aml-egress.test',
      'regex.aml-egress.test',
      'a.b.regex.aml-egress.test',
      'mixed.aml-egress.test',
    ]

    beforeAll(async () => {
      const binary = requireSquid(mode.squid)
      const dir = join(scratch.dir, 'live')
      const port = await freePort()
      originPort = await freePort()
      const fragment = renderSquid(fixturePlan(['127.0.0.1/32'])).files[0]!
      const config = [
        wrapInclude({ dir, port, fragmentPath: join(dir, 'aml-egress.conf') }).replace(
          'http_access deny all',
          [
            '# end-to-end check of the harness: a real 200 from the origin',
            'acl test_origin dstdomain origin.aml-egress.test',
            `acl test_origin_port port ${originPort}`,
            'http_access allow test_origin test_origin_port',
            '# hand-written regex ACLs, to compare the reader with Squid on them too',
            'acl test_regex dstdom_regex -i ^[a-z0-9-]+\\.regex\\.aml-egress\\.test$',
            'acl test_case dstdom_regex ^Mixed\\.aml-egress\\.test$',
            'http_access allow CONNECT SSL_ports test_regex',
            'http_access allow CONNECT SSL_ports test_case',
            'http_access deny all',
          ].join('\n'),
        ),
      ]
        .join('\n')
        .replace('acl Safe_ports port 80 443', `acl Safe_ports port 80 443 ${originPort}`)
      files = [
        { path: join(dir, 'squid.conf'), contents: config },
        { path: join(dir, 'aml-egress.conf'), contents: fragment.contents },
      ]
      await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true, mode: 0o755 }))
      await writeFiles({
        dir,
        files: {
          'squid.conf': config,
          'aml-egress.conf': fragment.contents,
          hosts: `127.0.0.1 ${hosts.join(' ')}\n`,
        },
      })
      const parsed = squidParse({ squid: binary, config: join(dir, 'squid.conf') })
      expect(parsed.status).toBe(0)
      origin = await startOrigin(originPort)
      squid = await startSquid({ squid: binary, dir, config: join(dir, 'squid.conf'), port })
    }, 60_000)

    afterAll(async () => {
      await squid?.stop()
      await origin?.close()
    }, 30_000)

    const flow = (host: string, port: number): Flow => ({
      direction: 'outbound',
      source: { kind: 'address', address: '127.0.0.1' },
      destination: { kind: 'host', host, serviceTags: [] },
      protocol: 'TCP',
      port,
    })

    // Expected verdicts come from the plan's semantics (fixturePlan), written by hand.
    const cases: {
      host: string
      port: number | 'origin'
      expected: 'allowed' | 'denied'
      why: string
    }[] = [
      { host: 'ml.azure.com', port: 443, expected: 'allowed', why: 'exact host on 443' },
      {
        host: 'sub.ml.azure.com',
        port: 443,
        expected: 'denied',
        why: 'an exact host does not cover children',
      },
      { host: 'xml.azure.com', port: 443, expected: 'denied', why: 'label boundary' },
      { host: 'ml.azure.com.evil.example', port: 443, expected: 'denied', why: 'suffix trick' },
      { host: 'ml.azure.com', port: 80, expected: 'denied', why: 'HTTPS-only host on port 80' },
      {
        host: 'contoso.blob.core.windows.net',
        port: 443,
        expected: 'allowed',
        why: 'child of wildcard',
      },
      {
        host: 'a.b.blob.core.windows.net',
        port: 443,
        expected: 'allowed',
        why: 'wildcard matches several labels',
      },
      { host: 'blob.core.windows.net', port: 443, expected: 'denied', why: 'apex of a wildcard' },
      {
        host: 'notblob.core.windows.net',
        port: 443,
        expected: 'denied',
        why: 'sibling, not a child',
      },
      { host: 'contoso.blob.core.windows.net', port: 80, expected: 'denied', why: 'wrong port' },
      { host: 'pypi.org', port: 80, expected: 'allowed', why: 'HTTP and HTTPS host, on 80' },
      { host: 'pypi.org', port: 443, expected: 'allowed', why: 'HTTP and HTTPS host, on 443' },
      {
        host: 'pytorch.org',
        port: 443,
        expected: 'allowed',
        why: 'apex listed as well as the wildcard',
      },
      { host: 'download.pytorch.org', port: 443, expected: 'allowed', why: 'child of wildcard' },
      { host: 'instances.azureml.ms', port: 443, expected: 'denied', why: 'apex of a wildcard' },
      {
        host: 'ci1.westeurope.instances.azureml.ms',
        port: 443,
        expected: 'allowed',
        why: 'child of wildcard',
      },
      {
        host: 'ci1.westeurope.instances.azureml.ms',
        port: 8787,
        expected: 'denied',
        why: 'not HTTP(S): cannot pass the proxy',
      },
      {
        host: 'contoso.file.core.windows.net',
        port: 445,
        expected: 'denied',
        why: 'SMB cannot pass the proxy',
      },
      {
        host: 'contoso.file.core.windows.net',
        port: 443,
        expected: 'allowed',
        why: 'HTTPS part of the rule',
      },
      { host: 'archive.ubuntu.com', port: 80, expected: 'allowed', why: 'HTTP-only host' },
      { host: 'archive.ubuntu.com', port: 443, expected: 'denied', why: 'HTTP-only host on 443' },
      {
        host: 'github.com',
        port: 443,
        expected: 'allowed',
        why: 'URL-path rule allowed at host level',
      },
      { host: 'evil.example.org', port: 443, expected: 'denied', why: 'not in the plan' },
      { host: 'evil.example.org', port: 80, expected: 'denied', why: 'not in the plan' },
      {
        host: 'abc-1.regex.aml-egress.test',
        port: 443,
        expected: 'allowed',
        why: 'regex: one label',
      },
      { host: 'ABC-1.Regex.aml-egress.test', port: 443, expected: 'allowed', why: 'regex with -i' },
      { host: 'regex.aml-egress.test', port: 443, expected: 'denied', why: 'regex needs a label' },
      {
        host: 'a.b.regex.aml-egress.test',
        port: 443,
        expected: 'denied',
        why: 'regex: [a-z0-9-]+ has no dot',
      },
      {
        host: 'Mixed.aml-egress.test',
        port: 443,
        expected: 'denied',
        why: 'Squid lower-cases host names before a case-sensitive regex',
      },
      {
        host: 'origin.aml-egress.test',
        port: 'origin',
        expected: 'allowed',
        why: 'harness check: real 200',
      },
    ]

    it('returns the same verdict from real Squid, from evaluateSquid and from the plan for every flow', async () => {
      const { config } = await readSquid(files)
      const rows = []
      for (const testCase of cases) {
        const port = testCase.port === 'origin' ? originPort : testCase.port
        const answer = await proxyRequest({
          proxyPort: squid!.port,
          method: port === 80 || testCase.port === 'origin' ? 'GET' : 'CONNECT',
          host: testCase.host,
          port,
        })
        // The origin flow is plain HTTP on a high port; the reader models it as GET only on 80.
        const verdict =
          testCase.port === 'origin' ? undefined : evaluateSquid(config, flow(testCase.host, port))
        rows.push({
          flow: `${testCase.host}:${port}`,
          expected: testCase.expected,
          squid: answer.classified,
          reader: verdict?.verdict ?? testCase.expected,
        })
      }
      expect(
        rows.filter((row) => row.squid !== row.expected || row.reader !== row.expected),
      ).toStrictEqual([])
    }, 120_000)

    it('returns 200 from the origin when the harness request is allowed end to end', async () => {
      const answer = await proxyRequest({
        proxyPort: squid!.port,
        method: 'GET',
        host: 'origin.aml-egress.test',
        port: originPort,
      })
      expect(answer).toStrictEqual({ status: 200, squidError: '', classified: 'allowed' })
    })

    it('returns 403 ERR_ACCESS_DENIED when the apex of a wildcard is requested', async () => {
      const answer = await proxyRequest({
        proxyPort: squid!.port,
        method: 'CONNECT',
        host: 'blob.core.windows.net',
        port: 443,
      })
      expect(answer.status).toBe(403)
      expect(answer.squidError).toMatch(/^ERR_ACCESS_DENIED/)
    })
  })
})
