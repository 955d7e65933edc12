import { basename } from 'node:path'
import {
  type Capability,
  compareOrdinal,
  createDiagnostic,
  type DecidedBy,
  type Diagnostic,
  describeFlow,
  type FileReference,
  type Flow,
  formatDiagnosticSummaries,
  formatDiagnostics,
  missingCapabilities,
  type Plan,
  type Profile,
  planFlows,
  planRequirement,
  type RenderedFile,
  summariseDiagnostics,
  type Verdict,
} from '@aml-egress/core'
import { createPaint } from '../color'
import { defineCliCommand, profileArg } from '../command'
import { UsageError } from '../errors'
import { checkExamples } from '../examples'
import { formatsHelp } from '../formatOptions'
import type { Io } from '../io'
import { MANIFEST_NAME } from '../manifest'
import { requirementSection } from '../ownRequirements'
import { overBroadProbes } from '../probes'
import { loadProfile } from '../profile'
import { readReferencedFiles } from '../references'
import { type FormatRegistry, formatNames, loadFormats, type RegisteredFormat } from '../registry'
import { suggest } from '../suggest'
import { formatTable, markdownCell, markdownTable } from '../table'
import { terminalText } from '../terminal'

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
  missing: Capability[]
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
  /**
   * Files the config loads by name (a Squid include, an ACL values file) that were neither given
   * nor found on disk: flows they may decide are unknown.
   */
  notRead?: FileReference[]
}

type Evaluate = (flow: Flow) => Verdict

/** Why a flow is not expressible, and where it goes instead (the format's help, if it has one). */
function notExpressibleReason(
  format: RegisteredFormat,
  missing: readonly Capability[],
  verdict: Verdict,
): string {
  const first = missing[0]
  const help = first === undefined ? undefined : format.unsupportedHelp?.[first]
  return `${format.name} cannot express ${missing.join(', ')}. ${help ?? 'Allow this flow elsewhere.'} (${verdict.reason})`
}

/**
 * Every flow of the plan (`planFlows`) with the config's verdict, by scenario. A flow the format
 * has no way to say (core's `missingCapabilities`) is "not expressible", whatever the verdict.
 */
function checkedFlows(plan: Plan, format: RegisteredFormat, evaluate: Evaluate): CheckedFlow[] {
  const rules = new Map(plan.rules.map((rule) => [rule.id, rule]))
  const flows: CheckedFlow[] = []
  for (const planFlow of planFlows(plan)) {
    const rule = rules.get(planFlow.ruleId)
    if (!rule) continue
    const { ruleId, level: _level, requirementIds, ...flow } = planFlow
    const verdict = evaluate(flow)
    const missing = missingCapabilities(format.capabilities, rule, flow, plan)
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
          ? notExpressibleReason(format, missing, verdict)
          : verdict.reason,
      missing,
      section: first ? requirementSection(planRequirement(plan, first)) : '',
    })
  }
  return flows.sort((a, b) => compareOrdinal(a.scenario, b.scenario))
}

/** Over-broad rules: one finding per deciding rule, for the first (broadest) probe it allows. */
function overBroadFindings(input: {
  plan: Plan
  profile: Profile
  format: RegisteredFormat
  evaluate: Evaluate
}): Diagnostic[] {
  const findings: Diagnostic[] = []
  const reported = new Set<string>()
  for (const probe of overBroadProbes({ plan: input.plan, profile: input.profile })) {
    const verdict = input.evaluate(probe.flow)
    if (verdict.verdict !== 'allowed') continue
    const by = verdict.decidedBy
    const key = `${by.rule}|${by.file ?? ''}|${by.line ?? ''}`
    if (reported.has(key)) continue
    reported.add(key)
    findings.push(
      createDiagnostic({
        code: 'AML_EGRESS_OVER_BROAD_RULE',
        format: input.format.name,
        message: `'${by.rule}' allows ${describeFlow(probe.flow)}: ${probe.meaning}`,
        path: ['probes', probe.id],
        ...(by.file ? { location: { file: by.file, ...(by.line ? { line: by.line } : {}) } } : {}),
      }),
    )
  }
  return findings
}

/**
 * Evaluates every flow of the plan against a config read with the format's reader, then probes
 * for over-broad rules. Pure apart from the format's async reader.
 */
export async function checkConfig(input: {
  plan: Plan
  profile: Profile
  format: RegisteredFormat
  files: readonly RenderedFile[]
}): Promise<CheckReport> {
  const { plan, format } = input
  const read = await format.read(input.files)
  const evaluate: Evaluate = (flow) => format.evaluate(read.config, flow)
  const flows = checkedFlows(plan, format, evaluate)
  const summary: Record<FlowStatus, number> = {
    allowed: 0,
    blocked: 0,
    unknown: 0,
    'not-expressible': 0,
  }
  for (const flow of flows) summary[flow.status]++
  const probed = overBroadFindings({ plan, profile: input.profile, format, evaluate })
  return {
    format: format.name,
    files: input.files.map((file) => file.path),
    summary,
    flows,
    ...withReaderFindings(probed, read.diagnostics),
  }
}

function locationKey(diagnostic: Diagnostic): string {
  return `${diagnostic.location?.file ?? ''}:${diagnostic.location?.line ?? ''}`
}

