import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../..', import.meta.url))

/** Runs the real bin from source, as `npm start` does. */
function aml(args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=@aml-egress/source', '--import', 'tsx', 'packages/cli/src/bin.ts', ...args],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  )
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

type Report = {
  summary: Record<'allowed' | 'blocked' | 'unknown' | 'not-expressible', number>
  flows: { ruleId: string; status: string; missing: string[]; reason: string }[]
}

// The example profile is a mixed estate: compute instances and clusters next to AKS. The
// managed-network article says Kubernetes compute and attached VMs are not supported in a managed
// virtual network, so what only the cluster needs is not the managed network's to carry: check
// says "not expressible" for it (and where it goes), never BLOCKED, and exits 0.
describe('cli: check --format aml-managed-network of the example profile (end to end)', () => {
  const out = mkdtempSync(join(tmpdir(), 'aml-egress-amn-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))
  const profile = join(root, 'examples/profile.yaml')

  it('renders, then checks the rendered rules: Kubernetes-only flows are not expressible, none BLOCKED, exit 0', () => {
    expect(aml(['render', '-p', profile, '-f', 'aml-managed-network', '-o', out]).code).toBe(0)
    const args = ['-p', profile, '-f', 'aml-managed-network', join(out, 'aml-managed-network')]
    const result = aml(['check', ...args, '--output', 'json'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as Report
    expect(report.summary.blocked).toBe(0)
    const flowsOf = (ruleId: string) => report.flows.filter((flow) => flow.ruleId === ruleId)
    // Hosts only Kubernetes compute needs: the AKS egress article's API server and binaries mirror,
    // and the Azure ML Kubernetes compute table's Kusto ingestion.
    for (const ruleId of [
      'outbound/tcp/*.hcp.westeurope.azmk8s.io',
      'outbound/tcp/acs-mirror.azureedge.net',
      'outbound/tcp/*.kusto.windows.net',
    ]) {
      const flows = flowsOf(ruleId)
      expect(flows.length, ruleId).toBeGreaterThan(0)
      for (const flow of flows) {
        expect(flow, ruleId).toMatchObject({
          status: 'not-expressible',
          missing: ['attachedCompute'],
        })
        expect(flow.reason).toContain('not supported in a managed virtual network')
        expect(flow.reason).toContain('azure-firewall')
      }
    }
    // pypi.org serves the compute instances too (the managed-network article's Python packages
    // rule): the managed network carries it, and the rendered rule allows it.
    const pypi = flowsOf('outbound/tcp/pypi.org')
    expect(pypi.length).toBeGreaterThan(0)
    for (const flow of pypi) expect(flow.status).toBe('allowed')

    const table = aml(['check', ...args, '--quiet'])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(
      /, 0 BLOCKED, 0 unknown, [1-9]\d* not expressible in aml-managed-network;/,
    )
  })
})
