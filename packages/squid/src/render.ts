import {
  canonicalCidr,
  createDiagnostic,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticSeverity,
  formatPortRanges,
  isIpv4Address,
  isIpv4Cidr,
  isValidHostPattern,
  mergePortRanges,
  type Plan,
  type PlanRule,
  type PortRange,
  type RenderResult,
} from '@aml-egress/core'
import { collapseDomains, type DomainPattern } from './domains'
import type { SquidRenderOptions } from './model'

const FORMAT = 'squid'
/** Every ACL this package writes starts with this, so it cannot collide with an operator's names. */
export const ACL_PREFIX = 'aml_egress_'
/** Path of the include fragment. */
export const INCLUDE_PATH = 'squid/aml-egress.conf'
/** Path of the standalone configuration. */
export const STANDALONE_PATH = 'squid/squid.conf'

const HTTP_PORT = 80
const HTTPS_PORT = 443
const LOG_PATH = /^\/[A-Za-z0-9._/-]+$/

/** How a proxied client reaches a port: `GET http://host/…` or `CONNECT host:port`. */
type Mode = 'http' | 'https'

type Entry = DomainPattern & {
  rule: PlanRule
  /** The plan's host pattern: `*.name` or `name`. */
  fqdn: string
}

/** Hosts that share sources, request mode and ports: one `http_access` line. */
type Group = {
  sources: readonly string[]
  mode: Mode
  ports: readonly PortRange[]
  entries: Entry[]
}

function diagnostic(input: {
  code: DiagnosticCode
  severity: DiagnosticSeverity
  message: string
  rule?: PlanRule
  index?: number
  help?: string
}): Diagnostic {
  // Field by field, not with spreads: half the rules of a fleet get one.
  const fields: Diagnostic = {
    code: input.code,
    severity: input.severity,
    message: input.message,
    format: FORMAT,
  }
  if (input.rule) {
    fields.ruleId = input.rule.id
    fields.requirementIds = input.rule.requirementIds
  }
  if (input.index !== undefined) fields.path = ['rules', input.index]
  if (input.help) fields.help = input.help
  return createDiagnostic(fields)
}

/** Text for a comment line: printable ASCII only, so nothing in it can start a new directive. */
export function commentText(text: string): string {
  // Most text is already safe: one test instead of two rewrites.
  if (PRINTABLE.test(text) && !text.endsWith('\\')) return text
  // A trailing backslash would continue the line in some parsers; control characters end it.
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/\\+$/, '')
}

const PRINTABLE = /^[\x20-\x7e]*$/

function subtract(ranges: readonly PortRange[], port: number): readonly PortRange[] {
  // Usually the port is not in the list (445 has no 80 or 443): the list as it is.
  if (!contains(ranges, port)) return ranges
  const parts: PortRange[] = []
  for (const range of ranges) {
    if (port < range.from || port > range.to) {
      parts.push(range)
      continue
    }
    if (range.from < port) parts.push({ from: range.from, to: port - 1 })
    if (port < range.to) parts.push({ from: port + 1, to: range.to })
  }
  return parts
}

/** True when merging would change nothing: ascending, apart, none reversed (the usual case). */
function isMerged(ranges: readonly PortRange[]): boolean {
  let previous: PortRange | undefined
  for (const range of ranges) {
    if (range.from > range.to || (previous && range.from <= previous.to + 1)) return false
    previous = range
  }
  return true
}

function contains(ranges: readonly PortRange[], port: number): boolean {
  // Index loops here and below: these run per rule or per host, where for-of allocated.
  for (let at = 0; at < ranges.length; at++) {
    const range = ranges[at] as PortRange
    if (range.from <= port && port <= range.to) return true
  }
  return false
}

const ALL_PORTS: readonly PortRange[] = [{ from: 1, to: 65535 }]
const HTTP_ONLY: readonly PortRange[] = [{ from: HTTP_PORT, to: HTTP_PORT }]
const HTTPS_ONLY: readonly PortRange[] = [{ from: HTTPS_PORT, to: HTTPS_PORT }]

