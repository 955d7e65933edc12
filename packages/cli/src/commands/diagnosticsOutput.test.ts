import { readFileSync } from 'node:fs'
import { azureFirewallFormat } from '@aml-egress/azure-firewall'
import {
  countExpressedRules,
  type Diagnostic,
  parseProfileText,
  resolvePlan,
} from '@aml-egress/core'
import { squidFormat } from '@aml-egress/squid'
import { kubernetesFleetProfile } from '@aml-egress/test-matrix/bench'
import { describe, expect, it } from 'vitest'
import { createMemoryIo } from '../../test/helpers'
import { formatRegistry } from '../registry'
import { runCheck } from './check'
import { runRender } from './render'

// How render and check print diagnostics (issue 20): one line per kind of finding by default,
// whatever the fleet's size; every one with --verbose.

/** The seed's Kubernetes example: compute instances, clusters and AKS, two workspaces. */
const exampleText = readFileSync(
  new URL('../../../../examples/profile.yaml', import.meta.url),
  'utf8',
)

/** A profile of `size` workspaces in one region, each with its own storage account and registry. */
function fleetText(size: number): string {
  const workspaces = Array.from({ length: size }, (_, index) => {
    const n = String(index).padStart(4, '0')
    return [
      `  - id: 3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d${n}`,
      '    region: westeurope',
      `    storageAccounts: [fleetdata${n}]`,
      `    containerRegistries: [fleetacr${n}]`,
    ].join('\n')
  })
  return [
    'workspaces:',
    ...workspaces,
    'compute: [computeInstance, computeCluster]',
    'features: { storageFirewall: true }',
    'sourceAddresses: [10.20.0.0/16]',
    '',
  ].join('\n')
}

async function render(input: {
  profile: string
  format: string
  json?: boolean
  verbose?: boolean
}): Promise<string> {
  const { io, stdout } = createMemoryIo({ files: { 'p.yaml': input.profile } })
  const { format, json, verbose } = input
  await runRender(
    { profile: 'p.yaml', format, out: 'out', json, verbose },
    { io, formats: formatRegistry },
  )
  return stdout()
}

