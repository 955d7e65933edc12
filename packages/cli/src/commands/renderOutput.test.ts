import { existsSync, lstatSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { createDiagnostic, type Plan } from '@aml-egress/core'
import { squidFormat } from '@aml-egress/squid'
import { terraformFormat } from '@aml-egress/terraform'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { clusterProfileText, createMemoryIo, fakeFormat, fixturePath } from '../../test/helpers'
import { nodeIo } from '../io'
import { runCli } from '../main'
import { MANIFEST_NAME } from '../manifest'
import type { FormatRegistry } from '../registry'
import { runRender } from './render'

const SECRET = 'root:x:0:0:the secret a link points at\n'

/** Every entry under a directory (links not followed), relative, sorted. */
function tree(directory: string): string[] {
  if (!existsSync(directory)) return []
  const entries: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      entries.push(relative(directory, path))
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(path)
    }
  }
  walk(directory)
  return entries.sort()
}

/** A format writing one file per workspace (`fake/ws-N.txt`): a fleet that shrinks leaves files. */
const perWorkspaceFormat: typeof fakeFormat = {
  ...fakeFormat,
  name: 'perws',
  renderOptions: [],
  render: (plan: Plan) => {
    const workspaces = [...new Set(plan.rules.flatMap((rule) => rule.workspaces))].sort()
    return {
      files: workspaces.map((id, index) => ({
        path: `perws/ws-${index + 1}.txt`,
        contents: `${id}\n`,
      })),
      diagnostics: [],
    }
  },
}

/** A format whose output breaks a target limit (as a 500,000-account fleet does). */
const overLimitFormat: typeof fakeFormat = {
  ...fakeFormat,
  name: 'overlimit',
  renderOptions: [],
  render: () => ({
    files: [{ path: 'overlimit/rules.txt', contents: 'too many\n' }],
    diagnostics: [
      createDiagnostic({
        code: 'AML_EGRESS_LIMIT_EXCEEDED',
        message: 'The policy needs 61 rule collection groups; the target allows 50.',
        format: 'overlimit',
      }),
    ],
  }),
}

/** Two files, the second with a name no file system takes: staging fails half-way. */
const failingFormat: typeof fakeFormat = {
  ...fakeFormat,
  name: 'failing',
  renderOptions: [],
  render: () => ({
    files: [
      { path: 'failing/a.txt', contents: 'a\n' },
      { path: `failing/${'n'.repeat(300)}.txt`, contents: 'b\n' },
    ],
    diagnostics: [],
  }),
}

const testRegistry: FormatRegistry = {
  perws: async () => perWorkspaceFormat,
  overlimit: async () => overLimitFormat,
  failing: async () => failingFormat,
  squid: async () => squidFormat,
  terraform: async () => terraformFormat,
}

function profileWith(workspaces: number): string {
  const ids = Array.from(
    { length: workspaces },
    (_, index) => `  - id: 3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d1e5${index}
    region: westeurope
    storageAccounts: [contosostore${index}]`,
  )
  return `workspaces:\n${ids.join('\n')}\ncompute: [computeCluster]\nsourceAddresses: [10.20.0.0/24]\n`
}

