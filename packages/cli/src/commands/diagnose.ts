import { isServiceTagsFile, type Plan } from '@aml-egress/core'
import {
  type AddressTagIndex,
  buildDiagnoseReport,
  createAddressTagIndex,
  createFlowAggregator,
  createFlowClassifier,
  type FixRenderer,
  type FlowAggregator,
  type ParsedCidr,
  parseCidr,
  renderFix,
} from '@aml-egress/core/diagnose'
import type { LogReader } from '@aml-egress/core/log-readers'
import { defineCliCommand, profileArg } from '../command'
import { formatDiagnoseMarkdown, formatDiagnoseText } from '../diagnoseOutput'
import { UsageError } from '../errors'
import type { Io } from '../io'
import { type OpenedLog, openLog, unreadable } from '../logFiles'
import { loadProfile } from '../profile'
import {
  type FormatRegistry,
  formatNames,
  type LogReaderRegistry,
  loadLogReaders,
  logReaderRegistry,
  type RegisteredFormat,
} from '../registry'

/** Options of `aml-egress diagnose`. */
export type DiagnoseCommandOptions = {
  profile: string
  logs: readonly string[]
  /** Reader name; detected per file from its content when absent. */
  inputFormat?: string | undefined
  /** The published ServiceTags JSON, to map addresses to tags. */
  serviceTags?: string | undefined
  /** ISO 8601 date or time, or a duration back from now (`24h`, `7d`). */
  since?: string | undefined
  until?: string | undefined
  /** CIDRs, comma-separated: only denies from these sources count. */
  source?: string | undefined
  output?: 'text' | 'json' | 'markdown' | undefined
  /** The format that renders fixes instead of the log engine's own. */
  fixFormat?: string | undefined
}

const DURATION = /^(\d+)([mhd])$/
const DAY_MS = 86_400_000
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY_MS }

/** `2025-06-02`, `2025-06-02T09:14:00Z` or `24h` (before `now`); the end of a day for `--until`. */
export function parseTimeFlag(name: string, value: string, now: number): number {
  const trimmed = value.trim()
  const duration = DURATION.exec(trimmed)
  if (duration) return now - Number(duration[1]) * (UNIT_MS[duration[2] as string] as number)
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(trimmed)
  const parsed = Date.parse(dateOnly ? `${trimmed}T00:00:00Z` : trimmed)
  if (Number.isNaN(parsed) || !/^\d{4}-\d{2}-\d{2}/.test(trimmed))
    throw new UsageError(
      `--${name} '${value}' is not a date, time or duration`,
      `use ISO 8601 (2025-06-02, 2025-06-02T09:14:00Z) or a duration back from now (30m, 24h, 7d)`,
    )
  return dateOnly && name === 'until' ? parsed + DAY_MS - 1 : parsed
}

function parseSources(value: string | undefined): ParsedCidr[] | undefined {
  if (value === undefined) return undefined
  return value.split(',').map((text) => {
    const cidr = parseCidr(text)
    if (!cidr)
      throw new UsageError(
        `--source '${text.trim()}' is not an IPv4 or IPv6 address or CIDR`,
        'e.g. --source 10.20.1.0/24,10.20.2.0/24',
      )
    return cidr
  })
}

/**
 * The service-tag authority `diagnose` asks: the published ServiceTags JSON, checked with the
 * parser network-policy's `--service-tags` option uses, indexed for longest-prefix lookups. The
 * one place that reads the file, so that another authority (core's, when it has one) replaces it.
 */
export async function serviceTagIndexFromFile(
  path: string,
  io: Pick<Io, 'readFile'>,
): Promise<AddressTagIndex> {
  const fix =
    'download "Azure IP Ranges and Service Tags" (ServiceTags_Public_<date>.json) and pass it as it is'
  const text = await io.readFile(path)
  if (text === undefined)
    throw new UsageError(`cannot read the service-tags file '${path}': no such file`, fix)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`'${path}' is not JSON: ${(error as Error).message}`, fix)
  }
  if (!isServiceTagsFile(json))
    throw new UsageError(
      `'${path}' is not a ServiceTags file (expected values[].{name, properties.addressPrefixes[]})`,
      fix,
    )
  return createAddressTagIndex(
    json.values.map((value) => ({ name: value.name, prefixes: value.properties.addressPrefixes })),
  )
}

