import type { Socket } from 'node:net'
import type { Level, RuleDirection } from '@aml-egress/core'

/** One outbound TCP flow of the plan, with the concrete host a probe contacts. */
export type ProbeTarget = {
  /** The plan rule this flow proves. */
  ruleId: string
  /** Catalog requirement ids behind the rule. */
  requirementIds: readonly string[]
  /** The strongest level of those requirements; only `required` failures fail the run. */
  level: Level
  /** The plan's destination: an exact host or a `*.suffix` wildcard. */
  pattern: string
  /** The host contacted: the pattern itself, a host the plan folded under it, or a sample name. */
  host: string
  /**
   * How `host` was chosen: `exact` (the rule names it), `subsumed` (a concrete host the plan folded
   * under the wildcard, e.g. the workspace's storage account) or `sample` (`aml-egress-sample.`
   * prefix: the name may not exist).
   */
  hostSource: 'exact' | 'subsumed' | 'sample'
  port: number
  /** A TLS handshake (with SNI) follows the TCP connect: HTTPS port 443. */
  https: boolean
}

/** A flow of the plan that a connect probe cannot test, and why. */
export type NotProbed = {
  /** The plan rule of the flow. */
  ruleId: string
  /** Catalog requirement ids behind the rule. */
  requirementIds: readonly string[]
  /** The rule's level: a `required` flow here still has to be verified another way. */
  level: Level
  direction: RuleDirection
  /** The flow's protocol (`ANY` rules are probed as TCP). */
  protocol: 'TCP' | 'UDP'
  /**
   * The source in one line (`10.0.0.0/24`, `pods in models`): rules that differ only in their
   * source (kube-dns from two namespaces) are told apart by it.
   */
  source: string
  /** The destination in one line (`*.tundra.westeurope.api.azureml.ms`, `tag Storage.WestEurope`). */
  destination: string
  /** The ports of the rule's flows (edges of a range). */
  ports: readonly number[]
  /** Why a connect probe cannot test it, and what to use instead. */
  reason: string
}

/** A failed step: the error code Node (or the proxy) gave, and its message. */
export type StepFailure = {
  status: 'failed'
  /**
   * `ENOTFOUND`, `ECONNREFUSED`, `ETIMEDOUT`, `DEPTH_ZERO_SELF_SIGNED_CERT`, Squid's
   * `ERR_ACCESS_DENIED`, `PROXY_NO_ANSWER` (connected to the proxy, no answer in time), …
   */
  code: string
  message: string
  /** Time the step took, in whole milliseconds. */
  ms: number
}

/** DNS lookup of the host. `skipped` through a proxy: resolving is the proxy's job. */
export type DnsStep =
  | { status: 'ok'; addresses: string[]; ms: number }
  | (StepFailure & {
      /** `proxy` when the proxy reported the failure (ERR_DNS_FAIL). */ at: 'local' | 'proxy'
    })
  | { status: 'skipped' }

/** TCP connect, directly or through the proxy (`CONNECT`, or `HEAD` for plain HTTP on 80). */
export type ConnectStep =
  | {
      status: 'ok'
      /** The address connected to (direct), or the proxy's `host:port`. */
      address: string
      ms: number
      /** The proxy's HTTP status (200 for CONNECT; the origin's status for HEAD). */
      proxyStatus?: number
    }
  | (StepFailure & {
      proxyStatus?: number
      /** Squid's `X-Squid-Error` header, when the proxy is a Squid. */
      proxyError?: string
    })
  | { status: 'skipped' }

/** TLS handshake with SNI on the connected socket (HTTPS only). */
export type TlsStep =
  | { status: 'ok'; protocol: string; ms: number }
  | (StepFailure & {
      /** The certificate did not verify: typically TLS inspection with a CA this machine lacks. */
      certificate: boolean
    })
  | { status: 'skipped' }

