import type { RenderOptionSpec } from '@aml-egress/core'
import type { ArgDef, ArgsDef } from 'citty'
import type { Paint } from './color'
import { UsageError } from './errors'
import type { Io } from './io'
import {
  type FormatRegistry,
  loadFormats,
  type RegisteredFormat,
  type RenderOptionValues,
} from './registry'

/** One render option a format offers as a flag. */
export type OptionSpec = RenderOptionSpec<RenderOptionValues>

/** Format flags as given, by flag without dashes: text, or on/off for a switch. */
export type FormatFlags = Readonly<Record<string, string | boolean>>

const VALUE_HINTS: Record<Exclude<OptionSpec['type'], 'boolean' | 'choice'>, string> = {
  string: 'value',
  integer: 'n',
  jsonFile: 'file',
}

/** `<n>`, `<include|standalone>`, or nothing for a switch. */
export function valueHint(spec: OptionSpec): string {
  if (spec.type === 'boolean') return ''
  if (spec.type === 'choice') return `<${(spec.choices ?? []).join('|')}>`
  return `<${VALUE_HINTS[spec.type]}>`
}

function argOf(spec: OptionSpec): ArgDef {
  return spec.type === 'boolean'
    ? { type: 'boolean', description: spec.description }
    : { type: 'string', description: spec.description, valueHint: valueHint(spec) }
}

/** The flags of these formats as citty args, one per flag (formats may share one). */
export function formatFlagArgs(formats: readonly RegisteredFormat[]): ArgsDef {
  const args: ArgsDef = {}
  for (const format of formats)
    for (const spec of format.renderOptions) args[spec.flag] ??= argOf(spec)
  return args
}

/** The given flags (those of `args`) among citty's parsed values. */
export function givenFlags(args: ArgsDef, parsed: Readonly<Record<string, unknown>>): FormatFlags {
  const flags: Record<string, string | boolean> = {}
  for (const flag of Object.keys(args)) {
    const value = parsed[flag]
    if (typeof value === 'string' || typeof value === 'boolean') flags[flag] = value
  }
  return flags
}

/** `a`, `a and b`, `a, b and c`. */
function joinNames(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * Fails for a flag no chosen format takes, naming the formats that do (loading every format to
 * find them: only on this error path), or as an unknown option when none does.
 */
export async function assertFlagsApply(input: {
  flags: FormatFlags
  chosen: readonly RegisteredFormat[]
  registry: FormatRegistry
}): Promise<void> {
  const taken = new Set(input.chosen.flatMap((format) => format.renderOptions.map((s) => s.flag)))
  const stray = Object.keys(input.flags).find((flag) => !taken.has(flag))
  if (stray === undefined) return
  const takers = (await loadFormats(input.registry))
    .filter((format) => format.renderOptions.some((spec) => spec.flag === stray))
    .map((format) => format.name)
  if (takers.length === 0)
    throw new UsageError(
      `unknown option '--${stray}' for 'render'`,
      'run `aml-egress render --help` for the options',
    )
  throw new UsageError(
    `--${stray} applies to the ${joinNames(takers)} format${takers.length === 1 ? '' : 's'} only, not to ${input.chosen.map((format) => format.name).join(', ')}`,
    `drop --${stray}, or add --format ${takers.join(' or ')}`,
  )
}

function integerValue(spec: OptionSpec, text: string): number {
  if (!/^-?\d+$/.test(text.trim()))
    throw new UsageError(
      `--${spec.flag} must be an integer, got '${text}'`,
      `e.g. --${spec.flag} ${spec.default ?? '1'}`,
    )
  return Number(text)
}

function choiceValue(spec: OptionSpec, text: string): string {
  const choices = spec.choices ?? []
  // citty's wording, which `--mode` used before the formats described their own flags.
  if (!choices.includes(text))
    throw new UsageError(
      `Invalid value for argument: --${spec.flag} (${text}). Expected one of: ${choices.join(', ')}.`,
    )
  return text
}

function switchValue(spec: OptionSpec, value: string | boolean): boolean {
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === 'false') return value === 'true'
  throw new UsageError(
    `--${spec.flag} is a switch, got '${value}'`,
    `use --${spec.flag} or --no-${spec.flag}`,
  )
}

async function jsonFileValue(spec: OptionSpec, path: string, io: Pick<Io, 'readFile'>) {
  const text = await io.readFile(path)
  if (text === undefined)
    throw new UsageError(`--${spec.flag}: cannot read '${path}': no such file`)
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UsageError(
      `--${spec.flag}: '${path}' is not JSON (${error instanceof Error ? error.message : String(error)})`,
      `pass the path of a JSON file to --${spec.flag}`,
    )
  }
}

/** One flag's text (or switch) as its option's value, validated by the option's type. */
async function optionValue(
  spec: OptionSpec,
  value: string | boolean,
  io: Pick<Io, 'readFile'>,
): Promise<unknown> {
  if (spec.type === 'boolean') return switchValue(spec, value)
  if (typeof value === 'boolean' || value === '')
    throw new UsageError(`--${spec.flag} needs a value`, `e.g. --${spec.flag} ${valueHint(spec)}`)
  switch (spec.type) {
    case 'integer':
      return integerValue(spec, value)
    case 'choice':
      return choiceValue(spec, value)
    case 'jsonFile':
      return jsonFileValue(spec, value, io)
    case 'string':
      return value
  }
}

/**
 * A format's render options from the flags given: undefined when none of its flags was given (the
 * format applies its defaults). Throws a `UsageError` naming the flag for a value of the wrong type.
 * @example await renderOptionsFor({ format, flags: { 'base-priority': '700' }, io }) // { basePriority: 700 }
 */
export async function renderOptionsFor(input: {
  format: RegisteredFormat
  flags: FormatFlags
  io: Pick<Io, 'readFile'>
}): Promise<RenderOptionValues | undefined> {
  const options: Record<string, unknown> = {}
  for (const spec of input.format.renderOptions) {
    const value = input.flags[spec.flag]
    if (value !== undefined) options[spec.key] = await optionValue(spec, value, input.io)
  }
  return Object.keys(options).length > 0 ? options : undefined
}

/** `--[no-]dns-proxy`, `--http-port <n>`. */
function flagText(spec: OptionSpec): string {
  return spec.type === 'boolean' ? `--[no-]${spec.flag}` : `--${spec.flag} ${valueHint(spec)}`
}

/**
 * The FORMATS section of `--help`: each format's name and title, what `check` reads, and with
 * `flags` the render options it takes with their defaults.
 */
export function formatsHelp(input: {
  formats: readonly RegisteredFormat[]
  flags: boolean
  paint: Pick<Paint, 'bold' | 'cyan'>
}): string {
  const { formats } = input
  const { bold, cyan } = input.paint
  const nameWidth = Math.max(...formats.map((format) => format.name.length))
  const specs = input.flags ? formats.flatMap((format) => format.renderOptions) : []
  const flagWidth = Math.max(0, ...specs.map((spec) => flagText(spec).length))
  const lines = [bold('FORMATS'), '']
  for (const format of formats) {
    const reads = input.flags ? '' : ` (reads ${format.fileExtensions.join(', ')})`
    lines.push(`  ${cyan(format.name.padEnd(nameWidth))}  ${format.title}${reads}`)
    if (!input.flags) continue
    for (const spec of format.renderOptions) {
      const fallback = spec.default === undefined ? '' : ` (default: ${spec.default})`
      lines.push(`      ${cyan(flagText(spec).padEnd(flagWidth))}  ${spec.description}${fallback}`)
    }
  }
  return lines.join('\n')
}