function readerFor(
  log: OpenedLog,
  readers: readonly LogReader[],
  forced: string | undefined,
): LogReader {
  const names = readers.map((reader) => reader.name).join(', ')
  if (forced !== undefined) {
    const reader = readers.find((candidate) => candidate.name === forced)
    if (!reader) throw new UsageError(`unknown --input-format '${forced}'`, `log formats: ${names}`)
    return reader
  }
  const reader = readers.find((candidate) => candidate.detect(log.head))
  if (!reader)
    throw new UsageError(
      `cannot tell which log '${log.path}' is${log.head.trim() === '' ? ' (it is empty)' : ''}`,
      `name it with --input-format (${names}); see \`aml-egress diagnose --help\` for what each reads`,
    )
  return reader
}

/** Progress on stderr for long reads, only on a terminal: `diagnose: access.log 42% (46 of 110 MB)`. */
function progress(io: Io, log: OpenedLog): { onRead: (bytes: number) => void; done: () => void } {
  if (io.stderrIsTTY !== true || log.size < 8 * 1024 * 1024)
    return { onRead: () => undefined, done: () => undefined }
  let read = 0
  let shown = 0
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)
  return {
    onRead(bytes) {
      read += bytes
      const now = Date.now()
      if (now - shown < 250) return
      shown = now
      io.stderr(
        `\rdiagnose: ${log.path} ${Math.floor((read / log.size) * 100)}% (${mb(read)} of ${mb(log.size)} MB)`,
      )
    },
    done: () => io.stderr('\r\u001b[K'),
  }
}

async function readLogs(input: {
  options: DiagnoseCommandOptions
  io: Io
  readers: readonly LogReader[]
  aggregator: FlowAggregator
}): Promise<LogReader[]> {
  const opened = await Promise.all(input.options.logs.map(openLog))
  const chosen = opened.map((log) => readerFor(log, input.readers, input.options.inputFormat))
  for (const [index, log] of opened.entries()) {
    const reader = chosen[index] as LogReader
    const shown = progress(input.io, log)
    try {
      await reader.read(log.chunks(shown.onRead), input.aggregator.sinkFor(log.path, reader))
    } catch (error) {
      throw unreadable(log.path, error)
    } finally {
      shown.done()
    }
  }
  return chosen
}

/** Fixes rendered by each engine's format on the rules that allow the flow, once per rule set. */
function fixRenderer(input: {
  plan: Plan
  formats: ReadonlyMap<string, RegisteredFormat>
  override: string | undefined
}): FixRenderer {
  const cache = new Map<string, ReturnType<FixRenderer>>()
  return ({ flow, rules }) => {
    const name = input.override ?? flow.reader.fixFormat
    const key = `${name}\n${rules.map((rule) => rule.id).join('\n')}`
    const cached = cache.get(key)
    if (cached) return cached
    const format = input.formats.get(name)
    const file = input.override === undefined ? flow.reader.fixFile : undefined
    const rendered = format ? renderFix({ format, plan: input.plan, rules, file }) : undefined
    const result = {
      fix: rendered?.text ?? null,
      format: rendered?.text ? name : null,
      note:
        rendered && rendered.text === null
          ? `${name} cannot express this rule: ${rendered.diagnostics.map((d) => d.message).join('; ')}`
          : undefined,
    }
    cache.set(key, result)
    return result
  }
}

async function loadFixFormats(
  names: readonly string[],
  formats: FormatRegistry,
): Promise<Map<string, RegisteredFormat>> {
  const loaded = new Map<string, RegisteredFormat>()
  for (const name of new Set(names)) {
    const load = formats[name]
    if (load) loaded.set(name, await load())
  }
  return loaded
}

/**
 * `aml-egress diagnose`: reads deny logs (Squid, Azure Firewall, Hubble, NSG/VNet flow logs),
 * aggregates the denied flows and says for each whether the profile requires it (with the rule
 * that fixes it), whether an AML requirement outside the profile covers it, or neither. Exit 1
 * when a required flow is denied, 0 otherwise, 2 for bad usage or unreadable input.
 */
