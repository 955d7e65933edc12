import { type ArgsDef, type ParsedArgs, parseArgs, renderUsage } from 'citty'
import { createPaint, stripAnsi } from './color'
import { UsageError } from './errors'
import type { Io } from './io'
import type { FormatRegistry } from './registry'

/** What every command receives: parsed args, the I/O and the format registry (injectable). */
export type CommandContext<T extends ArgsDef> = {
  args: ParsedArgs<T>
  /** The values of the `moreArgs` flags given (absent flags left out), by flag. */
  more: Readonly<Record<string, string | boolean>>
  io: Io
  formats: FormatRegistry
}

/**
 * A citty-style command definition. `run` returns the exit code: 0 success, 1 findings, 2 bad
 * usage (for which it throws `UsageError` before writing anything).
 */
export type CliCommandDefinition<T extends ArgsDef> = {
  meta: { name: string; description: string }
  args: T
  /** Shown under EXAMPLES in `--help`. */
  examples: readonly string[]
  /**
   * Flags that depend on the command line, parsed with `args`: the render options of the formats
   * `render --format` chooses. Their values reach `run` as `more`.
   */
  moreArgs?(input: { argv: readonly string[]; formats: FormatRegistry }): Promise<ArgsDef>
  /** A `--help` section before the examples, e.g. every format's flags (may load every format). */
  moreHelp?(input: { formats: FormatRegistry; io: Pick<Io, 'isTTY' | 'env'> }): Promise<string>
  run(context: CommandContext<T>): Promise<number>
}

/** A command with its argument types erased: what the dispatcher holds. */
export type CliCommand = {
  meta: { name: string; description: string }
  args: ArgsDef
  examples: readonly string[]
  moreHelp?: CliCommandDefinition<ArgsDef>['moreHelp']
  /** Parses argv (without the command name) and runs. */
  execute(input: { argv: readonly string[]; io: Io; formats: FormatRegistry }): Promise<number>
}

/**
 * Types a command's args for its `run`, and returns the erased command the dispatcher calls.
 * @example export const schemaCommand = defineCliCommand({ meta, args: {}, examples: [], run })
 */
export function defineCliCommand<const T extends ArgsDef>(
  definition: CliCommandDefinition<T>,
): CliCommand {
  return {
    meta: definition.meta,
    args: definition.args,
    examples: definition.examples,
    ...(definition.moreHelp ? { moreHelp: definition.moreHelp } : {}),
    async execute({ argv, io, formats }) {
      const more = (await definition.moreArgs?.({ argv, formats })) ?? {}
      // The command's own args win over a format flag of the same name.
      const args = parseCommandArgs({ ...definition, args: { ...more, ...definition.args } }, argv)
      const given: Record<string, string | boolean> = {}
      for (const flag of Object.keys(more)) {
        const value: unknown = args[flag]
        if (!(flag in definition.args) && (typeof value === 'string' || typeof value === 'boolean'))
          given[flag] = value
      }
      return definition.run({ args, more: given, io, formats })
    },
  }
}

/** `--profile` / `-p`, as every command that needs a profile takes it. */
export const profileArg = {
  type: 'string',
  alias: 'p',
  description: 'Profile file (YAML or JSON)',
  valueHint: 'file',
  required: true,
} as const

const toKebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/** Flags a command accepts, as written on the command line (`--profile`, `-p`, `--no-color`). */
function knownFlags(args: ArgsDef): Set<string> {
  const flags = new Set(['help', 'h'])
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') continue
    flags.add(name)
    flags.add(toKebab(name))
    if (def.type === 'boolean') flags.add(`no-${toKebab(name)}`)
    const aliases = 'alias' in def ? def.alias : undefined
    for (const alias of typeof aliases === 'string' ? [aliases] : (aliases ?? [])) flags.add(alias)
  }
  return flags
}

/** Options in argv that `args` does not define, as written (`--mode`). */
export function unknownFlags(args: ArgsDef, argv: readonly string[]): string[] {
  const known = knownFlags(args)
  const unknown: string[] = []
  for (const raw of argv) {
    if (raw === '--') break
    if (!raw.startsWith('-') || raw === '-') continue
    const written = raw.split('=')[0] ?? raw
    if (!known.has(written.replace(/^--?/, ''))) unknown.push(written)
  }
  return unknown
}

/**
 * Parses argv with citty, and rejects what citty lets through: unknown flags, and string flags
 * given without a value.
 */
export function parseCommandArgs<T extends ArgsDef>(
  command: Pick<CliCommandDefinition<T>, 'meta' | 'args'>,
  argv: readonly string[],
): ParsedArgs<T> {
  const [unknown] = unknownFlags(command.args, argv)
  if (unknown !== undefined)
    throw new UsageError(
      `unknown option '${unknown}' for '${command.meta.name}'`,
      `run \`aml-egress ${command.meta.name} --help\` for the options`,
    )
  let parsed: ParsedArgs<T>
  try {
    parsed = parseArgs<T>([...argv], command.args)
  } catch (error) {
    throw new UsageError(
      stripAnsi(error instanceof Error ? error.message : String(error)),
      `run \`aml-egress ${command.meta.name} --help\` for the options`,
    )
  }
  for (const [name, def] of Object.entries(command.args))
    if ((def.type === 'string' || def.type === 'enum') && parsed[name] === '')
      throw new UsageError(`--${toKebab(name)} needs a value`)
  return parsed
}

/**
 * `--help` text: citty's usage, the command's own section (each format's flags), examples; colour
 * only when the terminal allows.
 */
export async function commandHelp(
  command: Pick<CliCommand, 'meta' | 'args' | 'examples' | 'moreHelp'>,
  io: Pick<Io, 'isTTY' | 'env'>,
  formats: FormatRegistry,
): Promise<string> {
  const usage = await renderUsage({
    meta: { name: `aml-egress ${command.meta.name}`, description: command.meta.description },
    args: command.args,
  })
  const paint = createPaint(io)
  const text = [
    usage,
    '',
    ...(command.moreHelp ? [await command.moreHelp({ formats, io }), ''] : []),
    paint.bold('EXAMPLES'),
    '',
    ...command.examples.map((example) => `  ${example}`),
    '',
    'Exit codes: 0 success, 1 findings (blocked flows, drift), 2 bad usage or invalid input.',
  ].join('\n')
  return `${paint.enabled ? text : stripAnsi(text)}\n`
}