type PortSplit = {
  http: readonly PortRange[]
  https: readonly PortRange[]
  rest: readonly PortRange[]
}
const HTTPS_SPLIT: PortSplit = { http: [], https: HTTPS_ONLY, rest: [] }
const HTTP_SPLIT: PortSplit = { http: HTTP_ONLY, https: [], rest: [] }

/**
 * Splits a rule's ports into what a proxy carries: port 80 as plain HTTP, 443 through CONNECT.
 * Other ports (SMB 445, 8787, 18881, …) are not HTTP(S) in the docs and cannot pass a proxy.
 */
function splitPorts(rule: PlanRule): PortSplit {
  // Most rules are one port, 443 or 80: a shared answer, nothing built.
  const only = rule.ports.length === 1 ? rule.ports[0] : undefined
  if (only !== undefined && only.from === only.to) {
    if (only.from === HTTPS_PORT) return HTTPS_SPLIT
    if (only.from === HTTP_PORT) return HTTP_SPLIT
  }
  const all =
    rule.ports.length === 0
      ? ALL_PORTS
      : isMerged(rule.ports)
        ? rule.ports
        : mergePortRanges(rule.ports)
  return {
    http: contains(all, HTTP_PORT) ? HTTP_ONLY : [],
    https: contains(all, HTTPS_PORT) ? HTTPS_ONLY : [],
    rest: subtract(subtract(all, HTTP_PORT), HTTPS_PORT),
  }
}

function portsLabel(ports: readonly PortRange[]): string {
  return formatPortRanges(ports).join('_')
}

type Collected = { groups: Group[]; diagnostics: Diagnostic[] }

/** What collecting a plan's rules builds up. */
type Collector = {
  diagnostics: Diagnostic[]
  groups: Map<string, Group>
  /** Rules of a plan share their source list: it is canonicalised once per list. */
  sourcesByList: Map<readonly string[], CanonicalSources>
}

function collect(plan: Plan): Collected {
  const collector: Collector = { diagnostics: [], groups: new Map(), sourcesByList: new Map() }
  plan.rules.forEach((rule, index) => {
    collectRule(collector, rule, index)
  })
  const order = (group: Group) =>
    `${group.sources.join(',')}|${group.mode === 'http' ? 0 : 1}|${group.ports.map((p) => `${p.from}`.padStart(5, '0')).join(',')}`
  const sorted = [...collector.groups.values()].sort((a, b) =>
    order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0,
  )
  return { groups: sorted, diagnostics: collector.diagnostics }
}

function addTo(collector: Collector, sources: CanonicalSources, mode: Mode, entry: Entry): void {
  let group = sources.groups[mode]
  if (group === undefined) {
    // A group's ports follow from its mode: sources and mode identify it.
    const key = `${sources.key}|${mode}`
    group = collector.groups.get(key)
    if (group === undefined) {
      group = {
        sources: sources.list,
        mode,
        ports: mode === 'http' ? HTTP_ONLY : HTTPS_ONLY,
        entries: [],
      }
      collector.groups.set(key, group)
    }
    sources.groups[mode] = group
  }
  group.entries.push(entry)
}

/** A rule (or part of one) a proxy cannot carry. */
function unsupported(
  collector: Collector,
  input: { rule: PlanRule; index: number; message: string; help: string; code?: DiagnosticCode },
): void {
  const code = input.code ?? 'AML_EGRESS_UNSUPPORTED_FEATURE'
  collector.diagnostics.push(
    diagnostic({
      code,
      severity: code === 'AML_EGRESS_NOT_EGRESS' ? 'info' : 'warning',
      message: input.message,
      rule: input.rule,
      index: input.index,
      help: input.help,
    }),
  )
}