export async function runDiagnose(
  options: DiagnoseCommandOptions,
  context: { io: Io; formats: FormatRegistry; readers?: LogReaderRegistry; now?: number },
): Promise<number> {
  const { io } = context
  if (options.logs.length === 0)
    throw new UsageError(
      'no log file given',
      `aml-egress diagnose --profile ${options.profile} access.log`,
    )
  if (options.fixFormat !== undefined && !context.formats[options.fixFormat])
    throw new UsageError(
      `unknown --fix-format '${options.fixFormat}'`,
      `formats: ${formatNames(context.formats).join(', ')}`,
    )
  const now = context.now ?? Date.now()
  const filters = {
    since: options.since === undefined ? undefined : parseTimeFlag('since', options.since, now),
    until: options.until === undefined ? undefined : parseTimeFlag('until', options.until, now),
    sources: parseSources(options.source),
  }
  const { profile, plan } = await loadProfile({ path: options.profile, io })
  const tags =
    options.serviceTags === undefined
      ? undefined
      : await serviceTagIndexFromFile(options.serviceTags, io)
  const readers = await loadLogReaders(context.readers ?? logReaderRegistry)
  const aggregator = createFlowAggregator(filters)
  const used = await readLogs({ options, io, readers, aggregator })
  const formats = await loadFixFormats(
    options.fixFormat !== undefined ? [options.fixFormat] : used.map((reader) => reader.fixFormat),
    context.formats,
  )
  const classifier = createFlowClassifier({
    profile,
    plan,
    tags,
    renderFix: fixRenderer({ plan, formats, override: options.fixFormat }),
  })
  const report = buildDiagnoseReport({ aggregator, classify: classifier.classify })
  if (options.output === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`)
  else if (options.output === 'markdown') io.stdout(formatDiagnoseMarkdown(report))
  else io.stdout(formatDiagnoseText({ report, io, serviceTags: tags !== undefined }))
  return report.summary.required > 0 ? 1 : 0
}

export const diagnoseCommand = defineCliCommand({
  meta: {
    name: 'diagnose',
    description: 'Read deny logs and name the missing requirement and the rule that fixes it',
  },
  args: {
    profile: profileArg,
    logs: {
      type: 'positional',
      description:
        'Deny logs (plain or .gz): Squid access.log, Azure Firewall, Hubble, NSG/VNet flow logs',
      required: false,
    },
    inputFormat: {
      type: 'string',
      description:
        'The log family, when detection from the content is not wanted (azure-firewall, flow-log, hubble, squid)',
      valueHint: 'name',
    },
    serviceTags: {
      type: 'string',
      description:
        'The published ServiceTags JSON: maps denied addresses to service tags and their requirements',
      valueHint: 'file',
    },
    since: {
      type: 'string',
      description: 'Only denies at or after this time (2025-06-02, 2025-06-02T09:00:00Z, 24h)',
      valueHint: 'time',
    },
    until: {
      type: 'string',
      description: 'Only denies at or before this time (a date counts to its end)',
      valueHint: 'time',
    },
    source: {
      type: 'string',
      description: 'Only denies from these sources (CIDRs, comma-separated)',
      valueHint: 'cidr',
    },
    fixFormat: {
      type: 'string',
      description:
        "Render fixes with this format instead of the log engine's own (e.g. terraform for Azure Firewall logs)",
      valueHint: 'format',
    },
    output: {
      type: 'enum',
      options: ['text', 'json', 'markdown'],
      default: 'text',
      description: 'Output format',
    },
    json: { type: 'boolean', description: 'Same as --output json' },
  },
  examples: [
    'aml-egress diagnose --profile aml-egress.yaml /var/log/squid/access.log',
    'aml-egress diagnose -p aml-egress.yaml PT1H.json.gz --service-tags ServiceTags_Public.json --json',
    'aml-egress diagnose -p aml-egress.yaml flows.json --since 24h --source 10.20.1.0/24 --output markdown',
  ],
  run: ({ args, io, formats }) => {
    const output =
      args.json === true
        ? 'json'
        : args.output === 'json' || args.output === 'markdown'
          ? args.output
          : 'text'
    return runDiagnose(
      {
        profile: args.profile,
        logs: args._,
        inputFormat: args.inputFormat,
        serviceTags: args.serviceTags,
        since: args.since,
        until: args.until,
        source: args.source,
        output,
        fixFormat: args.fixFormat,
      },
      { io, formats },
    )
  },
})
