import {
  canonicalCidr,
  compareCidrs,
  compareOrdinal,
  createDiagnostic,
  createDiagnosticSink,
  type DiagnosticSink,
  isIpv4Address,
  isIpv4Cidr,
  isValidHostPattern,
  type Plan,
  type PlanRule,
  portInRanges,
  type RenderResult,
  type TriagedRule,
  triagePlan,
} from '@aml-egress/core'
import { squidDescriptor } from './descriptor'
import { compareHostPatterns, coveredEnd } from './domains'
import type { SquidRenderOptions } from './model'

/** Every ACL this package writes starts with this, so it cannot collide with an operator's names. */
export const ACL_PREFIX = 'aml_egress_'
/** Path of the include fragment. */
export const INCLUDE_PATH = 'squid/aml-egress.conf'
/** Path of the standalone configuration. */
export const STANDALONE_PATH = 'squid/squid.conf'

const LOG_PATH = /^\/[A-Za-z0-9._/-]+$/

/** How a proxied client reaches a port: `GET http://host/…` on 80, or `CONNECT host:443`. */
type Mode = 'http' | 'https'

const MODES: readonly Mode[] = ['http', 'https']
const MODE_PORT: Record<Mode, number> = { http: 80, https: 443 }

/** Rules that share sources and request mode: one `http_access` line. */
type Group = {
  /** The src ACL's values, `10.0.0.0/24 10.1.0.0/24`. */
  sources: string
  mode: Mode
  /** Each rule's host is a valid lower-case `*.name` or `name`. */
  rules: PlanRule[]
}

/** Lines joined at a time: enough to make joining cheap, few enough to die young. */
const LINES_PER_CHUNK = 512

const NOT_PRINTABLE = /[^\x20-\x7e]/

/** Text for a comment line: printable ASCII only, so nothing in it can start a new directive. */
export function commentText(text: string): string {
  // A trailing backslash would continue the line in some parsers; control characters end it.
  const printable = NOT_PRINTABLE.test(text) ? text.replace(/[^\x20-\x7e]/g, '?') : text
  return printable.endsWith('\\') ? printable.replace(/\\+$/, '') : printable
}

/**
 * Every IPv4 client, as Squid takes it: its two halves. Squid refuses `0.0.0.0/0` (an ERROR; it
 * reads it as `all`, which takes IPv6 clients too, and drops the ACL's other ranges), and `all`
 * would allow more than the plan's IPv4 sources.
 */
const EVERY_IPV4_CLIENT = '0.0.0.0/1 128.0.0.0/1'

/** A source list as a src ACL lists it (canonical, sorted, once each); undefined unless IPv4. */
function srcValues(addresses: readonly string[]): string | undefined {
  if (addresses.length === 0 || !addresses.every(isIpv4Cidr)) return undefined
  const canonical = [...new Set(addresses.map(canonicalCidr))]
  if (canonical.includes('0.0.0.0/0')) return EVERY_IPV4_CLIENT
  return canonical.sort(compareCidrs).join(' ')
}

/** The diagnostic fields that name a rule. */
function about(triaged: TriagedRule) {
  return { format: squidDescriptor.name, rule: triaged.rule, index: triaged.index }
}

/** An error for a rule Squid cannot be given; nothing of the rule is written. */
function refuse(diagnostics: DiagnosticSink, triaged: TriagedRule, message: string): undefined {
  diagnostics.add({ code: 'AML_EGRESS_INVALID_INPUT', message, ...about(triaged) })
  return undefined
}

/** A rule's host pattern as the plan writes it (triage lets only host names through). */
function hostOf(rule: PlanRule): string {
  return rule.destination.kind === 'fqdn' ? rule.destination.fqdn : ''
}

/** The rule's src values; undefined, with an error, when Squid cannot take its host or sources. */
function checkedSources(
  triaged: TriagedRule,
  input: { diagnostics: DiagnosticSink; sourcesOf: (rule: PlanRule) => string | undefined },
): string | undefined {
  const fqdn = hostOf(triaged.rule)
  // Valid host patterns are lower case.
  if (!isValidHostPattern(fqdn))
    return refuse(
      input.diagnostics,
      triaged,
      `destination ${JSON.stringify(fqdn)} is not a lower-case DNS name or *.suffix; rule not rendered`,
    )
  const sources = input.sourcesOf(triaged.rule)
  if (sources === undefined)
    return refuse(
      input.diagnostics,
      triaged,
      `the rule's source must be a non-empty list of IPv4 CIDRs for a Squid src ACL; rule not rendered`,
    )
  return sources
}