/** Sorts one rule into its groups, or says why it cannot be. A function, not a closure per rule. */
function collectRule(collector: Collector, rule: PlanRule, index: number): void {
  const { diagnostics } = collector
  const { destination, source } = rule
  if (rule.direction === 'inbound') {
    unsupported(collector, {
      rule,
      index,
      message: `inbound rule to ${describeEndpoint(destination)} is not egress; a forward proxy cannot carry it`,
      help: 'Allow it in the subnet NSG (render with the terraform format).',
      code: 'AML_EGRESS_NOT_EGRESS',
    })
    return
  }
  if (rule.direction === 'inCluster') {
    unsupported(collector, {
      rule,
      index,
      message: `in-cluster flow to ${describeEndpoint(destination)} never passes an egress proxy`,
      help: 'Render it with the network-policy format.',
    })
    return
  }
  if (destination.kind !== 'fqdn') {
    unsupported(collector, {
      rule,
      index,
      message: `a proxy matches host names only; ${describeEndpoint(destination)} (${rule.protocol} ${formatPortRanges(rule.ports).join(',')}) cannot be expressed`,
      help: 'Render this rule with the azure-firewall format.',
    })
    return
  }
  if (rule.protocol === 'UDP') {
    unsupported(collector, {
      rule,
      index,
      message: `UDP ${formatPortRanges(rule.ports).join(',')} to ${destination.fqdn} cannot pass an HTTP proxy${rule.serviceTagFallbacks.length > 0 ? ` (documented service tag: ${rule.serviceTagFallbacks.join(', ')})` : ''}`,
      help: 'Render this rule with the azure-firewall format.',
    })
    return
  }
  if (
    !isValidHostPattern(destination.fqdn) ||
    destination.fqdn !== destination.fqdn.toLowerCase()
  ) {
    diagnostics.push(
      diagnostic({
        code: 'AML_EGRESS_INVALID_INPUT',
        severity: 'error',
        message: `destination ${JSON.stringify(destination.fqdn)} is not a lower-case DNS name or *.suffix; rule not rendered`,
        rule,
        index,
      }),
    )
    return
  }
  const sources =
    source.kind === 'addresses'
      ? canonicalSources(collector.sourcesByList, source.addresses)
      : undefined
  if (source.kind !== 'addresses' || !sources?.allValid || sources.list.length === 0) {
    diagnostics.push(
      diagnostic({
        code: 'AML_EGRESS_INVALID_INPUT',
        severity: 'error',
        message: `the rule's source must be a non-empty list of IPv4 CIDRs for a Squid src ACL; rule not rendered`,
        rule,
        index,
      }),
    )
    return
  }
  if (rule.protocol === 'ANY')
    unsupported(collector, {
      rule,
      index,
      message: `the UDP half of protocol ANY to ${destination.fqdn} cannot pass an HTTP proxy; only TCP is rendered`,
      help: 'Render this rule with the azure-firewall format if UDP is needed.',
    })
  const { http, https, rest } = splitPorts(rule)
  if (rest.length > 0)
    unsupported(collector, {
      rule,
      index,
      message: `TCP ${formatPortRanges(rest).join(',')} to ${destination.fqdn} is not HTTP(S); a proxy cannot carry it${rule.serviceTagFallbacks.length > 0 ? ` (documented service tag: ${rule.serviceTagFallbacks.join(', ')})` : ''}`,
      help: 'Render this rule with the azure-firewall format.',
    })
  if (destination.urlPath !== undefined)
    diagnostics.push(
      diagnostic({
        code: 'AML_EGRESS_TLS_INSPECTION_REQUIRED',
        severity: 'warning',
        message: `only the host ${destination.fqdn} is allowed; the path ${commentText(destination.urlPath)} can only be filtered with TLS inspection`,
        rule,
        index,
        help: 'The host was allowed. To filter on the path, run squid-openssl with ssl_bump and a url_regex/urlpath_regex ACL.',
      }),
    )
  const wildcard = destination.fqdn.startsWith('*.')
  const entry: Entry = {
    name: wildcard ? destination.fqdn.slice(2) : destination.fqdn,
    wildcard,
    rule,
    fqdn: destination.fqdn,
  }
  if (http.length > 0) addTo(collector, sources, 'http', entry)
  if (https.length > 0) addTo(collector, sources, 'https', entry)
  if (rule.websocket && http.length > 0)
    diagnostics.push(
      diagnostic({
        code: 'AML_EGRESS_ADVISORY',
        severity: 'info',
        message: `WebSocket over plain HTTP to ${destination.fqdn} needs http_upgrade_request_protocols WebSocket allow; over CONNECT it passes as a tunnel`,
        rule,
        index,
      }),
    )
}