describe('cli: render diagnostics', () => {
  const plan = resolvePlan(parseProfileText(exampleText))
  const inCluster = plan.rules.filter((rule) => rule.direction === 'inCluster').length

  it('prints in-cluster rules a firewall leaves out as one info line naming the Kubernetes formats', async () => {
    expect(inCluster).toBeGreaterThan(1)
    const text = await render({ profile: exampleText, format: 'azure-firewall' })
    // Only the NetworkPolicy formats carry in-cluster flows; the firewall is not meant to.
    expect(text).toContain(
      `\n  info: ${inCluster} in-cluster rules belong to cilium, network-policy\n`,
    )
    // Nothing a firewall leaves out of its scope is a warning, and no rule is listed one by one
    expect(text).not.toMatch(/^ {2}warning AML_EGRESS_OUT_OF_SCOPE/m)
    expect(text).not.toContain('(inCluster/')
  })

  it("prints a proxy's rules out of scope, of several kinds, on its one info line", async () => {
    const outOfScope = squidFormat
      .render(plan, { diagnostics: 'every' })
      .diagnostics.filter((d) => d.lacks !== undefined)
    const text = await render({ profile: exampleText, format: 'squid' })
    const infos = text.split('\n').filter((line) => line.startsWith('  info'))
    expect(infos).toHaveLength(1)
    expect(infos[0]).toContain(` ${outOfScope.length} out of scope (`)
  })

  it("prints the example's render --format all as a screenful naming every warning code", async () => {
    type Coded = { code: string; severity: string }
    const json = JSON.parse(await render({ profile: exampleText, format: 'all', json: true })) as {
      formats: { diagnostics: Coded[] }[]
      advisories: Coded[]
    }
    const warnings = [...json.formats.flatMap((f) => f.diagnostics), ...json.advisories]
      .filter((d) => d.severity === 'warning')
      .map((d) => d.code)
    expect(warnings.length).toBeGreaterThan(0)
    const lines = (await render({ profile: exampleText, format: 'all' })).trimEnd().split('\n')
    expect(lines.length).toBeLessThanOrEqual(40)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120)
    for (const code of new Set(warnings))
      expect(lines.some((line) => line.includes(` ${code}`))).toBe(true)
    // A format per line, its files counted, not listed
    const squid = countExpressedRules(plan, squidFormat)
    expect(lines).toContain(`squid: ${squid} of ${plan.rules.length} rules · 1 file created`)
    expect(lines.some((line) => line.includes('created   '))).toBe(false)
    expect(lines.at(-1)).toMatch(/^\d+ files written, 0 unchanged, under out; --verbose /)
  })

  it('prints the fix of a warning two formats share once, and "(fix above)" under the second', async () => {
    const text = await render({ profile: exampleText, format: 'azure-firewall,terraform' })
    expect(text.match(/fix: Set `dnsSettings\.enableProxy: true`/g)).toHaveLength(1)
    const lines = text.split('\n').filter((line) => line.includes('AML_EGRESS_DNS_PROXY_REQUIRED'))
    expect(lines).toHaveLength(2)
    expect(lines[0]).not.toContain('(fix above)')
    expect(lines[1]).toMatch(/ \(fix above\)$/)
  })

  it('lists every diagnostic with --verbose, each with its rule', async () => {
    const { diagnostics } = squidFormat.render(plan, { diagnostics: 'every' })
    const text = await render({ profile: exampleText, format: 'squid', verbose: true })
    expect(text.match(/^ {4}\w+ AML_EGRESS_\w+ \[squid\] \(/gm)).toHaveLength(diagnostics.length)
  })

  it('prints as many lines for 200 Kubernetes-heavy workspaces as for one', async () => {
    const one = JSON.stringify(kubernetesFleetProfile(1))
    const fleet = JSON.stringify(kubernetesFleetProfile(200))
    // JSON is YAML: the profile file as the generator gives it. The fleet has many times the
    // diagnostics…
    const count = async (profile: string) => {
      const summary = JSON.parse(await render({ profile, format: 'all', json: true })) as {
        formats: { diagnostics: { count: number }[] }[]
      }
      return summary.formats.flatMap((f) => f.diagnostics).reduce((sum, d) => sum + d.count, 0)
    }
    expect(await count(fleet)).toBeGreaterThan(10 * (await count(one)))
    // …and the same screen
    const small = await render({ profile: one, format: 'all' })
    const large = await render({ profile: fleet, format: 'all' })
    expect(large.split('\n')).toHaveLength(small.split('\n').length)
  })

  it('returns summarised diagnostics in --json, and every one under allDiagnostics with --verbose', async () => {
    const { diagnostics } = squidFormat.render(plan, { diagnostics: 'every' })
    type Summary = { code: string; count: number; examples: Diagnostic[] }
    type Output = { formats: { diagnostics: Summary[]; allDiagnostics?: Diagnostic[] }[] }
    const summary = JSON.parse(
      await render({ profile: exampleText, format: 'squid', json: true }),
    ) as Output
    const [squid] = summary.formats
    // Each diagnostic is counted once, in fewer entries
    expect(squid?.diagnostics.reduce((sum, d) => sum + d.count, 0)).toBe(diagnostics.length)
    expect(squid?.diagnostics.length).toBeLessThan(diagnostics.length)
    expect(squid?.allDiagnostics).toBeUndefined()
    const verbose = JSON.parse(
      await render({ profile: exampleText, format: 'squid', json: true, verbose: true }),
    ) as Output
    expect(verbose.formats[0]?.allDiagnostics).toStrictEqual(
      JSON.parse(JSON.stringify(diagnostics)),
    )
  })

  it("prints the reader's note on each network FQDN rule of a checked config as one line", async () => {
    // GIVEN a firewall rendered for forty workspaces with one destination per rule: each storage
    // account's SMB rule names an FQDN
    const profile = fleetText(40)
    const fleet = resolvePlan(parseProfileText(profile))
    const rendered = azureFirewallFormat.render(fleet, { maxDestinationsPerRule: 1 }).files
    const { diagnostics } = await azureFirewallFormat.read(rendered)
    const dnsProxy = diagnostics.filter((d) => d.code === 'AML_EGRESS_DNS_PROXY_REQUIRED')
    expect(dnsProxy.length).toBeGreaterThanOrEqual(40)
    const check = async (verbose: boolean) => {
      const files = Object.fromEntries(rendered.map((file) => [file.path, file.contents]))
      const { io, stdout } = createMemoryIo({ files: { ...files, 'p.yaml': profile } })
      const paths = rendered.map((file) => file.path)
      const options = { profile: 'p.yaml', format: 'azure-firewall', files: paths, verbose }
      await runCheck(options, { io, formats: formatRegistry })
      return stdout()
        .split('\n')
        .filter((line) => line.includes('AML_EGRESS_DNS_PROXY_REQUIRED'))
    }
    // THEN one line by default, one per rule with --verbose
    expect(await check(false)).toHaveLength(1)
    expect(await check(true)).toHaveLength(dnsProxy.length)
  })
})