/**
 * The outcome of one flow. Failures: `dns-failed` (locally, or the proxy's ERR_DNS_FAIL),
 * `blocked` (no TCP connection), `blocked-by-proxy` (the proxy's policy refused it: 403),
 * `proxy-upstream-failed` (the proxy's policy allowed it but the proxy could not reach the host: a
 * 5xx), `proxy-no-answer` (the proxy took the connection but did not answer within the timeout),
 * `proxy-error` (no TCP connection to the proxy, it wants credentials, or its answer is not HTTP),
 * `tls-failed`. `inconclusive`: a sample name (`aml-egress-sample.…`) does not exist, which says
 * nothing about the wildcard rule.
 */
export type ProbeStatus =
  | 'reachable'
  | 'dns-failed'
  | 'blocked'
  | 'blocked-by-proxy'
  | 'proxy-upstream-failed'
  | 'proxy-no-answer'
  | 'proxy-error'
  | 'tls-failed'
  | 'inconclusive'

/** What the probe found for one target. */
export type ProbeResult = ProbeTarget & {
  /** `proxy` for ports 80/443 when a proxy is given; other ports go direct. */
  route: 'direct' | 'proxy'
  dns: DnsStep
  connect: ConnectStep
  tls: TlsStep
  /** Wall time of the last attempt, in milliseconds. */
  ms: number
  /** Connections made for this flow: 1, or more with `retries`. */
  attempts: number
  status: ProbeStatus
  /** True for every status except `reachable` and `inconclusive`. */
  failed: boolean
  /** What the result means and what to look at next. */
  hint: string
}

/** Counts of a probe run, by outcome. */
export type ProbeSummary = {
  /** Flows probed (targets). */
  probed: number
  /** Flows with status `reachable`. */
  reachable: number
  /** Flows with a failing status (every status but `reachable` and `inconclusive`). */
  failed: number
  /** Failed flows whose level is `required`: the run fails when this is above 0. */
  requiredFailed: number
  /** Sample names that do not exist: no verdict on the wildcard. */
  inconclusive: number
  /** Flows listed in `notProbed`. */
  notProbed: number
}

/** What `probePlan` returns. */
export type ProbeReport = {
  /** One result per target, in plan order. */
  results: ProbeResult[]
  /** Flows a connect probe cannot test, with the reason. */
  notProbed: NotProbed[]
  summary: ProbeSummary
}

/** Resolves a host name to addresses (default: `dns.lookup`, the system resolver apps use). */
export type ResolveFn = (host: string) => Promise<string[]>

/** Opens one TCP connection (default: `net.connect`); rejects with a Node error code. */
export type ConnectFn = (input: {
  host: string
  port: number
  timeoutMs: number
}) => Promise<Socket>

/** Certificate checks for the TLS handshake. Production keeps the defaults (verify against the system CAs). */
export type TlsVerifyOptions = {
  /** Default true. Tests against a self-signed loopback server turn it off. */
  rejectUnauthorized?: boolean
  /** Extra trusted CA certificates (PEM), e.g. a TLS-inspecting proxy's CA. */
  ca?: string | undefined
}

/** Completes a TLS handshake on a connected socket (default: `tls.connect`). */
export type TlsHandshakeFn = (input: {
  socket: Socket
  servername: string
  timeoutMs: number
  verify: TlsVerifyOptions
}) => Promise<{ protocol: string }>

/** One finished flow, for a progress indicator. */
export type ProbeProgress = { done: number; total: number; result: ProbeResult }

/** How `probePlan` probes: concurrency, timeouts, proxy and the injectable network. */
export type ProbeOptions = {
  /** `http://[user:password@]host:port`: ports 80 and 443 are probed through it. */
  proxy?: string | undefined
  /** Flows probed at once (default 8). */
  concurrency?: number | undefined
  /** Limit of each step (DNS, connect, TLS) in milliseconds (default 5000). */
  timeoutMs?: number | undefined
  /** Extra attempts after a failure (default 0: one connection per flow). */
  retries?: number | undefined
  resolve?: ResolveFn | undefined
  connect?: ConnectFn | undefined
  handshake?: TlsHandshakeFn | undefined
  tls?: TlsVerifyOptions | undefined
  /** Called after each flow, for progress indicators. */
  onProgress?: ((progress: ProbeProgress) => void) | undefined
  /** Clock in milliseconds (default `performance.now`); injectable for stable test output. */
  now?: (() => number) | undefined
}