/** A rule's source CIDRs, canonical, sorted, without repeats, and as text (`a,b`). */
/** A source list, canonical and once each; `allValid` is false if any entry is not an IPv4 CIDR. */
type CanonicalSources = {
  list: string[]
  key: string
  allValid: boolean
  /** The groups of these sources, by mode, once found: rules share their source list. */
  groups: Partial<Record<Mode, Group>>
}

/** The canonical sources of a source list; one computation per list. */
function canonicalSources(
  cache: Map<readonly string[], CanonicalSources>,
  addresses: readonly string[],
): CanonicalSources {
  let sources = cache.get(addresses)
  if (!sources) {
    const list = [...new Set(addresses.filter(isIpv4Cidr).map(canonicalCidr))].sort(compareCidr)
    sources = { list, key: list.join(','), allValid: addresses.every(isIpv4Cidr), groups: {} }
    cache.set(addresses, sources)
  }
  return sources
}

function compareCidr(a: string, b: string): number {
  const key = (cidr: string) =>
    cidr
      .split(/[./]/)
      .map((part) => part.padStart(3, '0'))
      .join('.')
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0
}

function describeEndpoint(endpoint: PlanRule['destination']): string {
  switch (endpoint.kind) {
    case 'fqdn':
      return endpoint.fqdn
    case 'serviceTag':
      return `service tag ${endpoint.tag}`
    case 'addresses':
      return endpoint.addresses.join(', ') || 'addresses'
    case 'pods':
      return `pods in ${endpoint.namespaces.join(', ')}`
    case 'apiServer':
      return 'the Kubernetes API server'
  }
}

/** Sorted, without repeats; most lists here already are, and are returned as they are. */
function uniqueSorted(values: readonly string[]): readonly string[] {
  for (let i = 1; i < values.length; i++)
    if (!((values[i - 1] ?? '') < (values[i] ?? ''))) return [...new Set(values)].sort()
  return values
}

/** The plan patterns a dstdomain value stands for. */
function patternsOf(covers: readonly Entry[]): readonly string[] {
  const patterns: string[] = []
  for (const entry of covers) patterns.push(entry.fqdn)
  return uniqueSorted(patterns)
}

function addAll(set: Set<string>, values: readonly string[]): void {
  for (let at = 0; at < values.length; at++) set.add(values[at] as string)
}

/** Requirement ids of the covered rules and of the rules the resolver folded into them. */
function requirementIdsOf(covers: readonly Entry[]): readonly string[] {
  const only = covers.length === 1 ? covers[0]?.rule : undefined
  if (only && only.subsumes.length === 0) return uniqueSorted(only.requirementIds)
  // A wildcard can fold in 20,000 hosts that share a few ids: gathered into a set.
  const ids = new Set<string>()
  for (let at = 0; at < covers.length; at++) {
    const { rule } = covers[at] as Entry
    addAll(ids, rule.requirementIds)
    for (let s = 0; s < rule.subsumes.length; s++)
      addAll(ids, (rule.subsumes[s] as PlanRule['subsumes'][number]).requirementIds)
  }
  return [...ids].sort()
}

/**
 * Appends the ACL and http_access lines for all groups to `out`, in pieces, each line ending in
 * a newline: pieces joined once make one flat text instead of a string per line of a 5 MB file.
 */
