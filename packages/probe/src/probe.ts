import type { Socket } from 'node:net'
import type { Plan } from '@aml-egress/core'
import type {
  ConnectFn,
  ConnectStep,
  DnsStep,
  ProbeOptions,
  ProbeReport,
  ProbeResult,
  ProbeStatus,
  ProbeTarget,
  ResolveFn,
  TlsHandshakeFn,
  TlsStep,
  TlsVerifyOptions,
} from './model'
import {
  codedError,
  errorCode,
  errorMessage,
  nodeConnect,
  nodeHandshake,
  nodeResolve,
  withTimeout,
} from './net'
import { PROXY_NO_ANSWER, type ProxyAddress, parseProxyUrl, proxyRequest } from './proxy'
import { probeTargets } from './targets'

/** Defaults of `probePlan`: 8 flows at once, 5 s per step, one connection per flow. */
export const PROBE_DEFAULTS = { concurrency: 8, timeoutMs: 5000, retries: 0 } as const

/** Ports an HTTP proxy carries (HTTP_PROXY / HTTPS_PROXY); other ports are probed directly. */
export const PROXIED_PORTS: readonly number[] = [80, 443]

// getaddrinfo's "no such name" answers: NXDOMAIN or no address record.
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA', 'ERR_DNS_FAIL'])

/** Certificate verification failures (as opposed to a handshake that was cut or timed out). */
export function isCertificateError(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME/.test(code)
}

type Context = {
  timeoutMs: number
  resolve: ResolveFn
  connect: ConnectFn
  handshake: TlsHandshakeFn
  verify: TlsVerifyOptions
  proxy: ProxyAddress | undefined
  now: () => number
}

/** Whole milliseconds since `since`. */
function elapsed(context: Context, since: number): number {
  return Math.round(context.now() - since)
}

type Attempt = Pick<ProbeResult, 'route' | 'dns' | 'connect' | 'tls' | 'ms' | 'status'>

/**
 * Bounds an injected step that might not honour its own timeout: a socket that arrives after the
 * deadline is destroyed, never leaked.
 */
async function bounded<T extends Socket | { protocol: string }>(input: {
  start: () => Promise<T>
  ms: number
  what: string
}): Promise<T> {
  const promise = input.start()
  try {
    // A small grace so the step's own, more precise timeout error wins when it has one.
    return await withTimeout({
      promise,
      ms: input.ms + 250,
      code: 'ETIMEDOUT',
      message: `${input.what}: no answer within ${input.ms} ms`,
    })
  } catch (error) {
    promise.then(
      (late) => {
        if ('destroy' in late) late.destroy()
      },
      () => undefined,
    )
    throw error
  }
}

async function tlsStep(input: {
  target: ProbeTarget
  socket: Socket
  context: Context
}): Promise<TlsStep> {
  const { context } = input
  const started = context.now()
  try {
    const { protocol } = await bounded({
      start: () =>
        context.handshake({
          socket: input.socket,
          servername: input.target.host,
          timeoutMs: context.timeoutMs,
          verify: context.verify,
        }),
      ms: context.timeoutMs,
      what: `TLS handshake with ${input.target.host}`,
    })
    return { status: 'ok', protocol, ms: elapsed(context, started) }
  } catch (error) {
    const code = errorCode(error)
    return {
      status: 'failed',
      code,
      message: errorMessage(error),
      ms: elapsed(context, started),
      certificate: isCertificateError(code),
    }
  }
}

function finish(input: {
  started: number
  context: Context
  route: Attempt['route']
  dns: DnsStep
  connect?: ConnectStep
  tls?: TlsStep
  status: ProbeStatus
}): Attempt {
  return {
    route: input.route,
    dns: input.dns,
    connect: input.connect ?? { status: 'skipped' },
    tls: input.tls ?? { status: 'skipped' },
    ms: elapsed(input.context, input.started),
    status: input.status,
  }
}

