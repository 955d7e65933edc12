import { join } from 'node:path'
import {
  countExpressedRules,
  type Diagnostic,
  type DiagnosticDetail,
  type DiagnosticSummary,
  formatDiagnostics,
  type Plan,
  type RenderedFile,
  type RenderResult,
  type SummaryFormat,
  summariseDiagnostics,
} from '@aml-egress/core'
import { type ArgsDef, parseArgs } from 'citty'
import { createPaint } from '../color'
import { defineCliCommand, profileArg, unknownFlags } from '../command'
import { unifiedDiff } from '../diff'
import { UsageError } from '../errors'
import { renderExamples } from '../examples'
import {
  assertFlagsApply,
  type FormatFlags,
  formatFlagArgs,
  formatsHelp,
  renderOptionsFor,
} from '../formatOptions'
import type { FileChange, Io } from '../io'
import {
  contentHash,
  isSafeRelativePath,
  MANIFEST_NAME,
  type Manifest,
  manifestText,
  parseManifest,
  type StaleFile,
  staleFiles,
} from '../manifest'
import { assertNothingBlocked, blockedPaths } from '../outputTree'
import { loadProfile } from '../profile'
import { type FormatRegistry, formatNames, loadFormats, type RegisteredFormat } from '../registry'
import { suggest } from '../suggest'
import { compactSummary, staleLine, verboseSummary } from './renderText'

/** Options of `aml-egress render`, already parsed. */
export type RenderCommandOptions = {
  profile: string
  /** A format name, a comma-separated list, or `all`. */
  format: string
  out: string
  check?: boolean
  /**
   * The chosen formats' render options as on the command line, by flag without dashes:
   * `{ 'base-priority': '700', 'dns-proxy': false }`. A flag no chosen format takes is an error.
   */
  flags?: FormatFlags | undefined
  /**
   * A newer published service-tags JSON: the plan's tags are checked against its names, and the
   * formats that take `--service-tags` (ipBlocks) read it too.
   */
  serviceTags?: string | undefined
  /** @deprecated Use `flags: { mode }`; kept for one release. */
  mode?: 'include' | 'standalone' | undefined
  json?: boolean
  quiet?: boolean
  /** Every file and every diagnostic in the summary, not a screenful of counts. */
  verbose?: boolean
}

/** What happened (or would happen) to one output file. */
export type FileStatus = 'created' | 'updated' | 'unchanged'

/** A rendered file with its place under `--out`, before the disk is read. */
type PlacedFile = {
  format: string
  /** Path relative to `--out`, POSIX. */
  path: string
  contents: string
  /** `contents` as UTF-8: encoded once, then hashed for the manifest and written. */
  utf8: Buffer
}

type PlannedFile = PlacedFile & {
  before: string | undefined
  status: FileStatus
}

/**
 * A file an earlier render wrote and this one no longer produces: removed when unchanged since
 * (`before` is its text), left in place when edited since.
 */
export type PlannedStale = StaleFile & { before: string; edited: boolean }

/**
 * A format's diagnostics as the summary prints them. A fleet's formats return hundreds of
 * thousands, mostly the same few kinds: keeping every one until the files are written cost
 * about 100 MB at 10,000 workspaces, so only `--verbose` keeps them.
 */
export type DiagnosticsDigest = {
  /** How many plan rules or other findings the format's diagnostics stand for. */
  count: number
  /** Those of severity error: each printed in full, and the exit code. */
  errors: Diagnostic[]
  /**
   * One per kind of finding (core's `summariseDiagnostics`): of every diagnostic for `--json`, of
   * those that are not errors for the text summary (which prints errors in full); none with
   * `--quiet`, which prints no summary.
   */
  summaries: DiagnosticSummary[]
  /** Every diagnostic, one per rule (the render's `every` detail), with `--verbose`; otherwise undefined. */
  all: readonly Diagnostic[] | undefined
}

/** One format's rendering, before anything is compared with the disk. */
type Rendered = {
  format: RegisteredFormat
  files: readonly RenderedFile[]
  diagnostics: DiagnosticsDigest
  /** Plan rules the format expresses, whole or in part: core's `triagePlan` answer. */
  rulesExpressed: number
}

