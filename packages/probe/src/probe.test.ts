import type { Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  closedPort,
  type LoopbackServer,
  loopbackConnect,
  loopbackResolver,
  startFakeProxy,
  startTcpServer,
  startTlsServer,
  steppingClock,
  testCertificate,
} from '../test/loopback'
import { handPlan, planRule } from '../test/plans'
import type { ProbeResult } from './model'
import { probePlan } from './probe'

/** In tests only: the loopback servers use a self-signed certificate. */
const TEST_TLS = { rejectUnauthorized: false }

const fqdnRule = (
  fqdn: string,
  ports: number[],
  extra: Parameters<typeof planRule>[0] | object = {},
) =>
  planRule({
    id: `outbound/tcp/${fqdn}`,
    destination: { kind: 'fqdn', fqdn },
    ports: ports.map((port) => ({ from: port, to: port })),
    ...extra,
  })

/** A plan with one flow of each outcome the direct probe distinguishes. */
const plan = handPlan([
  fqdnRule('pypi.org', [443], { level: 'recommended' }),
  fqdnRule('*.blob.core.windows.net', [443], {
    subsumes: [{ fqdn: 'contosomlstore.blob.core.windows.net', requirementIds: ['x'] }],
  }),
  fqdnRule('contosomlstore.file.core.windows.net', [445]),
  fqdnRule('*.instances.azureml.ms', [8787]),
  fqdnRule('*.azureml.ms', [443]),
  fqdnRule('ml.azure.com', [443]),
  planRule({
    id: 'outbound/udp/westeurope.tundra.azureml.ms',
    destination: { kind: 'fqdn', fqdn: 'westeurope.tundra.azureml.ms' },
    protocol: 'UDP',
    ports: [{ from: 5831, to: 5831 }],
  }),
])

/** Hosts the loopback "DNS" knows: every target but ml.azure.com and the sample name. */
const KNOWN = [
  'pypi.org',
  'contosomlstore.blob.core.windows.net',
  'contosomlstore.file.core.windows.net',
  'aml-egress-sample.instances.azureml.ms',
]

const row = (result: ProbeResult) => [
  `${result.host}:${result.port}`,
  result.status,
  result.dns.status,
  result.connect.status === 'failed' ? result.connect.code : result.connect.status,
  result.tls.status === 'failed' ? result.tls.code : result.tls.status,
]

