import {
  type NotProbed,
  PROBE_DEFAULTS,
  type ProbeOptions,
  type ProbeReport,
  type ProbeResult,
  type ProbeStatus,
  parseProxyUrl,
  probePlan,
} from '@aml-egress/probe'
import { createPaint } from '../color'
import { defineCliCommand, profileArg } from '../command'
import { UsageError } from '../errors'
import type { Io } from '../io'
import { loadProfile } from '../profile'
import { formatTable } from '../table'

/** Options of `aml-egress probe`. */
export type ProbeCommandOptions = {
  profile: string
  proxy?: string | undefined
  /** Raw flag values; validated here so a bad one is a usage error (exit 2). */
  concurrency?: string | undefined
  timeout?: string | undefined
  retries?: string | undefined
  json?: boolean | undefined
  quiet?: boolean | undefined
}

/** Network access for tests: loopback resolvers and servers instead of the real network. */
export type ProbeNetwork = Pick<ProbeOptions, 'resolve' | 'connect' | 'handshake' | 'tls' | 'now'>

const VERDICT_TEXT: Record<ProbeStatus, string> = {
  reachable: 'ok',
  inconclusive: 'inconclusive',
  'dns-failed': 'DNS FAILED',
  blocked: 'BLOCKED',
  'blocked-by-proxy': 'BLOCKED BY PROXY',
  'proxy-upstream-failed': 'PROXY UPSTREAM FAILED',
  'proxy-no-answer': 'NO PROXY ANSWER',
  'proxy-error': 'PROXY ERROR',
  'tls-failed': 'TLS FAILED',
}

function integerFlag(input: {
  name: string
  value: string | undefined
  fallback: number
  min: number
  max: number
  unit?: string
}): number {
  const { name, value, min, max } = input
  if (value === undefined) return input.fallback
  const parsed = Number(value)
  if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > max)
    throw new UsageError(
      `--${name} must be a whole number from ${min} to ${max}${input.unit ? ` (${input.unit})` : ''}, got '${value}'`,
    )
  return parsed
}

function requirementsText(ids: readonly string[]): string {
  return ids.length <= 2 ? ids.join(', ') : `${ids.slice(0, 2).join(', ')} +${ids.length - 2}`
}

function dnsCell(result: ProbeResult): string {
  const { dns } = result
  if (dns.status === 'ok') return 'ok'
  if (dns.status === 'failed') return dns.at === 'proxy' ? `proxy: ${dns.code}` : dns.code
  return result.route === 'proxy' ? 'by proxy' : '-'
}

function connectCell(result: ProbeResult): string {
  const { connect } = result
  if (connect.status === 'ok') return result.route === 'proxy' ? 'ok via proxy' : 'ok'
  if (connect.status === 'failed')
    return connect.proxyStatus !== undefined
      ? `${connect.proxyStatus} ${connect.code}`
      : connect.code
  return '-'
}

function tlsCell(result: ProbeResult): string {
  const { tls } = result
  if (tls.status === 'ok') return tls.protocol
  if (tls.status === 'failed') return tls.code
  return '-'
}

function verdictText(result: ProbeResult): string {
  const text = VERDICT_TEXT[result.status]
  return result.failed && result.level !== 'required' ? `${text} (${result.level})` : text
}

function summaryLine(report: ProbeReport, proxy: string | undefined): string {
  const s = report.summary
  return `${s.probed} flows probed${proxy ? ` (ports 80/443 through ${proxy})` : ''}: ${s.reachable} reachable, ${s.failed} failed (${s.requiredFailed} required), ${s.inconclusive} inconclusive; ${s.notProbed} not probed`
}

/** `tag Storage.WestEurope` out of the subnet; `in-cluster pods in models → pods in kube-system`. */
function notProbedFlow(entry: NotProbed): string {
  if (entry.direction === 'outbound') return entry.destination
  const direction = entry.direction === 'inCluster' ? 'in-cluster' : entry.direction
  return `${direction} ${entry.source} → ${entry.destination}`
}

function notProbedPorts(entry: NotProbed): string {
  return `${entry.protocol} ${entry.ports.join(',')}`
}

/**
 * The probe report as text: one table row per flow (requirement, host, port, DNS, connect, TLS,
 * time, verdict, hint), the flows that cannot be probed with the reason, and a summary line.
 * `quiet`: only failed and inconclusive flows, and the summary.
 */
export function formatProbeReport(input: {
  report: ProbeReport
  io: Pick<Io, 'isTTY' | 'env'>
  proxy?: string | undefined
  quiet?: boolean
}): string {
  const { report } = input
  const paint = createPaint(input.io)
  const color = (result: ProbeResult) =>
    result.status === 'reachable'
      ? paint.green
      : result.status === 'inconclusive'
        ? paint.yellow
        : (text: string) => paint.bold(paint.red(text))
  const shown = input.quiet
    ? report.results.filter((result) => result.status !== 'reachable')
    : report.results
  const lines: string[] = []
  if (shown.length > 0)
    lines.push(
      formatTable({
        headers: [
          'REQUIREMENT',
          'HOST',
          'PORT',
          'DNS',
          'CONNECT',
          'TLS',
          'TIME',
          'VERDICT',
          'HINT',
        ],
        rows: shown.map((result) => [
          requirementsText(result.requirementIds),
          result.host,
          String(result.port),
          dnsCell(result),
          connectCell(result),
          tlsCell(result),
          `${result.ms} ms`,
          color(result)(verdictText(result)),
          result.hint,
        ]),
      }),
      '',
    )
  if (!input.quiet && report.notProbed.length > 0)
    lines.push(
      paint.bold('not probed'),
      formatTable({
        indent: '  ',
        headers: ['REQUIREMENT', 'FLOW', 'PORTS', 'LEVEL', 'WHY'],
        rows: report.notProbed.map((entry) => [
          requirementsText(entry.requirementIds),
          notProbedFlow(entry),
          notProbedPorts(entry),
          entry.level,
          entry.reason,
        ]),
      }),
      '',
    )
  lines.push(summaryLine(report, input.proxy))
  return `${lines.join('\n')}\n`
}

