import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { load } from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { loadBlockYamlSubset } from './blockYaml'

// js-yaml is the oracle: the scanner must give its value, or decline.
function jsYaml(text: string): { value: unknown } | { error: unknown } {
  try {
    return { value: load(text, { maxAliases: 100 }) }
  } catch (error) {
    return { error }
  }
}

/** The scanner's answer, checked against js-yaml's; true when the scanner answered. */
function agreesWithJsYaml(text: string): boolean {
  const fast = loadBlockYamlSubset(text)
  if (fast === undefined) return false
  const expected = jsYaml(text)
  if ('error' in expected)
    throw new Error(`accepted what js-yaml refuses:\n${text}\n${String(expected.error)}`)
  if (!isDeepStrictEqual(fast, expected.value))
    throw new Error(
      `differs from js-yaml:\n${text}\n${JSON.stringify(fast)}\n${JSON.stringify(expected.value)}`,
    )
  return true
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const SKIPPED = new Set(['node_modules', 'dist', '.git', '.nx', 'out', 'coverage'])

function yamlFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : yamlFiles(path)
    return /\.ya?ml$/.test(entry.name) ? [path] : []
  })
}

/** A small deterministic generator (mulberry32), so that every run checks the same documents. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ORDINARY = ['westeurope', 'fleetsa0', '42', 'true', '10.0.0.0/16', "'quoted'", '[a, b]']

// Values that YAML reads in surprising ways, next to ordinary profile values.
const SCALARS = [
  'westeurope',
  '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
  '00000000-0000-4000-8000-000000000001',
  '10.10.0.0/24',
  '10.0.0.1',
  'fleetsa0',
  'kubernetes.io/name',
  'http://example.com/a',
  'a#b',
  'a #b',
  'a,b',
  'a[1]',
  '_x',
  '/path',
  'Infinity',
  'NaN',
  'x:y',
  'true',
  'false',
  'True',
  'FALSE',
  'yes',
  'No',
  'ON',
  'off',
  'y',
  'n',
  'null',
  'Null',
  '~',
  '0',
  '7',
  '42',
  '007',
  '0b1010',
  '0o17',
  '0x1F',
  '1_000',
  '1e5',
  '1.5',
  '.5',
  '-1',
  '+1',
  '.inf',
  '.nan',
  '12:30',
  '190:20:30',
  '2001-12-14',
  '2001-12-14 21:59:43.10 -5',
  '2001-12-14t21:59:43.10-05:00',
  '123456789012345678',
  '"quoted"',
  '"with: colon"',
  '"esc\\tape"',
  "'single'",
  "'it''s'",
  "'a' b",
  '"a" # note',
  '[a, b]',
  '[a, 7, true]',
  '[]',
  '{}',
  '[a, [b]]',
  '[a, ]',
  '{a: 1}',
  '&anchor x',
  '*alias',
  '!tag x',
  '!!str 7',
  '|',
  '>',
  '@x',
  '`x',
  '%x',
  '-x',
  '- x',
  '? x',
  '=',
  '<<',
  'a: b',
  'a:',
  'plain # comment',
  'trailing   ',
]

const KEYS = ['id', 'region', 'storageAccounts', 'a', 'k.io/name', 'x-y', 'yes', 'null', 'on']

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T
}

/** Mostly ordinary values, so that many documents stay inside the subset. */
function scalar(next: () => number): string {
  return pick(next, next() < 0.8 ? ORDINARY : SCALARS)
}

/** Lines of a random block node at `indent`, in the styles profiles are written in. */
function blockLines(next: () => number, indent: number, depth: number): string[] {
  const pad = ' '.repeat(indent)
  const count = 1 + Math.floor(next() * 3)
  const lines: string[] = []
  if (depth > 0 && next() < 0.4) {
    for (let item = 0; item < count; item++) {
      if (next() < 0.5) lines.push(`${pad}- ${scalar(next)}`)
      else {
        const [first = '', ...rest] = blockLines(next, indent + 2, depth - 1)
        lines.push(`${pad}- ${first.trimStart()}`, ...rest)
      }
    }
    return lines
  }
  for (let entry = 0; entry < count; entry++) {
    const key = next() < 0.85 ? `k${entry}${pick(next, ['', 'x', '.io/y'])}` : pick(next, KEYS)
    const roll = next()
    if (depth === 0 || roll < 0.5) lines.push(`${pad}${key}: ${scalar(next)}`)
    else {
      // A nested node, sometimes a list at the key's own indentation.
      const inner = roll < 0.6 ? indent : indent + 2
      const child = blockLines(next, inner, depth - 1)
      if (inner === indent && !child[0]?.trimStart().startsWith('- ')) continue
      lines.push(`${pad}${key}:${next() < 0.1 ? ' # note' : ''}`, ...child)
    }
  }
  return lines
}

