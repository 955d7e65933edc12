import { join } from 'node:path'
import {
  type Diagnostic,
  formatDiagnostics,
  type Plan,
  type RenderedFile,
  sortDiagnostics,
} from '@aml-egress/core'
import { createPaint } from '../color'
import { defineCliCommand } from '../command'
import { unifiedDiff } from '../diff'
import { UsageError } from '../errors'
import type { Io } from '../io'
import { loadProfile } from '../profile'
import { type CliRenderOptions, type FormatRegistry, formatNames } from '../registry'
import { suggest } from '../suggest'

/** Options of `aml-egress render`, already parsed. */
export type RenderCommandOptions = {
  profile: string
  /** A format name, a comma-separated list, or `all`. */
  format: string
  out: string
  check?: boolean
  mode?: 'include' | 'standalone' | undefined
  json?: boolean
  quiet?: boolean
  /** Every diagnostic in the summary, not three per code. */
  verbose?: boolean
}

/** What happened (or would happen) to one output file. */
export type FileStatus = 'created' | 'updated' | 'unchanged'

type PlannedFile = {
  format: string
  /** Path relative to `--out`, POSIX. */
  path: string
  contents: string
  before: string | undefined
  status: FileStatus
}

type FormatOutcome = {
  name: string
  title: string
  files: PlannedFile[]
  diagnostics: Diagnostic[]
  /** Plan rules this format renders (the rest are named by unsupported/not-egress diagnostics). */
  rulesExpressed: number
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
  if (
    path === '' ||
    path.startsWith('/') ||
    /^[a-zA-Z]:/.test(path) ||
    path.includes('\\') ||
    path.split('/').some((part) => part === '..' || part === '.' || part === '')
  )
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

function countsByDirection(plan: Plan): string {
  const count = (direction: string) =>
    plan.rules.filter((rule) => rule.direction === direction).length
  return `${plan.rules.length} rules (${count('outbound')} outbound, ${count('inbound')} inbound, ${count('inCluster')} in-cluster)`
}

const SHOWN_PER_CODE = 3

/**
 * Diagnostics for the summary: every one with `verbose`; else errors and warnings, at most three
 * per code (with a count of the rest), and infos only counted.
 */
function diagnosticsSummary(diagnostics: readonly Diagnostic[], verbose: boolean): string[] {
  const shown: Diagnostic[] = []
  const hidden = new Map<string, number>()
  for (const diagnostic of sortDiagnostics(diagnostics)) {
    const key = `${diagnostic.severity} ${diagnostic.code}`
    const sameCode = shown.filter(
      (d) => d.code === diagnostic.code && d.severity === diagnostic.severity,
    )
    if (verbose || (diagnostic.severity !== 'info' && sameCode.length < SHOWN_PER_CODE))
      shown.push(diagnostic)
    else hidden.set(key, (hidden.get(key) ?? 0) + 1)
  }
  const lines = [`  ${diagnostics.length} diagnostics:`]
  if (shown.length > 0) lines.push(indent(formatDiagnostics(shown), '    '))
  for (const [key, count] of hidden) lines.push(`    … ${count} more ${key} (--verbose shows them)`)
  return lines
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${prefix}${line}`))
    .join('\n')
}

/**
 * `aml-egress render`: resolve the profile, render with the chosen formats, then either write the
 * files (atomically, only those that changed) or, with `check`, print a diff and exit 1 on drift.
 * Everything is rendered and validated before the first write, so exit 2 writes nothing.
 */
export async function runRender(
  options: RenderCommandOptions,
  context: { io: Io; formats: FormatRegistry },
): Promise<number> {
  const { io } = context
  const names = selectFormats({ format: options.format, registry: context.formats })
  const renderOptions: CliRenderOptions = options.mode ? { mode: options.mode } : {}
  const { plan } = await loadProfile({ path: options.profile, io })
  const loaded = await Promise.all(
    names.map(async (name) => {
      const load = context.formats[name]
      if (!load) throw new UsageError(`unknown format '${name}'`)
      return load()
    }),
  )
  if (options.mode && !loaded.some((format) => format.options.includes('mode')))
    throw new UsageError(
      `--mode applies to the squid format only, not to ${names.join(', ')}`,
      'drop --mode, or add --format squid',
    )
  const nested = loaded.length > 1
  const outcomes: FormatOutcome[] = []
  for (const format of loaded) {
    const result = format.render(plan, renderOptions)
    const paths = outputPaths({ format: format.name, files: result.files, nested })
    const files: PlannedFile[] = []
    for (const [index, file] of result.files.entries()) {
      assertSafePath(format.name, file.path)
      const path = paths[index] ?? file.path
      const before = await io.readFile(join(options.out, path))
      files.push({
        format: format.name,
        path,
        contents: file.contents,
        before,
        status:
          before === undefined ? 'created' : before === file.contents ? 'unchanged' : 'updated',
      })
    }
    const unexpressed = new Set(
      result.diagnostics
        .filter(
          (d) => d.code === 'AML_EGRESS_UNSUPPORTED_FEATURE' || d.code === 'AML_EGRESS_NOT_EGRESS',
        )
        .flatMap((d) => (d.ruleId ? [d.ruleId] : [])),
    )
    outcomes.push({
      name: format.name,
      title: format.title,
      files,
      diagnostics: result.diagnostics,
      rulesExpressed: plan.rules.filter((rule) => !unexpressed.has(rule.id)).length,
    })
  }
  const allFiles = outcomes.flatMap((outcome) => outcome.files)
  const seen = new Map<string, string>()
  for (const file of allFiles) {
    const other = seen.get(file.path)
    if (other !== undefined)
      throw new Error(`formats '${other}' and '${file.format}' both write '${file.path}'`)
    seen.set(file.path, file.format)
  }
  const changed = allFiles.filter((file) => file.status !== 'unchanged')
  const hasErrors = outcomes.some((o) => o.diagnostics.some((d) => d.severity === 'error'))

  if (options.check) {
    const diffs = changed.map((file) => ({
      path: file.path,
      status: file.status,
      diff: unifiedDiff({
        path: join(options.out, file.path),
        before: file.before,
        after: file.contents,
      }),
    }))
    if (options.json)
      io.stdout(
        `${JSON.stringify({ check: true, upToDate: diffs.length === 0, out: options.out, changed: diffs }, null, 2)}\n`,
      )
    else {
      const paint = createPaint(io)
      for (const { diff } of diffs)
        io.stdout(
          diff
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
            .join('\n'),
        )
      if (!options.quiet || diffs.length > 0)
        io.stderr(
          diffs.length === 0
            ? `${options.out}: up to date (${allFiles.length} files)\n`
            : `${options.out}: ${diffs.length} of ${allFiles.length} files differ from the profile; run the same command without --check to update them\n`,
        )
    }
    return diffs.length === 0 ? 0 : 1
  }

  for (const file of changed) await io.writeFile(join(options.out, file.path), file.contents)

  if (options.json) {
    io.stdout(
      `${JSON.stringify(
        {
          profile: options.profile,
          out: options.out,
          catalog: plan.catalog,
          plan: {
            rules: plan.rules.length,
            outbound: plan.rules.filter((rule) => rule.direction === 'outbound').length,
            inbound: plan.rules.filter((rule) => rule.direction === 'inbound').length,
            inCluster: plan.rules.filter((rule) => rule.direction === 'inCluster').length,
          },
          formats: outcomes.map((outcome) => ({
            name: outcome.name,
            title: outcome.title,
            rulesExpressed: outcome.rulesExpressed,
            files: outcome.files.map((file) => ({ path: file.path, status: file.status })),
            diagnostics: outcome.diagnostics,
          })),
          advisories: plan.advisories,
        },
        null,
        2,
      )}\n`,
    )
    return hasErrors ? 1 : 0
  }
  const paint = createPaint(io)
  if (options.quiet) {
    const errors = outcomes.flatMap((o) => o.diagnostics.filter((d) => d.severity === 'error'))
    if (errors.length > 0) io.stderr(`${formatDiagnostics(errors)}\n`)
    return hasErrors ? 1 : 0
  }
  const lines: string[] = [
    `${paint.bold('plan')}: ${countsByDirection(plan)} from catalog ${plan.catalog.version} (docs ${plan.catalog.docDate})`,
  ]
  for (const outcome of outcomes) {
    lines.push(
      '',
      `${paint.bold(outcome.name)} (${outcome.title}): ${outcome.rulesExpressed} of ${plan.rules.length} rules rendered`,
    )
    for (const file of outcome.files) {
      const status =
        file.status === 'unchanged' ? paint.dim('unchanged') : paint.green(file.status.padEnd(9))
      lines.push(`  ${status} ${join(options.out, file.path)}`)
    }
    if (outcome.files.length === 0)
      lines.push(`  ${paint.dim('no files: nothing in the plan applies to this format')}`)
    if (outcome.diagnostics.length > 0)
      lines.push(...diagnosticsSummary(outcome.diagnostics, options.verbose === true))
  }
  if (plan.advisories.length > 0)
    lines.push(
      '',
      `${paint.bold('advisories')} (not firewall rules; set these up as well):`,
      indent(formatDiagnostics(plan.advisories)),
    )
  const written = changed.length
  lines.push(
    '',
    `${written} file${written === 1 ? '' : 's'} written, ${allFiles.length - written} unchanged, under ${options.out}`,
  )
  io.stdout(`${lines.join('\n')}\n`)
  return hasErrors ? 1 : 0
}

export const renderCommand = defineCliCommand({
  meta: {
    name: 'render',
    description:
      'Render the rules a profile needs to firewall, proxy or policy files (or check them with --check)',
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
      description:
        'azure-firewall, cilium, network-policy, squid, terraform, a comma-separated list, or all',
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
    mode: {
      type: 'enum',
      options: ['include', 'standalone'],
      description: 'squid: an include fragment (default) or a standalone squid.conf',
    },
    json: { type: 'boolean', description: 'Machine-readable summary on stdout' },
    quiet: { type: 'boolean', alias: 'q', description: 'Print only errors and drift' },
    verbose: { type: 'boolean', description: 'Print every diagnostic (default: three per code)' },
  },
  examples: [
    'aml-egress render --profile aml-egress.yaml --format azure-firewall --out out',
    'aml-egress render -p aml-egress.yaml -f squid --mode standalone -o /etc/squid/conf.d',
    'aml-egress render -p aml-egress.yaml -f all -o out --check   # CI: fail when out/ is stale',
  ],
  run: ({ args, io, formats }) =>
    runRender(
      {
        profile: args.profile,
        format: args.format,
        out: args.out,
        check: args.check === true,
        mode: args.mode === 'include' || args.mode === 'standalone' ? args.mode : undefined,
        json: args.json === true,
        quiet: args.quiet === true,
        verbose: args.verbose === true,
      },
      { io, formats },
    ),
})
