import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseEnvironmentFile } from './environmentFiles'
import { environmentFileKind } from './fileKinds'
import { packageIndexHosts } from './packageHosts'
import { logicalLines } from './requirementsTxt'
import type { EnvironmentFileScan } from './scan'

const fixture = (path: string) =>
  readFileSync(new URL(`../../test/fixtures/environment-files/${path}`, import.meta.url), 'utf8')

/** Scans a fixture, and its includes as a reader would (paths relative to it). */
function scanFixture(path: string, includes: readonly string[] = []): EnvironmentFileScan[] {
  const directory = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : ''
  return [
    parseEnvironmentFile({ path, text: fixture(path) }),
    ...includes.map((include) =>
      parseEnvironmentFile({
        path: `${directory}${include}`,
        text: fixture(`${directory}${include}`),
        root: path,
        kind: 'requirements',
      }),
    ),
  ]
}

const hostsOf = (scans: readonly EnvironmentFileScan[]) =>
  packageIndexHosts(scans).hosts.map((host) => ({
    host: host.host,
    ports: host.ports.map((range) => range.from),
  }))

const problems = (scans: readonly EnvironmentFileScan[]) =>
  scans.flatMap((scan) =>
    scan.diagnostics.map((d) => `${d.code} ${d.location?.file}:${d.location?.line}`),
  )

describe('environment files: requirements.txt', () => {
  const scans = scanFixture('pip/requirements.txt', [
    'base.txt',
    'nested/extra.txt',
    'constraints.txt',
  ])

  it('derives the index, extra index, find-links, VCS and direct URL hosts, with ports', () => {
    // --index-url replaces PyPI: no pypi.org. git+ssh is port 22; http with :8081 is 8081.
    expect(hostsOf(scans)).toStrictEqual([
      { host: 'artifacts.contoso.com', ports: [443] },
      { host: 'data.pyg.org', ports: [443] },
      { host: 'download.pytorch.org', ports: [443] },
      { host: 'github.com', ports: [22, 443] },
      { host: 'nexus.contoso.local', ports: [8081] },
    ])
  })

  it('lists -r and -c includes with their lines, for the caller to read', () => {
    expect(scans[0]?.includes).toStrictEqual([
      { path: 'base.txt', line: 7 },
      { path: 'constraints.txt', line: 8 },
    ])
    expect(scans[1]?.includes).toStrictEqual([{ path: 'nested/extra.txt', line: 3 }])
  })

  it('reports credentials, an environment variable host and an unknown option by file and line', () => {
    expect(problems(scans)).toStrictEqual([
      'AML_EGRESS_CREDENTIALS_IN_URL pip/requirements.txt:2',
      'AML_EGRESS_ENVIRONMENT_FILE_LINE pip/requirements.txt:20',
      'AML_EGRESS_ENVIRONMENT_FILE_LINE pip/requirements.txt:21',
    ])
  })

  it('never keeps a credential, in sources or messages', () => {
    expect(JSON.stringify(scans)).not.toContain('s3cr3t')
    expect(JSON.stringify(scans)).not.toContain('build:')
    expect(JSON.stringify(packageIndexHosts(scans))).not.toContain('s3cr3t')
  })

  it('keeps only the scheme and host of a URL, so a token in its path goes nowhere', () => {
    const scan = parseEnvironmentFile({
      path: 'requirements.txt',
      text: '--index-url https://pypi.fury.io/Tk9aSECRET/contoso/?key=abc\nnumpy\n',
    })
    const hosts = packageIndexHosts([scan])
    expect(hosts.hosts.map((host) => host.via)).toStrictEqual([['index https://pypi.fury.io']])
    expect(JSON.stringify(hosts)).not.toMatch(/Tk9aSECRET|key=abc/)
  })

  it('names each host with the first line that asks for it', () => {
    const github = packageIndexHosts(scans).hosts.find((host) => host.host === 'github.com')
    expect(github?.locations).toStrictEqual([
      { file: 'pip/requirements.txt', line: 15 },
      { file: 'pip/requirements.txt', line: 16 },
      { file: 'pip/requirements.txt', line: 17 },
    ])
  })

  it('joins continuation lines and keeps the first line number; drops comments after whitespace', () => {
    expect(
      logicalLines('a \\\n  --hash=x \\\n  --hash=y\nb  # c\n#d\nhttps://h.example.com/x#egg=e'),
    ).toStrictEqual([
      { line: 1, text: 'a   --hash=x   --hash=y' },
      { line: 4, text: 'b' },
      { line: 6, text: 'https://h.example.com/x#egg=e' },
    ])
  })

  it('uses PyPI (pypi.org and its file host) when a package comes from the default index', () => {
    const scan = parseEnvironmentFile({
      path: 'requirements.txt',
      text: '# defaults\nrequests>=2 ; python_version >= "3.8"\n',
    })
    expect(hostsOf([scan])).toStrictEqual([
      { host: 'files.pythonhosted.org', ports: [443] },
      { host: 'pypi.org', ports: [443] },
    ])
    expect(packageIndexHosts([scan]).hosts[0]?.locations).toStrictEqual([
      { file: 'requirements.txt', line: 2 },
    ])
  })

  it('adds nothing for --no-index with local wheels', () => {
    const scan = parseEnvironmentFile({
      path: 'requirements.txt',
      text: '--no-index\n--find-links ./wheels\ncontoso-lib==1.0\n',
    })
    expect(hostsOf([scan])).toStrictEqual([])
    expect(scan.diagnostics).toStrictEqual([])
  })

  it('reports a line that is no requirement rather than guessing', () => {
    const scan = parseEnvironmentFile({ path: 'r.txt', text: 'numpy===\n!!bad\n' })
    expect(problems([scan])).toStrictEqual(['AML_EGRESS_ENVIRONMENT_FILE_LINE r.txt:2'])
  })
})

