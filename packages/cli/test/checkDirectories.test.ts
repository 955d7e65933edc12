import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from '../src/main'
import { createMemoryIo, fixturePath } from './helpers'

const contoso = readFileSync(fixturePath('profiles/contoso.yaml'), 'utf8')

describe('cli: check DIR reads the format files of its subdirectories', () => {
  it('returns exit 0 for a rendered managed network, whose rule sets are subdirectories', async () => {
    // GIVEN a render: managed-by-aml.json at the top, the rules in one directory per rule set
    const memory = createMemoryIo({ files: { 'p.yaml': contoso } })
    const rendered = await runCli(
      ['render', '-p', 'p.yaml', '-f', 'aml-managed-network', '-o', 'out', '--quiet'],
      memory.io,
    )
    expect(rendered).toBe(0)
    const nested = [...memory.files.keys()].filter((path) =>
      /^out\/aml-managed-network\/[^/]+\//.test(path),
    )
    expect(nested.length).toBeGreaterThan(0)
    // WHEN the directory is checked (it used to read managed-by-aml.json only: 8 flows BLOCKED)
    const checked = await runCli(
      ['check', '-p', 'p.yaml', '-f', 'aml-managed-network', 'out/aml-managed-network', '--json'],
      memory.io,
    )
    // THEN every rule set's files are read and every required flow is allowed
    const report = JSON.parse(memory.stdout()) as { files: string[]; summary: { blocked: number } }
    expect(report.files).toStrictEqual(
      expect.arrayContaining(nested.filter((path) => path.endsWith('.json'))),
    )
    expect(report.summary.blocked).toBe(0)
    expect(checked).toBe(0)
  })

  it("skips the render's own manifest: checking the --out directory reads only config files", async () => {
    // GIVEN one format rendered into 'out', beside the render's manifest (JSON, like the template)
    const memory = createMemoryIo({ files: { 'p.yaml': contoso } })
    expect(
      await runCli(
        ['render', '-p', 'p.yaml', '-f', 'azure-firewall', '-o', 'out', '--quiet'],
        memory.io,
      ),
    ).toBe(0)
    expect(memory.files.has('out/.aml-egress-manifest.json')).toBe(true)
    // WHEN the whole --out directory is checked
    const checked = await runCli(
      ['check', '-p', 'p.yaml', '-f', 'azure-firewall', 'out', '--json'],
      memory.io,
    )
    // THEN the manifest is not read (it used to give a READ_UNSUPPORTED warning) and all is allowed
    const report = JSON.parse(memory.stdout()) as {
      files: string[]
      diagnostics: { code: string }[]
      summary: { blocked: number }
    }
    expect(report.files).not.toContain('out/.aml-egress-manifest.json')
    expect(report.files.length).toBeGreaterThan(0)
    expect(report.diagnostics.map((d) => d.code)).not.toContain('AML_EGRESS_READ_UNSUPPORTED')
    expect(checked).toBe(0)
  })
})