function writeAccessLines(groups: readonly Group[], out: string[]): void {
  const sourceNames = new Map<string, string>()
  for (const group of groups) {
    const key = group.sources.join(',')
    if (!sourceNames.has(key))
      sourceNames.set(
        key,
        `${ACL_PREFIX}sources${sourceNames.size === 0 ? '' : `_${sourceNames.size + 1}`}`,
      )
  }
  const line = (text: string): void => {
    out.push(text, '\n')
  }
  line('# Compute subnets: the only clients these rules allow.')
  for (const [key, name] of sourceNames) line(`acl ${name} src ${key.split(',').join(' ')}`)
  line(`acl ${ACL_PREFIX}connect method CONNECT`)

  const access: string[] = []
  const usedNames = new Set<string>()
  for (const group of groups) {
    const sourceName = sourceNames.get(group.sources.join(','))!
    const base = `${ACL_PREFIX}${group.mode}_${portsLabel(group.ports)}${sourceName.replace(`${ACL_PREFIX}sources`, '')}`
    let name = base.length <= 48 ? base : `${base.slice(0, 40)}_${group.ports.length}`
    for (let n = 2; usedNames.has(name); n++) name = `${base.slice(0, 40)}_${n}`
    usedNames.add(name)

    line('')
    line(
      group.mode === 'https'
        ? `# HTTPS (CONNECT) to port ${formatPortRanges(group.ports).join(', ')} from ${sourceName}`
        : `# Plain HTTP to port ${formatPortRanges(group.ports).join(', ')} from ${sourceName}`,
    )
    line(`acl ${name}_ports port ${formatPortRanges(group.ports).join(' ')}`)
    const collapsed = collapseDomains(group.entries)
    const apexes: string[] = []
    // Each value is `# <patterns> <- <requirement ids>` and its acl line, in four pieces: the
    // comment's end and the acl line's start are one text per requirement text (`aclLead`).
    const leads = new Map<string, string | null>()
    for (let at = 0; at < collapsed.length; at++) {
      const domain = collapsed[at] as (typeof collapsed)[number]
      const { covers } = domain
      // One host the usual case: its pattern is the plan's fqdn, its ids the rule's list.
      const only = covers.length === 1 ? covers[0] : undefined
      const patterns = only ? only.fqdn : patternsOf(covers).join(' ')
      // Hosts the resolver folded into a wider rule keep their requirement ids in the comment.
      const requirements = coverRequirements(only, covers)
      const lead = aclLead(leads, name, requirements)
      if (lead !== null && PRINTABLE.test(patterns)) out.push('# ', patterns, lead)
      else
        out.push(
          commentText(`# ${patterns} <- ${requirements}`),
          `\nacl ${name}_domains dstdomain `,
        )
      out.push(domain.value, '\n')
      // Squid's `.x` also matches `x`; the plan's `*.x` does not, unless `x` itself is listed
      // (then `.x` covers it: the apex sorts right after its wildcard).
      const { pattern } = domain
      if (pattern.wildcard && !domain.covers.some((e) => !e.wildcard && e.name === pattern.name))
        apexes.push(pattern.name)
    }
    if (apexes.length > 0) {
      line('# Apex names that only a wildcard covers: *.x allows sub.x, never x itself.')
      for (const apex of apexes) out.push('acl ', name, '_apex dstdomain ', apex, '\n')
    }
    const method = group.mode === 'https' ? `${ACL_PREFIX}connect` : `!${ACL_PREFIX}connect`
    const apexGuard = apexes.length > 0 ? ` !${name}_apex` : ''
    access.push(
      `http_access allow ${sourceName} ${method} ${name}_ports ${name}_domains${apexGuard}`,
    )
  }
  line('')
  line('# First match wins: each line needs source, method, port and host to match.')
  for (const allow of access) line(allow)
}

/** The requirement ids of a cover comment, as text, for a list rules share (see `aclLead`). */
const requirementTexts = new WeakMap<readonly string[], string>()

function coverRequirements(only: Entry | undefined, covers: readonly Entry[]): string {
  const ids = only && only.rule.subsumes.length === 0 ? only.rule.requirementIds : undefined
  if (ids === undefined) return requirementIdsOf(covers).join(' ') || 'no requirement id'
  let text = requirementTexts.get(ids)
  if (text === undefined) {
    text = uniqueSorted(ids).join(' ') || 'no requirement id'
    requirementTexts.set(ids, text)
  }
  return text
}

/**
 * ` <- <requirement ids>\nacl <name>_domains dstdomain `: the end of a cover comment and the start
 * of its acl line, one text per requirement text; null when `commentText` would change it.
 */
function aclLead(
  leads: Map<string, string | null>,
  name: string,
  requirements: string,
): string | null {
  let lead = leads.get(requirements)
  if (lead === undefined) {
    lead =
      PRINTABLE.test(requirements) && !requirements.endsWith('\\')
        ? ` <- ${requirements}\nacl ${name}_domains dstdomain `
        : null
    leads.set(requirements, lead)
  }
  return lead
}

