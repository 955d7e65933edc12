import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * The README examples, run. A ```console block with `$ ` commands must follow a marker comment:
 * `<!-- example: run in DIR -->` (DIR relative to the repository root; it is copied to a temp
 * directory, so commands may write) or `<!-- example: not run: REASON -->`. In the shown output a
 * line `…` stands for any lines, and `…` inside a line for any text.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url))
const readmes = [
  'README.md',
  ...readdirSync(join(root, 'packages')).map((name) => `packages/${name}/README.md`),
]

type Example = {
  readme: string
  line: number
  dir?: string
  skip?: string
  commands: { command: string; expected: string }[]
}

const MARKER = /^<!-- example: (?:run in (\S+)|not run: (.+)) -->$/

/** The console blocks of a README with their marker (or none), commands and shown output. */
function examplesOf(readme: string): (Example & { marked: boolean })[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n')
  const examples: (Example & { marked: boolean })[] = []
  for (let index = 0; index < lines.length; index++) {
    if (lines[index] !== '```console') continue
    const end = lines.indexOf('```', index + 1)
    const body = lines.slice(index + 1, end)
    index = end
    if (!body.some((line) => line.startsWith('$ '))) continue
    const marker = MARKER.exec(lines[index - body.length - 2] ?? '')
    const commands: Example['commands'] = []
    for (const line of body)
      if (line.startsWith('$ ')) commands.push({ command: line.slice(2), expected: '' })
      else {
        const last = commands.at(-1)
        if (last) last.expected += `${line}\n`
      }
    examples.push({
      readme,
      line: index - body.length,
      marked: marker !== null,
      ...(marker?.[1] ? { dir: marker[1] } : {}),
      ...(marker?.[2] ? { skip: marker[2] } : {}),
      commands,
    })
  }
  return examples
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Does `actual` match the shown output, `…` lines and `…` in lines as wildcards? */
function matchesShown(shown: string, actual: string): boolean {
  const trim = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trim()
  const pattern = trim(shown)
    .split('\n')
    .map((line) =>
      line === '…' ? '(?:[^\\n]*\\n)*?' : `${line.split('…').map(escapeRegExp).join('.*')}\\n`,
    )
    .join('')
  return new RegExp(`^${pattern}$`).test(`${trim(actual)}\n`)
}

const examples = readmes.flatMap(examplesOf)
const scratch = mkdtempSync(join(tmpdir(), 'aml-egress-readme-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Runs every example that runs, in one process, each in a fresh copy of its directory. */
function runExamples(runnable: Example[]): string[][] {
  const blocks = runnable.map((example, index) => {
    const dir = join(scratch, String(index))
    cpSync(join(root, example.dir ?? ''), dir, { recursive: true })
    return { dir, commands: example.commands.map((c) => c.command) }
  })
  const input = join(scratch, 'blocks.json')
  writeFileSync(input, JSON.stringify(blocks))
  const result = spawnSync(
    process.execPath,
    [
      '--conditions=@aml-egress/source',
      '--import',
      'tsx',
      'packages/cli/test/readmeRunner.ts',
      input,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
  if (result.status !== 0) throw new Error(`README runner failed:\n${result.stderr}`)
  const outputs = JSON.parse(result.stdout) as { outputs: string[] }[]
  return outputs.map(({ outputs: texts }, index) =>
    texts.map((text) => text.replaceAll(blocks[index]?.dir ?? '', '.')),
  )
}

describe('README examples', () => {
  it('returns a match only where the shown output allows it (… as lines and as text)', () => {
    expect(matchesShown('a\n…\nd\n', 'a\nb\nc\nd\n')).toBe(true)
    expect(matchesShown('a\n…\nd\n', 'a\nd\n')).toBe(true)
    expect(matchesShown('x … z\n', 'x yyy z\n')).toBe(true)
    expect(matchesShown('a\nd\n', 'a\nb\nd\n')).toBe(false)
    expect(matchesShown('x … z\n', 'x y\nz\n')).toBe(false)
  })

  it('returns a marker for every console example with commands', () => {
    const unmarked = examples.filter((e) => !e.marked).map((e) => `${e.readme}:${e.line}`)
    expect(unmarked).toStrictEqual([])
    expect(examples.filter((e) => e.dir !== undefined).length).toBeGreaterThan(5)
  })

  const runnable = examples.filter((e) => e.dir !== undefined)
  let outputs: string[][] = []
  it('runs every marked command', () => {
    outputs = runExamples(runnable)
    expect(outputs.length).toBe(runnable.length)
  }, 180_000)

  runnable.forEach((example, index) => {
    for (const [position, { command, expected }] of example.commands.entries())
      it(`prints what ${relative(root, join(root, example.readme))}:${example.line} shows for $ ${command}`, () => {
        const actual = outputs[index]?.[position] ?? '(not run)'
        expect(matchesShown(expected, actual), `shown:\n${expected}\nprinted:\n${actual}`).toBe(
          true,
        )
      })
  })
})
