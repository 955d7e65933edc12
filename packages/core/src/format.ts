import type { Diagnostic } from './diagnostics'
import type { Flow, Plan } from './plan'

/** A file a renderer produces or a reader consumes: a relative POSIX path and its text. */
export type RenderedFile = {
  /** Relative POSIX path, no `..`, e.g. `squid/aml-egress.conf`. */
  path: string
  contents: string
}

/** What `render` returns: files sorted by path, and coded diagnostics for what it could not say. */
export type RenderResult = {
  files: RenderedFile[]
  diagnostics: Diagnostic[]
}

/** What `read` returns: the format's own model of the config and what it could not interpret. */
export type ReadResult<Config> = {
  config: Config
  diagnostics: Diagnostic[]
}

/** Where a verdict came from: the rule or line that decided. */
export type DecidedBy = {
  /** Rule name, ACL line or policy name. */
  rule: string
  file?: string
  line?: number
}

/** The answer to "does this config allow this flow?". */
export type Verdict = {
  verdict: 'allowed' | 'denied' | 'unknown'
  /** Absent for a default decision (no rule matched). */
  decidedBy?: DecidedBy
  /** One sentence a network engineer can act on. */
  reason: string
}

/** Model features a format can express. Anything else gets an unsupported-feature diagnostic. */
export type FormatCapabilities = {
  /** Exact host names. */
  exactFqdn: boolean
  /** `*.suffix` host patterns. */
  wildcardFqdn: boolean
  /** Azure service tags. */
  serviceTag: boolean
  /** IP addresses and CIDRs. */
  cidr: boolean
  /** Ports other than HTTP 80 and HTTPS 443. */
  nonHttpPorts: boolean
  /** UDP. */
  udp: boolean
  /** Inbound rules (to the compute subnet). */
  inbound: boolean
  /** Pod-to-pod and pod-to-API-server flows inside a Kubernetes cluster. */
  inCluster: boolean
  /** URL paths under a host. */
  urlPath: boolean
}

/**
 * The contract every format package implements: pure, synchronous rendering; reading a config
 * (ours or hand-written) into the format's model; evaluating a flow with the target's semantics.
 */
export type EgressFormat<Config, RenderOptions = undefined> = {
  /** CLI name, e.g. `squid`. */
  name: string
  /** Human title, e.g. `Squid proxy ACLs`. */
  title: string
  capabilities: FormatCapabilities
  /** Pure: no I/O, no clock, no randomness, no throwing for "cannot express". */
  render(plan: Plan, options?: RenderOptions): RenderResult
  /** Parses files (any order) into the format's model. Async because some parsers are. */
  read(files: readonly RenderedFile[]): Promise<ReadResult<Config>>
  /** Evaluates one flow with the target engine's real semantics. */
  evaluate(config: Config, flow: Flow): Verdict
}

/**
 * Identity helper that gives a format object its inferred types.
 * @example export const squidFormat = defineFormat({ name: 'squid', … })
 */
export function defineFormat<Config, RenderOptions = undefined>(
  format: EgressFormat<Config, RenderOptions>,
): EgressFormat<Config, RenderOptions> {
  return format
}
