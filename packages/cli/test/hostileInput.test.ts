import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeIo } from '../src/io'
import { runCli } from '../src/main'
import { formatRegistry } from '../src/registry'
import { createMemoryIo, fixturePath } from './helpers'

const ESC = '\u001B'
const CLEAR_SCREEN = `${ESC}[2J`
const SET_TITLE = `${ESC}]0;pwned\u0007`
const profilePath = fixturePath('profiles/contoso.yaml')
const profileText = readFileSync(profilePath, 'utf8')

async function cli(argv: string[], files: Record<string, string> = {}) {
  const memory = createMemoryIo({ files: { [profilePath]: profileText, ...files } })
  const code = await runCli(argv, memory.io, { formats: formatRegistry })
  return { code, out: memory.stdout(), err: memory.stderr(), writes: memory.writes }
}

describe('cli: control characters from input files reach the terminal escaped', () => {
  it('compare: a dependency JSON with escape sequences in a domain and a category', async () => {
    const dependencies = JSON.stringify({
      value: [
        {
          properties: {
            category: `Storage${SET_TITLE}`,
            endpoints: [
              { domainName: `evil${CLEAR_SCREEN}.example.com`, endpointDetails: [{ port: 443 }] },
            ],
          },
        },
      ],
    })
    const result = await cli(['compare', '-p', profilePath, 'deps.json'], {
      'deps.json': dependencies,
    })
    expect(result.code).toBe(1)
    expect(`${result.out}${result.err}`).not.toContain(ESC)
    expect(result.out).toContain('evil\\x1B[2J.example.com')
    expect(result.out).toContain('Storage\\x1B]0;pwned\\x07')
  })

  it('check: rule names with escape sequences in an Azure Firewall policy (table and diagnostics)', async () => {
    const policy = readFileSync(
      fixturePath('azure-firewall/portal-missing-445-wildcards.json'),
      'utf8',
    ).replace(/"name": "([^"]+)"/g, `"name": "$1${CLEAR_SCREEN.replace(ESC, '\\u001b')}"`)
    const result = await cli(['check', '-p', profilePath, '-f', 'azure-firewall', 'policy.json'], {
      'policy.json': policy,
    })
    expect(result.out).toContain('\\x1B[2J')
    expect(`${result.out}${result.err}`).not.toContain(ESC)
  })

  it('error messages: a file name with control characters', async () => {
    const result = await cli([
      'render',
      '-p',
      `missing${CLEAR_SCREEN}.yaml`,
      '-f',
      'squid',
      '-o',
      'out',
    ])
    expect(result.code).toBe(2)
    expect(result.err).toContain('missing\\x1B[2J.yaml')
    expect(result.err).not.toContain(ESC)
  })
})

describe('cli: no stack traces for hostile or mistaken arguments', () => {
  let directory = ''
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'aml-egress-hostile-'))
    await mkdir(join(directory, 'a-directory'))
  })
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true })
  })
  const real = async (argv: string[]) => {
    let err = ''
    const io = { ...nodeIo(), stdout: () => undefined, stderr: (text: string) => (err += text) }
    return { code: await runCli(argv, io, { formats: formatRegistry }), err: () => err }
  }

  it('--profile <directory>: exit 2 naming the directory', async () => {
    const dir = join(directory, 'a-directory')
    const result = await real(['render', '-p', dir, '-f', 'squid', '-o', join(directory, 'out')])
    expect(result.code).toBe(2)
    expect(result.err()).toContain(`cannot read the profile '${dir}': it is a directory`)
    expect(result.err()).not.toContain('    at ')
  })

  it('init --out <directory>: exit 2 naming the directory and a file to write instead', async () => {
    const dir = join(directory, 'a-directory')
    for (const force of [[], ['--force']]) {
      const result = await real(['init', '--out', dir, ...force])
      expect(result.code).toBe(2)
      expect(result.err()).toContain(`--out '${dir}' is a directory`)
      expect(result.err()).toContain(`fix: name the file, e.g. --out ${dir}/aml-egress.yaml`)
    }
  })

  it('explain with a 100,000-character argument: exit 1, the argument quoted as a bounded excerpt', async () => {
    const query = 'x'.repeat(100_000)
    const result = await cli(['explain', query])
    expect(result.code).toBe(1)
    expect(result.err.length).toBeLessThan(1000)
    expect(result.err).toContain(`'${'x'.repeat(80)}…'`)
  })
})