export type FormatOutcome<File = PlannedFile> = {
  name: string
  title: string
  files: File[]
  diagnostics: DiagnosticsDigest
  rulesExpressed: number
}

/** How the summary will show diagnostics: which digest `digestDiagnostics` makes. */
type DigestMode = Pick<RenderCommandOptions, 'json' | 'quiet' | 'verbose'>

/** Everything a render changes under `--out`, checked and read before anything is written. */
type OutputPlan = {
  outcomes: FormatOutcome[]
  files: PlannedFile[]
  stale: PlannedStale[]
  manifest: { text: string; before: string | undefined }
}

/** Resolves `--format` to registry names: `all`, one name, or a comma-separated list. */
export function selectFormats(input: { format: string; registry: FormatRegistry }): string[] {
  const names = formatNames(input.registry)
  if (input.format === 'all') return names
  const wanted = input.format
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  for (const name of wanted)
    if (!names.includes(name)) {
      const suggestion = suggest(name, names)
      throw new UsageError(
        `unknown format '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
        `use one of: ${names.join(', ')}, or all`,
      )
    }
  if (wanted.length === 0)
    throw new UsageError('--format needs a value', `use one of: ${names.join(', ')}, or all`)
  return [...new Set(wanted)].sort()
}

function assertSafePath(format: string, path: string): void {
  if (!isSafeRelativePath(path) || path === MANIFEST_NAME)
    throw new Error(`format '${format}' produced an unsafe path '${path}'`)
}

/**
 * Where a format's files go under `--out`. One format: its paths as rendered. Several: each in a
 * folder named after the format (its own top folder replaced), so two formats that both write
 * `kubernetes/network-policies.yaml` cannot collide.
 */
export function outputPaths(input: {
  format: string
  files: readonly RenderedFile[]
  nested: boolean
}): string[] {
  const paths = input.files.map((file) => file.path)
  if (!input.nested) return paths
  const tops = new Set(paths.map((path) => (path.includes('/') ? path.split('/')[0] : undefined)))
  const shared = tops.size === 1 ? [...tops][0] : undefined
  return paths.map((path) =>
    shared === undefined
      ? `${input.format}/${path}`
      : `${input.format}/${path.slice(shared.length + 1)}`,
  )
}

/** The flag of `render` (and of the formats that turn tags into ipBlocks) for a service-tags file. */
const SERVICE_TAGS_FLAG = 'service-tags'

/**
 * Every shipped format's name and capabilities, for naming where rules out of a format's scope
 * belong. Loaded on the first rendering that left some out of scope, then kept for the others.
 */
function scopeFormatsLoader(registry: FormatRegistry): () => Promise<SummaryFormat[]> {
  let loaded: Promise<SummaryFormat[]> | undefined
  return () => {
    loaded ??= loadFormats(registry).then((formats) =>
      formats.map(({ name, capabilities }) => ({ name, capabilities })),
    )
    return loaded
  }
}

/** A format's diagnostics summarised for the chosen output; every one only with `--verbose`. */
async function digestDiagnostics(input: {
  diagnostics: readonly Diagnostic[]
  mode: DigestMode
  scopeFormats: () => Promise<SummaryFormat[]>
}): Promise<DiagnosticsDigest> {
  const { diagnostics, mode } = input
  const errors = diagnostics.filter((d) => d.severity === 'error')
  const summarised = mode.json
    ? diagnostics
    : mode.quiet
      ? []
      : diagnostics.filter((d) => d.severity !== 'error')
  const formats = summarised.some((d) => d.lacks !== undefined) ? await input.scopeFormats() : []
  return {
    count: diagnostics.reduce((sum, d) => sum + (d.count ?? 1), 0),
    errors,
    summaries: summariseDiagnostics(summarised, { formats }),
    all: mode.verbose ? diagnostics : undefined,
  }
}

/**
 * Loads the chosen formats and renders the plan with each. Every flag is checked and read before
 * the first render, so a bad value exits 2 having rendered and written nothing.
 */
async function renderWithFormats(input: {
  plan: Plan
  names: readonly string[]
  flags: FormatFlags
  serviceTags: string | undefined
  mode: DigestMode
  io: Io
  registry: FormatRegistry
}): Promise<Rendered[]> {
  const { plan, flags, io } = input
  const formats = await loadFormats(input.registry, input.names)
  await assertFlagsApply({ flags, chosen: formats, registry: input.registry })
  // `--service-tags` is the command's (the plan is checked against it) and a format option too.
  const withTags = (format: RegisteredFormat): FormatFlags =>
    input.serviceTags !== undefined &&
    format.renderOptions.some((spec) => spec.flag === SERVICE_TAGS_FLAG)
      ? { ...flags, [SERVICE_TAGS_FLAG]: input.serviceTags }
      : flags
  const options = await Promise.all(
    formats.map((format) => renderOptionsFor({ format, flags: withTags(format), io })),
  )
  const scopeFormats = scopeFormatsLoader(input.registry)
  const rendered: Rendered[] = []
  const detail: DiagnosticDetail = input.mode.verbose ? 'every' : 'summary'
  for (const [index, format] of formats.entries()) {
    const result: RenderResult = format.render(plan, { ...options[index], diagnostics: detail })
    rendered.push({
      format,
      files: result.files,
      diagnostics: await digestDiagnostics({
        diagnostics: result.diagnostics,
        mode: input.mode,
        scopeFormats,
      }),
      // The question `check` and the shared matrix ask core too: which rules can this format say?
      rulesExpressed: countExpressedRules(plan, format),
    })
  }
  return rendered
}

/** Each rendered file with its path under `--out` (nothing read yet). */
function placeFiles(rendered: readonly Rendered[]): FormatOutcome<PlacedFile>[] {
  const nested = rendered.length > 1
  return rendered.map(({ format, files: rendered, diagnostics, rulesExpressed }) => {
    const paths = outputPaths({ format: format.name, files: rendered, nested })
    const files = rendered.map((file, index): PlacedFile => {
      assertSafePath(format.name, file.path)
      const { contents } = file
      const path = paths[index] ?? file.path
      return { format: format.name, path, contents, utf8: Buffer.from(contents, 'utf8') }
    })
    const { name, title } = format
    return { name, title, files, diagnostics, rulesExpressed }
  })
}

/** The manifest in `--out`, or an empty one when there is none yet. */
async function readManifest(out: string, io: Io): Promise<Manifest> {
  const path = join(out, MANIFEST_NAME)
  const text = await io.readFile(path, { noFollow: true })
  return text === undefined ? { formats: {} } : parseManifest(text, path)
}

/** The stale files of the manifest that are still regular files where render left them. */
async function readStale(input: {
  candidates: readonly StaleFile[]
  out: string
  io: Io
}): Promise<PlannedStale[]> {
  const { out, io } = input
  const moved = await blockedPaths({ out, files: input.candidates.map((c) => c.path), io })
  const stale: PlannedStale[] = []
  for (const candidate of input.candidates) {
    const path = join(out, candidate.path)
    // Replaced by a link, a directory or nothing: not render's file any more; left alone.
    if (moved.some((blocked) => blocked.forFile === path)) continue
    if ((await io.entryKind(path)) !== 'file') continue
    const before = await io.readFile(path, { noFollow: true })
    if (before === undefined) continue
    stale.push({ ...candidate, before, edited: contentHash(before) !== candidate.hash })
  }
  return stale
}

/** The manifest after this render: the chosen formats' entries replaced, the others kept. */
function nextManifest(input: {
  manifest: Manifest
  names: readonly string[]
  files: readonly PlacedFile[]
  stale: readonly PlannedStale[]
}): Manifest {
  const formats: Record<string, Record<string, string>> = { ...input.manifest.formats }
  for (const name of input.names) formats[name] = {}
  for (const file of input.files) {
    const entries = formats[file.format] ?? {}
    entries[file.path] = contentHash(file.utf8)
    formats[file.format] = entries
  }
  // An edited stale file stays listed: the next render still reports it.
  for (const file of input.stale.filter((entry) => entry.edited)) {
    const entries = formats[file.format] ?? {}
    entries[file.path] = file.hash
    formats[file.format] = entries
  }
  return { formats }
}

/**
 * Checks every path the render touches under `--out` (refusing, exit 2, when a link, a file or a
 * directory is in the way), then reads what is there: each output file, the manifest and the
 * stale files it lists. Links are never followed, so no link target is ever read or printed.
 */
async function planOutput(input: {
  placed: readonly FormatOutcome<PlacedFile>[]
  names: readonly string[]
  out: string
  io: Io
}): Promise<OutputPlan> {
  const { out, io } = input
  const placedFiles = input.placed.flatMap((outcome) => outcome.files)
  const paths = [...placedFiles.map((file) => file.path), MANIFEST_NAME]
  assertNothingBlocked({ out, blocked: await blockedPaths({ out, files: paths, io }) })
  const manifest = await readManifest(out, io)
  const candidates = staleFiles({
    manifest,
    formats: input.names,
    produced: new Set(placedFiles.map((file) => file.path)),
  })
  const stale = await readStale({ candidates, out, io })
  const outcomes = await Promise.all(
    input.placed.map(async (outcome) => ({
      ...outcome,
      files: await Promise.all(
        outcome.files.map(async (file): Promise<PlannedFile> => {
          const before = await io.readFile(join(out, file.path), { noFollow: true })
          const status =
            before === undefined ? 'created' : before === file.contents ? 'unchanged' : 'updated'
          return { ...file, before, status }
        }),
      ),
    })),
  )
  const next = nextManifest({ manifest, names: input.names, files: placedFiles, stale })
  return {
    outcomes,
    files: outcomes.flatMap((outcome) => outcome.files),
    stale,
    manifest: {
      text: manifestText(next),
      before: await io.readFile(join(out, MANIFEST_NAME), { noFollow: true }),
    },
  }
}

/** Writes the changed files, removes the unedited stale ones and updates the manifest: one batch. */
async function writeOutput(input: { plan: OutputPlan; out: string; io: Io }): Promise<void> {
  const { plan } = input
  const writes = plan.files
    .filter((file) => file.status !== 'unchanged')
    .map(({ path, contents, utf8, before }): FileChange => ({ path, contents, utf8, before }))
  const removals = plan.stale
    .filter((file) => !file.edited)
    .map(({ path, before }) => ({ path, before }))
  if (writes.length === 0 && removals.length === 0 && plan.manifest.before === plan.manifest.text)
    return
  if (plan.manifest.before !== plan.manifest.text)
    writes.push({ path: MANIFEST_NAME, contents: plan.manifest.text, before: plan.manifest.before })
  await input.io.applyFileBatch({ root: input.out, writes, removals })
}

/**
 * A render that already knows it breaks a limit the target enforces (AML_EGRESS_LIMIT_EXCEEDED as
 * an error) writes nothing: exit 2, as for any input the target cannot take.
 */
function assertWithinLimits(rendered: readonly Rendered[], io: Io): void {
  const exceeded = rendered.flatMap(({ diagnostics }) =>
    diagnostics.errors.filter((d) => d.code === 'AML_EGRESS_LIMIT_EXCEEDED'),
  )
  if (exceeded.length === 0) return
  io.stderr(`${formatDiagnostics(exceeded)}\n`)
  throw new UsageError(
    `the output would exceed ${exceeded.length === 1 ? 'a limit' : `${exceeded.length} limits`} of the target; nothing was written`,
    'split the estate into several profiles (e.g. one per region), or follow the fix above',
  )
}

function assertNoCollisions(files: readonly PlacedFile[]): void {
  const seen = new Map<string, string>()
  for (const file of files) {
    const other = seen.get(file.path)
    if (other !== undefined)
      throw new Error(`formats '${other}' and '${file.format}' both write '${file.path}'`)
    seen.set(file.path, file.format)
  }
}

function colorDiff(diff: string, io: Io): string {
  const paint = createPaint(io)
  return diff
    .split('\n')
    .map((line) =>
      line.startsWith('+') && !line.startsWith('+++')
        ? paint.green(line)
        : line.startsWith('-') && !line.startsWith('---')
          ? paint.red(line)
          : line.startsWith('@@')
            ? paint.cyan(line)
            : line,
    )
    .join('\n')
}

/** `--check`: the diff of every file that would change, and the stale files; exit 1 on either. */
function printDrift(input: { options: RenderCommandOptions; output: OutputPlan; io: Io }): number {
  const { options, io } = input
  const { files, stale } = input.output
  const diffs = files
    .filter((file) => file.status !== 'unchanged')
    .map((file) => ({
      path: file.path,
      status: file.status,
      diff: unifiedDiff({
        path: join(options.out, file.path),
        before: file.before,
        after: file.contents,
      }),
    }))
  const drift = diffs.length + stale.length
  if (options.json) {
    const report = {
      check: true,
      upToDate: drift === 0,
      out: options.out,
      changed: diffs,
      stale: stale.map(({ path, format, edited }) => ({ path, format, edited })),
    }
    io.stdout(`${JSON.stringify(report, null, 2)}\n`)
  } else {
    for (const { diff } of diffs) io.stdout(colorDiff(diff, io))
    for (const file of stale) io.stdout(`${staleLine(file, options.out)}\n`)
    const staleNote = stale.length === 0 ? '' : ` and ${stale.length} stale`
    if (!options.quiet || drift > 0)
      io.stderr(
        drift === 0
          ? `${options.out}: up to date (${files.length} files)\n`
          : `${options.out}: ${diffs.length} of ${files.length} files differ from the profile${staleNote}; run the same command without --check to update them\n`,
      )
  }
  return drift === 0 ? 0 : 1
}

/**
 * The `--json` summary of a render. Each format's `diagnostics` are summarised (core's
 * `DiagnosticSummary`: one per kind of finding, with `count` and `examples`); `--verbose` adds
 * every one as `allDiagnostics`.
 */
function jsonSummary(input: {
  options: RenderCommandOptions
  plan: Plan
  outcomes: readonly FormatOutcome[]
  stale: readonly PlannedStale[]
}): string {
  const { options, plan } = input
  const count = (direction: string) =>
    plan.rules.filter((rule) => rule.direction === direction).length
  const summary = {
    profile: options.profile,
    out: options.out,
    catalog: plan.catalog,
    plan: {
      rules: plan.rules.length,
      outbound: count('outbound'),
      inbound: count('inbound'),
      inCluster: count('inCluster'),
    },
    formats: input.outcomes.map((outcome) => ({
      name: outcome.name,
      title: outcome.title,
      rulesExpressed: outcome.rulesExpressed,
      files: outcome.files.map((file) => ({ path: file.path, status: file.status })),
      diagnostics: outcome.diagnostics.summaries,
      ...(outcome.diagnostics.all ? { allDiagnostics: outcome.diagnostics.all } : {}),
    })),
    stale: input.stale.map(({ path, format, edited }) => ({
      path,
      format,
      action: edited ? 'left' : 'removed',
    })),
    advisories: plan.advisories,
  }
  return `${JSON.stringify(summary, null, 2)}\n`
}

/**
 * `aml-egress render`: resolve the profile, render with the chosen formats, then either write the
 * files or, with `check`, print a diff (and the stale files) and exit 1 on drift. Every path under
 * `--out` is checked and every file rendered before the first write, and the write is one batch
 * (all files or none), so exit 2 writes nothing. Files an earlier render wrote that this one no
 * longer produces are removed (see the manifest); files render did not write are never touched.
 */
export async function runRender(
  options: RenderCommandOptions,
  context: { io: Io; formats: FormatRegistry },
): Promise<number> {
  const { io } = context
  const names = selectFormats({ format: options.format, registry: context.formats })
  const flags = { ...(options.mode ? { mode: options.mode } : {}), ...options.flags }
  const { plan } = await loadProfile({
    path: options.profile,
    io,
    serviceTags: options.serviceTags,
  })
  const rendered = await renderWithFormats({
    plan,
    names,
    flags,
    serviceTags: options.serviceTags,
    mode: options,
    io,
    registry: context.formats,
  })
  assertWithinLimits(rendered, io)
  const placed = placeFiles(rendered)
  assertNoCollisions(placed.flatMap((outcome) => outcome.files))
  const output = await planOutput({ placed, names, out: options.out, io })
  if (options.check) return printDrift({ options, output, io })

  await writeOutput({ plan: output, out: options.out, io })
  const { outcomes, stale } = output
  const errors = [
    ...plan.advisories.filter((d) => d.severity === 'error'),
    ...outcomes.flatMap((o) => o.diagnostics.errors),
  ]
  const leftInPlace = stale.filter((file) => file.edited)
  if (options.json || !options.quiet) {
    if (options.json) io.stdout(jsonSummary({ options, plan, outcomes, stale }))
    else {
      const summary = { options, plan, outcomes, stale, io }
      io.stdout(options.verbose ? verboseSummary(summary) : compactSummary(summary))
    }
  } else {
    if (errors.length > 0) io.stderr(`${formatDiagnostics(errors)}\n`)
    for (const file of leftInPlace) io.stderr(`${staleLine(file, options.out)}\n`)
  }
  return errors.length > 0 || leftInPlace.length > 0 ? 1 : 0
}

const renderArgs = {
  profile: profileArg,
  format: {
    type: 'string',
    alias: 'f',
    description: 'A format (see FORMATS below), a comma-separated list, or all',
    valueHint: 'name|all',
    required: true,
  },
  out: {
    type: 'string',
    alias: 'o',
    description: 'Output directory (unrelated files in it are left alone)',
    valueHint: 'dir',
    required: true,
  },
  check: {
    type: 'boolean',
    description: 'Write nothing; print a diff and exit 1 when the files on disk differ',
  },
  'service-tags': {
    type: 'string',
    description:
      'A newer "Azure IP Ranges and Service Tags" JSON of your cloud: the plan names only its tags (formats that take it render ipBlocks from it)',
    valueHint: 'file',
  },
  json: { type: 'boolean', description: 'Machine-readable summary on stdout' },
  quiet: { type: 'boolean', alias: 'q', description: 'Print only errors and drift' },
  verbose: {
    type: 'boolean',
    description:
      'List every file and every diagnostic (default: a screenful, one line per format and per kind of finding)',
  },
} as const satisfies ArgsDef

/**
 * The flags of the formats `--format` chooses. When argv holds another flag, those of every
 * format, so that `runRender` can name the formats that take it.
 */
async function chosenFormatArgs(input: {
  argv: readonly string[]
  formats: FormatRegistry
}): Promise<ArgsDef> {
  const { argv, formats } = input
  let format: unknown
  try {
    format = parseArgs([...argv], renderArgs).format
  } catch {
    return {} // the strict parse that follows reports what is wrong
  }
  if (typeof format !== 'string' || format === '') return {}
  const names = selectFormats({ format, registry: formats })
  const chosen = formatFlagArgs(await loadFormats(formats, names))
  if (unknownFlags({ ...renderArgs, ...chosen }, argv).length === 0) return chosen
  return formatFlagArgs(await loadFormats(formats))
}

export const renderCommand = defineCliCommand({
  meta: {
    name: 'render',
    description:
      'Render the rules a profile needs to firewall, proxy or policy files (or check them with --check)',
  },
  args: renderArgs,
  examples: renderExamples,
  moreArgs: chosenFormatArgs,
  moreHelp: async ({ formats, io }) =>
    formatsHelp({ formats: await loadFormats(formats), flags: true, paint: createPaint(io) }),
  run: ({ args, more, io, formats }) =>
    runRender(
      {
        profile: args.profile,
        format: args.format,
        out: args.out,
        check: args.check === true,
        serviceTags: args['service-tags'],
        flags: more,
        json: args.json === true,
        quiet: args.quiet === true,
        verbose: args.verbose === true,
      },
      { io, formats },
    ),
})
