import {
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticSeverity,
  diagnosticCodes,
} from './diagnostics'
import { type Capability, capabilityNames, type FormatCapabilities } from './format'
import { compareOrdinal } from './order'
import type { ReadonlyDeep } from './readonly'

/**
 * Diagnostics that say the same thing about different rules, as one: what `summariseDiagnostics`
 * returns. A fleet's tens of thousands of diagnostics become a few of these; the full list stays
 * where it came from (`RenderResult.diagnostics`).
 */
export type DiagnosticSummary = {
  code: DiagnosticCode
  severity: DiagnosticSeverity
  /** The format that produced the diagnostics; absent for core. */
  format?: string
  /**
   * One sentence for the group. A group of one keeps its diagnostic's message; rules out of the
   * format's scope get one count: "12 in-cluster rules belong to cilium, network-policy".
   */
  message: string
  /** How many diagnostics the group stands for. */
  count: number
  /** Every catalog requirement concerned, sorted. */
  requirementIds?: string[]
  /** For rules out of the format's scope: the capability the format lacks. */
  lacks?: Capability
  /**
   * For rules out of the format's scope, when the summary was given formats: those (other than
   * this one) whose capabilities carry every rule of the group, sorted.
   */
  carriedBy?: string[]
  /** The first diagnostics of the group (by rule, then message): a few example rules. */
  examples: Diagnostic[]
  help?: string
}

/** A format as the summary sees it: a name and what it can express. */
export type SummaryFormat = { name: string; capabilities: FormatCapabilities }

/** Options of `summariseDiagnostics`. */
export type SummariseOptions = {
  /**
   * Formats that may carry what another format leaves out of its scope (a CLI passes every
   * format it ships). Without them a summary says what is out of scope, not where it belongs.
   */
  formats?: readonly SummaryFormat[]
  /** Example diagnostics kept per group. Default 3. */
  examples?: number
}

const DEFAULT_EXAMPLES = 3
const severityRank: Record<DiagnosticSeverity, number> = { error: 0, warning: 1, info: 2 }

/** What out-of-scope rules are, by the capability their format lacks: singular and plural. */
const scopeNouns: Record<Capability, [string, string]> = {
  inCluster: ['in-cluster rule', 'in-cluster rules'],
  inbound: ['inbound rule', 'inbound rules'],
  attachedCompute: [
    'rule of Kubernetes compute or attached VMs only',
    'rules of Kubernetes compute or attached VMs only',
  ],
  exactFqdn: ['rule to a host name', 'rules to host names'],
  wildcardFqdn: ['rule to a wildcard host name', 'rules to wildcard host names'],
  serviceTag: ['rule to a service tag', 'rules to service tags'],
  cidr: ['rule to IP addresses', 'rules to IP addresses'],
  udp: ['rule on UDP', 'rules on UDP'],
  nonHttpPorts: ['rule on ports other than 80/443', 'rules on ports other than 80/443'],
  urlPath: ['rule with a URL path', 'rules with URL paths'],
}

type Group = {
  key: string
  first: Diagnostic
  count: number
  requirementIds: Set<string>
  /** The distinct `needs` of the group's out-of-scope diagnostics, by their text. */
  needs: Map<string, readonly Capability[]>
  /** The `needs` arrays already counted: triage shares one array among diagnostics. */
  needsSeen: Set<readonly Capability[]>
  examples: Diagnostic[]
}

/**
 * What makes two diagnostics the same finding: severity, code, format, and then the capability
 * the format lacks (rules out of its scope), or nothing more for diagnostics about plan rules (a
 * fleet's thousand storage accounts on SMB need one DNS proxy) and infos, or the message for the
 * rest (two limits to act on are two findings).
 */
function groupKey(diagnostic: ReadonlyDeep<Diagnostic>): string {
  const { severity, code, format = '' } = diagnostic
  const topic = diagnostic.lacks
    ? `lacks ${diagnostic.lacks}`
    : diagnostic.ruleId !== undefined || severity === 'info'
      ? 'same'
      : `message ${diagnostic.message}`
  return `${severity}\u0000${code}\u0000${format}\u0000${topic}`
}

