import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { catalog } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { createMemoryIo, fakeRegistry } from '../test/helpers'
import { commands, runCli } from './main'

describe('cli: runCli', () => {
  it('returns the CLI version, catalog version and doc date for --version', async () => {
    const { io, stdout } = createMemoryIo()
    const { registry, loads } = fakeRegistry()
    expect(await runCli(['--version'], io, { formats: registry })).toBe(0)
    expect(stdout()).toBe(
      `aml-egress 0.1.0 (catalog ${catalog.version}, docs ${catalog.docDate})\n`,
    )
    expect(loads).toStrictEqual([])
  })

  for (const name of Object.keys(commands))
    it(`returns help with examples and exit 0 for ${name} --help`, async () => {
      const { io, stdout } = createMemoryIo()
      expect(await runCli([name, '--help'], io)).toBe(0)
      expect(stdout()).toContain(`aml-egress ${name}`)
      expect(stdout()).toContain('EXAMPLES')
      // Not a terminal: no escape codes.
      expect(stdout()).not.toContain('\u001B[')
    })

  it('returns exit 2 and a suggestion for an unknown command', async () => {
    const { io, stderr, stdout } = createMemoryIo()
    expect(await runCli(['rendr'], io)).toBe(2)
    expect(stderr()).toContain("unknown command 'rendr'; did you mean 'render'?")
    expect(stdout()).toBe('')
  })

  it('returns exit 2 for an unknown option', async () => {
    const { io, stderr } = createMemoryIo()
    expect(await runCli(['list', '--scenaro', 'vscode'], io)).toBe(2)
    expect(stderr()).toContain("unknown option '--scenaro' for 'list'")
  })

  it('returns exit 2 naming the field path and the fix for an invalid profile', async () => {
    const { io, stderr, writes } = createMemoryIo({
      files: {
        'bad.yaml':
          'workspaces:\n  - id: 3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d1e55\n    region: westeurope\n    storageAcounts: [x]\ncompute: [computeCluster]\nsourceAddresses: [10.0.0.0/24]\n',
      },
    })
    const { registry } = fakeRegistry()
    expect(
      await runCli(['render', '-p', 'bad.yaml', '-f', 'fake', '-o', 'out'], io, {
        formats: registry,
      }),
    ).toBe(2)
    expect(stderr()).toContain(
      "✖ workspaces[0].storageAcounts: unknown field; did you mean 'storageAccounts'?",
    )
    expect(stderr()).toContain('fix: ')
    expect(writes).toStrictEqual([])
  })

  it('returns colours on a terminal and none with NO_COLOR', async () => {
    const tty = createMemoryIo({ isTTY: true })
    await runCli(['explain', 'AML_EGRESS_OVER_BROAD_RULE'], tty.io)
    expect(tty.stdout()).toContain('\u001B[1m')
    const noColor = createMemoryIo({ isTTY: true, env: { NO_COLOR: '1' } })
    await runCli(['explain', 'AML_EGRESS_OVER_BROAD_RULE'], noColor.io)
    expect(noColor.stdout()).not.toContain('\u001B[')
  })

  it('returns the profile JSON Schema for schema', async () => {
    const { io, stdout } = createMemoryIo()
    expect(await runCli(['schema'], io)).toBe(0)
    const schema = JSON.parse(stdout()) as { properties: Record<string, unknown> }
    expect(Object.keys(schema.properties)).toContain('workspaces')
  })
})

describe('cli: startup', () => {
  it('imports format packages only lazily, from the registry', () => {
    // Static imports of a format package would load it for every command (--version included).
    const sourceDir = fileURLToPath(new URL('.', import.meta.url))
    const files = readdirSync(sourceDir, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
    )
    const formatPackages = /@aml-egress\/(squid|azure-firewall|terraform|network-policy)/
    for (const file of files) {
      const text = readFileSync(`${sourceDir}/${file}`, 'utf8')
      const staticImports = text
        .split('\n')
        .filter((line) => /^import .* from '/.test(line) && !/^import type /.test(line))
      expect(
        staticImports.filter((line) => formatPackages.test(line)),
        file,
      ).toStrictEqual([])
      if (formatPackages.test(text.replace(/^import type[^;]*?from '[^']*'/gms, '')))
        expect(file).toBe('registry.ts')
    }
  })
})
