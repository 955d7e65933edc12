import {
  createDiagnostic,
  type DecidedBy,
  type Diagnostic,
  describeFlow,
  type Flow,
  type FormatCapabilities,
  findRequirement,
  formatDiagnostics,
  type Plan,
  type PlanRule,
  type Profile,
  planFlows,
  type RenderedFile,
} from '@aml-egress/core'
import { createPaint } from '../color'
import { defineCliCommand } from '../command'
import { UsageError } from '../errors'
import type { Io } from '../io'
import { overBroadProbes } from '../probes'
import { loadProfile } from '../profile'
import type { CliFormat, FormatRegistry } from '../registry'
import { formatNames } from '../registry'
import { suggest } from '../suggest'
import { formatTable, markdownCell, markdownTable } from '../table'

/** What `check` says about one required flow. */
export type FlowStatus = 'allowed' | 'blocked' | 'unknown' | 'not-expressible'

/** One flow of the plan with the verdict the user's config gives it. */
export type CheckedFlow = {
  /** The catalog scenario of the rule (the first, when several requirements merged). */
  scenario: string
  ruleId: string
  requirementIds: readonly string[]
  flow: Flow
  /** `tcp/443 10.10.0.4 → pypi.org`. */
  description: string
  status: FlowStatus
  decidedBy?: DecidedBy | undefined
  reason: string
  /** Capabilities the format lacks for this flow (why it is not expressible). */
  missing: (keyof FormatCapabilities)[]
  /** Doc section of the first requirement. */
  section: string
}

/** What `check` found: every flow, over-broad rules, and what the reader could not interpret. */
export type CheckReport = {
  format: string
  files: string[]
  summary: Record<FlowStatus, number>
  flows: CheckedFlow[]
  /** Over-broad rules found by probing (AML_EGRESS_OVER_BROAD_RULE). */
  findings: Diagnostic[]
  /** What the reader could not parse or interpret. */
  diagnostics: Diagnostic[]
}

const HTTP_PORTS = new Set([80, 443])

/**
 * The format capabilities a flow of a plan rule needs. When the format lacks one and does not
 * allow the flow, the flow is "not expressible" there rather than blocked.
 */
export function missingCapabilities(input: {
  rule: PlanRule
  flow: Flow
  capabilities: FormatCapabilities
}): (keyof FormatCapabilities)[] {
  const { rule, flow, capabilities } = input
  const needed: (keyof FormatCapabilities)[] = []
  if (rule.direction === 'inbound') needed.push('inbound')
  if (rule.direction === 'inCluster') needed.push('inCluster')
  else {
    const destination = rule.direction === 'inbound' ? rule.source : rule.destination
    if (destination.kind === 'fqdn')
      needed.push(destination.fqdn.startsWith('*.') ? 'wildcardFqdn' : 'exactFqdn')
    if (destination.kind === 'serviceTag') needed.push('serviceTag')
    if (destination.kind === 'addresses' || destination.kind === 'apiServer') needed.push('cidr')
    if (flow.protocol === 'UDP') needed.push('udp')
    if (!HTTP_PORTS.has(flow.port)) needed.push('nonHttpPorts')
  }
  return [...new Set(needed)].filter((capability) => !capabilities[capability])
}

/**
 * Evaluates every flow of the plan (`planFlows`) against a config read with the format's reader,
 * then probes for over-broad rules. Pure apart from the format's async reader.
 */