describe('probe: probePlan (loopback)', () => {
  let tlsServer: LoopbackServer & { servernames: string[] }
  let smbServer: LoopbackServer
  let refused: number
  const extra: LoopbackServer[] = []
  beforeEach(async () => {
    tlsServer = await startTlsServer()
    smbServer = await startTcpServer()
    refused = await closedPort()
  })
  afterEach(async () => {
    await Promise.all([tlsServer, smbServer, ...extra.splice(0)].map((server) => server.close()))
  })
  const ports = () => ({ 443: tlsServer.port, 445: smbServer.port, 8787: refused })

  it('returns reachable, blocked, dns-failed and inconclusive flows as the network answers them', async () => {
    // GIVEN DNS that knows four of the six hosts, TLS on 443, SMB on 445 and nothing on 8787
    const resolve = loopbackResolver(KNOWN)
    const connect = loopbackConnect(ports())
    // WHEN the plan is probed directly
    const report = await probePlan(plan, { resolve, connect, tls: TEST_TLS, timeoutMs: 2000 })
    // THEN each flow gets the verdict of its path
    expect(report.results.map(row)).toStrictEqual([
      ['pypi.org:443', 'reachable', 'ok', 'ok', 'ok'],
      ['contosomlstore.blob.core.windows.net:443', 'reachable', 'ok', 'ok', 'ok'],
      ['contosomlstore.file.core.windows.net:445', 'reachable', 'ok', 'ok', 'skipped'],
      ['aml-egress-sample.instances.azureml.ms:8787', 'blocked', 'ok', 'ECONNREFUSED', 'skipped'],
      ['aml-egress-sample.azureml.ms:443', 'inconclusive', 'failed', 'skipped', 'skipped'],
      ['ml.azure.com:443', 'dns-failed', 'failed', 'skipped', 'skipped'],
    ])
    // AND the summary: 2 required failures (8787 refused, ml.azure.com unresolved)
    expect(report.summary).toStrictEqual({
      probed: 6,
      reachable: 3,
      failed: 2,
      requiredFailed: 2,
      inconclusive: 1,
      notProbed: 1,
    })
    expect(report.notProbed.map((n) => n.ruleId)).toStrictEqual([
      'outbound/udp/westeurope.tundra.azureml.ms',
    ])
  })

  it('returns TLS handshakes with the plan host as SNI, and contacts only the hosts of the plan', async () => {
    const resolve = loopbackResolver(KNOWN)
    const connect = loopbackConnect(ports())
    await probePlan(plan, { resolve, connect, tls: TEST_TLS })
    expect([...tlsServer.servernames].sort()).toStrictEqual([
      'contosomlstore.blob.core.windows.net',
      'pypi.org',
    ])
    // Every lookup is a target host; one connection per resolved flow, none for the UDP flow.
    expect([...resolve.lookups].sort()).toStrictEqual([
      'aml-egress-sample.azureml.ms',
      'aml-egress-sample.instances.azureml.ms',
      'contosomlstore.blob.core.windows.net',
      'contosomlstore.file.core.windows.net',
      'ml.azure.com',
      'pypi.org',
    ])
    expect(connect.calls).toHaveLength(4)
    expect(tlsServer.connections() + smbServer.connections()).toBe(3)
  })

  it('returns hints naming the cause, the rule to allow, and the host a wildcard was tested as', async () => {
    const report = await probePlan(plan, {
      resolve: loopbackResolver(KNOWN),
      connect: loopbackConnect(ports()),
      tls: TEST_TLS,
    })
    const hint = (host: string) => report.results.find((r) => r.host === host)?.hint
    expect(hint('aml-egress-sample.instances.azureml.ms')).toBe(
      `127.0.0.1:8787 refused the connection: a firewall rejects it, or nothing listens there (a stale private endpoint record?); allow *.instances.azureml.ms on TCP 8787 (test-01); tested as the sample name aml-egress-sample.instances.azureml.ms for *.instances.azureml.ms`,
    )
    expect(hint('contosomlstore.blob.core.windows.net')).toBe(
      'tested as contosomlstore.blob.core.windows.net, which the plan folded under *.blob.core.windows.net',
    )
    expect(hint('aml-egress-sample.azureml.ms')).toMatch(
      /^the sample name aml-egress-sample\.azureml\.ms does not exist \(ENOTFOUND\), which says nothing about \*\.azureml\.ms/,
    )
    expect(hint('ml.azure.com')).toMatch(
      /^no DNS record for ml\.azure\.com \(ENOTFOUND\): check the subnet's DNS server/,
    )
  })

  it('returns one connection per flow by default and 1 + retries for a failing flow', async () => {
    const connect = loopbackConnect(ports())
    const report = await probePlan(plan, {
      resolve: loopbackResolver(KNOWN),
      connect,
      tls: TEST_TLS,
      retries: 2,
    })
    const attempts = Object.fromEntries(
      report.results.map((r) => [`${r.host}:${r.port}`, r.attempts]),
    )
    expect(attempts).toStrictEqual({
      'pypi.org:443': 1,
      'contosomlstore.blob.core.windows.net:443': 1,
      'contosomlstore.file.core.windows.net:445': 1,
      'aml-egress-sample.instances.azureml.ms:8787': 3,
      // A missing sample name is an answer, not a transient failure: not retried.
      'aml-egress-sample.azureml.ms:443': 1,
      'ml.azure.com:443': 3,
    })
    expect(connect.calls.filter((call) => call === '127.0.0.1:8787')).toHaveLength(3)
  })

  it('returns every result while never running more flows at once than the concurrency', async () => {
    const hosts = Array.from({ length: 12 }, (_, i) => `h${i}.example.com`)
    const wide = handPlan(hosts.map((host) => fqdnRule(host, [443])))
    const known = loopbackResolver(hosts)
    // A probe is in flight from its DNS lookup until its progress event.
    let inFlight = 0
    let maxInFlight = 0
    const progress: number[] = []
    const report = await probePlan(wide, {
      resolve: (host) => {
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        return known(host)
      },
      connect: loopbackConnect(ports()),
      tls: TEST_TLS,
      concurrency: 3,
      onProgress: ({ done, total }) => {
        inFlight--
        progress.push(done * 100 + total)
      },
    })
    expect(report.results.map((r) => r.host)).toStrictEqual(hosts)
    expect(report.results.every((r) => r.status === 'reachable')).toBe(true)
    expect(maxInFlight).toBe(3)
    expect(progress).toStrictEqual(hosts.map((_, i) => (i + 1) * 100 + 12))
  })

  it('returns ETIMEDOUT failures within the timeout when DNS or the connect never answers', async () => {
    const hanging = handPlan([
      fqdnRule('slow-dns.example.com', [443]),
      fqdnRule('drop.example.com', [443]),
    ])
    const started = Date.now()
    const report = await probePlan(hanging, {
      resolve: (host) =>
        host === 'slow-dns.example.com'
          ? new Promise<string[]>(() => undefined)
          : Promise.resolve(['127.0.0.1']),
      // A firewall that drops SYNs: the connect never settles.
      connect: () => new Promise<Socket>(() => undefined),
      timeoutMs: 200,
    })
    expect(report.results.map(row)).toStrictEqual([
      ['slow-dns.example.com:443', 'dns-failed', 'failed', 'skipped', 'skipped'],
      ['drop.example.com:443', 'blocked', 'ok', 'ETIMEDOUT', 'skipped'],
    ])
    expect(Date.now() - started).toBeLessThan(3000)
    expect(report.results[1]?.hint).toMatch(
      /^no answer from 127\.0\.0\.1:443: a firewall, NSG or route drops it/,
    )
  })

  it('returns tls-failed with a TLS-inspection hint when the certificate does not verify', async () => {
    // GIVEN production settings (certificates verified) and a server with an untrusted certificate,
    // as a TLS-inspecting proxy with a private CA presents
    const single = handPlan([fqdnRule('pypi.org', [443])])
    const report = await probePlan(single, {
      resolve: loopbackResolver(['pypi.org']),
      connect: loopbackConnect(ports()),
    })
    const [result] = report.results
    expect(result?.status).toBe('tls-failed')
    expect(result?.tls).toMatchObject({
      status: 'failed',
      certificate: true,
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    })
    expect(result?.hint).toMatch(
      /TLS inspection by a firewall or proxy whose CA this machine does not trust/,
    )
    expect(report.summary.requiredFailed).toBe(1)
  })

  it('returns reachable when the inspecting CA is trusted through the ca option and the name matches', async () => {
    // The fixture certificate is for CN=localhost: trusting it makes `localhost` verify.
    const single = handPlan([fqdnRule('localhost', [443])])
    const report = await probePlan(single, {
      resolve: loopbackResolver(['localhost']),
      connect: loopbackConnect(ports()),
      tls: { ca: testCertificate.cert },
    })
    expect(report.results.map(row)).toStrictEqual([
      ['localhost:443', 'reachable', 'ok', 'ok', 'ok'],
    ])
  })

  it('returns tls-failed with an SNI hint when the connection is reset during the handshake', async () => {
    const sniFilter = await startTcpServer({ reset: true })
    extra.push(sniFilter)
    const single = handPlan([fqdnRule('pypi.org', [443])])
    const report = await probePlan(single, {
      resolve: loopbackResolver(['pypi.org']),
      connect: loopbackConnect({ 443: sniFilter.port }),
      tls: TEST_TLS,
    })
    expect(report.results.map(row)).toStrictEqual([
      ['pypi.org:443', 'tls-failed', 'ok', 'ok', 'ECONNRESET'],
    ])
    expect(report.results[0]?.hint).toMatch(
      /an application rule filtering on SNI drops it; allow the FQDN pypi\.org$/,
    )
  })

  it('returns stable durations from an injected clock', async () => {
    const single = handPlan([fqdnRule('pypi.org', [443])])
    const report = await probePlan(single, {
      resolve: loopbackResolver(['pypi.org']),
      connect: loopbackConnect(ports()),
      tls: TEST_TLS,
      now: steppingClock(),
    })
    expect(report.results.map((r) => [r.dns, r.connect, r.tls, r.ms])).toStrictEqual([
      [
        { status: 'ok', addresses: ['127.0.0.1'], ms: 1 },
        { status: 'ok', address: '127.0.0.1', ms: 1 },
        { status: 'ok', protocol: 'TLSv1.3', ms: 1 },
        6,
      ],
    ])
  })

  it('throws a RangeError for options out of range', async () => {
    await expect(probePlan(plan, { concurrency: 0 })).rejects.toThrow(
      'concurrency must be an integer 1-256',
    )
    await expect(probePlan(plan, { proxy: 'socks5://x:1' })).rejects.toThrow(
      /proxy: proxy scheme 'socks5'/,
    )
  })
})

