import { catalog } from '@aml-egress/core'
import packageJson from '../package.json' with { type: 'json' }
import { createPaint } from './color'
import { type CliCommand, commandHelp } from './command'
import { describeSystemError, isProfileError, isSystemError, isUsageError } from './errors'
import { rootExamples } from './examples'
import type { Io } from './io'
import { type FormatRegistry, formatRegistry } from './registry'
import { suggest } from './suggest'
import { terminalText } from './terminal'

/** The CLI's own version (from package.json). */
export const cliVersion: string = packageJson.version

type CommandEntry = { description: string; load: () => Promise<CliCommand> }

/** Subcommands, loaded on first use: `aml-egress schema` never parses `render`'s module. */
export const commands: Readonly<Record<string, CommandEntry>> = {
  render: {
    description: 'Render the rules of a profile to firewall, proxy or policy files',
    load: () => import('./commands/render').then((m) => m.renderCommand),
  },
  check: {
    description: 'Check an existing config: is every required flow allowed?',
    load: () => import('./commands/check').then((m) => m.checkCommand),
  },
  list: {
    description: 'List catalog requirements, or the rules of a profile',
    load: () => import('./commands/list').then((m) => m.listCommand),
  },
  explain: {
    description: 'Explain a host, service tag, requirement id or diagnostic code',
    load: () => import('./commands/explain').then((m) => m.explainCommand),
  },
  probe: {
    description: 'Test the required endpoints from inside the network: DNS, TCP, TLS, proxy',
    load: () => import('./commands/probe').then((m) => m.probeCommand),
  },
  compare: {
    description: "Compare the workspace's reported outbound dependencies with the plan",
    load: () => import('./commands/compare').then((m) => m.compareCommand),
  },
  diagnose: {
    description:
      'Read deny logs: which requirement each denied flow breaks, and the rule that fixes it',
    load: () => import('./commands/diagnose').then((m) => m.diagnoseCommand),
  },
  init: {
    description: 'Write a commented starter profile',
    load: () => import('./commands/init').then((m) => m.initCommand),
  },
  schema: {
    description: 'Print the profile JSON Schema',
    load: () => import('./commands/schema').then((m) => m.schemaCommand),
  },
}

/** `aml-egress 0.1.0 (catalog 2026.3.0, docs 2026-03-19)`. */
export function versionLine(): string {
  return `aml-egress ${cliVersion} (catalog ${catalog.version}, docs ${catalog.docDate})`
}

function rootHelp(io: Pick<Io, 'isTTY' | 'env'>): string {
  const paint = createPaint(io)
  const width = Math.max(...Object.keys(commands).map((name) => name.length))
  return `${[
    `Azure Machine Learning network requirements as code (${versionLine()})`,
    '',
    `${paint.bold('USAGE')} aml-egress <command> [OPTIONS]`,
    '',
    paint.bold('COMMANDS'),
    '',
    ...Object.entries(commands).map(
      ([name, entry]) => `  ${paint.cyan(name.padEnd(width))}  ${entry.description}`,
    ),
    '',
    paint.bold('EXAMPLES'),
    '',
    ...rootExamples.map((example) => `  ${example}`),
    '',
    'Use `aml-egress <command> --help` for the options of a command; `aml-egress --version`.',
    'Exit codes: 0 success, 1 findings (blocked flows, drift, denied required flows), 2 bad usage or invalid input.',
  ].join('\n')}\n`
}

function printError(io: Io, message: string, fix?: string): void {
  const paint = createPaint({ ...io, isTTY: io.isTTY })
  io.stderr(terminalText(`${paint.red('error')} ${message}\n${fix ? `  fix: ${fix}\n` : ''}`))
}

/**
 * Runs the CLI on argv (without `node` and the script) and returns the exit code. Every behaviour
 * is reachable here without spawning a process; `formats` is injectable for tests.
 * @example process.exitCode = await runCli(['schema'], nodeIo())
 */
export async function runCli(
  argv: readonly string[],
  io: Io,
  options: { formats?: FormatRegistry } = {},
): Promise<number> {
  const formats = options.formats ?? formatRegistry
  const [first, ...rest] = argv
  if (first === undefined) {
    io.stderr(rootHelp(io))
    return 2
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout(`${versionLine()}\n`)
    return 0
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(rootHelp(io))
    return 0
  }
  const entry = commands[first]
  if (!entry) {
    const suggestion = suggest(first, Object.keys(commands))
    printError(
      io,
      `unknown command '${first}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      `commands: ${Object.keys(commands).join(', ')}; see \`aml-egress --help\``,
    )
    return 2
  }
  const command = await entry.load()
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(await commandHelp(command, io, formats))
    return 0
  }
  try {
    return await command.execute({ argv: rest, io, formats })
  } catch (error) {
    if (isUsageError(error)) {
      printError(io, error.message, error.fix)
      return 2
    }
    if (isProfileError(error)) {
      const paint = createPaint(io)
      const [headline] = error.message.split('\n')
      io.stderr(
        terminalText(
          `${paint.red('error')} AML_EGRESS_INVALID_INPUT: ${headline?.replace(/:$/, '')}\n${error.issues
            .map((issue) => `  ✖ ${paint.bold(issue.path)}: ${issue.message}\n`)
            .join(
              '',
            )}  fix: correct the fields named above; \`aml-egress schema > aml-egress.schema.json\` lets your editor check them as you type\n`,
        ),
      )
      return 2
    }
    if (isSystemError(error)) {
      const { message, fix } = describeSystemError(error)
      printError(io, message, fix)
      return 2
    }
    printError(
      io,
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      'this is a bug in aml-egress; please report it with the command you ran',
    )
    return 2
  }
}