/** Sorts the rules triage let through into groups by sources and mode, in output order. */
function groupRules(rules: readonly TriagedRule[], diagnostics: DiagnosticSink): Group[] {
  const groups: Record<Mode, Map<string, Group>> = { http: new Map(), https: new Map() }
  // Rules share their source list: canonicalised once per list, a quarter of the fleet's render.
  const sourcesByList = new Map<readonly string[], string | undefined>()
  const sourcesOf = ({ source }: PlanRule): string | undefined => {
    if (source.kind !== 'addresses') return undefined
    if (!sourcesByList.has(source.addresses))
      sourcesByList.set(source.addresses, srcValues(source.addresses))
    return sourcesByList.get(source.addresses)
  }
  for (const triaged of rules) {
    const sources = checkedSources(triaged, { diagnostics, sourcesOf })
    if (sources === undefined) continue
    for (const mode of MODES) {
      if (!portInRanges(MODE_PORT[mode], triaged.ports)) continue
      let group = groups[mode].get(sources)
      if (!group) {
        group = { sources, mode, rules: [] }
        groups[mode].set(sources, group)
      }
      group.rules.push(triaged.rule)
    }
    if (triaged.rule.websocket && portInRanges(MODE_PORT.http, triaged.ports))
      diagnostics.add({
        code: 'AML_EGRESS_ADVISORY',
        message: () =>
          `WebSocket over plain HTTP to ${hostOf(triaged.rule)} needs http_upgrade_request_protocols WebSocket allow; over CONNECT it passes as a tunnel`,
        ...about(triaged),
      })
  }
  return [...groups.http.values(), ...groups.https.values()].sort(compareGroups)
}

/** By sources, then plain HTTP before CONNECT (a list sorts after longer lists it starts). */
function compareGroups(a: Group, b: Group): number {
  const order = (group: Group) => `${group.sources}|${MODES.indexOf(group.mode)}`
  return compareOrdinal(order(a), order(b))
}

/** Strictly increasing in ordinal order: sorted, each once. */
function isSortedSet(values: readonly string[]): boolean {
  for (let at = 1; at < values.length; at++)
    if (compareOrdinal(values[at - 1] ?? '', values[at] ?? '') >= 0) return false
  return true
}

/**
 * The comment before each dstdomain value: the plan patterns and requirement ids of the rules it
 * stands for, and of the rules the resolver folded into them. Host patterns are printable already;
 * only the ids need `commentText`. Most values stand for one rule whose id list many rules share:
 * its text is made once per list.
 */
function createValueComments(): (rules: readonly PlanRule[], start: number, end: number) => string {
  const byList = new Map<readonly string[], string>()
  const idsText = (sortedIds: readonly string[]) => {
    const joined = sortedIds.join(' ')
    return joined ? commentText(joined) : 'no requirement id'
  }
  const ruleIdsText = ({ requirementIds }: PlanRule) => {
    let known = byList.get(requirementIds)
    if (known === undefined) {
      const sorted = isSortedSet(requirementIds)
      known = idsText(sorted ? requirementIds : [...new Set(requirementIds)].sort(compareOrdinal))
      byList.set(requirementIds, known)
    }
    return known
  }
  return (rules, start, end) => {
    const only = rules[start] as PlanRule
    if (end - start === 1 && only.subsumes.length === 0)
      return `# ${hostOf(only)} <- ${ruleIdsText(only)}`
    const patterns = new Set<string>()
    const ids = new Set<string>()
    for (let at = start; at < end; at++) {
      const rule = rules[at] as PlanRule
      patterns.add(hostOf(rule))
      for (const id of rule.requirementIds) ids.add(id)
      for (const folded of rule.subsumes) for (const id of folded.requirementIds) ids.add(id)
    }
    const patternsText = [...patterns].sort(compareOrdinal).join(' ')
    return `# ${patternsText} <- ${idsText([...ids].sort(compareOrdinal))}`
  }
}