async function directAttempt(target: ProbeTarget, context: Context): Promise<Attempt> {
  const started = context.now()
  const route = 'direct'
  let addresses: string[]
  try {
    addresses = await withTimeout({
      promise: context.resolve(target.host),
      ms: context.timeoutMs,
      code: 'ETIMEOUT',
      message: `no DNS answer for ${target.host} within ${context.timeoutMs} ms`,
    })
    if (addresses.length === 0) throw codedError('ENODATA', `no address for ${target.host}`)
  } catch (error) {
    const code = errorCode(error)
    const dns: DnsStep = {
      status: 'failed',
      at: 'local',
      code,
      message: errorMessage(error),
      ms: elapsed(context, started),
    }
    const inconclusive = target.hostSource === 'sample' && NO_SUCH_NAME.has(code)
    return finish({
      started,
      context,
      route,
      dns,
      status: inconclusive ? 'inconclusive' : 'dns-failed',
    })
  }
  const dns: DnsStep = { status: 'ok', addresses, ms: elapsed(context, started) }
  // One address, one connection: the first (IPv4 first) is what a client would try.
  const address = addresses[0] ?? ''
  const connectStarted = context.now()
  let socket: Socket
  try {
    socket = await bounded({
      start: () =>
        context.connect({ host: address, port: target.port, timeoutMs: context.timeoutMs }),
      ms: context.timeoutMs,
      what: `connect to ${address}:${target.port}`,
    })
  } catch (error) {
    const connect: ConnectStep = {
      status: 'failed',
      code: errorCode(error),
      message: errorMessage(error),
      ms: elapsed(context, connectStarted),
    }
    return finish({ started, context, route, dns, connect, status: 'blocked' })
  }
  try {
    const connect: ConnectStep = { status: 'ok', address, ms: elapsed(context, connectStarted) }
    if (!target.https) return finish({ started, context, route, dns, connect, status: 'reachable' })
    const tls = await tlsStep({ target, socket, context })
    return finish({
      started,
      context,
      route,
      dns,
      connect,
      tls,
      status: tls.status === 'ok' ? 'reachable' : 'tls-failed',
    })
  } finally {
    socket.destroy()
  }
}

async function proxyAttempt(
  target: ProbeTarget,
  context: Context,
  proxy: ProxyAddress,
): Promise<Attempt> {
  const started = context.now()
  const route = 'proxy'
  const dns: DnsStep = { status: 'skipped' }
  // Plain HTTP goes as an absolute-URI request; HTTP proxies only tunnel (CONNECT) to TLS ports.
  const method = target.https ? 'CONNECT' : 'HEAD'
  let answer: Awaited<ReturnType<typeof proxyRequest>>
  try {
    answer = await proxyRequest({
      proxy,
      method,
      host: target.host,
      port: target.port,
      timeoutMs: context.timeoutMs,
      connect: context.connect,
    })
  } catch (error) {
    const code = errorCode(error)
    const connect: ConnectStep = {
      status: 'failed',
      code,
      message: `proxy ${proxy.display}: ${errorMessage(error)}`,
      ms: elapsed(context, started),
    }
    const status = code === PROXY_NO_ANSWER ? 'proxy-no-answer' : 'proxy-error'
    return finish({ started, context, route, dns, connect, status })
  }
  try {
    return await proxyAnswer({ target, context, proxy, method, started, answer })
  } finally {
    answer.socket.destroy()
  }
}

/** What a proxy's answer to CONNECT or HEAD says about the target. */
async function proxyAnswer(input: {
  target: ProbeTarget
  context: Context
  proxy: ProxyAddress
  method: 'CONNECT' | 'HEAD'
  started: number
  answer: Awaited<ReturnType<typeof proxyRequest>>
}): Promise<Attempt> {
  const { target, context, proxy, method, started } = input
  const { response, socket } = input.answer
  const route = 'proxy'
  const dns: DnsStep = { status: 'skipped' }
  const proxyError = response.headers['x-squid-error']
  const ms = elapsed(context, started)
  const { status } = response
  const tunnelled = method === 'CONNECT' && status >= 200 && status < 300
  const answered = method === 'HEAD' && ![403, 407, 502, 503, 504].includes(status)
  if (tunnelled || answered) {
    const connect: ConnectStep = {
      status: 'ok',
      address: `${proxy.host}:${proxy.port}`,
      ms,
      proxyStatus: status,
    }
    if (!tunnelled) return finish({ started, context, route, dns, connect, status: 'reachable' })
    const tls = await tlsStep({ target, socket, context })
    const reached = tls.status === 'ok' ? 'reachable' : 'tls-failed'
    return finish({ started, context, route, dns, connect, tls, status: reached })
  }
  const failure = {
    status: 'failed' as const,
    code: proxyError?.split(' ')[0] ?? `HTTP_${status}`,
    message: `${method} ${target.host}:${target.port}: ${status} ${response.statusText}`.trim(),
    ms,
    proxyStatus: status,
    ...(proxyError !== undefined ? { proxyError } : {}),
  }
  if (proxyError?.startsWith('ERR_DNS_FAIL')) {
    const proxyDns: DnsStep = { ...failure, at: 'proxy' }
    const unresolved = target.hostSource === 'sample' ? 'inconclusive' : 'dns-failed'
    return finish({ started, context, route, dns: proxyDns, status: unresolved })
  }
  const refused = status === 403 || proxyError?.startsWith('ERR_ACCESS_DENIED') === true
  // A 5xx comes after the proxy's policy let the request through: upstream is the problem.
  const outcome = refused
    ? 'blocked-by-proxy'
    : status >= 500
      ? 'proxy-upstream-failed'
      : 'proxy-error'
  return finish({ started, context, route, dns, connect: failure, status: outcome })
}

