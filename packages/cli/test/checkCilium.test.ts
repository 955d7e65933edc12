import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type CheckReport, runCheck } from '../src/commands/check'
import { formatRegistry } from '../src/registry'
import { createMemoryIo, fixturePath } from './helpers'

/** Runs `check --format cilium` in memory on a hand-written policy against the AKS profile. */
async function checkCilium(fixture: string): Promise<{ code: unknown; report: CheckReport }> {
  const profile = fixturePath('profiles/aks.yaml')
  const file = fixturePath(`cilium/${fixture}`)
  const { io, stdout } = createMemoryIo({
    files: { [profile]: readFileSync(profile, 'utf8'), [file]: readFileSync(file, 'utf8') },
  })
  const code = await runCheck(
    { profile, format: 'cilium', files: [file], output: 'json' },
    { io, formats: formatRegistry },
  )
  return { code, report: JSON.parse(stdout()) as CheckReport }
}

const statusOf = (report: CheckReport, description: string) =>
  report.flows.find((flow) => flow.description === description)?.status

describe('cli: check --format cilium (hand-written policies)', () => {
  it('returns exit 1 and the hosts a one-label `*` pattern misses', async () => {
    // GIVEN matchPattern "*.core.windows.net", "*.azureml.ms", "*.azurecr.io": in Cilium `*`
    // stands for one DNS label, so two-label names under those suffixes are not matched.
    const { code, report } = await checkCilium('single-label-wildcards.yaml')
    expect(code).toBe(1)
    expect(statusOf(report, 'tcp/443 10.30.0.1 → fraudmlstore.blob.core.windows.net')).toBe(
      'blocked',
    )
    expect(statusOf(report, 'tcp/443 10.30.0.1 → westeurope.api.azureml.ms')).toBe('blocked')
    expect(statusOf(report, 'tcp/443 10.30.0.1 → fraudmlacr.westeurope.data.azurecr.io')).toBe(
      'blocked',
    )
    // One label in front of the suffix is matched.
    expect(statusOf(report, 'tcp/443 10.30.0.1 → fraudmlacr.azurecr.io')).toBe('allowed')
    expect(statusOf(report, 'tcp/443 10.30.0.1 → pypi.org')).toBe('allowed')
    // The policy has no rule for azureml-fe to the model namespace.
    expect(statusOf(report, 'tcp/5001 pod:azureml/app=azureml-fe → pod:models/')).toBe('blocked')
  })

  it('returns unknown, never allowed, for names when DNS bypasses the Cilium DNS proxy', async () => {
    // GIVEN DNS to kube-dns without `rules.dns`: toFQDNs learns no addresses.
    const { code, report } = await checkCilium('dns-without-proxy.yaml')
    expect(code).toBe(1)
    expect(statusOf(report, 'tcp/443 10.30.0.1 → fraudmlstore.blob.core.windows.net')).toBe(
      'unknown',
    )
    expect(statusOf(report, 'tcp/443 10.30.0.1 → fraudmlacr.azurecr.io')).toBe('unknown')
    // Not listed at all: blocked.
    expect(statusOf(report, 'tcp/443 10.30.0.1 → pypi.org')).toBe('blocked')
  })

  it('returns exit 0 and an over-broad finding when egress to `world` is open', async () => {
    const { code, report } = await checkCilium('world-egress.yaml')
    expect(code).toBe(0)
    expect(report.summary.blocked).toBe(0)
    expect(report.findings.map((finding) => finding.code)).toContain('AML_EGRESS_OVER_BROAD_RULE')
    expect(
      report.findings.some((finding) => finding.message.includes('exfil-probe.example.com')),
    ).toBe(true)
  })
})