describe('environment files: conda environment.yml', () => {
  const scans = scanFixture('conda/environment.yml')

  it('maps channel names to the documented hosts and a private channel URL to its host', () => {
    expect(hostsOf(scans)).toStrictEqual([
      { host: 'conda.anaconda.org', ports: [443] },
      { host: 'conda.contoso.com', ports: [443] },
      { host: 'files.pythonhosted.org', ports: [443] },
      { host: 'pypi.contoso.com', ports: [443] },
      { host: 'pypi.org', ports: [443] },
      { host: 'repo.anaconda.com', ports: [443] },
    ])
  })

  it('takes channel::package specs and the pip: section, each at its line', () => {
    const hosts = packageIndexHosts(scans).hosts
    expect(hosts.find((h) => h.host === 'conda.anaconda.org')?.locations).toStrictEqual([
      { file: 'conda/environment.yml', line: 4 },
      { file: 'conda/environment.yml', line: 5 },
      { file: 'conda/environment.yml', line: 6 },
      { file: 'conda/environment.yml', line: 11 },
      { file: 'conda/environment.yml', line: 13 },
    ])
    expect(hosts.find((h) => h.host === 'pypi.contoso.com')?.locations).toStrictEqual([
      { file: 'conda/environment.yml', line: 17 },
    ])
    // The pip section has no --index-url: its first package comes from PyPI.
    expect(hosts.find((h) => h.host === 'pypi.org')?.locations).toStrictEqual([
      { file: 'conda/environment.yml', line: 18 },
    ])
  })

  it("drops conda's /t/<token>/ from a channel URL and warns", () => {
    expect(problems(scans)).toStrictEqual(['AML_EGRESS_CREDENTIALS_IN_URL conda/environment.yml:7'])
    expect(JSON.stringify(packageIndexHosts(scans))).not.toContain('abc123-secret-token')
  })

  it('reports a file without channels instead of guessing them', () => {
    const bare = scanFixture('conda/no-channels.yml')
    expect(problems(bare)).toStrictEqual([
      'AML_EGRESS_ENVIRONMENT_FILE_LINE conda/no-channels.yml:1',
    ])
    expect(hostsOf(bare)).toStrictEqual([
      { host: 'files.pythonhosted.org', ports: [443] },
      { host: 'pypi.org', ports: [443] },
    ])
  })

  it('reports YAML that does not parse with its line', () => {
    const scan = parseEnvironmentFile({ path: 'env.yml', text: 'channels:\n  - a\n - b\n' })
    expect(problems([scan])).toStrictEqual(['AML_EGRESS_ENVIRONMENT_FILE_LINE env.yml:3'])
  })
})