function requirementsText(target: ProbeTarget): string {
  return target.requirementIds.join(', ')
}

/**
 * What a result means and what to look at next (the CLI's HINT column). `proxy` is the printable
 * proxy URL, named when it cannot be reached.
 * @example probeHint({ result, proxy: 'http://10.0.0.4:3128' })
 */
export function probeHint(input: {
  result: Omit<ProbeResult, 'hint'>
  proxy?: string | undefined
}): string {
  const { result } = input
  const parts: string[] = []
  const status = statusHint(input)
  if (status !== undefined) parts.push(status)
  if (result.hostSource === 'subsumed')
    parts.push(`tested as ${result.host}, which the plan folded under ${result.pattern}`)
  if (result.hostSource === 'sample' && result.status !== 'inconclusive')
    parts.push(`tested as the sample name ${result.host} for ${result.pattern}`)
  return parts.join('; ')
}

type HintInput = { result: Omit<ProbeResult, 'hint'>; proxy?: string | undefined }

/** The hint for the result's status; undefined when reachable. */
function statusHint(input: HintInput): string | undefined {
  const { result, proxy } = input
  const { host, port, pattern, connect, tls } = result
  const proxied =
    connect.status === 'failed' ? ` (${connect.proxyStatus ?? ''} ${connect.code})` : ''
  switch (result.status) {
    case 'reachable':
      return undefined
    case 'inconclusive':
      return `the sample name ${host} does not exist (${result.dns.status === 'failed' ? result.dns.code : 'no record'}), which says nothing about ${pattern}; probe a real host under it`
    case 'dns-failed':
      return dnsHint(result)
    case 'blocked':
      return blockedHint(result)
    case 'blocked-by-proxy':
      return `the proxy refused ${host}:${port}${proxied}: add ${pattern} to its allowlist (\`aml-egress render --format squid\`)`
    case 'proxy-upstream-failed':
      return `the proxy allows ${host}:${port} but could not reach it${proxied}: not its allowlist, but the destination or the proxy's own DNS or egress`
    case 'proxy-no-answer':
      return `the proxy ${proxy ?? ''} took the connection but did not answer for ${host}:${port} in time: it is still resolving or connecting upstream (a slow or broken DNS server behind it?); probe again with a longer --timeout to see its answer`
    case 'proxy-error':
      if (connect.status === 'failed' && connect.proxyStatus === undefined)
        return `cannot reach the proxy ${proxy ?? ''} (${connect.code}): no TCP connection to it; check its address, port and the route to it`
      if (connect.status === 'failed' && connect.proxyStatus === 407)
        return 'the proxy wants credentials: pass --proxy http://user:password@host:port'
      return `the proxy answered ${host}:${port}${proxied}, which is neither a tunnel nor a refusal`
    case 'tls-failed':
      if (tls.status === 'failed' && tls.certificate)
        return `the certificate of ${host} did not verify (${tls.code}): TLS inspection by a firewall or proxy whose CA this machine does not trust; exempt Azure ML hosts from inspection or trust that CA`
      return `TCP connected but the TLS handshake with ${host} failed (${tls.status === 'failed' ? tls.code : ''}): an application rule filtering on SNI drops it; allow the FQDN ${pattern}`
  }
}

function dnsHint(result: HintInput['result']): string {
  const { dns, host } = result
  if (dns.status === 'failed' && dns.at === 'proxy')
    return `the proxy could not resolve ${host} (${dns.code}): check the proxy's DNS server`
  if (dns.status === 'failed' && NO_SUCH_NAME.has(dns.code))
    return `no DNS record for ${host} (${dns.code}): check the subnet's DNS server (Azure DNS 168.63.129.16 or your forwarder) and, with private endpoints, the private DNS zone links`
  return `the DNS server did not answer for ${host} (${dns.status === 'failed' ? dns.code : ''}): is port 53 to it allowed?`
}

function blockedHint(result: HintInput['result']): string {
  const { connect, dns, host, port, pattern } = result
  const code = connect.status === 'failed' ? connect.code : ''
  const address = dns.status === 'ok' ? dns.addresses[0] : host
  const allow = `allow ${pattern} on TCP ${port} (${requirementsText(result)})`
  if (code === 'ETIMEDOUT')
    return `no answer from ${address}:${port}: a firewall, NSG or route drops it; ${allow}`
  if (code === 'ECONNREFUSED')
    return `${address}:${port} refused the connection: a firewall rejects it, or nothing listens there (a stale private endpoint record?); ${allow}`
  if (code === 'ECONNRESET')
    return `the connection to ${address}:${port} was reset by a firewall or proxy; ${allow}`
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return `no route to ${address}: check the subnet's route table (UDR to the firewall)`
  return `TCP connect to ${address}:${port} failed (${code}); ${allow}`
}