export async function checkConfig(input: {
  plan: Plan
  profile: Profile
  format: CliFormat
  files: readonly RenderedFile[]
}): Promise<CheckReport> {
  const { plan, format } = input
  const opened = await input.format.open(input.files)
  const rules = new Map(plan.rules.map((rule) => [rule.id, rule]))
  const flows: CheckedFlow[] = []
  for (const planFlow of planFlows(plan)) {
    const rule = rules.get(planFlow.ruleId)
    if (!rule) continue
    const { ruleId, level: _level, requirementIds, ...flow } = planFlow
    const verdict = opened.evaluate(flow)
    const missing = missingCapabilities({ rule, flow, capabilities: format.capabilities })
    // A flow the format has no way to say is "not expressible", whatever the evaluator answers.
    const status: FlowStatus =
      verdict.verdict === 'allowed'
        ? 'allowed'
        : missing.length > 0
          ? 'not-expressible'
          : verdict.verdict === 'unknown'
            ? 'unknown'
            : 'blocked'
    const first = requirementIds[0]
    flows.push({
      scenario: rule.scenarios[0] ?? 'other',
      ruleId,
      requirementIds,
      flow,
      description: describeFlow(flow),
      status,
      decidedBy: verdict.decidedBy,
      reason:
        status === 'not-expressible'
          ? `${format.name} cannot express ${missing.join(', ')}; allow this flow elsewhere (${verdict.reason})`
          : verdict.reason,
      missing,
      section: (first && findRequirement(first)?.provenance.section) ?? '',
    })
  }
  flows.sort((a, b) => a.scenario.localeCompare(b.scenario))
  const findings: Diagnostic[] = []
  // One finding per deciding rule: the first (broadest) probe it lets through says enough.
  const reported = new Set<string>()
  for (const probe of overBroadProbes({ plan, profile: input.profile })) {
    const verdict = opened.evaluate(probe.flow)
    if (verdict.verdict !== 'allowed') continue
    const by = verdict.decidedBy
    const key = by ? `${by.rule}|${by.file ?? ''}|${by.line ?? ''}` : ''
    if (reported.has(key)) continue
    reported.add(key)
    findings.push(
      createDiagnostic({
        code: 'AML_EGRESS_OVER_BROAD_RULE',
        severity: 'warning',
        format: format.name,
        message: `${by ? `'${by.rule}'` : 'the config'} allows ${describeFlow(probe.flow)}: ${probe.meaning}`,
        path: ['probes', probe.id],
        ...(by?.file ? { location: { file: by.file, ...(by.line ? { line: by.line } : {}) } } : {}),
      }),
    )
  }
  const summary: Record<FlowStatus, number> = {
    allowed: 0,
    blocked: 0,
    unknown: 0,
    'not-expressible': 0,
  }
  for (const flow of flows) summary[flow.status]++
  return {
    format: format.name,
    files: input.files.map((file) => file.path),
    summary,
    flows,
    findings,
    diagnostics: opened.diagnostics,
  }
}

const STATUS_TEXT: Record<FlowStatus, string> = {
  allowed: 'allowed',
  blocked: 'BLOCKED',
  unknown: 'unknown',
  'not-expressible': 'not expressible',
}

function decidedByText(decidedBy: DecidedBy | undefined): string {
  if (!decidedBy) return '(no rule matched)'
  const where = decidedBy.file
    ? ` ${decidedBy.file}${decidedBy.line ? `:${decidedBy.line}` : ''}`
    : ''
  return `${decidedBy.rule}${where}`
}

function requirementsText(ids: readonly string[]): string {
  return ids.length <= 2 ? ids.join(', ') : `${ids.slice(0, 2).join(', ')} +${ids.length - 2}`
}

function groupByScenario(flows: readonly CheckedFlow[]): Map<string, CheckedFlow[]> {
  const groups = new Map<string, CheckedFlow[]>()
  for (const flow of flows) groups.set(flow.scenario, [...(groups.get(flow.scenario) ?? []), flow])
  return groups
}

function summaryLine(report: CheckReport): string {
  const s = report.summary
  return `${report.flows.length} required flows: ${s.allowed} allowed, ${s.blocked} BLOCKED, ${s.unknown} unknown, ${s['not-expressible']} not expressible in ${report.format}; ${report.findings.length} over-broad rule findings`
}