/** True when rules start..end list `name` itself, not only as `*.name`. */
function isListedExactly(
  name: string,
  rules: readonly PlanRule[],
  run: { start: number; end: number },
): boolean {
  for (let at = run.start; at < run.end; at++)
    if (hostOf(rules[at] as PlanRule) === name) return true
  return false
}

/**
 * The suffix of each distinct source list's ACL names, in group order: none for the first
 * (`aml_egress_sources`, `aml_egress_https_443`), then `_2`, `_3`, ….
 */
function sourceSuffixes(groups: readonly Group[]): Map<string, string> {
  const suffixes = new Map<string, string>()
  for (const { sources } of groups)
    if (!suffixes.has(sources))
      suffixes.set(sources, suffixes.size === 0 ? '' : `_${suffixes.size + 1}`)
  return suffixes
}

/**
 * Writes one group's ACLs: its port, its hosts (each after a comment naming the plan patterns and
 * requirement ids it stands for), and the apex names to exclude. Returns its http_access line.
 */
function writeGroup(
  out: string[],
  group: Group,
  input: { suffix: string; valueComment: ReturnType<typeof createValueComments> },
): string {
  const port = MODE_PORT[group.mode]
  const sourceName = `${ACL_PREFIX}sources${input.suffix}`
  const name = `${ACL_PREFIX}${group.mode}_${port}${input.suffix}`
  out.push(
    '',
    group.mode === 'https'
      ? `# HTTPS (CONNECT) to port ${port} from ${sourceName}`
      : `# Plain HTTP to port ${port} from ${sourceName}`,
    `acl ${name}_ports port ${port}`,
  )
  const domainsAcl = `acl ${name}_domains dstdomain `
  // Squid's `.x` also matches `x`; the plan's `*.x` does not, unless `x` itself is listed (then
  // `.x` covers it).
  const apexes: string[] = []
  const rules = group.rules.sort((a, b) => compareHostPatterns(hostOf(a), hostOf(b)))
  // Joined a few hundred lines at a time: a fleet's 120,000 lines, each a chain of pieces until
  // joined, would otherwise all live until one final join, for the garbage collector to copy.
  let lines: string[] = []
  for (let start = 0; start < rules.length; ) {
    const end = coveredEnd(rules, start, hostOf)
    const pattern = hostOf(rules[start] as PlanRule)
    const wildcard = pattern.startsWith('*.')
    lines.push(
      input.valueComment(rules, start, end),
      domainsAcl + (wildcard ? pattern.slice(1) : pattern),
    )
    if (lines.length >= LINES_PER_CHUNK || end === rules.length) {
      out.push(lines.join('\n'))
      lines = []
    }
    if (wildcard && !isListedExactly(pattern.slice(2), rules, { start, end }))
      apexes.push(pattern.slice(2))
    start = end
  }
  if (apexes.length > 0) {
    out.push('# Apex names that only a wildcard covers: *.x allows sub.x, never x itself.')
    for (const apex of apexes) out.push(`acl ${name}_apex dstdomain ${apex}`)
  }
  const method = group.mode === 'https' ? `${ACL_PREFIX}connect` : `!${ACL_PREFIX}connect`
  const apexGuard = apexes.length > 0 ? ` !${name}_apex` : ''
  return `http_access allow ${sourceName} ${method} ${name}_ports ${name}_domains${apexGuard}`
}

/** The src and CONNECT ACLs, each group's ACLs, then one `http_access allow` per group. */
function writeAccess(out: string[], groups: readonly Group[]): void {
  const suffixes = sourceSuffixes(groups)
  out.push('# Compute subnets: the only clients these rules allow.')
  for (const [sources, suffix] of suffixes)
    out.push(`acl ${ACL_PREFIX}sources${suffix} src ${sources}`)
  out.push(`acl ${ACL_PREFIX}connect method CONNECT`)
  const valueComment = createValueComments()
  const access = groups.map((group) =>
    writeGroup(out, group, { suffix: suffixes.get(group.sources) ?? '', valueComment }),
  )
  out.push('', '# First match wins: each line needs source, method, port and host to match.')
  for (const line of access) out.push(line)
}