const FAILED: ReadonlySet<ProbeStatus> = new Set([
  'dns-failed',
  'blocked',
  'blocked-by-proxy',
  'proxy-upstream-failed',
  'proxy-no-answer',
  'proxy-error',
  'tls-failed',
])

// Answers that another connection cannot change: a proxy's refusal, a certificate, a missing sample.
function worthRetrying(attempt: Attempt): boolean {
  if (!FAILED.has(attempt.status) || attempt.status === 'blocked-by-proxy') return false
  return !(attempt.tls.status === 'failed' && attempt.tls.certificate)
}

/** Probes one target: DNS, TCP (or the proxy), TLS; again up to `retries` times while it fails. */
async function probeTarget(input: {
  target: ProbeTarget
  context: Context
  retries: number
  proxyDisplay: string | undefined
}): Promise<ProbeResult> {
  const { target, context } = input
  const proxied = context.proxy !== undefined && PROXIED_PORTS.includes(target.port)
  let attempts = 0
  let attempt: Attempt
  do {
    attempts++
    attempt =
      proxied && context.proxy
        ? await proxyAttempt(target, context, context.proxy)
        : await directAttempt(target, context)
  } while (attempts <= input.retries && worthRetrying(attempt))
  const result = { ...target, ...attempt, attempts, failed: FAILED.has(attempt.status) }
  return { ...result, hint: probeHint({ result, proxy: input.proxyDisplay }) }
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
async function mapLimit<T, R>(input: {
  items: readonly T[]
  limit: number
  work: (item: T) => Promise<R>
}): Promise<R[]> {
  const results: R[] = new Array(input.items.length)
  let next = 0
  const worker = async () => {
    while (next < input.items.length) {
      const index = next++
      results[index] = await input.work(input.items[index] as T)
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(input.limit, input.items.length) }, () => worker()),
  )
  return results
}

function checkInteger(input: { name: string; value: number; min: number; max: number }): number {
  const { name, value, min, max } = input
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer ${min}-${max}, got ${String(value)}`)
  return value
}

/**
 * Probes every outbound TCP host flow of the plan from where it runs: DNS, one TCP connection
 * (directly, or `CONNECT` through `proxy` for ports 80/443), and a TLS handshake with SNI on 443.
 * Only the plan's hosts (and the proxy) are contacted. UDP, service-tag, inbound and in-cluster
 * flows are listed in `notProbed` with the reason. Network access is injectable (`resolve`,
 * `connect`, `handshake`); the defaults use node:dns, node:net and node:tls.
 * @example const report = await probePlan(plan, { proxy: 'http://10.0.0.4:3128', timeoutMs: 3000 })
 */
export async function probePlan(plan: Plan, options: ProbeOptions = {}): Promise<ProbeReport> {
  const concurrency = checkInteger({
    name: 'concurrency',
    value: options.concurrency ?? PROBE_DEFAULTS.concurrency,
    min: 1,
    max: 256,
  })
  const timeoutMs = checkInteger({
    name: 'timeoutMs',
    value: options.timeoutMs ?? PROBE_DEFAULTS.timeoutMs,
    min: 1,
    max: 600_000,
  })
  const retries = checkInteger({
    name: 'retries',
    value: options.retries ?? PROBE_DEFAULTS.retries,
    min: 0,
    max: 10,
  })
  let proxy: ProxyAddress | undefined
  if (options.proxy !== undefined) {
    const parsed = parseProxyUrl(options.proxy)
    if (!parsed.proxy) throw new RangeError(`proxy: ${parsed.error ?? 'invalid'}`)
    proxy = parsed.proxy
  }
  const context: Context = {
    timeoutMs,
    resolve: options.resolve ?? nodeResolve,
    connect: options.connect ?? nodeConnect,
    handshake: options.handshake ?? nodeHandshake,
    verify: options.tls ?? {},
    proxy,
    now: options.now ?? (() => performance.now()),
  }
  const { targets, notProbed } = probeTargets(plan)
  let done = 0
  const results = await mapLimit({
    items: targets,
    limit: concurrency,
    work: async (target) => {
      const result = await probeTarget({ target, context, retries, proxyDisplay: proxy?.display })
      done++
      options.onProgress?.({ done, total: targets.length, result })
      return result
    },
  })
  return {
    results,
    notProbed,
    summary: {
      probed: results.length,
      reachable: results.filter((result) => result.status === 'reachable').length,
      failed: results.filter((result) => result.failed).length,
      requiredFailed: results.filter((result) => result.failed && result.level === 'required')
        .length,
      inconclusive: results.filter((result) => result.status === 'inconclusive').length,
      notProbed: notProbed.length,
    },
  }
}
