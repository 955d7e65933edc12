import { type Diagnostic, type DiagnosticCode, diagnosticCodes } from './diagnostics'
import { compareOrdinal } from './order'
import type { ReadonlyDeep } from './readonly'
import type { DiagnosticSummary } from './summary'
import { escapeControlCharacters, formatCount } from './text'

/** Options of `formatDiagnosticSummaries`. */
export type SummaryTextOptions = {
  /**
   * A screenful, however many diagnostics: one line per code in each format (counts summed, the
   * code's title and a first example), each fix printed once, a format's infos on one line, no
   * line wider than `width`. Default: one line (and example rules) per summary, each whole.
   */
  compact?: boolean
  /**
   * The widest line of compact text, in characters (a terminal's width less the caller's indent):
   * a longer message is cut at a word, with "…". Default 120.
   */
  width?: number
  /**
   * Fixes printed above (compact text), by their text: another format's findings of the same
   * code. A finding whose fix is among them says "(fix above)" instead of repeating it.
   */
  fixesShown?: ReadonlySet<string>
  /** Leave out each compact line's `[format]`: they print under a heading naming the format. */
  omitFormat?: boolean
}

const DEFAULT_WIDTH = 120
/** A fix is what the user acts on: wrapped rather than cut, up to this many lines. */
const MAX_FIX_LINES = 2

/** What an info finding is, counted on a format's one info line: singular and plural. */
const infoNouns: Partial<Record<DiagnosticCode, [string, string]>> = {
  AML_EGRESS_MANAGED_BY_AML: ['rule AML manages itself', 'rules AML manages itself'],
  AML_EGRESS_LOSSY_TRANSLATION: ['rule rendered narrower', 'rules rendered narrower'],
  AML_EGRESS_SERVICE_TAG_FALLBACK: ['rule as a service tag', 'rules as service tags'],
  AML_EGRESS_LIMIT_SPLIT: ['split for a limit', 'splits for limits'],
  AML_EGRESS_ADVISORY: ['advisory', 'advisories'],
}

/** Control characters shown (messages quote input files) and whitespace runs made one space. */
function oneLine(text: string): string {
  return escapeControlCharacters(text.replace(/\s+/g, ' ').trim())
}

/** Where to cut `line` to keep at most `room` characters: the last space, unless too early. */
function cutAt(line: string, room: number): number {
  const space = line.lastIndexOf(' ', room)
  // No space in the second half: a long token is cut where it must be, still marked by "…".
  return space > room / 2 ? space : room
}

/**
 * `text` on one line of at most `width` characters: control characters shown, whitespace runs
 * made one space, and a longer text cut at the last space that keeps it within `width` (trailing
 * punctuation dropped), ending in "…" and then `suffix`.
 * @example fitLine('a limit of 20,000 rules', 15) // 'a limit of…'
 */
export function fitLine(text: string, width: number, suffix = ''): string {
  const line = oneLine(text)
  if (line.length + suffix.length <= width) return `${line}${suffix}`
  const room = Math.max(width - suffix.length - 1, 1)
  return `${line.slice(0, cutAt(line, room)).replace(/[\s,;:(—-]+$/, '')}…${suffix}`
}

/**
 * `text` wrapped at spaces into at most `maxLines` lines of at most `width` characters, the
 * lines after the first starting with `indent`; the last line cut as `fitLine` does, then `suffix`.
 */
function wrapLines(
  text: string,
  width: number,
  wrap: { indent: string; maxLines: number; suffix?: string },
): string[] {
  const { indent, maxLines, suffix = '' } = wrap
  const lines: string[] = []
  let rest = oneLine(text)
  while (lines.length < maxLines - 1) {
    const room = width - (lines.length === 0 ? 0 : indent.length)
    if (rest.length + suffix.length <= room) break
    const at = cutAt(rest, room)
    lines.push(`${lines.length === 0 ? '' : indent}${rest.slice(0, at).trimEnd()}`)
    rest = rest.slice(at).trimStart()
  }
  const prefix = lines.length === 0 ? '' : indent
  return [...lines, `${prefix}${fitLine(rest, width - prefix.length, suffix)}`]
}

function where(diagnostic: ReadonlyDeep<Diagnostic>): string {
  const { location } = diagnostic
  if (!location) return ''
  return ` ${location.file}${location.line ? `:${location.line}` : ''}`
}

function countOf(summaries: readonly DiagnosticSummary[]): number {
  return summaries.reduce((sum, summary) => sum + summary.count, 0)
}

