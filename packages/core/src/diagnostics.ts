import * as z from 'zod'
import { capabilityNames } from './format'
import { compareOrdinal } from './order'
import type { ReadonlyDeep } from './readonly'
import { escapeControlCharacters } from './text'

/**
 * Every diagnostic code, with the documentation a user sees (`aml-egress explain CODE`, the docs
 * page) and its severity, which every format uses unless the code spans both hard errors and
 * advice (a limit Azure enforces vs one it recommends). Adding a code means documenting it here:
 * the type makes an undocumented code impossible.
 */
export const diagnosticCodes = {
  AML_EGRESS_UNSUPPORTED_FEATURE: {
    severity: 'warning',
    title: 'The format cannot express this rule',
    cause:
      "The target could carry this rule but cannot say it here, for a reason of its own: e.g. a host on a port that Azure Firewall matches neither by application rule nor by network-rule FQDN, with no documented service tag; a service-tags file without the rule's tag; a firewall rule whose source is pods. (What a target is not meant to carry at all is `AML_EGRESS_OUT_OF_SCOPE`.)",
    fix: 'Render this rule with a format that can express it (the diagnostic names one), or allow it outside this target.',
  },
  AML_EGRESS_LOSSY_TRANSLATION: {
    severity: 'info',
    title: 'The rendering is narrower than the rule',
    cause:
      'The target expresses the rule in a narrower form (e.g. a Cilium wildcard written for a few DNS labels, IPv6 prefixes of a service tag left out), so the rendered config allows less than the plan.',
    fix: 'Usually nothing: the part left out is not used in practice. The message names it if you need it.',
  },
  AML_EGRESS_SERVICE_TAG_FALLBACK: {
    severity: 'warning',
    title: 'A host rule was rendered as its documented service tag',
    cause:
      'The target cannot match this host on this protocol or port (e.g. a wildcard FQDN on UDP in an Azure Firewall network rule), so the service tag the docs give as its equivalent was used. The tag covers more than the host.',
    fix: 'Accept the wider rule, or use a target that matches host names on this port.',
  },
  AML_EGRESS_DNS_PROXY_REQUIRED: {
    severity: 'warning',
    title: 'FQDNs in network rules need the firewall DNS proxy',
    cause: 'Azure Firewall resolves FQDNs in network rules only when the policy DNS proxy is on.',
    fix: 'Set `dnsSettings.enableProxy: true` on the firewall policy and point the compute subnet DNS at the firewall.',
  },
  AML_EGRESS_TLS_INSPECTION_REQUIRED: {
    severity: 'info',
    title: 'A URL path can only be filtered with TLS inspection',
    cause:
      'The docs name a URL path, which is inside the encrypted request. Without inspection only the host can be allowed.',
    fix: 'The host was allowed. To filter on the path, enable TLS inspection (Azure Firewall Premium, Squid ssl-bump).',
  },
  AML_EGRESS_OUT_OF_SCOPE: {
    severity: 'info',
    title: 'The rule belongs to another kind of target',
    cause:
      "The target never carries this traffic or cannot name its far end, by what it is: in-cluster flows in a proxy or firewall, host names in a plain NetworkPolicy, service tags, UDP or ports other than 80/443 in an HTTP proxy, what only Kubernetes compute or attached VMs need in an Azure ML managed network (which does not support them). The format's capabilities say what it carries; the part of the rule it can say is rendered.",
    fix: 'Render these rules with a format that carries them (the summary names those whose capabilities do), or allow them outside this target.',
  },
  AML_EGRESS_NOT_EGRESS: {
    severity: 'info',
    title: 'This requirement is not egress',
    cause:
      'Inbound traffic to compute (e.g. TCP 44224 from AzureMachineLearning to public-IP compute) is not filtered by an egress firewall or proxy.',
    fix: 'Allow it in the subnet NSG (a format that carries inbound rules renders it) and add a user-defined route with next hop Internet.',
  },
  AML_EGRESS_UNRESOLVED_ADDRESS: {
    severity: 'warning',
    title: 'An address the docs need is not in the profile',
    cause:
      'The requirement names an address only you know (the Kubernetes API server IP, custom DNS servers).',
    fix: 'Add it to the profile (the message names the field) and render again.',
  },
  AML_EGRESS_UNPUBLISHED_SERVICE_TAG: {
    severity: 'error',
    title: 'A service tag the cloud does not publish',
    cause:
      "The docs name a tag that the cloud's published service-tags file does not have (e.g. a regional tag for a region too new for the snapshot). A rule naming it fails to deploy, so the plan leaves it out.",
    fix: 'Download the newest "Azure IP Ranges and Service Tags" file of your cloud and render with --service-tags FILE; if the tag is still missing, allow the hosts of the requirement instead (destinationStyle: hosts).',
  },
  AML_EGRESS_SERVICE_TAG_SUBSTITUTED: {
    severity: 'info',
    title: 'A service tag the cloud lacks was replaced by its documented hosts',
    cause:
      'The docs name this tag for every cloud, but the cloud does not publish it (AzureFrontDoor.FirstParty exists only in the public cloud); the hosts the docs give for the same need are allowed instead (decision D25).',
    fix: 'Nothing to do: the hosts are the documented alternative.',
  },
  AML_EGRESS_NOT_DOCUMENTED: {
    severity: 'warning',
    title: 'The docs give no host for this cloud or region',
    cause:
      'A requirement applies to the profile, but its docs list a host only for another cloud or region (e.g. the Azure ML Kubernetes table in US Government, the Arc Cluster Connect host outside US Gov Virginia). The plan leaves it out rather than guess a name.',
    fix: "Find the host for your cloud or region (the workspace's outbound dependencies: `aml-egress compare`) and allow it yourself, or check whether the compute works without it.",
  },
  AML_EGRESS_ADVISORY: {
    severity: 'info',
    title: 'A requirement that is not a firewall rule',
    cause:
      'The docs require a private endpoint, a route, a service endpoint policy or a port constraint. No firewall rule can provide it.',
    fix: 'Set it up as the message says; the linked doc section has the steps.',
  },
  AML_EGRESS_EXFILTRATION_RISK: {
    severity: 'warning',
    title: 'A rule reaches storage or services of other tenants',
    cause:
      'A service tag or wildcard (e.g. `Storage.<region>`, `*.blob.core.windows.net`) also reaches accounts outside your estate.',
    fix: 'Prefer exact hosts for your own accounts, and a service endpoint policy for Microsoft storage.',
  },
  AML_EGRESS_OVER_BROAD_RULE: {
    severity: 'warning',
    title: 'An existing rule allows more than Azure Machine Learning needs',
    cause:
      'The config allows `*`, a global service tag where the regional one suffices, or a wildcard without a dot (`*pytorch.org`).',
    fix: 'Narrow the rule to what the plan lists (`aml-egress render` prints it).',
  },
  AML_EGRESS_LIMIT_SPLIT: {
    severity: 'info',
    title: 'A target limit forced a split',
    cause:
      'The rules exceed a per-collection or per-group limit of the target, so they were split.',
    fix: 'Nothing to do; the split is deterministic. The message names the limit.',
  },
  AML_EGRESS_LIMIT_EXCEEDED: {
    severity: 'error',
    title: 'A target limit cannot be met',
    cause: 'The plan needs more than the target allows even after splitting.',
    fix: 'Reduce the estate per config (e.g. one file per region) or use IP groups.',
  },
  AML_EGRESS_MANAGED_BY_AML: {
    severity: 'info',
    title: 'The managed network allows this without a user-defined rule',
    cause:
      'In an Azure ML managed virtual network, Azure ML applies its own required rules (service tags, private endpoints to the workspace resources); `allow_internet_outbound` allows all internet egress.',
    fix: 'Nothing to add: `managed-by-aml.json` lists these rules for `check`.',
  },
  AML_EGRESS_PRIVATE_ENDPOINT_REQUIRED: {
    severity: 'warning',
    title: 'Azure Storage needs a private endpoint rule in a managed network',
    cause:
      'In `allow_only_approved_outbound` mode an FQDN rule cannot reach Azure Storage; Azure ML creates the private endpoint to the default storage account only.',
    fix: 'List the account in the `privateEndpoints` render option (`--private-endpoints FILE`) for a private endpoint rule.',
  },
  AML_EGRESS_HTTP_PORTS_WIDENED: {
    severity: 'warning',
    title: 'The target opens both HTTP 80 and HTTPS 443 of a host',
    cause: 'A managed-network FQDN rule has no port: it opens 80 and 443 where the plan lists one.',
    fix: 'Accept it, or allow the host in your own firewall, whose rules choose the port.',
  },
  AML_EGRESS_UNRESTRICTED_SOURCE: {
    severity: 'warning',
    title: 'A source address stands for every client',
    cause:
      'sourceAddresses holds 0.0.0.0/0: every rule allows any client, not just the compute subnets, so anything that can reach the firewall or proxy gets the same egress. Each target spells it as its own "every IPv4 address" (Azure Firewall and Terraform `*`, Squid `0.0.0.0/1 128.0.0.0/1`).',
    fix: 'List the compute subnets in sourceAddresses instead (e.g. [10.10.0.0/24]), unless an open source is what you mean.',
  },
  AML_EGRESS_READ_SYNTAX: {
    severity: 'error',
    title: 'The config could not be parsed',
    cause: 'The file is not valid for its format.',
    fix: 'Fix the file at the line given.',
  },
  AML_EGRESS_READ_UNSUPPORTED: {
    severity: 'warning',
    title: 'Part of the config could not be interpreted',
    cause:
      'The reader met a construct it does not model. Flows that depend on it are reported as unknown, never as allowed.',
    fix: 'Check those flows by hand, or open an issue with the construct.',
  },
  AML_EGRESS_DUPLICATE_REQUIREMENT: {
    severity: 'info',
    title: 'A requirement of your own is already covered',
    cause:
      'An `extraRequirements` entry or a package index host from an environment file asks for a flow that a catalog requirement of the plan already allows: same direction, a protocol and ports that cover it, a destination that contains it.',
    fix: 'Nothing breaks: it is not rendered twice. Remove the entry, or keep it as documentation; the message names the requirement that covers it.',
  },
  AML_EGRESS_REQUIREMENT_NOT_APPLICABLE: {
    severity: 'info',
    title: 'A requirement of your own does not apply to this profile',
    cause:
      "The entry's `compute` or `workloads` names none of the compute kinds or workloads the profile lists, so it is not in the plan.",
    fix: "Add the compute kind or workload to the profile, or widen the entry's scope.",
  },
  AML_EGRESS_ENVIRONMENT_FILE_LINE: {
    severity: 'warning',
    title: 'A line of an environment file was not understood',
    cause:
      'The line is not a package, an index option or a URL that the parser knows (an unknown option, an environment variable in a URL, a malformed entry, an include past the limit). Its hosts are never guessed: they are not in the plan.',
    fix: 'Fix the line, or allow its host with an `extraRequirements` entry. The message names the file and line.',
  },
  AML_EGRESS_CREDENTIALS_IN_URL: {
    severity: 'warning',
    title: 'A URL in an environment file carries credentials',
    cause:
      'An index or channel URL has a user name, password or token in it (`https://user:token@host/`). Only the host enters the plan; the credentials are never written to any output.',
    fix: "Move the credentials out of the file: pip's keyring or netrc support, `PIP_INDEX_URL` in the build's environment, conda's `conda token` or `.condarc`.",
  },
  AML_EGRESS_ENVIRONMENT_FILE_NOT_READ: {
    severity: 'warning',
    title: 'An environment file the profile names was not read',
    cause:
      '`features.pythonPackages.from` names a file whose contents `resolvePlan` did not get, so none of its package index hosts are in the plan.',
    fix: "Load the profile with the CLI or `loadProfileFile` from `@aml-egress/cli`, which read the files, or pass each file's `parseEnvironmentFile` result in `resolvePlan`'s `environmentFiles`.",
  },
  AML_EGRESS_INVALID_INPUT: {
    severity: 'error',
    title: 'Invalid input',
    cause: 'A profile, option or file failed validation.',
    fix: 'Correct the field the message names.',
  },
} as const satisfies Record<
  string,
  { severity: 'error' | 'warning' | 'info'; title: string; cause: string; fix: string }
