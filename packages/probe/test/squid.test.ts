import type { Plan } from '@aml-egress/core'
import { squidFormat } from '@aml-egress/squid'
import {
  freePort,
  type RunningSquid,
  realSquidMode,
  requireSquid,
  squidParse,
  startSquid,
} from '@aml-egress/squid/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROXIED_PORTS, type ProbeReport, probePlan, probeTargets } from '../src/index'
import {
  type LoopbackServer,
  loopbackConnect,
  loopbackResolver,
  startFakeProxy,
  startTcpServer,
  startTlsServer,
} from './loopback'
import { contosoPlan } from './plans'
import { loopbackEpilogue, squidDir } from './realSquid'

const mode = realSquidMode('real-Squid probe tests')
if (mode.skipMessage) console.warn(mode.skipMessage)
const title = `probe: through a real Squid rendered by @aml-egress/squid${mode.skipMessage ? ` (${mode.skipMessage})` : ''}`

/** The rule the proxy's allowlist lacks in this test: a required host. */
const MISSING_RULE = 'outbound/tcp/ml.azure.com'

describe.skipIf(!mode.run)(title, () => {
  let plan: Plan
  let squid: RunningSquid | undefined
  let scratch: Awaited<ReturnType<typeof squidDir>> | undefined
  let origin: LoopbackServer & { servernames: string[] }
  let direct: LoopbackServer
  let upstream: LoopbackServer & { requests: string[] }
  let report: ProbeReport

  beforeAll(async () => {
    const binary = requireSquid(mode.squid)
    // GIVEN the endpoints: a TLS origin for every HTTPS host, a TCP server for the direct ports,
    // and an upstream behind Squid that tunnels whatever Squid lets through to the origin
    origin = await startTlsServer()
    direct = await startTcpServer()
    upstream = await startFakeProxy(({ method }) =>
      method === 'CONNECT' ? { tunnelTo: origin.port } : { status: 200, reason: 'OK' },
    )
    // AND a Squid whose allowlist is rendered from the plan minus one required rule
    plan = contosoPlan()
    const proxyPlan: Plan = {
      ...plan,
      rules: plan.rules.filter((rule) => rule.id !== MISSING_RULE),
    }
    scratch = await squidDir()
    const port = await freePort()
    const rendered = squidFormat.render(proxyPlan, {
      mode: 'standalone',
      httpPort: port,
      listenAddress: '127.0.0.1',
      accessLog: `${scratch.dir}/access.log`,
      cacheLog: `${scratch.dir}/cache.log`,
      pidFile: `${scratch.dir}/squid.pid`,
    })
    expect(rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([])
    const hosts = probeTargets(plan).targets.map((target) => target.host)
    await scratch.write('hosts', `127.0.0.1 ${[...new Set(hosts)].join(' ')}\n`)
    const config = await scratch.write(
      'squid.conf',
      `${rendered.files[0]?.contents ?? ''}${loopbackEpilogue({ dir: scratch.dir, parentPort: upstream.port })}`,
    )
    const parsed = squidParse({ squid: binary, config })
    expect(parsed.output).not.toMatch(/ERROR|FATAL/)
    expect(parsed.status).toBe(0)
    squid = await startSquid({ squid: binary, dir: scratch.dir, config, port })
    // WHEN the full plan is probed through it (ports other than 80/443 go direct, to loopback)
    const directPorts = Object.fromEntries(
      probeTargets(plan)
        .targets.filter((target) => !PROXIED_PORTS.includes(target.port))
        .map((target) => [target.port, direct.port]),
    )
    report = await probePlan(plan, {
      proxy: `http://127.0.0.1:${port}`,
      resolve: loopbackResolver(hosts),
      connect: loopbackConnect({ ...directPorts, [port]: port }),
      tls: { rejectUnauthorized: false },
      timeoutMs: 10_000,
    })
  }, 90_000)

  afterAll(async () => {
    await squid?.stop()
    await Promise.all([origin?.close(), direct?.close(), upstream?.close()])
    await scratch?.remove()
  }, 30_000)

  it('returns blocked-by-proxy (403 ERR_ACCESS_DENIED) for the host outside the rendered allowlist', () => {
    const proxied = report.results.filter((result) => result.route === 'proxy')
    expect(
      proxied
        .filter((result) => result.status !== 'reachable')
        .map((result) => [result.host, result.port, result.status, result.connect]),
    ).toStrictEqual([
      [
        'ml.azure.com',
        443,
        'blocked-by-proxy',
        {
          status: 'failed',
          code: 'ERR_ACCESS_DENIED',
          message: 'CONNECT ml.azure.com:443: 403 Forbidden',
          ms: expect.any(Number),
          proxyStatus: 403,
          proxyError: 'ERR_ACCESS_DENIED 0',
        },
      ],
    ])
    // A required host: the run fails.
    expect(report.summary.requiredFailed).toBe(1)
  })

  it('returns reachable through CONNECT with a TLS handshake for every other HTTPS host, and HEAD on 80', () => {
    const proxied = report.results.filter((result) => result.route === 'proxy')
    const reachable = proxied.filter((result) => result.status === 'reachable')
    // Every HTTPS target but the missing one completed TLS inside Squid's tunnel, with its own SNI.
    const https = reachable.filter((result) => result.port === 443).map((result) => result.host)
    expect(https.length).toBeGreaterThan(15)
    expect([...origin.servernames].sort()).toStrictEqual([...https].sort())
    expect(reachable.filter((result) => result.port === 80).map((r) => r.host)).toStrictEqual([
      'login.microsoftonline.com',
    ])
  })

  it('returns what Squid forwarded: exactly the allowed plan hosts, never the refused one', () => {
    const allowed = report.results
      .filter((result) => result.route === 'proxy' && result.status === 'reachable')
      .map((result) =>
        result.port === 80 ? `HEAD http://${result.host}/` : `CONNECT ${result.host}:443`,
      )
    expect([...upstream.requests].sort()).toStrictEqual(allowed.sort())
    expect(upstream.requests.some((request) => request.includes('ml.azure.com:'))).toBe(false)
  })

  it('returns direct results for the ports a proxy does not carry (SMB 445, 8787, 18881)', () => {
    expect(
      report.results
        .filter((result) => result.route === 'direct')
        .map((result) => `${result.host}:${result.port} ${result.status}`),
    ).toStrictEqual([
      'aml-egress-sample.instances.azureml.ms:8787 reachable',
      'aml-egress-sample.instances.azureml.ms:18881 reachable',
      'contosomlstore.file.core.windows.net:445 reachable',
    ])
  })
})