/** `severity CODE [format]`, the start of every line. */
function headOf(summary: DiagnosticSummary, options: SummaryTextOptions): string {
  const format = summary.format && !options.omitFormat ? ` [${summary.format}]` : ''
  return `${summary.severity} ${summary.code}${format}`
}

/** An example's message is worth printing only with this much of it on the line. */
const MIN_EXAMPLE = 30
/** The indent of a wrapped line under its finding, and of a fix. */
const CONTINUATION = '    '

/**
 * One kind of finding to act on (a code, in one format), within `width`: a lone one as
 * `formatDiagnostics` prints it (place, rule, message), wrapped onto a second line rather than
 * cut, since its message names what to change; several as their count, the code's title and,
 * when there is room for it, the first example.
 */
function findingLine(
  group: readonly DiagnosticSummary[],
  options: SummaryTextOptions,
  suffix: string,
): string[] {
  const width = options.width ?? DEFAULT_WIDTH
  const first = group[0] as DiagnosticSummary
  const head = headOf(first, options)
  const count = countOf(group)
  const only = count === 1 ? first.examples[0] : undefined
  if (only) {
    const rule = only.ruleId ? ` (${only.ruleId})` : ''
    const text = `${head}${where(only)}${rule}: ${first.message}`
    return wrapLines(text, width, { indent: CONTINUATION, maxLines: 2, suffix })
  }
  const line = `${head} ×${formatCount(count)}: ${diagnosticCodes[first.code].title}`
  const example = first.examples[0]?.message
  const withExample = `${line}; e.g. ${example}`
  return [
    example && line.length + 7 + MIN_EXAMPLE + suffix.length < width
      ? fitLine(withExample, width, suffix)
      : fitLine(line, width, suffix),
  ]
}

/**
 * A finding's line, then each of its fixes not printed yet (wrapped, whole unless very long);
 * "(fix above)" when none is new. `shown` gains the fixes printed.
 */
function findingLines(
  group: readonly DiagnosticSummary[],
  shown: Set<string>,
  options: SummaryTextOptions,
): string[] {
  const width = options.width ?? DEFAULT_WIDTH
  const fixes = [...new Set(group.flatMap((summary) => (summary.help ? [summary.help] : [])))]
  const newFixes = fixes.filter((fix) => !shown.has(fix))
  for (const fix of newFixes) shown.add(fix)
  const suffix = fixes.length > 0 && newFixes.length === 0 ? ' (fix above)' : ''
  const fixIndent = `${CONTINUATION} `
  return [
    ...findingLine(group, options, suffix),
    ...newFixes.flatMap((fix) =>
      wrapLines(`fix: ${fix}`, width - 2, { indent: fixIndent, maxLines: MAX_FIX_LINES }).map(
        (line) => `  ${line}`,
      ),
    ),
  ]
}

/**
 * The formats that carry rules out of a format's scope: those that carry all of them, else each
 * format that carries some.
 */
function carriersText(scope: readonly DiagnosticSummary[]): string {
  const carriers = scope.map((summary) => summary.carriedBy)
  if (carriers.some((names) => names === undefined)) return ''
  const lists = carriers as string[][]
  const all = (lists[0] ?? []).filter((name) => lists.every((names) => names.includes(name)))
  const plural = countOf(scope) !== 1
  if (all.length > 0) return ` (${plural ? 'belong' : 'belongs'} to ${all.join(', ')})`
  const any = [...new Set(lists.flat())].sort(compareOrdinal)
  if (any.length === 0) return ` (no other format carries ${plural ? 'them' : 'it'})`
  return ` (split among ${any.join(', ')})`
}

/** One code's part of a format's info line: "40,061 rules AML manages itself". */
function infoPart(group: readonly DiagnosticSummary[]): string {
  const first = group[0] as DiagnosticSummary
  const count = countOf(group)
  if (group.every((summary) => summary.lacks !== undefined))
    // One kind alone says itself: "12 in-cluster rules belong to cilium, network-policy"
    return group.length === 1
      ? first.message.replace(/^\d+ /, `${formatCount(count)} `)
      : `${formatCount(count)} out of scope${carriersText(group)}`
  const nouns = infoNouns[first.code]
  if (nouns) return `${formatCount(count)} ${count === 1 ? nouns[0] : nouns[1]}`
  return `${formatCount(count)} × ${diagnosticCodes[first.code].title.toLowerCase()}`
}