>

/** A stable diagnostic code (`AML_EGRESS_…`), documented in docs/diagnostics.md. */
export type DiagnosticCode = keyof typeof diagnosticCodes
const codeNames = Object.keys(diagnosticCodes) as [DiagnosticCode, ...DiagnosticCode[]]

export const DiagnosticSeveritySchema = z.enum(['error', 'warning', 'info'])
/** How serious a diagnostic is: `error`, `warning` or `info`. */
export type DiagnosticSeverity = z.infer<typeof DiagnosticSeveritySchema>

/** A problem or remark, as data. Presentation is `formatDiagnostics`. */
export const DiagnosticSchema = z.object({
  code: z.enum(codeNames),
  severity: DiagnosticSeveritySchema,
  message: z.string(),
  /** The format that produced it (`squid`, `azure-firewall`, …); absent for core. */
  format: z.string().optional(),
  /** Path into the plan, profile or parsed config. */
  path: z.array(z.union([z.string(), z.number()])).optional(),
  /** The plan rule concerned. */
  ruleId: z.string().optional(),
  /** Catalog requirements concerned. */
  requirementIds: z.array(z.string()).optional(),
  /**
   * For a rule (or part of one) left out as out of this format's scope: the capability the format
   * lacks, e.g. `inCluster`. Summaries group by it (`summariseDiagnostics`).
   */
  lacks: z.enum(capabilityNames).optional(),
  /** Every capability the part left out needs: a format with all of them carries it. */
  needs: z.array(z.enum(capabilityNames)).optional(),
  /** Where in a read file. */
  location: z.object({ file: z.string(), line: z.number().int().optional() }).optional(),
  help: z.string().optional(),
  /**
   * How many plan rules the diagnostic stands for, when a render summarised them (the `summary`
   * detail, the default): the rules of one requirement list with the same finding. The message,
   * `ruleId` and `path` are the first rule's. Absent: one.
   */
  count: z.number().int().min(2).optional(),
  /** With `count`: the first few rules it stands for, the first included. */
  exampleRuleIds: z.array(z.string()).optional(),
})
/** A coded finding: what could not be expressed, read or resolved, and where. */
export type Diagnostic = z.infer<typeof DiagnosticSchema>

