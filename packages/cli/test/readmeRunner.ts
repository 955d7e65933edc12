/**
 * Runs the commands of README examples in one process, as a shell would print them:
 * `node --conditions=@aml-egress/source --import tsx readmeRunner.ts blocks.json` reads
 * `[{ dir, commands }]`, runs each command in `dir` with `runCli`, and prints
 * `[{ outputs: string[] }]` as JSON. A command is `aml-egress ARGS`, optionally piped into
 * `head -N` or sent to `> /dev/null`, or `echo $?` (the exit code of the command before it); anything else is refused, so
 * examples stay runnable without a shell.
 */
import { readFileSync } from 'node:fs'
import { nodeIo } from '../src/io'
import { runCli } from '../src/main'

type Block = { dir: string; commands: string[] }

/** Shell words: whitespace-separated, with '…' and "…" quoting. */
function shellWords(command: string): string[] {
  const words: string[] = []
  for (const match of command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g))
    words.push(match[1] ?? match[2] ?? match[3] ?? '')
  return words
}

async function run(command: string, lastCode: number): Promise<{ output: string; code: number }> {
  const all = shellWords(command)
  if (all.join(' ') === 'echo $?') return { output: `${lastCode}\n`, code: 0 }
  const discard = all.at(-2) === '>' && all.at(-1) === '/dev/null'
  const words = discard ? all.slice(0, -2) : all
  const pipe = words.indexOf('|')
  const cli = pipe === -1 ? words : words.slice(0, pipe)
  const after = pipe === -1 ? [] : words.slice(pipe + 1)
  const head = after[0] === 'head' && /^-\d+$/.test(after[1] ?? '') ? Number(after[1]?.slice(1)) : 0
  if (cli[0] !== 'aml-egress' || (pipe !== -1 && (head === 0 || after.length !== 2)))
    throw new Error(`not a runnable README command: ${command}`)
  let output = ''
  const io = {
    ...nodeIo(),
    stdout: (text: string) => {
      output += text
    },
    stderr: (text: string) => {
      output += text
    },
    isTTY: false,
    stderrIsTTY: false,
    env: { NO_COLOR: '1' },
  }
  const code = await runCli(cli.slice(1), io)
  if (discard) return { output: '', code }
  if (head === 0) return { output, code }
  return { output: `${output.split('\n').slice(0, head).join('\n')}\n`, code: 0 }
}

async function main(): Promise<void> {
  const blocks = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Block[]
  const results: { outputs: string[] }[] = []
  for (const block of blocks) {
    process.chdir(block.dir)
    const outputs: string[] = []
    let code = 0
    for (const command of block.commands) {
      const result = await run(command, code)
      code = result.code
      outputs.push(result.output)
    }
    results.push({ outputs })
  }
  process.stdout.write(JSON.stringify(results))
}

await main()
