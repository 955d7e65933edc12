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

/**
 * The answer to "does this config allow this flow?". An allowed flow always names the rule that
 * allowed it; a denial may come from a rule or from the default (no rule matched).
 */
export type Verdict =
  | {
      verdict: 'allowed'
      decidedBy: DecidedBy
      /** One sentence a network engineer can act on. */
      reason: string
    }
  | {
      verdict: 'denied' | 'unknown'
      /** Absent for a default decision (no rule matched). */
      decidedBy?: DecidedBy
      /** One sentence a network engineer can act on. */
      reason: string
    }

/**
 * A file that a config loads by name: a Squid `include` or ACL values file, Terraform's
 * auto-loaded `terraform.tfvars`. A reader is pure; a caller with a disk (the CLI's `check`) reads
 * these too and reads again.
 */
export type FileReference = {
  /**
   * POSIX path as the caller names files: absolute, or relative like the given paths. `*` and `?`
   * may appear in the last segment (a glob, matched in sorted order).
   */
  path: string
  /** The target fails without it (a Squid include); false when it is loaded only if present. */
  required: boolean
  /** Where the config names it. */
  location?: { file: string; line?: number }
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
  /**
   * Rules that only attached compute needs (Kubernetes, attached VMs: compute in your own
   * network). False for a target that hosts only Azure ML's managed compute (a managed network).
   */
  attachedCompute: boolean
  /** URL paths under a host. */
  urlPath: boolean
}

/** One feature a format may lack, e.g. `udp`. */
export type Capability = keyof FormatCapabilities

/**
 * Every capability, in the order triage asks about them: direction, the compute served, far end,
 * protocol, ports.
 */
export const capabilityNames = [
  'inCluster',
  'inbound',
  'attachedCompute',
  'exactFqdn',
  'wildcardFqdn',
  'serviceTag',
  'cidr',
  'udp',
  'nonHttpPorts',
  'urlPath',
] as const satisfies readonly Capability[]

/**
 * A render option the CLI offers as a flag. The CLI builds its help and parsing from these, so a
 * format's options reach the command line without CLI code of their own.
 */
export type RenderOptionSpec<RenderOptions> = {
  /** The option's key in the format's render options. */
  key: Extract<keyof RenderOptions, string>
  /** The flag without dashes, kebab-case: `mode` is `--mode`, `dns-proxy` is `--dns-proxy`. */
  flag: string
  /** One line for `--help`. */
  description: string
  /**
   * How the flag's text becomes the option: `string` as given, `integer` parsed, `boolean` a
   * switch (`--no-<flag>` turns it off), `choice` one of `choices`, `jsonFile` a path whose JSON
   * content is the value.
   */
  type: 'string' | 'integer' | 'boolean' | 'choice' | 'jsonFile'
  /** The values a `choice` accepts. */
  choices?: readonly string[]
  /** The default the format applies when the flag is absent, as `--help` shows it. */
  default?: string
}

/**
 * The contract every format package implements, and the one description of a format that the CLI
 * (help, `check`'s file discovery), the shared matrix, fuzzing and the bench read: pure,
 * synchronous rendering; reading a config (ours or hand-written) into the format's model;
 * evaluating a flow with the target's semantics.
 */
export type EgressFormat<Config, RenderOptions = undefined> = {
  /** CLI name, e.g. `squid`. */
  name: string
  /** Human title, e.g. `Squid proxy ACLs`. */
  title: string
  /** What the format expresses; core's `triagePlan` hands the renderer only that. */
  capabilities: FormatCapabilities
  /**
   * Help for an unsupported-feature diagnostic, by the capability that is missing: where else the
   * rule can go (e.g. `udp`: "Render this rule with the azure-firewall format."). `urlPath` is
   * the help of the TLS-inspection diagnostic: how this target could filter the path.
   */
  unsupportedHelp?: Partial<Record<Capability, string>>
  /** File name endings the reader takes (`.tf`, `.yaml`): `check DIR` reads those files. */
  fileExtensions: readonly string[]
  /** The render options the CLI offers as flags. */
  renderOptions: readonly RenderOptionSpec<RenderOptions>[]
  /** Pure: no I/O, no clock, no randomness, no throwing for "cannot express". */
  render(plan: Plan, options?: RenderOptions): RenderResult
  /** Parses files (any order) into the format's model. Async because some parsers are. */
  read(files: readonly RenderedFile[]): Promise<ReadResult<Config>>
  /** Evaluates one flow with the target engine's real semantics. */
  evaluate(config: Config, flow: Flow): Verdict
  /**
   * The files the given files load by name and that are not among them yet (includes, value
   * lists, auto-loaded variable files). Pure; absent when a format's configs load nothing.
   */
  references?(files: readonly RenderedFile[]): FileReference[]
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