/** Small damage: indentation off by one, a tab, a comment, a blank line, a duplicate. */
function perturb(next: () => number, lines: string[]): string[] {
  const damaged = [...lines]
  const at = Math.floor(next() * damaged.length)
  const line = damaged[at] ?? ''
  const kind = Math.floor(next() * 7)
  if (kind === 0) damaged[at] = ` ${line}`
  else if (kind === 1) damaged[at] = line.replace(/^ /, '')
  else if (kind === 2) damaged[at] = line.replace(/^( *)/, '$1\t')
  else if (kind === 3) damaged.splice(at, 0, `${' '.repeat(Math.floor(next() * 6))}# comment`)
  else if (kind === 4) damaged.splice(at, 0, '')
  else if (kind === 5) damaged.splice(at, 0, line)
  else damaged[at] = `${line}\r`
  return damaged
}

describe('loadBlockYamlSubset', () => {
  it("reads the example profile as js-yaml does (plain block YAML, the scanner's subset)", () => {
    const text = readFileSync(join(repoRoot, 'examples/profile.yaml'), 'utf8')
    expect(agreesWithJsYaml(text)).toBe(true)
  })

  it('gives js-yaml’s value, or declines, for every YAML file in the repository', () => {
    const files = yamlFiles(repoRoot)
    expect(files.length).toBeGreaterThan(20)
    const answered = files.filter((file) => agreesWithJsYaml(readFileSync(file, 'utf8')))
    expect(answered.length).toBeGreaterThan(0)
  })

  it.each([
    ['a boolean in YAML 1.1', 'a: yes\n'],
    ['a binary number in some YAML versions', 'a: 0b1010\n'],
    ['an integer with an underscore', 'a: 1_000\n'],
    ['a float', 'a: 1.5\n'],
    ['a date', 'a: 2001-12-14\n'],
    ['a sexagesimal number', 'a: 12:30\n'],
    ['null', 'a: null\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 7\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a plain scalar over two lines', 'a: one\n  two\n'],
    ['an escape in double quotes', 'a: "t\\tb"\n'],
    ['a doubled single quote', "a: 'it''s'\n"],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a tab', 'a:\n\t- b\n'],
    ['a carriage return', 'a: 1\r\nb: 2\r\n'],
    ['a document marker', '---\na: 1\n'],
    ['a flow mapping', 'a: {b: 1}\n'],
    ['a nested flow list', 'a: [b, [c]]\n'],
    ['a merge key', '<<: {a: 1}\n'],
    ['a key that is a number', '1: a\n'],
    ['a root that is a list', '- a\n'],
    ['non-ASCII text', 'a: café\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['an empty text', ''],
    [
      'deep nesting',
      Array.from({ length: 200 }, (_, depth) => `${' '.repeat(depth)}a:`).join('\n'),
    ],
    ['only a comment', '# nothing\n'],
  ])('declines %s', (_what, text) => {
    expect(loadBlockYamlSubset(text)).toBeUndefined()
  })

  it.each([
    ['a list at its key’s indentation', 'a:\n- 1\n- b\nc: d\n', { a: [1, 'b'], c: 'd' }],
    [
      'a list of mappings',
      'w:\n  - id: x\n    names: [a, 7]\n  -  id: z\n     f: true\n',
      {
        w: [
          { id: 'x', names: ['a', 7] },
          { id: 'z', f: true },
        ],
      },
    ],
    ['comments and blank lines', '# c\na: b # c\n\n  # c\nd: "e" # c\n', { a: 'b', d: 'e' }],
    ['an empty value', 'a:\nb: []\nc: {}\n', { a: null, b: [], c: {} }],
    [
      'strings that only look special',
      'id: 00000000-0000-4000-8000-000000000001\nnet: 10.0.0.0/16\nu: http://x\nh: a#b\n',
      { id: '00000000-0000-4000-8000-000000000001', net: '10.0.0.0/16', u: 'http://x', h: 'a#b' },
    ],
  ])('reads %s', (_what, text, expected) => {
    // The expected values are what the YAML spec gives; js-yaml must agree too.
    expect(loadBlockYamlSubset(text)).toStrictEqual(expected)
    expect(agreesWithJsYaml(text)).toBe(true)
  })

  it('agrees with js-yaml on 4,000 generated documents, damaged or not', () => {
    const next = random(20261207)
    let answered = 0
    let refusedByJsYaml = 0
    for (let run = 0; run < 4000; run++) {
      const lines = blockLines(next, 0, 3)
      const text = `${(next() < 0.3 ? perturb(next, lines) : lines).join('\n')}\n`
      if (agreesWithJsYaml(text)) answered++
      else if ('error' in jsYaml(text)) refusedByJsYaml++
    }
    // Neither side of the comparison is vacuous.
    expect(answered).toBeGreaterThan(400)
    expect(refusedByJsYaml).toBeGreaterThan(100)
  })
})