/** The report as text tables grouped by scenario (colour when the terminal allows). */
export function formatCheckReport(input: {
  report: CheckReport
  io: Pick<Io, 'isTTY' | 'env'>
  quiet?: boolean
}): string {
  const { report } = input
  const paint = createPaint(input.io)
  const color: Record<FlowStatus, (text: string) => string> = {
    allowed: paint.green,
    blocked: (text) => paint.bold(paint.red(text)),
    unknown: paint.yellow,
    'not-expressible': paint.dim,
  }
  const lines: string[] = []
  for (const [scenario, flows] of groupByScenario(report.flows)) {
    const shown = input.quiet
      ? flows.filter((flow) => flow.status === 'blocked' || flow.status === 'unknown')
      : flows
    if (shown.length === 0) continue
    lines.push(paint.bold(scenario))
    lines.push(
      formatTable({
        indent: '  ',
        headers: ['REQUIREMENT', 'FLOW', 'VERDICT', 'DECIDED BY', 'DOC SECTION'],
        rows: shown.map((flow) => [
          requirementsText(flow.requirementIds),
          flow.description,
          color[flow.status](STATUS_TEXT[flow.status]),
          decidedByText(flow.decidedBy),
          flow.section,
        ]),
      }),
      '',
    )
  }
  const problems = report.flows.filter(
    (flow) => flow.status === 'blocked' || flow.status === 'unknown',
  )
  if (problems.length > 0) {
    lines.push(paint.bold('to fix'))
    for (const flow of problems)
      lines.push(
        `  ${color[flow.status](STATUS_TEXT[flow.status])} ${flow.description} (${flow.ruleId}): ${flow.reason}`,
      )
    lines.push('')
  }
  if (report.findings.length > 0)
    lines.push(paint.bold('over-broad rules'), formatDiagnostics(report.findings), '')
  if (report.diagnostics.length > 0)
    lines.push(paint.bold('reader diagnostics'), formatDiagnostics(report.diagnostics), '')
  lines.push(summaryLine(report))
  return `${lines.join('\n')}\n`
}

/** The report as Markdown (one table per scenario), for a pull request or a ticket. */
export function formatCheckMarkdown(report: CheckReport): string {
  const sections: string[] = [`## aml-egress check: ${report.format}`, '', summaryLine(report)]
  for (const [scenario, flows] of groupByScenario(report.flows))
    sections.push(
      '',
      `### ${scenario}`,
      '',
      markdownTable({
        headers: ['Requirement', 'Flow', 'Verdict', 'Decided by', 'Doc section'],
        rows: flows.map((flow) => [
          markdownCell(flow.requirementIds.join(', ')),
          `\`${markdownCell(flow.description)}\``,
          flow.status === 'blocked' ? '**BLOCKED**' : STATUS_TEXT[flow.status],
          markdownCell(decidedByText(flow.decidedBy)),
          markdownCell(flow.section),
        ]),
      }),
    )
  if (report.findings.length > 0)
    sections.push(
      '',
      '### Over-broad rules',
      '',
      ...report.findings.map((d) => `- ${markdownCell(d.message)}`),
    )
  return `${sections.join('\n')}\n`
}

/** Options of `aml-egress check`. */
export type CheckCommandOptions = {
  profile: string
  format: string
  files: readonly string[]
  output?: 'table' | 'markdown' | 'json' | undefined
  quiet?: boolean | undefined
  /** Also exit 1 on unknown flows and over-broad rules. */
  strict?: boolean | undefined
}

/** What `check DIR` reads in a directory, per format: the kinds of files its renderer writes. */
const configExtensions: Readonly<Record<string, readonly string[]>> = {
  'azure-firewall': ['.json'],
  cilium: ['.yaml', '.yml'],
  'network-policy': ['.yaml', '.yml'],
  squid: ['.conf'],
  terraform: ['.tf'],
}

/** The files to read: each file as given, and the format's files directly inside each directory. */
async function configPaths(input: {
  io: Io
  paths: readonly string[]
  format: string
}): Promise<string[]> {
  const extensions = configExtensions[input.format]
  const paths: string[] = []
  for (const path of input.paths) {
    const listed = await input.io.listDirectory(path)
    if (!listed) {
      paths.push(path)
      continue
    }
    const chosen = listed.filter((file) => !extensions || extensions.some((e) => file.endsWith(e)))
    if (chosen.length === 0)
      throw new UsageError(
        `'${path}' is a directory with no ${extensions?.join(' or ') ?? ''} files for ${input.format}`,
        'name the config files, or the directory that holds them',
      )
    paths.push(...chosen)
  }
  return paths
}