describe('environment files: pyproject.toml, pixi.toml, Pipfile', () => {
  it('uv: every [[tool.uv.index]], git sources, direct URLs; PyPI stays the default', () => {
    expect(hostsOf(scanFixture('uv/pyproject.toml'))).toStrictEqual([
      { host: 'download.pytorch.org', ports: [443] },
      { host: 'files.contoso.com', ports: [443] },
      { host: 'files.pythonhosted.org', ports: [443] },
      { host: 'github.com', ports: [443] },
      { host: 'pypi.contoso.com', ports: [443] },
      { host: 'pypi.org', ports: [443] },
    ])
  })

  it('uv: an index with default = true replaces PyPI', () => {
    const scan = parseEnvironmentFile({
      path: 'pyproject.toml',
      text: '[project]\ndependencies = ["numpy"]\n[[tool.uv.index]]\nname = "c"\nurl = "https://pypi.contoso.com/simple"\ndefault = true\n',
    })
    expect(hostsOf([scan])).toStrictEqual([{ host: 'pypi.contoso.com', ports: [443] }])
  })

  it('Poetry: a supplemental source adds to PyPI; git dependencies name their host', () => {
    expect(hostsOf(scanFixture('poetry/pyproject.toml'))).toStrictEqual([
      { host: 'dev.azure.com', ports: [443] },
      { host: 'files.pythonhosted.org', ports: [443] },
      { host: 'pkgs.dev.azure.com', ports: [443] },
      { host: 'pypi.org', ports: [443] },
    ])
  })

  it('Poetry: a source without priority is primary and turns PyPI off', () => {
    const scan = parseEnvironmentFile({
      path: 'pyproject.toml',
      text: '[tool.poetry.dependencies]\nrequests = "*"\n[[tool.poetry.source]]\nname = "c"\nurl = "https://pkgs.contoso.com/simple"\n',
    })
    expect(hostsOf([scan])).toStrictEqual([{ host: 'pkgs.contoso.com', ports: [443] }])
  })

  it('pixi: conda channels, PyPI options and the default index for pypi-dependencies', () => {
    expect(hostsOf(scanFixture('pixi/pixi.toml'))).toStrictEqual([
      { host: 'conda.anaconda.org', ports: [443] },
      { host: 'download.pytorch.org', ports: [443] },
      { host: 'files.pythonhosted.org', ports: [443] },
      { host: 'pypi.contoso.com', ports: [443] },
      { host: 'pypi.org', ports: [443] },
    ])
  })

  it('Pipfile: every [[source]]; credentials dropped; an unknown host reported', () => {
    const scans = scanFixture('pipenv/Pipfile')
    expect(hostsOf(scans)).toStrictEqual([
      { host: 'artifacts.contoso.com', ports: [443] },
      { host: 'files.pythonhosted.org', ports: [443] },
      { host: 'github.com', ports: [443] },
      { host: 'pypi.org', ports: [443] },
    ])
    expect(problems(scans)).toStrictEqual([
      'AML_EGRESS_CREDENTIALS_IN_URL pipenv/Pipfile:7',
      'AML_EGRESS_ENVIRONMENT_FILE_LINE pipenv/Pipfile:12',
    ])
  })

  it('reports TOML that does not parse with its line', () => {
    const scan = parseEnvironmentFile({ path: 'Pipfile', text: '[[source]]\nurl = \n' })
    expect(problems([scan])).toStrictEqual(['AML_EGRESS_ENVIRONMENT_FILE_LINE Pipfile:2'])
  })

  it('knows each kind by its file name', () => {
    expect(
      [
        'reqs/dev.txt',
        'requirements.in',
        'env.yaml',
        'pyproject.toml',
        'pixi.toml',
        'Pipfile',
        'setup.py',
      ].map(environmentFileKind),
    ).toStrictEqual([
      'requirements',
      'requirements',
      'conda',
      'pyproject',
      'pixi',
      'pipfile',
      undefined,
    ])
  })
})
