import { readFileSync } from 'node:fs'
import net from 'node:net'
import { parseProfileText, resolvePlan } from '@aml-egress/core'
import { codedError, nodeConnect, probeTargets } from '@aml-egress/probe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryIo, fixturePath } from '../../test/helpers'
import { runCli } from '../main'
import { type ProbeNetwork, runProbe } from './probe'

const profile = fixturePath('profiles/contoso.yaml')
const profileText = readFileSync(profile, 'utf8')
const hosts = probeTargets(resolvePlan(parseProfileText(profileText, profile))).targets.map(
  (target) => target.host,
)

/** One TCP server on 127.0.0.1 standing in for every endpoint; the probe package tests real TLS. */
let server: net.Server
let serverPort = 0
let refusedPort = 0
beforeAll(async () => {
  server = net.createServer((socket) => socket.on('error', () => undefined).end())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  serverPort = (server.address() as net.AddressInfo).port
  const closed = net.createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  refusedPort = (closed.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => closed.close(() => resolve()))
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/**
 * The network of the test: every plan host but `unresolved` resolves to 127.0.0.1, every port
 * reaches the loopback server except 8787 (refused); TLS completes except for `untrusted`.
 */
function loopbackNetwork(
  options: { unresolved?: string[]; refuse8787?: boolean; untrusted?: string[] } = {},
): ProbeNetwork {
  let clock = 0
  return {
    resolve: async (host) => {
      if (!hosts.includes(host) || options.unresolved?.includes(host))
        throw codedError('ENOTFOUND', `getaddrinfo ENOTFOUND ${host}`)
      return ['127.0.0.1']
    },
    connect: (input) => {
      if (input.host !== '127.0.0.1') throw new Error(`test tried to reach ${input.host}`)
      const port = input.port === 8787 && options.refuse8787 ? refusedPort : serverPort
      return nodeConnect({ ...input, port })
    },
    handshake: async ({ servername }) => {
      if (options.untrusted?.includes(servername))
        throw codedError(
          'SELF_SIGNED_CERT_IN_CHAIN',
          'self-signed certificate in certificate chain',
        )
      return { protocol: 'TLSv1.3' }
    },
    now: () => clock++,
  }
}

function setup(io: { stderrIsTTY?: boolean; isTTY?: boolean; env?: Record<string, string> } = {}) {
  return createMemoryIo({ files: { [profile]: profileText }, ...io })
}

describe('cli: probe', () => {
  it('returns exit 0 and a row per flow when every required endpoint is reachable', async () => {
    const { io, stdout } = setup()
    const code = await runProbe({ profile, concurrency: '1' }, { io, network: loopbackNetwork() })
    expect(code).toBe(0)
    const lines = stdout().split('\n')
    expect(lines[0]).toMatch(/^REQUIREMENT +HOST +PORT +DNS +CONNECT +TLS +TIME +VERDICT +HINT$/)
    expect(lines.find((line) => / login\.microsoftonline\.com +80 /.test(line))).toMatch(
      /^host-general-01 +login\.microsoftonline\.com +80 +ok +ok +- +4 ms +ok$/,
    )
    expect(stdout()).toMatch(
      /contosomlstore\.blob\.core\.windows\.net +443 +ok +ok +TLSv1\.3 +6 ms +ok +tested as contosomlstore\.blob\.core\.windows\.net, which the plan folded under \*\.blob\.core\.windows\.net\n/,
    )
    expect(lines.at(-2)).toBe(
      `${hosts.length} flows probed: ${hosts.length} reachable, 0 failed (0 required), 0 inconclusive; 3 not probed`,
    )
  })

  it('returns exit 1 and only the failures with quiet when required flows fail', async () => {
    const { io, stdout, stderr } = setup({ stderrIsTTY: true })
    const network = loopbackNetwork({
      unresolved: ['ml.azure.com'],
      refuse8787: true,
      untrusted: ['pypi.org'],
    })
    const code = await runProbe({ profile, quiet: true, concurrency: '1' }, { io, network })
    expect(code).toBe(1)
    const rows = stdout()
      .split('\n')
      .filter(Boolean)
      .slice(1, -1)
      .map((line) => line.split(/ {2,}/).slice(1, 8))
    // The cells a reader acts on: host, port, DNS, connect, TLS, time, verdict.
    expect(rows).toStrictEqual([
      ['ml.azure.com', '443', 'ENOTFOUND', '-', '-', '2 ms', 'DNS FAILED'],
      [
        'aml-egress-sample.instances.azureml.ms',
        '8787',
        'ok',
        'ECONNREFUSED',
        '-',
        '4 ms',
        'BLOCKED',
      ],
      [
        'pypi.org',
        '443',
        'ok',
        'ok',
        'SELF_SIGNED_CERT_IN_CHAIN',
        '6 ms',
        'TLS FAILED (recommended)',
      ],
    ])
    expect(stdout()).toContain(
      'the certificate of pypi.org did not verify (SELF_SIGNED_CERT_IN_CHAIN): TLS inspection by a firewall or proxy whose CA this machine does not trust',
    )
    expect(stdout().trimEnd().split('\n').at(-1)).toBe(
      `${hosts.length} flows probed: ${hosts.length - 3} reachable, 3 failed (2 required), 0 inconclusive; 3 not probed`,
    )
    // quiet: no progress even on a terminal
    expect(stderr()).toBe('')
  })

  it('returns the flows a probe cannot test, with the reason', async () => {
    const { io, stdout } = setup()
    await runProbe({ profile }, { io, network: loopbackNetwork() })
    const section = stdout().split('not probed\n')[1] ?? ''
    expect(
      section
        .split('\n')
        .slice(0, 4)
        .map((line) =>
          line
            .split(/ {2,}/)
            .slice(2, 6)
            .map((cell) => cell.split(':')[0]),
        ),
    ).toStrictEqual([
      ['FLOW', 'PORTS', 'LEVEL', 'WHY'],
      ['*.tundra.westeurope.api.azureml.ms', 'UDP 5831', 'required', 'UDP has no handshake'],
      ['westeurope.tundra.azureml.ms', 'UDP 5831', 'required', 'UDP has no handshake'],
      ['tag VirtualNetwork', 'TCP 443', 'required', 'service tag'],
    ])
  })

  it('returns each not-probed row once, in-cluster rows with their source (AKS: kube-dns)', async () => {
    // GIVEN the AKS profile: DNS to kube-dns from the azureml and the model namespace
    const aks = fixturePath('profiles/aks.yaml')
    const { io, stdout } = createMemoryIo({ files: { [aks]: readFileSync(aks, 'utf8') } })
    await runProbe({ profile: aks }, { io, network: loopbackNetwork() })
    const rows = (stdout().split('not probed\n')[1] ?? '').split('\n\n')[0]?.split('\n').slice(1)
    // THEN no row is printed twice, and the kube-dns rows name the namespace they come from
    expect(rows?.length).toBeGreaterThan(5)
    expect(new Set(rows).size).toBe(rows?.length)
    expect(
      rows?.filter((row) => row.includes('UDP 53')).map((row) => row.split(/ {2,}/)[2]),
    ).toStrictEqual([
      'in-cluster pods in azureml → pods in kube-system',
      'in-cluster pods in models → pods in kube-system',
    ])
  })

  it('returns a progress line on stderr only when stderr is a terminal', async () => {
    const tty = setup({ stderrIsTTY: true })
    await runProbe({ profile }, { io: tty.io, network: loopbackNetwork() })
    expect(tty.stderr()).toContain(`\rprobing [ 1/${hosts.length}] `)
    // The line is wiped at the end so the table starts on a clean line.
    expect(tty.stderr()).toMatch(/\r +\r$/)
    const pipe = setup({ stderrIsTTY: false })
    await runProbe({ profile }, { io: pipe.io, network: loopbackNetwork() })
    expect(pipe.stderr()).toBe('')
  })

  it('returns colours on a terminal and none with NO_COLOR', async () => {
    const tty = setup({ isTTY: true })
    await runProbe(
      { profile },
      { io: tty.io, network: loopbackNetwork({ unresolved: ['ml.azure.com'] }) },
    )
    expect(tty.stdout()).toContain('\u001B[31mDNS FAILED\u001B[39m')
    const noColor = setup({ isTTY: true, env: { NO_COLOR: '1' } })
    await runProbe({ profile }, { io: noColor.io, network: loopbackNetwork() })
    expect(noColor.stdout()).not.toContain('\u001B[')
  })

  it('returns the report as JSON with the catalog, options and every result', async () => {
    const { io, stdout } = setup()
    const code = await runProbe(
      { profile, json: true, concurrency: '2', timeout: '1500', retries: '1' },
      { io, network: loopbackNetwork({ unresolved: ['ml.azure.com'] }) },
    )
    expect(code).toBe(1)
    const report = JSON.parse(stdout()) as {
      catalog: { version: string }
      proxy: string | null
      options: Record<string, number>
      summary: Record<string, number>
      results: { host: string; attempts: number; status: string }[]
      notProbed: unknown[]
    }
    expect(report.proxy).toBeNull()
    expect(report.options).toStrictEqual({ concurrency: 2, timeoutMs: 1500, retries: 1 })
    expect(report.results.find((r) => r.host === 'ml.azure.com')).toMatchObject({
      status: 'dns-failed',
      attempts: 2,
    })
    expect(report.summary.requiredFailed).toBe(1)
    expect(report.notProbed).toHaveLength(3)
  })

  it('returns exit 2 before probing for bad flag values', async () => {
    const cases: [string[], string][] = [
      [['--concurrency', '0'], '--concurrency must be a whole number from 1 to 64'],
      [
        ['--timeout', '5s'],
        "--timeout must be a whole number from 100 to 120000 (milliseconds per step), got '5s'",
      ],
      [['--retries=-1'], '--retries must be a whole number from 0 to 5'],
      [['--proxy', 'https://10.0.0.4:3128'], "--proxy: proxy scheme 'https' is not supported"],
    ]
    for (const [flags, message] of cases) {
      const { io, stderr, stdout } = setup()
      expect(await runCli(['probe', '-p', profile, ...flags], io)).toBe(2)
      expect(stderr()).toContain(message)
      expect(stdout()).toBe('')
    }
  })
})