function header(plan: Plan, mode: 'include' | 'standalone'): string[] {
  const lines = [
    '# Generated by @aml-egress/squid. Do not edit: render again instead.',
    `# Azure Machine Learning egress allowlist, catalog ${plan.catalog.version} (docs of ${plan.catalog.docDate}).`,
    '# Comments before each dstdomain value name the catalog requirement ids behind it.',
    ...(mode === 'include'
      ? [
          '# Include this file in squid.conf BEFORE the final "http_access deny all", e.g.',
          '#   include /etc/squid/conf.d/aml-egress.conf',
          '# It only allows; requests it does not match fall through to the rules after it.',
        ]
      : ['# A complete squid.conf for a dedicated egress proxy: everything not listed is denied.']),
  ]
  return lines.map(commentText)
}

/** What is wrong with the standalone options, one message each. */
function standaloneErrors(options: SquidRenderOptions): string[] {
  const errors: string[] = []
  const port = options.httpPort ?? 3128
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    errors.push(`httpPort must be an integer 1-65535, got ${String(port)}`)
  if (options.listenAddress !== undefined && !isIpv4Address(options.listenAddress))
    errors.push('listenAddress must be an IPv4 address')
  const accessLog = options.accessLog ?? '/var/log/squid/access.log'
  if (accessLog !== 'none' && !LOG_PATH.test(accessLog))
    errors.push('accessLog must be an absolute path of letters, digits, . _ / - or "none"')
  if (!LOG_PATH.test(options.cacheLog ?? '/var/log/squid/cache.log'))
    errors.push('cacheLog must be an absolute path of letters, digits, . _ / -')
  if (options.pidFile !== undefined && !LOG_PATH.test(options.pidFile))
    errors.push('pidFile must be an absolute path of letters, digits, . _ / -')
  return errors
}

/** The lines of a standalone squid.conf before the access rules; options already checked. */
function standalonePrologue(options: SquidRenderOptions): string[] {
  const listen = options.listenAddress ? `${options.listenAddress}:` : ''
  const accessLog = options.accessLog ?? '/var/log/squid/access.log'
  return [
    '',
    '# Listening port',
    `http_port ${listen}${options.httpPort ?? 3128}`,
    '',
    '# Logs',
    accessLog === 'none' ? 'access_log none' : `access_log daemon:${accessLog} squid`,
    `cache_log ${options.cacheLog ?? '/var/log/squid/cache.log'}`,
    'cache_store_log none',
    ...(options.pidFile ? [`pid_filename ${options.pidFile}`] : []),
    '',
    '# An egress filter, not a cache: no cache_dir, nothing stored.',
    'cache deny all',
    '',
  ]
}

/**
 * Renders a plan as Squid ACLs: an include fragment (default) or a standalone squid.conf.
 * HTTPS hosts are allowed only through CONNECT to their ports, HTTP hosts only on 80, from the
 * plan's source subnets. Everything a proxy cannot carry becomes a diagnostic naming the rule.
 * @example renderSquid(plan).files[0].path // 'squid/aml-egress.conf'
 */
export function renderSquid(plan: Plan, options: SquidRenderOptions = {}): RenderResult {
  const mode = options.mode ?? 'include'
  const triage = triagePlan(plan, squidDescriptor, options)
  const sink = createDiagnosticSink(options.diagnostics)
  const groups = groupRules(triage.rules, sink)
  const diagnostics = triage.diagnostics.concat(sink.list())
  const errors = mode === 'standalone' ? standaloneErrors(options) : []
  if (errors.length > 0) {
    for (const error of errors)
      diagnostics.push(
        createDiagnostic({
          code: 'AML_EGRESS_INVALID_INPUT',
          message: `render option: ${error}`,
          format: squidDescriptor.name,
        }),
      )
    return { files: [], diagnostics }
  }
  const out = header(plan, mode)
  out.push(...(mode === 'standalone' ? standalonePrologue(options) : ['']))
  if (groups.length > 0) writeAccess(out, groups)
  else out.push('# The plan has no rule a proxy can carry.')
  if (mode === 'standalone') out.push('', '# Everything else is refused.', 'http_access deny all')
  const path = mode === 'standalone' ? STANDALONE_PATH : INCLUDE_PATH
  // The last, empty line ends the file with a newline: one join, one flat string.
  out.push('')
  return { files: [{ path, contents: out.join('\n') }], diagnostics }
}