/** What `createDiagnostic` takes: a diagnostic whose severity and help may be left to the code. */
export type DiagnosticInput = Omit<Diagnostic, 'severity' | 'count' | 'exampleRuleIds'> & {
  /** Default: the code's documented severity, the one policy every format follows. */
  severity?: DiagnosticSeverity
  /** The plan rule concerned: sets `ruleId` and `requirementIds`. */
  rule?: { id: string; requirementIds: readonly string[] }
  /** The rule's index in `plan.rules`: sets `path` to `['rules', index]`. */
  index?: number
}

/**
 * The one way to build a diagnostic: severity and `help` default to the code's documentation,
 * and the fields always come in one order, so JSON output is stable.
 * @example createDiagnostic({ code: 'AML_EGRESS_NOT_EGRESS', message, format: 'squid', rule, index })
 */
export function createDiagnostic(input: DiagnosticInput): Diagnostic {
  const documented = diagnosticCodes[input.code]
  const { rule } = input
  // One literal for the diagnostic a format gives a plan rule: fleets make tens of thousands, and
  // adding the fields one by one cost about a tenth of a render (network-policy, 10,000 workspaces).
  if (rule && input.index !== undefined && input.format !== undefined && !input.location) {
    const { code, message, format, lacks } = input
    const severity = input.severity ?? documented.severity
    const ruleId = rule.id
    // Shared with the plan rule, which is read-only.
    const requirementIds = rule.requirementIds as string[]
    const path = ['rules', input.index]
    const help = input.help ?? documented.fix
    if (lacks === undefined)
      return { code, severity, message, format, ruleId, requirementIds, path, help }
    const needs = input.needs ?? [lacks]
    return { code, severity, message, format, ruleId, requirementIds, lacks, needs, path, help }
  }
  const diagnostic: Diagnostic = {
    code: input.code,
    severity: input.severity ?? documented.severity,
    message: input.message,
  }
  if (input.format !== undefined) diagnostic.format = input.format
  const ruleId = input.rule?.id ?? input.ruleId
  if (ruleId !== undefined) diagnostic.ruleId = ruleId
  // Shared with the plan rule, which is read-only.
  const requirementIds =
    (input.rule?.requirementIds as string[] | undefined) ?? input.requirementIds
  if (requirementIds !== undefined) diagnostic.requirementIds = requirementIds
  if (input.lacks !== undefined) diagnostic.lacks = input.lacks
  if (input.needs !== undefined) diagnostic.needs = input.needs
  const path = input.index === undefined ? input.path : ['rules', input.index]
  if (path !== undefined) diagnostic.path = path
  if (input.location !== undefined) diagnostic.location = input.location
  diagnostic.help = input.help ?? documented.fix
  return diagnostic
}