/** `[ 12/34] pypi.org:443` on one line, redrawn in place; only on a terminal. */
function progressReporter(io: Io): {
  onProgress: ProbeOptions['onProgress']
  clear: () => void
} {
  let width = 0
  return {
    onProgress: ({ done, total, result }) => {
      const text = `probing [${String(done).padStart(String(total).length)}/${total}] ${result.host}:${result.port}`
      width = Math.max(width, text.length)
      io.stderr(`\r${text.padEnd(width)}`)
    },
    clear: () => {
      if (width > 0) io.stderr(`\r${' '.repeat(width)}\r`)
    },
  }
}

/**
 * `aml-egress probe`: probes every outbound TCP host flow of the profile's plan from where it runs
 * (DNS, TCP, TLS with SNI; through `--proxy` for ports 80/443). Exit 1 when a required flow fails,
 * 2 for bad usage. `network` replaces the real network in tests.
 */
export async function runProbe(
  options: ProbeCommandOptions,
  context: { io: Io; network?: ProbeNetwork },
): Promise<number> {
  const { io } = context
  const concurrency = integerFlag({
    name: 'concurrency',
    value: options.concurrency,
    fallback: PROBE_DEFAULTS.concurrency,
    min: 1,
    max: 64,
  })
  const timeoutMs = integerFlag({
    name: 'timeout',
    value: options.timeout,
    fallback: PROBE_DEFAULTS.timeoutMs,
    min: 100,
    max: 120_000,
    unit: 'milliseconds per step',
  })
  const retries = integerFlag({
    name: 'retries',
    value: options.retries,
    fallback: PROBE_DEFAULTS.retries,
    min: 0,
    max: 5,
  })
  let proxyDisplay: string | undefined
  if (options.proxy !== undefined) {
    const parsed = parseProxyUrl(options.proxy)
    if (!parsed.proxy)
      throw new UsageError(
        `--proxy: ${parsed.error ?? 'invalid'}`,
        'pass the proxy the compute uses, e.g. --proxy http://10.0.0.4:3128',
      )
    proxyDisplay = parsed.proxy.display
  }
  const { plan } = await loadProfile({ path: options.profile, io })
  const progress =
    io.stderrIsTTY === true && options.quiet !== true ? progressReporter(io) : undefined
  let report: ProbeReport
  try {
    report = await probePlan(plan, {
      ...context.network,
      proxy: options.proxy,
      concurrency,
      timeoutMs,
      retries,
      onProgress: progress?.onProgress,
    })
  } finally {
    progress?.clear()
  }
  if (options.json === true)
    io.stdout(
      `${JSON.stringify(
        {
          profile: options.profile,
          catalog: plan.catalog,
          proxy: proxyDisplay ?? null,
          options: { concurrency, timeoutMs, retries },
          summary: report.summary,
          results: report.results,
          notProbed: report.notProbed,
        },
        null,
        2,
      )}\n`,
    )
  else
    io.stdout(formatProbeReport({ report, io, proxy: proxyDisplay, quiet: options.quiet === true }))
  return report.summary.requiredFailed > 0 ? 1 : 0
}

export const probeCommand = defineCliCommand({
  meta: {
    name: 'probe',
    description:
      'Test the required endpoints from inside the network: DNS, TCP, TLS, through a proxy',
  },
  args: {
    profile: profileArg,
    proxy: {
      type: 'string',
      description: 'Probe ports 80/443 through this HTTP proxy (CONNECT); DNS is then its job',
      valueHint: 'http://host:port',
    },
    concurrency: {
      type: 'string',
      description: `Flows probed at once (default ${PROBE_DEFAULTS.concurrency})`,
      valueHint: 'n',
    },
    timeout: {
      type: 'string',
      description: `Limit of each step (DNS, connect, TLS) in ms (default ${PROBE_DEFAULTS.timeoutMs})`,
      valueHint: 'ms',
    },
    retries: {
      type: 'string',
      description: 'Extra connections for a failing flow (default 0: one connection per flow)',
      valueHint: 'n',
    },
    json: { type: 'boolean', description: 'Machine-readable report' },
    quiet: {
      type: 'boolean',
      alias: 'q',
      description: 'Show only flows that failed; no progress',
    },
  },
  examples: [
    'aml-egress probe --profile aml-egress.yaml',
    'aml-egress probe -p aml-egress.yaml --proxy http://10.0.0.4:3128 --timeout 3000',
    'aml-egress probe -p aml-egress.yaml --quiet --retries 1 --json > probe.json',
  ],
  run: ({ args, io }) =>
    runProbe(
      {
        profile: args.profile,
        proxy: args.proxy,
        concurrency: args.concurrency,
        timeout: args.timeout,
        retries: args.retries,
        json: args.json === true,
        quiet: args.quiet === true,
      },
      { io },
    ),
})