/**
 * `aml-egress check`: exit 0 when every required flow the format can express is allowed, 1 when
 * one is blocked (or, with `strict`, unknown or over-broad), 2 for bad input (including files the
 * reader cannot parse).
 */
export async function runCheck(
  options: CheckCommandOptions,
  context: { io: Io; formats: FormatRegistry },
): Promise<number> {
  const { io } = context
  const names = formatNames(context.formats)
  const load = context.formats[options.format]
  if (!load) {
    const suggestion = suggest(options.format, names)
    throw new UsageError(
      `unknown format '${options.format}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      `use one of: ${names.join(', ')}`,
    )
  }
  if (options.files.length === 0)
    throw new UsageError(
      'no config files given',
      `name the files to check: aml-egress check --profile ${options.profile} --format ${options.format} FILE...`,
    )
  const { plan, profile } = await loadProfile({ path: options.profile, io })
  const files: RenderedFile[] = []
  for (const path of await configPaths({ io, paths: options.files, format: options.format })) {
    const contents = await io.readFile(path)
    if (contents === undefined) throw new UsageError(`cannot read '${path}': no such file`)
    files.push({ path, contents })
  }
  const format = await load()
  const report = await checkConfig({ plan, profile, format, files })
  const syntaxErrors = report.diagnostics.filter(
    (d) => d.code === 'AML_EGRESS_READ_SYNTAX' && d.severity === 'error',
  )
  if (syntaxErrors.length > 0) {
    io.stderr(`${formatDiagnostics(syntaxErrors)}\n`)
    throw new UsageError(
      `${format.name} could not parse ${syntaxErrors.length === 1 ? 'a file' : `${syntaxErrors.length} files`}; nothing was checked`,
      'fix the syntax at the lines above, or check that --format matches the files',
    )
  }
  const output = options.output ?? 'table'
  if (output === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`)
  else if (output === 'markdown') io.stdout(formatCheckMarkdown(report))
  else io.stdout(formatCheckReport({ report, io, quiet: options.quiet === true }))
  const failed =
    report.summary.blocked > 0 ||
    (options.strict === true && (report.summary.unknown > 0 || report.findings.length > 0))
  return failed ? 1 : 0
}

export const checkCommand = defineCliCommand({
  meta: {
    name: 'check',
    description:
      'Read an existing config and report, per required flow, allowed / BLOCKED / unknown / not expressible',
  },
  args: {
    profile: {
      type: 'string',
      alias: 'p',
      description: 'Profile file (YAML or JSON)',
      valueHint: 'file',
      required: true,
    },
    format: {
      type: 'string',
      alias: 'f',
      description: 'azure-firewall, cilium, network-policy, squid or terraform',
      valueHint: 'name',
      required: true,
    },
    files: {
      type: 'positional',
      description: "Config files to read, or directories: the format's files directly in them",
      required: false,
    },
    output: {
      type: 'enum',
      options: ['table', 'markdown', 'json'],
      default: 'table',
      description: 'Output format',
    },
    json: { type: 'boolean', description: 'Same as --output json' },
    quiet: { type: 'boolean', alias: 'q', description: 'Show only flows that are not allowed' },
    strict: { type: 'boolean', description: 'Also exit 1 on unknown flows and over-broad rules' },
  },
  examples: [
    'aml-egress check --profile aml-egress.yaml --format squid /etc/squid/squid.conf',
    'aml-egress check -p aml-egress.yaml -f azure-firewall policy.json --output markdown',
    'aml-egress check -p aml-egress.yaml -f terraform main.tf variables.tf --json',
  ],
  run: ({ args, io, formats }) =>
    runCheck(
      {
        profile: args.profile,
        format: args.format,
        files: args._,
        output:
          args.json === true
            ? 'json'
            : args.output === 'markdown' || args.output === 'json' || args.output === 'table'
              ? args.output
              : undefined,
        quiet: args.quiet === true,
        strict: args.strict === true,
      },
      { io, formats },
    ),
})
