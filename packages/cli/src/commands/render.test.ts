import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { clusterProfileText, createMemoryIo, fakeRegistry, fixturePath } from '../../test/helpers'
import { nodeIo } from '../io'
import { formatRegistry } from '../registry'
import { outputPaths, runRender } from './render'

const profileText = clusterProfileText

describe('cli: render', () => {
  it('writes the rendered files under --out and loads only the chosen format', async () => {
    const { registry, loads } = fakeRegistry()
    const { io, files, stdout } = createMemoryIo({ files: { 'p.yaml': profileText } })
    const code = await runRender(
      { profile: 'p.yaml', format: 'fake', out: 'out' },
      { io, formats: registry },
    )
    expect(code).toBe(0)
    expect(loads).toStrictEqual(['fake'])
    // The compute-cluster plan has ml.azure.com (host-aml-01), written by the fake format.
    expect(files.get('out/fake/hosts.txt')).toContain('ml.azure.com\n')
    // One line per format by default: its files counted (--verbose lists them)
    expect(stdout()).toMatch(/^fake: \d+ of \d+ rules · 1 file created$/m)
    expect(stdout()).toContain('\n1 file written, 0 unchanged, under out;')
  })

  it('writes nothing and reports unchanged when the files are up to date', async () => {
    const { registry } = fakeRegistry()
    const memory = createMemoryIo({ files: { 'p.yaml': profileText } })
    await runRender(
      { profile: 'p.yaml', format: 'fake', out: 'out' },
      { io: memory.io, formats: registry },
    )
    memory.writes.length = 0
    await runRender(
      { profile: 'p.yaml', format: 'fake', out: 'out' },
      { io: memory.io, formats: registry },
    )
    expect(memory.writes).toStrictEqual([])
  })

  it('returns 1 and a unified diff with --check when a file drifted, writing nothing', async () => {
    const { registry } = fakeRegistry()
    const memory = createMemoryIo({ files: { 'p.yaml': profileText } })
    await runRender(
      { profile: 'p.yaml', format: 'fake', out: 'out' },
      { io: memory.io, formats: registry },
    )
    const rendered = memory.files.get('out/fake/hosts.txt') ?? ''
    memory.files.set('out/fake/hosts.txt', rendered.replace('ml.azure.com\n', ''))
    memory.writes.length = 0
    const check = createMemoryIo()
    const io = { ...memory.io, stdout: check.io.stdout, stderr: check.io.stderr }
    const code = await runRender(
      { profile: 'p.yaml', format: 'fake', out: 'out', check: true },
      { io, formats: registry },
    )
    expect(code).toBe(1)
    expect(memory.writes).toStrictEqual([])
    expect(check.stdout()).toContain('--- a/out/fake/hosts.txt\n+++ b/out/fake/hosts.txt\n')
    expect(check.stdout()).toContain('\n+ml.azure.com\n')
  })

  it('returns 0 with --check when the files on disk are identical', async () => {
    const { registry } = fakeRegistry()
    const memory = createMemoryIo({ files: { 'p.yaml': profileText } })
    await runRender(
      { profile: 'p.yaml', format: 'fake', out: 'out' },
      { io: memory.io, formats: registry },
    )
    const code = await runRender(
      { profile: 'p.yaml', format: 'fake', out: 'out', check: true },
      { io: memory.io, formats: registry },
    )
    expect(code).toBe(0)
  })

  it('throws a usage error and writes nothing for an invalid profile', async () => {
    const { registry } = fakeRegistry()
    const memory = createMemoryIo({
      files: { 'p.yaml': profileText.replace('[contosomlstore]', '[contosomlstore, Bad_Name]') },
    })
    await expect(
      runRender(
        { profile: 'p.yaml', format: 'fake', out: 'out' },
        { io: memory.io, formats: registry },
      ),
    ).rejects.toMatchObject({
      code: 'AML_EGRESS_INVALID_INPUT',
      issues: [
        {
          path: 'workspaces[0].storageAccounts[1]',
          message: 'storage account names are 3–24 lowercase letters and digits',
        },
      ],
    })
    expect(memory.writes).toStrictEqual([])
  })

  it('throws a usage error with a suggestion for an unknown format, loading none', async () => {
    const { registry, loads } = fakeRegistry()
    const { io } = createMemoryIo({ files: { 'p.yaml': profileText } })
    await expect(
      runRender({ profile: 'p.yaml', format: 'fak', out: 'out' }, { io, formats: registry }),
    ).rejects.toMatchObject({
      code: 'AML_EGRESS_USAGE',
      message: "unknown format 'fak'; did you mean 'fake'?",
    })
    expect(loads).toStrictEqual([])
  })

  it('throws a usage error for --mode when no chosen format takes it', async () => {
    const { registry } = fakeRegistry()
    const { io } = createMemoryIo({ files: { 'p.yaml': profileText } })
    await expect(
      runRender(
        { profile: 'p.yaml', format: 'fake', out: 'out', mode: 'standalone' },
        { io, formats: registry },
      ),
    ).rejects.toMatchObject({ code: 'AML_EGRESS_USAGE' })
  })

  it('returns each format in its own folder when several are rendered', () => {
    // GIVEN two formats that both write kubernetes/network-policies.yaml (network-policy, cilium)
    const files = [
      { path: 'kubernetes/cilium-network-policies.yaml', contents: '' },
      { path: 'kubernetes/network-policies.yaml', contents: '' },
    ]
    expect(outputPaths({ format: 'cilium', files, nested: true })).toStrictEqual([
      'cilium/cilium-network-policies.yaml',
      'cilium/network-policies.yaml',
    ])
    expect(outputPaths({ format: 'cilium', files, nested: false })).toStrictEqual([
      'kubernetes/cilium-network-policies.yaml',
      'kubernetes/network-policies.yaml',
    ])
  })

  describe('on disk', () => {
    let directory: string | undefined
    afterEach(async () => {
      if (directory) await rm(directory, { recursive: true, force: true })
    })

    it('leaves unrelated files alone and leaves no temporary files behind', async () => {
      directory = await mkdtemp(join(tmpdir(), 'aml-egress-render-'))
      const out = join(directory, 'out')
      const unrelated = join(out, 'squid', 'local-overrides.conf')
      const io = { ...nodeIo(), stdout: () => undefined }
      await io.writeFile(unrelated, 'acl mine dstdomain .example.org\n')
      const code = await runRender(
        { profile: fixturePath('profiles/contoso.yaml'), format: 'squid', out },
        { io, formats: formatRegistry },
      )
      expect(code).toBe(0)
      expect(await readFile(unrelated, 'utf8')).toBe('acl mine dstdomain .example.org\n')
      const conf = await readFile(join(out, 'squid', 'aml-egress.conf'), 'utf8')
      // The catalog version is in every rendered file's header.
      expect(conf).toContain('2026.3.0')
      const { readdir } = await import('node:fs/promises')
      expect((await readdir(join(out, 'squid'))).sort()).toStrictEqual([
        'aml-egress.conf',
        'local-overrides.conf',
      ])
      await writeFile(join(out, 'squid', 'aml-egress.conf'), `${conf}# edited\n`)
      const again = await runRender(
        { profile: fixturePath('profiles/contoso.yaml'), format: 'squid', out, check: true },
        { io: { ...io, stderr: () => undefined }, formats: formatRegistry },
      )
      expect(again).toBe(1)
    })
  })
})