function compareExamples(a: ReadonlyDeep<Diagnostic>, b: ReadonlyDeep<Diagnostic>): number {
  return (
    compareOrdinal(a.ruleId ?? '', b.ruleId ?? '') ||
    compareOrdinal(a.location?.file ?? '', b.location?.file ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    compareOrdinal(a.message, b.message)
  )
}

/** Keeps the `limit` first diagnostics in example order, without sorting the whole group. */
function addExample(examples: Diagnostic[], diagnostic: Diagnostic, limit: number): void {
  if (examples.length >= limit) {
    const last = examples[examples.length - 1]
    if (limit === 0 || (last && compareExamples(diagnostic, last) >= 0)) return
    examples.pop()
  }
  let at = examples.length
  while (at > 0 && compareExamples(diagnostic, examples[at - 1] as Diagnostic) < 0) at -= 1
  examples.splice(at, 0, diagnostic)
}

/** The same key as the diagnostic before, without building it: fleets repeat one finding. */
function sameGroup(a: ReadonlyDeep<Diagnostic>, b: ReadonlyDeep<Diagnostic>): boolean {
  return (
    a.code === b.code &&
    a.severity === b.severity &&
    a.format === b.format &&
    a.lacks === b.lacks &&
    (a.severity === 'info' || (a.ruleId !== undefined && b.ruleId !== undefined))
  )
}

function newGroup(key: string, first: Diagnostic): Group {
  return {
    key,
    first,
    count: 0,
    requirementIds: new Set(),
    needs: new Map(),
    needsSeen: new Set(),
    examples: [],
  }
}

function collect(diagnostics: readonly Diagnostic[], limit: number): Group[] {
  const groups = new Map<string, Group>()
  let previous: Diagnostic | undefined
  let group: Group | undefined
  for (const diagnostic of diagnostics) {
    if (!group || !previous || !sameGroup(previous, diagnostic)) {
      const key = groupKey(diagnostic)
      group = groups.get(key) ?? newGroup(key, diagnostic)
      groups.set(key, group)
    }
    previous = diagnostic
    group.count += diagnostic.count ?? 1
    for (const id of diagnostic.requirementIds ?? []) group.requirementIds.add(id)
    const { needs } = diagnostic
    if (needs && !group.needsSeen.has(needs)) {
      group.needsSeen.add(needs)
      group.needs.set(needs.join(' '), needs)
    }
    addExample(group.examples, diagnostic, limit)
  }
  return [...groups.values()]
}

/** The formats, other than the group's own, that carry every rule of an out-of-scope group. */
function carriersOf(group: Group, formats: readonly SummaryFormat[]): string[] {
  return formats
    .filter(
      (format) =>
        format.name !== group.first.format &&
        [...group.needs.values()].every((needs) =>
          needs.every((capability) => format.capabilities[capability]),
        ),
    )
    .map((format) => format.name)
    .sort(compareOrdinal)
}

function scopeMessage(group: Group, lacks: Capability, carriedBy: string[] | undefined): string {
  const [one, many] = scopeNouns[lacks]
  const what = `${group.count} ${group.count === 1 ? one : many}`
  const format = group.first.format ?? 'this format'
  if (carriedBy === undefined) return `${what} out of scope for ${format}`
  if (carriedBy.length === 0)
    return `${what} out of scope for ${format}; no other format carries ${group.count === 1 ? 'it' : 'them'}`
  return `${what} ${group.count === 1 ? 'belongs' : 'belong'} to ${carriedBy.join(', ')}`
}

function summaryOf(group: Group, options: SummariseOptions): DiagnosticSummary {
  const { count } = group
  // The first example, not the first met: the summary must not depend on the input's order.
  const first = group.examples[0] ?? group.first
  const lacks = first.lacks
  const carriedBy = lacks && options.formats ? carriersOf(group, options.formats) : undefined
  const message = lacks
    ? scopeMessage(group, lacks, carriedBy)
    : count === 1
      ? first.message
      : `${diagnosticCodes[first.code].title}: ${count} ${first.ruleId === undefined ? 'findings' : 'rules'}, e.g. ${first.message}`
  const summary: DiagnosticSummary = {
    code: first.code,
    severity: first.severity,
    message,
    count,
    examples: group.examples,
  }
  if (first.format !== undefined) summary.format = first.format
  if (group.requirementIds.size > 0)
    summary.requirementIds = [...group.requirementIds].sort(compareOrdinal)
  if (lacks !== undefined) summary.lacks = lacks
  if (carriedBy !== undefined) summary.carriedBy = carriedBy
  if (first.help !== undefined) summary.help = first.help
  return summary
}

/** Rules out of scope in triage's order (in-cluster, inbound, compute, far end, protocol, ports); then the rest. */
function scopeRank(summary: DiagnosticSummary): number {
  return summary.lacks ? capabilityNames.indexOf(summary.lacks) : capabilityNames.length
}

/**
 * Diagnostics that say the same thing, as one, with a count, the requirements concerned and a few
 * example rules: per format and code for diagnostics about plan rules and for infos; per format,
 * code and capability lacked for rules out of a format's scope ("12 in-cluster rules belong to
 * cilium, network-policy", naming the `formats` whose capabilities carry them); per message for
 * other warnings and errors. Sorted by severity, code, format, then (out of scope) the capability
 * in triage's order, then message. Pure: the diagnostics stay the full record.
 * @example summariseDiagnostics(result.diagnostics, { formats: [networkPolicyFormat, squidFormat] })
 */
export function summariseDiagnostics(
  diagnostics: readonly Diagnostic[],
  options: SummariseOptions = {},
): DiagnosticSummary[] {
  const groups = collect(diagnostics, options.examples ?? DEFAULT_EXAMPLES)
  const summaries = groups.map((group) => ({ key: group.key, summary: summaryOf(group, options) }))
  summaries.sort(
    (a, b) =>
      severityRank[a.summary.severity] - severityRank[b.summary.severity] ||
      compareOrdinal(a.summary.code, b.summary.code) ||
      compareOrdinal(a.summary.format ?? '', b.summary.format ?? '') ||
      scopeRank(a.summary) - scopeRank(b.summary) ||
      compareOrdinal(a.summary.message, b.summary.message) ||
      compareOrdinal(a.key, b.key),
  )
  return summaries.map(({ summary }) => summary)
}