describe('cli: render output tree (on disk)', () => {
  let directory = ''
  let out = ''
  let stdout = ''
  let stderr = ''
  const io = () => ({
    ...nodeIo(),
    stdout: (text: string) => {
      stdout += text
    },
    stderr: (text: string) => {
      stderr += text
    },
  })
  const render = (args: string[]) =>
    runCli(['render', ...args, '-o', out], io(), { formats: testRegistry })

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'aml-egress-out-'))
    out = join(directory, 'out')
    stdout = ''
    stderr = ''
    await writeFile(join(directory, 'p.yaml'), clusterProfileText)
  })
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })
  const profile = () => join(directory, 'p.yaml')

  it('refuses a directory symlink inside --out, exit 2, and writes nothing there or elsewhere', async () => {
    const elsewhere = join(directory, 'elsewhere')
    await mkdir(elsewhere)
    await mkdir(out)
    await symlink(elsewhere, join(out, 'squid'))
    expect(await render(['-p', profile(), '-f', 'squid,terraform'])).toBe(2)
    expect(stderr).toContain(`'${join(out, 'squid')}' is a symbolic link`)
    expect(stderr).toContain('nothing was written')
    expect(stderr).not.toContain('    at ')
    expect(tree(elsewhere)).toStrictEqual([])
    expect(tree(out)).toStrictEqual(['squid'])
  })

  it('refuses a file symlink with --check, printing neither the diff nor the target (text and --json)', async () => {
    const secret = join(directory, 'secret')
    await writeFile(secret, SECRET)
    await mkdir(join(out, 'squid'), { recursive: true })
    await symlink(secret, join(out, 'squid', 'aml-egress.conf'))
    for (const json of [[], ['--json']]) {
      stdout = ''
      stderr = ''
      expect(await render(['-p', profile(), '-f', 'squid', '--check', ...json])).toBe(2)
      expect(`${stdout}${stderr}`).not.toContain('the secret')
      expect(stderr).toContain('is a symbolic link')
    }
    expect(await readFile(secret, 'utf8')).toBe(SECRET)
  })

  it('writes through no symlink planted at the temporary name the old writer predicted', async () => {
    // The writer used `.<name>.<pid>.<n>.tmp`, opened without O_EXCL: a planted link was followed.
    const victim = join(directory, 'victim')
    await writeFile(victim, 'unchanged\n')
    await mkdir(join(out, 'squid'), { recursive: true })
    for (let n = 1; n <= 3; n += 1)
      await symlink(victim, join(out, 'squid', `.aml-egress.conf.${process.pid}.${n}.tmp`))
    expect(await render(['-p', profile(), '-f', 'squid'])).toBe(0)
    expect(await readFile(victim, 'utf8')).toBe('unchanged\n')
    expect(lstatSync(join(out, 'squid', 'aml-egress.conf')).isFile()).toBe(true)
    // Nothing of the render's own is left behind: only the planted links and the outputs.
    expect(
      tree(out).filter((entry) => entry.endsWith('.tmp') && !entry.includes(`${process.pid}`)),
    ).toStrictEqual([])
  })

  const blockedCases = [
    {
      name: 'a file where a directory goes (out/terraform)',
      arrange: async () => {
        await mkdir(out)
        await writeFile(join(out, 'terraform'), 'mine\n')
      },
      message: () => `'${join(out, 'terraform')}' is a file where render writes a directory`,
    },
    {
      name: '--out is a regular file',
      arrange: async () => {
        await writeFile(out, 'mine\n')
      },
      message: () => `--out '${out}' is a file, not a directory`,
    },
    {
      name: 'a directory where a file goes (out/squid/aml-egress.conf)',
      arrange: async () => {
        await mkdir(join(out, 'squid', 'aml-egress.conf'), { recursive: true })
      },
      message: () =>
        `'${join(out, 'squid', 'aml-egress.conf')}' is a directory where render writes a file`,
    },
  ]
  for (const blocked of blockedCases)
    it(`refuses ${blocked.name} before writing anything: exit 2, the path and a fix`, async () => {
      await blocked.arrange()
      const before = tree(directory)
      expect(await render(['-p', profile(), '-f', 'squid,terraform'])).toBe(2)
      expect(stderr).toContain(blocked.message())
      expect(stderr).toContain('fix: ')
      expect(stderr).not.toContain('    at ')
      expect(tree(directory)).toStrictEqual(before)
    })

  it('leaves nothing behind when an I/O error strikes half-way: exit 2, no stack trace', async () => {
    expect(await render(['-p', profile(), '-f', 'failing'])).toBe(2)
    expect(stderr).toContain('ENAMETOOLONG')
    expect(stderr).not.toContain('    at ')
    // Neither a.txt (staged before the failure) nor a temporary file nor a directory remains.
    expect(tree(out)).toStrictEqual([])
  })

  it('keeps the old text of a file it would have replaced when staging fails', async () => {
    await mkdir(join(out, 'failing'), { recursive: true })
    await writeFile(join(out, 'failing', 'a.txt'), 'old\n')
    expect(await render(['-p', profile(), '-f', 'failing'])).toBe(2)
    expect(await readFile(join(out, 'failing', 'a.txt'), 'utf8')).toBe('old\n')
    expect(tree(out)).toStrictEqual(['failing', 'failing/a.txt'])
  })

  it('writes nothing and exits 2 when the render exceeds a target limit', async () => {
    expect(await render(['-p', profile(), '-f', 'overlimit'])).toBe(2)
    expect(stderr).toContain('AML_EGRESS_LIMIT_EXCEEDED')
    expect(stderr).toContain('nothing was written')
    expect(tree(out)).toStrictEqual([])
  })

  it('removes the files a smaller render no longer produces, reports them with --check first, and keeps the rest', async () => {
    await writeFile(profile(), profileWith(3))
    expect(await render(['-p', profile(), '-f', 'perws'])).toBe(0)
    expect(tree(join(out, 'perws'))).toStrictEqual(['ws-1.txt', 'ws-2.txt', 'ws-3.txt'])
    await writeFile(join(out, 'perws', 'mine.txt'), 'not written by aml-egress\n')
    await writeFile(profile(), profileWith(1))
    stdout = ''
    expect(await render(['-p', profile(), '-f', 'perws', '--check'])).toBe(1)
    expect(stdout).toContain(`stale     ${join(out, 'perws', 'ws-2.txt')}`)
    expect(stdout).toContain(`stale     ${join(out, 'perws', 'ws-3.txt')}`)
    stdout = ''
    expect(await render(['-p', profile(), '-f', 'perws', '--check', '--json'])).toBe(1)
    expect(JSON.parse(stdout)).toMatchObject({
      upToDate: false,
      changed: [],
      stale: [
        { path: 'perws/ws-2.txt', format: 'perws', edited: false },
        { path: 'perws/ws-3.txt', format: 'perws', edited: false },
      ],
    })
    expect(await render(['-p', profile(), '-f', 'perws'])).toBe(0)
    expect(tree(join(out, 'perws'))).toStrictEqual(['mine.txt', 'ws-1.txt'])
    expect(await render(['-p', profile(), '-f', 'perws', '--check'])).toBe(0)
  })

  it('leaves a stale file edited since it was written, saying so, and exits 1', async () => {
    await writeFile(profile(), profileWith(2))
    expect(await render(['-p', profile(), '-f', 'perws'])).toBe(0)
    await writeFile(join(out, 'perws', 'ws-2.txt'), 'my notes\n')
    await writeFile(profile(), profileWith(1))
    stdout = ''
    expect(await render(['-p', profile(), '-f', 'perws'])).toBe(1)
    expect(stdout).toContain('edited since, so render leaves it')
    expect(await readFile(join(out, 'perws', 'ws-2.txt'), 'utf8')).toBe('my notes\n')
  })

  it('keeps the files of formats not rendered this time', async () => {
    expect(await render(['-p', profile(), '-f', 'squid'])).toBe(0)
    expect(await render(['-p', profile(), '-f', 'perws'])).toBe(0)
    expect(tree(out)).toContain('squid/aml-egress.conf')
    const manifest = JSON.parse(await readFile(join(out, MANIFEST_NAME), 'utf8'))
    expect(Object.keys(manifest.formats)).toStrictEqual(['perws', 'squid'])
  })

  it('refuses a manifest that lists a path outside --out, removing nothing', async () => {
    const victim = join(directory, 'victim')
    await writeFile(victim, 'keep\n')
    await mkdir(out)
    const hash = 'a'.repeat(64)
    await writeFile(
      join(out, MANIFEST_NAME),
      JSON.stringify({ formats: { perws: { '../victim': hash } } }),
    )
    expect(await render(['-p', profile(), '-f', 'perws'])).toBe(2)
    expect(stderr).toContain('is not a manifest aml-egress wrote')
    expect(await readFile(victim, 'utf8')).toBe('keep\n')
  })
})

describe('cli: render output tree (in memory)', () => {
  it('refuses a link at the manifest path before reading it', async () => {
    const memory = createMemoryIo({
      files: { 'p.yaml': clusterProfileText },
      symlinks: [`out/${MANIFEST_NAME}`],
    })
    await expect(
      runRender(
        { profile: 'p.yaml', format: 'perws', out: 'out' },
        { io: memory.io, formats: testRegistry },
      ),
    ).rejects.toMatchObject({ code: 'AML_EGRESS_USAGE' })
    expect(memory.writes).toStrictEqual([])
  })

  it('writes the squid fixture render as one batch with its manifest', async () => {
    const memory = createMemoryIo({
      files: { 'p.yaml': await readFile(fixturePath('profiles/contoso.yaml'), 'utf8') },
    })
    const code = await runRender(
      { profile: 'p.yaml', format: 'squid', out: 'out', quiet: true },
      { io: memory.io, formats: testRegistry },
    )
    expect(code).toBe(0)
    expect(memory.writes).toStrictEqual(['out/squid/aml-egress.conf', `out/${MANIFEST_NAME}`])
  })
})
