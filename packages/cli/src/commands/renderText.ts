import { join } from 'node:path'
import {
  type Diagnostic,
  describeServiceTagSource,
  fitLine,
  formatCount,
  formatDiagnosticSummaries,
  formatDiagnostics,
  type Plan,
  summariseDiagnostics,
} from '@aml-egress/core'
import { createPaint, type Paint } from '../color'
import type { Io } from '../io'
import type {
  DiagnosticsDigest,
  FileStatus,
  FormatOutcome,
  PlannedStale,
  RenderCommandOptions,
} from './render'

/** What the text summary of a render reads: the plan, each format's outcome, the stale files. */
export type RenderSummaryInput = {
  options: RenderCommandOptions
  plan: Plan
  outcomes: readonly FormatOutcome[]
  stale: readonly PlannedStale[]
  io: Io
}

/**
 * A screenful: at most this many columns per line of the default summary (messages are cut at a
 * word, `--verbose` prints them whole), the width of a terminal beside an editor.
 */
const SCREEN_WIDTH = 120
const VERBOSE_HINT = '--verbose lists every file and diagnostic'

/** A stale file as `--check` and the summaries show it. */
export function staleLine(file: PlannedStale, out: string): string {
  return file.edited
    ? `stale     ${join(out, file.path)} (an earlier render wrote it and the profile no longer produces it; edited since, so render leaves it: delete it by hand)`
    : `stale     ${join(out, file.path)} (an earlier render wrote it and the profile no longer produces it; render removes it)`
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${prefix}${line}`))
    .join('\n')
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`
}

function isAdvisory(diagnostic: { code: string }): boolean {
  return diagnostic.code === 'AML_EGRESS_ADVISORY'
}

function isError(diagnostic: { severity: string }): boolean {
  return diagnostic.severity === 'error'
}

/** The plan's rule counts and catalog: the first line of either summary. */
function planLine(plan: Plan, paint: Paint): string {
  const count = (direction: string) =>
    formatCount(plan.rules.filter((rule) => rule.direction === direction).length)
  const counts = `${plural(plan.rules.length, 'rule')} (${count('outbound')} outbound, ${count('inbound')} inbound, ${count('inCluster')} in-cluster)`
  return `${paint.bold('plan')}: ${counts} from catalog ${plan.catalog.version} (docs ${plan.catalog.docDate})`
}

function writtenLine(input: RenderSummaryInput): string {
  const files = input.outcomes.flatMap((outcome) => outcome.files)
  const written = files.filter((file) => file.status !== 'unchanged').length
  const removed = input.stale.filter((file) => !file.edited).length
  return `${plural(written, 'file')} written, ${formatCount(files.length - written)} unchanged${removed > 0 ? `, ${formatCount(removed)} removed` : ''}, under ${input.options.out}`
}

/** `--verbose`: the plan, every file of each format and every diagnostic, advisories. */
export function verboseSummary(input: RenderSummaryInput): string {
  const { options, plan } = input
  const paint = createPaint(input.io)
  const lines = [planLine(plan, paint)]
  if (plan.serviceTags)
    lines.push(
      `service tags checked against ${describeServiceTagSource(plan.serviceTags)}${plan.serviceTags.bundled ? ', bundled (newer: --service-tags FILE)' : ''}`,
    )
  for (const outcome of input.outcomes) {
    lines.push(
      '',
      `${paint.bold(outcome.name)} (${outcome.title}): ${formatCount(outcome.rulesExpressed)} of ${formatCount(plan.rules.length)} rules rendered`,
    )
    for (const file of outcome.files) {
      const status =
        file.status === 'unchanged' ? paint.dim('unchanged') : paint.green(file.status.padEnd(9))
      lines.push(`  ${status} ${join(options.out, file.path)}`)
    }
    for (const file of input.stale.filter((entry) => entry.format === outcome.name))
      lines.push(
        file.edited
          ? `  ${paint.yellow(staleLine(file, options.out))}`
          : `  ${paint.green('removed  ')} ${join(options.out, file.path)} (no longer produced)`,
      )
    if (outcome.files.length === 0)
      lines.push(`  ${paint.dim('no files: nothing in the plan applies to this format')}`)
    const all = outcome.diagnostics.all ?? []
    if (all.length > 0)
      lines.push(
        `  ${formatCount(all.length)} diagnostics:`,
        indent(formatDiagnostics(all), '    '),
      )
  }
  const advisories = plan.advisories.filter(isAdvisory)
  const leftOut = plan.advisories.filter((d) => !isAdvisory(d))
  if (leftOut.length > 0)
    lines.push('', `${paint.bold('plan')} diagnostics:`, indent(formatDiagnostics(leftOut)))
  if (advisories.length > 0)
    lines.push(
      '',
      `${paint.bold('advisories')} (not firewall rules; set these up as well):`,
      indent(formatDiagnostics(advisories)),
    )
  lines.push('', writtenLine(input))
  return `${lines.join('\n')}\n`
}