describe('probe: probePlan through a proxy (loopback)', () => {
  const servers: LoopbackServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  it('returns a verdict per proxy answer; DNS is left to the proxy and other ports go direct', async () => {
    // GIVEN a proxy that tunnels pypi.org, refuses evil-ish hosts, fails upstream for one, and an
    // SMB server reached directly
    const origin = await startTlsServer()
    const smb = await startTcpServer()
    const proxy = await startFakeProxy(({ target }) => {
      if (target === 'pypi.org:443' || target === 'contosomlstore.blob.core.windows.net:443')
        return { tunnelTo: origin.port }
      if (target === 'http://archive.ubuntu.com/') return { status: 200, reason: 'OK' }
      if (target === 'ml.azure.com:443')
        return {
          status: 403,
          reason: 'Forbidden',
          headers: { 'X-Squid-Error': 'ERR_ACCESS_DENIED 0' },
        }
      if (target === 'aml-egress-sample.azureml.ms:443')
        return {
          status: 503,
          reason: 'Service Unavailable',
          headers: { 'X-Squid-Error': 'ERR_DNS_FAIL 0' },
        }
      return {
        status: 503,
        reason: 'Service Unavailable',
        headers: { 'X-Squid-Error': 'ERR_CONNECT_FAIL 111' },
      }
    })
    servers.push(origin, smb, proxy)
    const proxied = handPlan([
      fqdnRule('pypi.org', [443]),
      fqdnRule('archive.ubuntu.com', [80]),
      fqdnRule('*.blob.core.windows.net', [443], {
        subsumes: [{ fqdn: 'contosomlstore.blob.core.windows.net', requirementIds: ['x'] }],
      }),
      fqdnRule('contosomlstore.file.core.windows.net', [445]),
      fqdnRule('ml.azure.com', [443]),
      fqdnRule('*.azureml.ms', [443]),
      fqdnRule('management.azure.com', [443]),
    ])
    const resolve = loopbackResolver(['contosomlstore.file.core.windows.net'])
    const connect = loopbackConnect({ [proxy.port]: proxy.port, 445: smb.port })
    // WHEN probed with --proxy
    const report = await probePlan(proxied, {
      proxy: `http://127.0.0.1:${proxy.port}`,
      resolve,
      connect,
      tls: TEST_TLS,
    })
    // THEN
    expect(report.results.map((r) => [...row(r), r.route])).toStrictEqual([
      ['pypi.org:443', 'reachable', 'skipped', 'ok', 'ok', 'proxy'],
      ['archive.ubuntu.com:80', 'reachable', 'skipped', 'ok', 'skipped', 'proxy'],
      ['contosomlstore.blob.core.windows.net:443', 'reachable', 'skipped', 'ok', 'ok', 'proxy'],
      ['contosomlstore.file.core.windows.net:445', 'reachable', 'ok', 'ok', 'skipped', 'direct'],
      ['ml.azure.com:443', 'blocked-by-proxy', 'skipped', 'ERR_ACCESS_DENIED', 'skipped', 'proxy'],
      ['aml-egress-sample.azureml.ms:443', 'inconclusive', 'failed', 'skipped', 'skipped', 'proxy'],
      [
        'management.azure.com:443',
        'proxy-upstream-failed',
        'skipped',
        'ERR_CONNECT_FAIL',
        'skipped',
        'proxy',
      ],
    ])
    // Only the direct flow was resolved locally; the TLS handshakes went through the tunnel.
    expect(resolve.lookups).toStrictEqual(['contosomlstore.file.core.windows.net'])
    expect(origin.servernames.sort()).toStrictEqual([
      'contosomlstore.blob.core.windows.net',
      'pypi.org',
    ])
    const hint = (host: string) => report.results.find((r) => r.host === host)?.hint
    expect(hint('ml.azure.com')).toBe(
      'the proxy refused ml.azure.com:443 (403 ERR_ACCESS_DENIED): add ml.azure.com to its allowlist (`aml-egress render --format squid`)',
    )
    expect(hint('management.azure.com')).toBe(
      "the proxy allows management.azure.com:443 but could not reach it (503 ERR_CONNECT_FAIL): not its allowlist, but the destination or the proxy's own DNS or egress",
    )
  })

  it('returns proxy-error with a credentials hint for 407, and when the proxy is unreachable', async () => {
    const proxy = await startFakeProxy(() => ({
      status: 407,
      reason: 'Proxy Authentication Required',
    }))
    servers.push(proxy)
    const single = handPlan([fqdnRule('pypi.org', [443])])
    const auth = await probePlan(single, {
      proxy: `http://127.0.0.1:${proxy.port}`,
      connect: loopbackConnect({ [proxy.port]: proxy.port }),
    })
    expect(auth.results[0]?.hint).toBe(
      'the proxy wants credentials: pass --proxy http://user:password@host:port',
    )
    const closed = await closedPort()
    const down = await probePlan(single, {
      proxy: `http://127.0.0.1:${closed}`,
      connect: loopbackConnect({ [closed]: closed }),
    })
    expect(down.results.map((r) => [r.status, r.hint])).toStrictEqual([
      [
        'proxy-error',
        `cannot reach the proxy http://127.0.0.1:${closed} (ECONNREFUSED): no TCP connection to it; check its address, port and the route to it`,
      ],
    ])
  })
})