/**
 * Over-broad rules a reader found itself (a global service tag, `*`) join the probes' findings,
 * one per rule, and leave the reader diagnostics: each is printed once.
 */
function withReaderFindings(
  probed: readonly Diagnostic[],
  diagnostics: readonly Diagnostic[],
): Pick<CheckReport, 'findings' | 'diagnostics'> {
  const isOverBroad = (d: Diagnostic) => d.code === 'AML_EGRESS_OVER_BROAD_RULE'
  const seen = new Set(probed.filter((d) => d.location).map(locationKey))
  const fromReader = diagnostics.filter(
    (d) => isOverBroad(d) && !(d.location && seen.has(locationKey(d))),
  )
  return {
    findings: [...probed, ...fromReader],
    diagnostics: diagnostics.filter((d) => !isOverBroad(d)),
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
  for (const flow of flows) {
    const group = groups.get(flow.scenario)
    if (group) group.push(flow)
    else groups.set(flow.scenario, [flow])
  }
  return groups
}

function summaryLine(report: CheckReport): string {
  const s = report.summary
  return `${report.flows.length} required flows: ${s.allowed} allowed, ${s.blocked} BLOCKED, ${s.unknown} unknown, ${s['not-expressible']} not expressible in ${report.format}; ${report.findings.length} over-broad rule findings`
}

/** The files named by the config that could not be read, and what to do about it. */
function notReadLines(report: CheckReport, paint: ReturnType<typeof createPaint>): string[] {
  const notRead = report.notRead ?? []
  return [
    paint.bold('files not read'),
    ...notRead.map((reference) => {
      const where = reference.location
        ? ` (named at ${reference.location.file}${reference.location.line ? `:${reference.location.line}` : ''})`
        : ''
      return `  ${reference.path}${where}: not among the given files and not on this disk`
    }),
    `  flows these files may decide are unknown: pass copies of them to check along with ${report.files[0] ?? 'the config'}`,
  ]
}

/** The report as text tables grouped by scenario (colour when the terminal allows). */
export function formatCheckReport(input: {
  report: CheckReport
  io: Pick<Io, 'isTTY' | 'env'>
  quiet?: boolean
  /** Every reader diagnostic and finding, not one line per kind. */
  verbose?: boolean
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
  // Every diagnostic with verbose; else one line per kind of finding (core's summary), so that the
  // reader's note on each of a fleet's thousands of rules is one line.
  const listed = (diagnostics: readonly Diagnostic[]) =>
    input.verbose
      ? formatDiagnostics(diagnostics)
      : formatDiagnosticSummaries(summariseDiagnostics(diagnostics))
  if (report.findings.length > 0)
    lines.push(paint.bold('over-broad rules'), listed(report.findings), '')
  if (report.diagnostics.length > 0)
    lines.push(paint.bold('reader diagnostics'), listed(report.diagnostics), '')
  if (report.notRead && report.notRead.length > 0) lines.push(...notReadLines(report, paint), '')
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
  /** Every reader diagnostic and finding in the table output, not one line per kind. */
  verbose?: boolean | undefined
}

/**
 * The files to read: each file as given, and the format's files in each directory, up to three
 * levels down (a managed network's rule sets, a firewall's group files are in subdirectories),
 * except a render's manifest.
 */
async function configPaths(input: {
  io: Io
  paths: readonly string[]
  format: RegisteredFormat
}): Promise<string[]> {
  const extensions = input.format.fileExtensions
  const paths: string[] = []
  for (const path of input.paths) {
    const listed = await input.io.listDirectory(path, { depth: 3 })
    if (!listed) {
      paths.push(path)
      continue
    }
    // A render's own bookkeeping (its manifest) is no config, whatever the extension.
    const chosen = listed.filter(
      (file) => basename(file) !== MANIFEST_NAME && extensions.some((e) => file.endsWith(e)),
    )
    if (chosen.length === 0)
      throw new UsageError(
        `'${path}' is a directory with no ${extensions.join(' or ')} files for ${input.format.name}`,
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
  const format = await load()
  const given: RenderedFile[] = []
  for (const path of await configPaths({ io, paths: options.files, format })) {
    const contents = await io.readFile(path)
    if (contents === undefined) throw new UsageError(`cannot read '${path}': no such file`)
    given.push({ path, contents })
  }
  const { files, missing } = await readReferencedFiles({ io, format, files: given })
  const report = { ...(await checkConfig({ plan, profile, format, files })), notRead: missing }
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
  else if (output === 'markdown') io.stdout(terminalText(formatCheckMarkdown(report)))
  else {
    const { quiet, verbose } = options
    const text = formatCheckReport({ report, io, quiet: quiet === true, verbose: verbose === true })
    io.stdout(terminalText(text))
  }
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
    profile: profileArg,
    format: {
      type: 'string',
      alias: 'f',
      description: 'The format of the files (see FORMATS below)',
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
    verbose: {
      type: 'boolean',
      description: 'Print every reader diagnostic (default: one line per kind of finding)',
    },
  },
  examples: checkExamples,
  moreHelp: async ({ formats, io }) =>
    formatsHelp({ formats: await loadFormats(formats), flags: false, paint: createPaint(io) }),
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
        verbose: args.verbose === true,
      },
      { io, formats },
    ),
})