/**
 * A format's infos on one line, one part per code; a lone info as its own message, which says
 * more in the same line.
 */
function infoLine(infos: readonly DiagnosticSummary[], options: SummaryTextOptions): string {
  const width = options.width ?? DEFAULT_WIDTH
  const first = infos[0] as DiagnosticSummary
  const only = infos.length === 1 && first.count === 1 ? first.examples[0] : undefined
  if (only) return fitLine(`${headOf(first, options)}${where(only)}: ${first.message}`, width)
  const parts = groupBy(infos, (summary) => summary.code).map(infoPart)
  const head = first.format && !options.omitFormat ? `info [${first.format}]` : 'info'
  return fitLine(`${head}: ${parts.join('; ')}`, width)
}

/** The items by key, in order of each key's first item (the summaries come sorted). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const name = key(item)
    const group = groups.get(name) ?? []
    group.push(item)
    groups.set(name, group)
  }
  return [...groups.values()]
}

/** Compact text: see `SummaryTextOptions.compact`. */
function compactText(
  summaries: readonly DiagnosticSummary[],
  options: SummaryTextOptions,
): string[] {
  const shown = new Set(options.fixesShown)
  const findings = summaries.filter((summary) => summary.severity !== 'info')
  const infos = summaries.filter((summary) => summary.severity === 'info')
  const lines = groupBy(findings, (s) => `${s.severity} ${s.code} ${s.format ?? ''}`).flatMap(
    (group) => findingLines(group, shown, options),
  )
  const byFormat = groupBy(infos, (summary) => summary.format ?? '').sort((a, b) =>
    compareOrdinal(a[0]?.format ?? '', b[0]?.format ?? ''),
  )
  for (const formatInfos of byFormat) lines.push(infoLine(formatInfos, options))
  return lines
}

/** The group's example rules (or places in a file), and how many more there are. */
function exampleLine(summary: DiagnosticSummary): string {
  const names = summary.examples.map((d) => d.ruleId ?? (where(d).trim() || d.message))
  const more = summary.count - summary.examples.length
  const label = summary.examples.some((d) => d.ruleId !== undefined) ? 'rules' : 'at'
  return `${CONTINUATION}${label}: ${names.join(', ')}${more > 0 ? `, and ${more} more` : ''}`
}

/**
 * One summary whole: a group of one as `formatDiagnostics` prints it; rules out of a format's
 * scope as their count and where they belong; another group as its message with a count. A
 * warning or error adds its example rules and fix; an info stays one line.
 */
function summaryLines(summary: DiagnosticSummary): string[] {
  const head = headOf(summary, {})
  const only = summary.count === 1 ? summary.examples[0] : undefined
  const first = summary.lacks
    ? `${head}: ${summary.message}`
    : only
      ? `${head}${where(only)}${only.ruleId ? ` (${only.ruleId})` : ''}: ${summary.message}`
      : `${head} ×${summary.count}: ${summary.message}`
  if (summary.severity === 'info') return [first]
  const lines = [first]
  if (!only && !summary.lacks) lines.push(exampleLine(summary))
  if (summary.help) lines.push(`${CONTINUATION}fix: ${summary.help}`)
  return lines
}

/**
 * Summaries for terminals and logs. By default each summary whole, one line each with a warning's
 * or error's example rules and fix (`check` lists each over-broad rule so). `compact` makes a
 * screenful however many diagnostics they stand for: each kind of finding to act on (an error or
 * warning code, per format) as one line with its count and a first example, then its fix, printed
 * once per text even when several formats share it (pass `fixesShown` across calls); a format's
 * infos as one line, counted by code ("4,061 rules AML manages itself; 13 out of scope (belong to
 * cilium, network-policy)"); no line wider than `width`. Every diagnostic stays in the summaries
 * and the diagnostics themselves (`formatDiagnostics`).
 * @example formatDiagnosticSummaries(summariseDiagnostics(diagnostics)) // "info AML_EGRESS_OUT_OF_SCOPE [squid]: 12 in-cluster rules belong to cilium, network-policy"
 * @example formatDiagnosticSummaries(summaries, { compact: true, width: 100 })
 */
export function formatDiagnosticSummaries(
  summaries: readonly DiagnosticSummary[],
  options: SummaryTextOptions = {},
): string {
  const lines = options.compact ? compactText(summaries, options) : summaries.flatMap(summaryLines)
  return lines.join('\n')
}