function header(plan: Plan, mode: 'include' | 'standalone'): string[] {
  const lines = [
    '# Generated by @aml-egress/squid. Do not edit: render again instead.',
    `# Azure Machine Learning egress allowlist, catalog ${plan.catalog.version} (docs of ${plan.catalog.docDate}).`,
    '# Comments before each dstdomain value name the catalog requirement ids behind it.',
  ]
  if (mode === 'include')
    lines.push(
      '# Include this file in squid.conf BEFORE the final "http_access deny all", e.g.',
      '#   include /etc/squid/conf.d/aml-egress.conf',
      '# It only allows; requests it does not match fall through to the rules after it.',
    )
  else
    lines.push(
      '# A complete squid.conf for a dedicated egress proxy: everything not listed is denied.',
    )
  return lines.map(commentText)
}

function standalonePrologue(options: SquidRenderOptions): { lines: string[]; errors: string[] } {
  const errors: string[] = []
  const port = options.httpPort ?? 3128
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    errors.push(`httpPort must be an integer 1-65535, got ${String(port)}`)
  if (options.listenAddress !== undefined && !isIpv4Address(options.listenAddress))
    errors.push('listenAddress must be an IPv4 address')
  const accessLog = options.accessLog ?? '/var/log/squid/access.log'
  const cacheLog = options.cacheLog ?? '/var/log/squid/cache.log'
  if (accessLog !== 'none' && !LOG_PATH.test(accessLog))
    errors.push('accessLog must be an absolute path of letters, digits, . _ / - or "none"')
  if (!LOG_PATH.test(cacheLog))
    errors.push('cacheLog must be an absolute path of letters, digits, . _ / -')
  if (options.pidFile !== undefined && !LOG_PATH.test(options.pidFile))
    errors.push('pidFile must be an absolute path of letters, digits, . _ / -')
  const lines = [
    '',
    '# Listening port',
    `http_port ${options.listenAddress ? `${options.listenAddress}:` : ''}${port}`,
    '',
    '# Logs',
    accessLog === 'none' ? 'access_log none' : `access_log daemon:${accessLog} squid`,
    `cache_log ${cacheLog}`,
    'cache_store_log none',
    ...(options.pidFile ? [`pid_filename ${options.pidFile}`] : []),
    '',
    '# An egress filter, not a cache: no cache_dir, nothing stored.',
    'cache deny all',
    '',
  ]
  return { lines, errors }
}

/**
 * Renders a plan as Squid ACLs: an include fragment (default) or a standalone squid.conf.
 * HTTPS hosts are allowed only through CONNECT to their ports, HTTP hosts only on 80, from the
 * plan's source subnets. Everything a proxy cannot carry becomes a diagnostic naming the rule.
 * @example renderSquid(plan).files[0].path // 'squid/aml-egress.conf'
 */
export function renderSquid(plan: Plan, options: SquidRenderOptions = {}): RenderResult {
  const mode = options.mode ?? 'include'
  const { groups, diagnostics } = collect(plan)
  const lines = header(plan, mode)
  // Every line followed by a newline, in pieces joined once.
  const out: string[] = []
  const writeLines = (texts: readonly string[]): void => {
    for (const text of texts) out.push(text, '\n')
  }
  if (mode === 'standalone') {
    const prologue = standalonePrologue(options)
    if (prologue.errors.length > 0)
      return {
        files: [],
        diagnostics: [
          ...diagnostics,
          ...prologue.errors.map((message) =>
            diagnostic({
              code: 'AML_EGRESS_INVALID_INPUT',
              severity: 'error',
              message: `render option: ${message}`,
            }),
          ),
        ],
      }
    lines.push(...prologue.lines)
  } else lines.push('')
  writeLines(lines)
  if (groups.length > 0) writeAccessLines(groups, out)
  else writeLines(['# The plan has no rule a proxy can carry.'])
  if (mode === 'standalone')
    writeLines(['', '# Everything else is refused.', 'http_access deny all'])
  const path = mode === 'standalone' ? STANDALONE_PATH : INCLUDE_PATH
  return { files: [{ path, contents: out.join('') }], diagnostics }
}
