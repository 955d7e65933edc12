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
import { type ProbeResult, probePlan } from '../src/index'
import { closedPort, LOOPBACK } from './loopback'
import { handPlan, planRule } from './plans'
import { squidDir } from './realSquid'

const mode = realSquidMode('real-Squid probe tests')
if (mode.skipMessage) console.warn(mode.skipMessage)
const title = `probe: through a real Squid that cannot resolve names${mode.skipMessage ? ` (${mode.skipMessage})` : ''}`

/** Squid's DNS wait: the dead DNS server on loopback never answers within it (1 s probes do not wait). */
const SQUID_DNS_TIMEOUT_S = 3

/** Two hosts the proxy allows, one it does not: the plan is probed, the proxy renders two. */
const allowed = ['ml.azure.com', 'pypi.org']
const refused = 'management.azure.com'
// From loopback, so that the rendered Squid's source ACL admits the test's requests.
const rule = (fqdn: string) =>
  planRule({
    id: `outbound/tcp/${fqdn}`,
    source: { kind: 'addresses', addresses: ['127.0.0.1/32'] },
    destination: { kind: 'fqdn', fqdn },
    level: 'required',
  })

const row = (result: ProbeResult) => [result.host, result.status, result.connect.status]

describe.skipIf(!mode.run)(title, () => {
  let squid: RunningSquid | undefined
  let scratch: Awaited<ReturnType<typeof squidDir>> | undefined
  let proxy = ''
  const plan: Plan = handPlan([...allowed, refused].map(rule))

  beforeAll(async () => {
    // GIVEN a Squid whose allowlist holds the two allowed hosts, on loopback, with no hosts file
    // entries and a DNS server address where nothing answers: every upstream name fails to resolve
    const binary = requireSquid(mode.squid)
    scratch = await squidDir()
    const port = await freePort()
    const proxyPlan = handPlan(allowed.map(rule))
    const rendered = squidFormat.render(proxyPlan, {
      mode: 'standalone',
      httpPort: port,
      listenAddress: LOOPBACK,
      accessLog: `${scratch.dir}/access.log`,
      cacheLog: `${scratch.dir}/cache.log`,
      pidFile: `${scratch.dir}/squid.pid`,
    })
    await scratch.write('hosts', '')
    const epilogue = [
      '',
      `udp_incoming_address ${LOOPBACK}`,
      `hosts_file ${scratch.dir}/hosts`,
      `dns_nameservers ${LOOPBACK}`,
      `dns_timeout ${SQUID_DNS_TIMEOUT_S} seconds`,
      'netdb_filename none',
      `coredump_dir ${scratch.dir}`,
      'shutdown_lifetime 1 seconds',
      'pinger_enable off',
      '',
    ].join('\n')
    const config = await scratch.write(
      'squid.conf',
      `${rendered.files[0]?.contents ?? ''}${epilogue}`,
    )
    const parsed = squidParse({ squid: binary, config })
    expect(parsed.output).not.toMatch(/ERROR|FATAL/)
    squid = await startSquid({ squid: binary, dir: scratch.dir, config, port })
    proxy = `http://${LOOPBACK}:${port}`
  }, 60_000)

  afterAll(async () => {
    await squid?.stop()
    await scratch?.remove()
  }, 30_000)

  it('returns proxy-no-answer for allowed hosts and blocked-by-proxy for the refused one within a short timeout', async () => {
    // WHEN probed with a step timeout below Squid's DNS wait
    const report = await probePlan(plan, { proxy, timeoutMs: 1000 })
    // THEN the proxy was reached: the allowed hosts wait on its DNS, the other is refused (403)
    expect(report.results.map(row)).toStrictEqual([
      ['ml.azure.com', 'proxy-no-answer', 'failed'],
      ['pypi.org', 'proxy-no-answer', 'failed'],
      [refused, 'blocked-by-proxy', 'failed'],
    ])
    expect(report.results[0]?.hint).toMatch(
      /^the proxy http:\/\/127\.0\.0\.1:\d+ took the connection/,
    )
  }, 30_000)

  it("returns proxy-upstream-failed (Squid's 500 after its policy allowed the host) within a longer timeout", async () => {
    // WHEN probed with a timeout well above Squid's DNS wait (Squid tries more than once: several seconds)
    const report = await probePlan(plan, { proxy, timeoutMs: 15_000 })
    // THEN Squid answers the allowed hosts with a 5xx (it could not forward them), the refused
    // host with 403: policy and upstream are told apart
    expect(
      report.results.map((result) => [
        result.host,
        result.status,
        result.connect.status === 'failed' ? result.connect.proxyStatus : undefined,
      ]),
    ).toStrictEqual([
      ['ml.azure.com', 'proxy-upstream-failed', 500],
      ['pypi.org', 'proxy-upstream-failed', 500],
      [refused, 'blocked-by-proxy', 403],
    ])
    expect(report.results[0]?.hint).toBe(
      "the proxy allows ml.azure.com:443 but could not reach it (500 ERR_CANNOT_FORWARD): not its allowlist, but the destination or the proxy's own DNS or egress",
    )
  }, 60_000)

  it('returns proxy-error with no TCP connection when nothing listens at the proxy address', async () => {
    const closed = await closedPort()
    const report = await probePlan(plan, { proxy: `http://${LOOPBACK}:${closed}` })
    expect(report.results.map((result) => [result.status, result.connect.status])).toStrictEqual([
      ['proxy-error', 'failed'],
      ['proxy-error', 'failed'],
      ['proxy-error', 'failed'],
    ])
    expect(report.results[0]?.hint).toContain('(ECONNREFUSED): no TCP connection to it')
  })
})