const severityRank: Record<DiagnosticSeverity, number> = { error: 0, warning: 1, info: 2 }

/** Stable order: severity, code, rule, message. */
export function sortDiagnostics<D extends ReadonlyDeep<Diagnostic>>(
  diagnostics: readonly D[],
): D[] {
  return [...diagnostics].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      compareOrdinal(a.code, b.code) ||
      compareOrdinal(a.ruleId ?? '', b.ruleId ?? '') ||
      compareOrdinal(a.message, b.message),
  )
}

/**
 * One line per diagnostic, for terminals and logs.
 * @example formatDiagnostics([d]) // "warning AML_EGRESS_UNSUPPORTED_FEATURE [squid] …"
 */
export function formatDiagnostics(diagnostics: readonly ReadonlyDeep<Diagnostic>[]): string {
  return sortDiagnostics(diagnostics)
    .map((d) => {
      const where = d.location
        ? ` ${d.location.file}${d.location.line ? `:${d.location.line}` : ''}`
        : ''
      const format = d.format ? ` [${d.format}]` : ''
      const more = d.count ? ` and ${d.count - 1} more` : ''
      const rule = d.ruleId ? ` (${d.ruleId}${more})` : ''
      const help = d.help ? `\n    fix: ${d.help}` : ''
      // Messages and locations quote input files: a control character is shown, never obeyed.
      return escapeControlCharacters(
        `${d.severity} ${d.code}${format}${where}${rule}: ${d.message}${help}`,
      )
    })
    .join('\n')
}
