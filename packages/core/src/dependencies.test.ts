import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compareDependencies } from './dependencies'
import { parseProfile } from './profile'
import { resolvePlan } from './resolve'

const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/dependencies-westeurope.json', import.meta.url), 'utf8'),
)
const plan = resolvePlan(
  parseProfile({
    workspaces: [
      {
        id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
        region: 'westeurope',
        storageAccounts: ['contosomlsa'],
      },
    ],
    compute: ['computeInstance', 'computeCluster'],
    sourceAddresses: ['10.10.0.0/24'],
  }),
)

describe('compareDependencies', () => {
  it('reports the endpoints the workspace needs that the plan lacks', () => {
    const { missingFromPlan } = compareDependencies(plan, fixture)
    // A tundra host on 443 falls under *.azureml.ms; the new service is in no table of the docs.
    expect(missingFromPlan.map((e) => `${e.domainName}:${e.port}`)).toStrictEqual([
      'telemetry.newservice.azure.com:443',
    ])
  })

  it('names the rule that covers each reported endpoint', () => {
    const { reported } = compareDependencies(plan, fixture)
    expect(
      reported.find((e) => e.domainName === 'contosomlsa.file.core.windows.net' && e.port === 445)
        ?.ruleId,
    ).toBe('outbound/tcp/contosomlsa.file.core.windows.net')
    expect(reported.find((e) => e.domainName === 'westeurope.api.azureml.ms')?.ruleId).toBe(
      'outbound/tcp/*.azureml.ms',
    )
  })

  it('lists plan host rules the workspace does not report', () => {
    const ids = compareDependencies(plan, fixture).notReported.map((rule) => rule.id)
    expect(ids).toContain('outbound/tcp/ml.azure.com')
    expect(ids).not.toContain('outbound/tcp/management.azure.com')
  })

  it('rejects a document of the wrong shape with the path', () => {
    expect(() =>
      compareDependencies(plan, { value: [{ properties: { category: 'x' } }] } as never),
    ).toThrow(/endpoints/)
  })
})
