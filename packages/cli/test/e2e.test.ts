import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { catalog } from '@aml-egress/core'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url))

/** Runs the real bin from source, as `npm start` does. */
function aml(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=@aml-egress/source', '--import', 'tsx', 'packages/cli/src/bin.ts', ...args],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } },
  )
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('cli: bin (end to end)', () => {
  const out = mkdtempSync(join(tmpdir(), 'aml-egress-e2e-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('prints the version and exits 0', () => {
    const result = aml(['--version'])
    expect(result).toMatchObject({
      code: 0,
      stdout: `aml-egress 0.1.0 (catalog ${catalog.version}, docs ${catalog.docDate})\n`,
    })
  })

  it('renders squid, then --check exits 0 on the same output and 1 after an edit', () => {
    const profile = join(fixtures, 'profiles/contoso.yaml')
    expect(aml(['render', '-p', profile, '-f', 'squid', '-o', out]).code).toBe(0)
    expect(aml(['render', '-p', profile, '-f', 'squid', '-o', out, '--check']).code).toBe(0)
    const edited = profile.replace('contoso.yaml', 'contoso-tags.yaml')
    const drift = aml(['render', '-p', edited, '-f', 'squid', '-o', out, '--check'])
    expect(drift.code).toBe(1)
    expect(drift.stdout).toContain(
      `--- ${out}/squid/aml-egress.conf\n+++ ${out}/squid/aml-egress.conf\n@@ `,
    )
    expect(readFileSync(join(out, 'squid/aml-egress.conf'), 'utf8')).toContain('2026.3.0')
  })

  it('checks a hand-written config and exits 1 on blocked flows', () => {
    const result = aml([
      'check',
      '-p',
      join(fixtures, 'profiles/contoso.yaml'),
      '-f',
      'squid',
      join(fixtures, 'squid/operator-allowlist.conf'),
    ])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('BLOCKED')
  })

  it('checks a rendered directory: reads the files of the format in it, and every flow passes', () => {
    const profile = join(fixtures, 'profiles/contoso.yaml')
    expect(aml(['render', '-p', profile, '-f', 'terraform', '-o', out]).code).toBe(0)
    const result = aml([
      'check',
      '-p',
      profile,
      '-f',
      'terraform',
      join(out, 'terraform'),
      '--output',
      'json',
    ])
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as { files: string[]; summary: { blocked: number } }
    expect(report.summary.blocked).toBe(0)
    // main.tf holds the rules; variables.tf, outputs.tf and versions.tf are read with it.
    expect(report.files.map((file) => file.slice(out.length + 1))).toStrictEqual([
      'terraform/main.tf',
      'terraform/outputs.tf',
      'terraform/variables.tf',
      'terraform/versions.tf',
    ])
  })

  it('exits 2 for a directory without files of the format', () => {
    const result = aml([
      'check',
      '-p',
      join(fixtures, 'profiles/contoso.yaml'),
      '-f',
      'squid',
      // Profiles only: no .conf file in it or below it (check looks three levels down).
      join(fixtures, 'profiles'),
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('is a directory with no .conf files for squid')
  })

  it('compares a workspace dependencies file and exits 1 on endpoints the plan lacks', () => {
    const result = aml([
      'compare',
      '-p',
      join(fixtures, 'profiles/aks.yaml'),
      join(fixtures, 'dependencies/aks-westeurope.json'),
      '--quiet',
    ])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('fraudmlstore.file.core.windows.net  445')
  })

  it('exits 2 for a probe with a bad flag, before contacting anything', () => {
    const result = aml(['probe', '-p', join(fixtures, 'profiles/aks.yaml'), '--timeout', '0'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--timeout must be a whole number from 100 to 120000')
  })

  it('exits 2 and writes nothing for a missing profile', () => {
    const result = aml([
      'render',
      '-p',
      'does-not-exist.yaml',
      '-f',
      'squid',
      '-o',
      join(out, 'never'),
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("cannot read the profile 'does-not-exist.yaml'")
    expect(() => readFileSync(join(out, 'never/squid/aml-egress.conf'))).toThrow()
  })
})
