import { readFileSync } from 'node:fs'
import { azureFirewallFormat } from '@aml-egress/azure-firewall'
import { type Diagnostic, parseProfileText, resolvePlan } from '@aml-egress/core'
import { squidFormat } from '@aml-egress/squid'
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

  it('prints in-cluster rules a proxy leaves out as one info line naming the Kubernetes formats', async () => {
    expect(inCluster).toBeGreaterThan(1)
    const text = await render({ profile: exampleText, format: 'squid' })
    // Only the NetworkPolicy formats carry in-cluster flows; the proxy is not meant to.
    expect(text).toContain(
      `    info AML_EGRESS_OUT_OF_SCOPE [squid]: ${inCluster} in-cluster rules belong to cilium, network-policy\n`,
    )
    // Nothing a proxy leaves out of its scope is a warning, and no rule is listed one by one
    expect(text).not.toMatch(/^ {4}warning .*\[squid\]/m)
    expect(text).not.toContain('[squid] (inCluster/')
  })

  it('lists every diagnostic with --verbose, each with its rule', async () => {
    const { diagnostics } = squidFormat.render(plan)
    const text = await render({ profile: exampleText, format: 'squid', verbose: true })
    expect(text.match(/^ {4}\w+ AML_EGRESS_\w+ \[squid\] \(/gm)).toHaveLength(diagnostics.length)
  })

  it('prints as many lines for forty workspaces as for two', async () => {
    const small = await render({ profile: fleetText(2), format: 'all' })
    const large = await render({ profile: fleetText(40), format: 'all' })
    // The fleet has several times the diagnostics…
    const count = (text: string) =>
      [...text.matchAll(/^ {2}(\d+) diagnostics/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
    expect(count(large)).toBeGreaterThan(3 * count(small))
    // …and the same screen
    expect(large.split('\n')).toHaveLength(small.split('\n').length)
  })

  it('returns summarised diagnostics in --json, and every one under allDiagnostics with --verbose', async () => {
    const { diagnostics } = squidFormat.render(plan)
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
