import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { formatRegistry, nodeIo, runCli } from '@aml-egress/cli'
import { type ProfileIssue, parseProfileText } from '@aml-egress/core'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { createMemoryIo } from '../../../packages/cli/test/helpers'
import {
  aliasBombArbitrary,
  baseProfile,
  controlCharacterArbitrary,
  type HostileYaml,
  hugeListArbitrary,
  outputTreeArbitrary,
  type Planted,
  RENDER_TARGETS,
} from '../src/hostile'
import { assertOptions, fuzzSettings } from '../src/settings'

// Control characters, DEL, C1 and bidirectional overrides: none may reach a terminal raw.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/

function issuesOf(text: string): readonly ProfileIssue[] {
  try {
    parseProfileText(text, 'profile.yaml')
  } catch (error) {
    expect(error).toMatchObject({ code: 'AML_EGRESS_INVALID_INPUT' })
    return (error as { issues: readonly ProfileIssue[] }).issues
  }
  throw new Error('expected the hostile profile to be refused')
}

/** `render -f all` in memory: exit 2, the field on stderr, escaped and bounded, nothing written. */
async function expectRefusedByCli(hostile: HostileYaml) {
  const memory = createMemoryIo({ files: { 'profile.yaml': hostile.text } })
  const code = await runCli(
    ['render', '--profile', 'profile.yaml', '--format', 'all', '--out', 'out'],
    memory.io,
    { formats: formatRegistry },
  )
  expect(code).toBe(2)
  expect(memory.writes).toStrictEqual([])
  expect(memory.stderr()).toContain('AML_EGRESS_INVALID_INPUT')
  expect(memory.stderr()).not.toMatch(RAW_CONTROL)
  expect(memory.stderr()).not.toContain('    at ')
  // Messages are built from bounded excerpts: a bomb or a huge list never becomes text.
  expect(memory.stderr().length).toBeLessThan(20_000)
}

const hostileRuns = Math.min(fuzzSettings.invalidRuns, 200)

describe('fuzz: hostile YAML', () => {
  it(`refuses alias bombs (nested anchors) with a located issue, exit 2, for ${hostileRuns} bombs`, async () => {
    await fc.assert(
      fc.asyncProperty(aliasBombArbitrary, async (hostile) => {
        expect(issuesOf(hostile.text).map((issue) => issue.path)).toContain(hostile.expectedPath)
        await expectRefusedByCli(hostile)
      }),
      assertOptions(hostileRuns),
    )
  })

  it(`refuses lists past their bound naming the list, for ${hostileRuns} huge lists`, async () => {
    await fc.assert(
      fc.asyncProperty(hugeListArbitrary, async (hostile) => {
        expect(issuesOf(hostile.text).map((issue) => issue.path)).toContain(hostile.expectedPath)
        await expectRefusedByCli(hostile)
      }),
      assertOptions(hostileRuns),
    )
  })

  it(`refuses control characters in values and keys, echoing none raw, for ${hostileRuns} profiles`, async () => {
    await fc.assert(
      fc.asyncProperty(controlCharacterArbitrary, async (hostile) => {
        const issues = issuesOf(hostile.text)
        expect(issues.map((issue) => issue.path)).toContain(hostile.expectedPath)
        await expectRefusedByCli(hostile)
      }),
      assertOptions(hostileRuns),
    )
  })
})

const SECRET = 'the secret a link points at\n'
const treeRuns = Math.min(fuzzSettings.invalidRuns, 40)

/** Every entry under a directory, links not followed: path, kind and (for files) contents. */
function snapshot(root: string): string[] {
  const entries: string[] = []
  const walk = (directory: string) => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name)
      const stats = lstatSync(path)
      const at = relative(root, path)
      if (stats.isSymbolicLink()) entries.push(`${at} -> ${readlinkSync(path)}`)
      else if (stats.isDirectory()) {
        entries.push(`${at}/`)
        walk(path)
      } else entries.push(`${at} = ${readFileSync(path, 'utf8')}`)
    }
  }
  walk(root)
  return entries
}

/** Plants the entries under `out` (parents as plain directories); links point outside. */
async function plant(input: { out: string; outside: string; entries: readonly Planted[] }) {
  const { out, outside } = input
  await mkdir(join(outside, 'dir'), { recursive: true })
  await writeFile(join(outside, 'secret'), SECRET)
  for (const entry of input.entries) {
    const path = entry.path === '' ? out : join(out, entry.path)
    await mkdir(join(path, '..'), { recursive: true })
    if (entry.kind === 'file') await writeFile(path, 'mine\n')
    else if (entry.kind === 'directory') await mkdir(path, { recursive: true })
    else
      await symlink(
        entry.kind === 'link-to-directory' ? join(outside, 'dir') : join(outside, 'secret'),
        path,
      )
  }
}

describe('fuzz: symlinked and blocked output trees', () => {
  let scratch = ''
  let counter = 0
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'aml-egress-fuzz-tree-'))
    await writeFile(join(scratch, 'profile.yaml'), stringify(baseProfile))
  })
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true })
  })

  it(`writes all or nothing, never through a link, never printing a link's target, for ${treeRuns} trees`, async () => {
    await fc.assert(
      fc.asyncProperty(outputTreeArbitrary, fc.boolean(), async (entries, check) => {
        counter += 1
        const caseDir = join(scratch, `case-${counter}`)
        const out = join(caseDir, 'out')
        const outside = join(caseDir, 'outside')
        await plant({ out, outside, entries })
        const before = snapshot(caseDir)
        let printed = ''
        const io = {
          ...nodeIo(),
          stdout: (text: string) => {
            printed += text
          },
          stderr: (text: string) => {
            printed += text
          },
        }
        const argv = ['render', '-p', join(scratch, 'profile.yaml'), '-f', 'squid,network-policy']
        const code = await runCli([...argv, '-o', out, ...(check ? ['--check'] : [])], io)
        const blocked = entries.some((entry) => entry.blocks)
        expect(printed).not.toContain('the secret')
        expect(printed).not.toContain('    at ')
        expect(snapshot(outside)).toStrictEqual(
          before
            .filter((entry) => entry.startsWith('outside/') && entry !== 'outside/')
            .map((entry) => entry.slice('outside/'.length)),
        )
        if (blocked || check) {
          expect(code).toBe(blocked ? 2 : 1)
          expect(snapshot(caseDir)).toStrictEqual(before)
        } else {
          expect(code).toBe(0)
          for (const file of RENDER_TARGETS.files)
            expect(lstatSync(join(out, file)).isFile()).toBe(true)
        }
      }),
      assertOptions(treeRuns),
    )
  }, 120_000)
})