/** "5 files created", "5 files (1 updated, 4 unchanged), 1 removed": a format's files as one phrase. */
function filesPhrase(outcome: FormatOutcome, stale: readonly PlannedStale[]): string {
  const { files } = outcome
  const removed = stale.filter((file) => file.format === outcome.name && !file.edited).length
  const removedText = removed > 0 ? `, ${formatCount(removed)} removed` : ''
  if (files.length === 0) return `no files (nothing in the plan applies to it)${removedText}`
  const statuses: FileStatus[] = ['created', 'updated', 'unchanged']
  const counts = statuses
    .map((status) => ({ status, count: files.filter((file) => file.status === status).length }))
    .filter(({ count }) => count > 0)
  const total = plural(files.length, 'file')
  const [only] = counts
  const phrase =
    counts.length === 1 && only
      ? `${total} ${only.status}`
      : `${total} (${counts.map(({ status, count }) => `${formatCount(count)} ${status}`).join(', ')})`
  return `${phrase}${removedText}`
}

/**
 * Diagnostics under a heading, indented: errors each in full (what failed), the rest as core's
 * compact summary text. The fixes printed join `fixesShown`, so that the next format sharing one
 * says "(fix above)".
 */
function compactDiagnostics(input: {
  digest: Pick<DiagnosticsDigest, 'errors' | 'summaries'>
  fixesShown: Set<string>
}): string[] {
  const { errors, summaries } = input.digest
  const lines = errors.length > 0 ? formatDiagnostics(errors).split('\n') : []
  if (summaries.length > 0)
    lines.push(
      ...formatDiagnosticSummaries(summaries, {
        compact: true,
        width: SCREEN_WIDTH - 2,
        fixesShown: input.fixesShown,
        omitFormat: true,
      }).split('\n'),
    )
  for (const summary of summaries)
    if (summary.severity !== 'info' && summary.help) input.fixesShown.add(summary.help)
  return lines.map((line) => `  ${line}`)
}

/**
 * One format in the default summary: a line for its rules and files, the stale files it left in
 * place (each in full: the user deletes them), then its diagnostics.
 */
function compactFormat(input: {
  outcome: FormatOutcome
  summary: RenderSummaryInput
  fixesShown: Set<string>
}): string[] {
  const { outcome, fixesShown } = input
  const { options, plan, stale } = input.summary
  const paint = createPaint(input.summary.io)
  const lines = [
    `${paint.bold(outcome.name)}: ${formatCount(outcome.rulesExpressed)} of ${plural(plan.rules.length, 'rule')} · ${filesPhrase(outcome, stale)}`,
  ]
  for (const file of stale.filter((entry) => entry.format === outcome.name && entry.edited))
    lines.push(`  ${paint.yellow(staleLine(file, options.out))}`)
  if (outcome.diagnostics.count > 0)
    lines.push(...compactDiagnostics({ digest: outcome.diagnostics, fixesShown }))
  return lines
}

/** The service-tag source, under the plan line. */
function serviceTagsLine(plan: Plan): string[] {
  const { serviceTags } = plan
  if (!serviceTags) return []
  const source = describeServiceTagSource(serviceTags)
  const text = serviceTags.bundled
    ? `service tags: the bundled ${source}; newer: --service-tags FILE`
    : `service tags checked against ${source}`
  return [`  ${fitLine(text, SCREEN_WIDTH - 2)}`]
}

/** The advisories as one line: how many, and their requirements for `explain`. */
function advisoriesLine(plan: Plan, paint: Paint): string[] {
  const advisories = plan.advisories.filter(isAdvisory)
  if (advisories.length === 0) return []
  const ids = [...new Set(advisories.flatMap((d) => d.requirementIds ?? []))]
  const head = `${formatCount(advisories.length)} to set up as well (\`aml-egress explain ID\`)`
  const line = fitLine(`${head}${ids.length > 0 ? `: ${ids.join(', ')}` : ''}`, SCREEN_WIDTH - 12)
  return ['', `${paint.bold('advisories')}: ${line}`]
}

/**
 * The default summary, a screenful for one workspace as for ten thousand (at most 40 lines of
 * 120 columns for the Kubernetes fleets): the plan and what it could not resolve; per format one
 * line for its rules and files, a line per kind of finding to act on with its fix (once), one
 * line of infos; the advisories as one line; the files written. Errors are printed in full.
 */
export function compactSummary(input: RenderSummaryInput): string {
  const { plan } = input
  const paint = createPaint(input.io)
  const fixesShown = new Set<string>()
  const lines = [planLine(plan, paint), ...serviceTagsLine(plan)]
  // The plan's own diagnostics (an address to add to the profile), then each format's. The plan's
  // are read-only; summarising only reads them.
  const leftOut = plan.advisories.filter((d) => !isAdvisory(d)) as readonly Diagnostic[]
  if (leftOut.length > 0) {
    const errors = leftOut.filter(isError)
    const summaries = summariseDiagnostics(leftOut.filter((d) => !isError(d)))
    lines.push(...compactDiagnostics({ digest: { errors, summaries }, fixesShown }))
  }
  lines.push('')
  for (const outcome of input.outcomes)
    lines.push(...compactFormat({ outcome, summary: input, fixesShown }))
  lines.push(...advisoriesLine(plan, paint))
  const written = writtenLine(input)
  const hint = `; ${VERBOSE_HINT}`
  lines.push(
    '',
    ...(written.length + hint.length <= SCREEN_WIDTH
      ? [`${written}${hint}`]
      : [written, VERBOSE_HINT]),
  )
  return `${lines.join('\n')}\n`
}
