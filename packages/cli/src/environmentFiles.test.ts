import { describe, expect, it } from 'vitest'
import { clusterProfileText, createMemoryIo, fakeRegistry } from '../test/helpers'
import { runExplain } from './commands/explain'
import { runList } from './commands/list'
import { runRender } from './commands/render'
import { includeDepthLimit, readEnvironmentFiles } from './environmentFiles'
import { loadProfile } from './profile'

const profileText = `${clusterProfileText}features:
  pythonPackages:
    from: [envs/requirements.txt, envs/environment.yml]
extraRequirements:
  - id: contoso-artifactory
    description: Internal container mirror
    destination: artifacts.contoso.com
    ports: [443]
`

const files = {
  'repo/aml.yaml': profileText,
  'repo/envs/requirements.txt':
    '--index-url https://user:hunter2@pypi.contoso.com/simple\n-r base/common.txt\nnumpy\n',
  'repo/envs/base/common.txt':
    '# shared\n-r ../requirements.txt\ngit+https://github.com/contoso/lib.git\n',
  'repo/envs/environment.yml': 'channels:\n  - conda-forge\ndependencies:\n  - python=3.11\n',
}

describe('cli: environment files of a profile', () => {
  it('reads the files relative to the profile and their includes once each', async () => {
    const { io } = createMemoryIo({ files })
    const { profile } = await loadProfile({ path: 'repo/aml.yaml', io })
    const scans = await readEnvironmentFiles({ profilePath: 'repo/aml.yaml', profile, io })
    expect(scans.map((scan) => [scan.path, scan.root])).toStrictEqual([
      ['envs/requirements.txt', 'envs/requirements.txt'],
      ['envs/environment.yml', 'envs/environment.yml'],
      ['envs/base/common.txt', 'envs/requirements.txt'],
    ])
  })

  it('puts their hosts in the plan with file:line provenance, and never the credentials', async () => {
    const { io, stdout } = createMemoryIo({ files })
    expect(await runList({ profile: 'repo/aml.yaml', format: 'json' }, { io })).toBe(0)
    const listed = JSON.parse(stdout()) as {
      customRequirements: { id: string; provenance: unknown }[]
    }
    expect(listed.customRequirements.map((r) => [r.id, r.provenance])).toStrictEqual([
      [
        'contoso-artifactory',
        { origin: 'profile', file: 'repo/aml.yaml', entry: 'extraRequirements[0]' },
      ],
      [
        'env:conda.anaconda.org',
        { origin: 'environmentFile', file: 'envs/environment.yml', line: 2 },
      ],
      ['env:github.com', { origin: 'environmentFile', file: 'envs/base/common.txt', line: 3 }],
      [
        'env:pypi.contoso.com',
        { origin: 'environmentFile', file: 'envs/requirements.txt', line: 1 },
      ],
    ])
    expect(stdout()).not.toContain('hunter2')
    expect(stdout()).toContain('AML_EGRESS_CREDENTIALS_IN_URL')
  })

  it('explains a host of an environment file with the file and line that named it', async () => {
    const { io, stdout } = createMemoryIo({ files })
    expect(
      await runExplain({ query: 'env:pypi.contoso.com', profile: 'repo/aml.yaml' }, { io }),
    ).toBe(0)
    expect(stdout()).toContain('source       from envs/requirements.txt:1')
    const host = createMemoryIo({ files })
    await runExplain({ query: 'artifacts.contoso.com', profile: 'repo/aml.yaml' }, { io: host.io })
    expect(host.stdout()).toContain('contoso-artifactory')
    expect(host.stdout()).toContain('profile repo/aml.yaml § extraRequirements[0]')
  })

  it('stops with a usage error naming the field when a named file is missing, writing nothing', async () => {
    const { registry } = fakeRegistry()
    const { io, writes } = createMemoryIo({
      files: { ...files, 'repo/envs/environment.yml': undefined as unknown as string },
    })
    await expect(
      runRender(
        { profile: 'repo/aml.yaml', format: 'fake', out: 'out' },
        { io, formats: registry },
      ),
    ).rejects.toMatchObject({
      code: 'AML_EGRESS_USAGE',
      message: expect.stringContaining("features.pythonPackages.from[1] 'envs/environment.yml'"),
    })
    expect(writes).toStrictEqual([])
  })

  it('reports a missing include and an include chain past the bound on the including line', async () => {
    const chain: Record<string, string> = {}
    for (let depth = 0; depth <= includeDepthLimit + 1; depth++)
      chain[`repo/envs/r${depth}.txt`] = `-r r${depth + 1}.txt\n`
    const { io } = createMemoryIo({
      files: {
        'repo/aml.yaml': `${clusterProfileText}features:\n  pythonPackages:\n    from: [envs/r0.txt, envs/lone.txt]\n`,
        'repo/envs/lone.txt': '-r missing.txt\n',
        ...chain,
      },
    })
    const { plan } = await loadProfile({ path: 'repo/aml.yaml', io })
    expect(
      plan.advisories
        .filter((d) => d.code === 'AML_EGRESS_ENVIRONMENT_FILE_LINE')
        .map((d) => `${d.location?.file}:${d.location?.line} ${d.message}`),
      // Sorted by message, as every plan advisory.
    ).toStrictEqual([
      `envs/r${includeDepthLimit}.txt:1 'envs/r${includeDepthLimit + 1}.txt' is more than ${includeDepthLimit} includes deep: not read`,
      "envs/lone.txt:1 cannot read the included file 'envs/missing.txt'",
    ])
  })
})
