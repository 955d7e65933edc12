import { describe, expect, it } from 'vitest'
import { plan, rule, WORKSPACE } from '../test/helpers'
import { providerOf } from './classify'
import { renderManagedNetwork } from './render'

const codes = (result: ReturnType<typeof renderManagedNetwork>) =>
  result.diagnostics.map((d) => `${d.code} ${d.ruleId ?? ''}`).sort()

function yamlOf(result: ReturnType<typeof renderManagedNetwork>): string {
  return result.files.find((f) => f.path.endsWith(`${WORKSPACE}/workspace.yaml`))?.contents ?? ''
}

describe('renderManagedNetwork', () => {
  it('GIVEN Azure ML own and Kubernetes rules WHEN rendered THEN only the user rule is written, the rest is listed', () => {
    const result = renderManagedNetwork(
      plan([
        rule({ id: 'pypi', destination: { kind: 'fqdn', fqdn: 'pypi.org' } }),
        rule({
          id: 'aml',
          destination: { kind: 'fqdn', fqdn: '*.azureml.ms' },
          requirementIds: ['host-aml-02'],
          scenarios: ['microsoft-hosts-azureml'],
        }),
        rule({
          id: 'kusto',
          destination: { kind: 'fqdn', fqdn: '*.kusto.windows.net' },
          requirementIds: ['k8s-out-01'],
          scenarios: ['kubernetes-compute'],
        }),
      ]),
    )
    // Kubernetes compute is not supported in a managed network: core's triage leaves the rule
    // out of scope (the format lacks attachedCompute).
    expect(codes(result)).toStrictEqual([
      'AML_EGRESS_HTTP_PORTS_WIDENED pypi',
      'AML_EGRESS_MANAGED_BY_AML aml',
      'AML_EGRESS_OUT_OF_SCOPE kusto',
    ])
    expect(result.diagnostics.find((d) => d.ruleId === 'kusto')).toMatchObject({
      severity: 'info',
      lacks: 'attachedCompute',
    })
    expect(yamlOf(result)).toContain('destination: "pypi.org"')
    expect(yamlOf(result)).not.toContain('azureml')
    const manifest = result.files.find((f) => f.path.endsWith('managed-by-aml.json'))?.contents
    expect(manifest).toContain(
      '{"destination":{"fqdn":"*.azureml.ms"},"protocol":"TCP","ports":"443"',
    )
  })

  it('GIVEN a host on 443 and 8443 without a documented tag THEN 8443 is left out with UNSUPPORTED_FEATURE', () => {
    const result = renderManagedNetwork(
      plan([
        rule({
          id: 'mirror',
          destination: { kind: 'fqdn', fqdn: 'artifacts.contoso.com' },
          ports: [
            { from: 80, to: 80 },
            { from: 443, to: 443 },
            { from: 8443, to: 8443 },
          ],
          scenarios: ['custom'],
        }),
      ]),
    )
    expect(codes(result)).toStrictEqual(['AML_EGRESS_UNSUPPORTED_FEATURE mirror'])
    expect(result.diagnostics[0]?.message).toContain('TCP 8443 to artifacts.contoso.com')
    expect(yamlOf(result)).toContain('destination: "artifacts.contoso.com"')
  })

  it('GIVEN storage hosts in approved-only mode THEN a user host needs a private endpoint, a listed account gets one', () => {
    const storage = (id: string, fqdn: string, scenario: string, requirementId: string) =>
      rule({
        id,
        destination: { kind: 'fqdn', fqdn },
        scenarios: [scenario],
        requirementIds: [requirementId],
      })
    const rules = [
      storage('own', 'contosodata.blob.core.windows.net', 'custom', 'contoso-data'),
      storage(
        'other',
        'contosomlsa.file.core.windows.net',
        'microsoft-hosts-azureml',
        'host-aml-06',
      ),
    ]
    expect(codes(renderManagedNetwork(plan(rules)))).toStrictEqual([
      'AML_EGRESS_MANAGED_BY_AML other',
      'AML_EGRESS_PRIVATE_ENDPOINT_REQUIRED own',
    ])
    const id =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/contosodata'
    const listed = renderManagedNetwork(plan(rules), { privateEndpoints: { contosodata: id } })
    expect(codes(listed)).toStrictEqual(['AML_EGRESS_MANAGED_BY_AML other'])
    expect(yamlOf(listed)).toContain(
      `service_resource_id: "${id}"\n      subresource_target: "blob"`,
    )
  })

  it('GIVEN an invalid privateEndpoints entry THEN an INVALID_INPUT error names it and no rule is written', () => {
    const result = renderManagedNetwork(
      plan([
        rule({
          id: 'own',
          destination: { kind: 'fqdn', fqdn: 'contosodata.blob.core.windows.net' },
          scenarios: ['custom'],
        }),
      ]),
      { privateEndpoints: { contosodata: '/subscriptions/x/storageAccounts/other' } },
    )
    const error = result.diagnostics.find((d) => d.severity === 'error')
    expect(error?.code).toBe('AML_EGRESS_INVALID_INPUT')
    expect(error?.path).toStrictEqual(['privateEndpoints', 'contosodata'])
    expect(yamlOf(result)).toContain('outbound_rules: []')
  })

  it('GIVEN allow_internet_outbound THEN no FQDN or service tag rule is written (only private endpoints are allowed there)', () => {
    const result = renderManagedNetwork(
      plan([rule({ id: 'pypi', destination: { kind: 'fqdn', fqdn: 'pypi.org' } })]),
      { isolationMode: 'allow_internet_outbound', output: 'yaml', firewallSku: 'basic' },
    )
    expect(result.files.map((f) => f.path)).toStrictEqual([
      'aml-managed-network/6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c/workspace.yaml',
      'aml-managed-network/managed-by-aml.json',
    ])
    expect(yamlOf(result)).toContain(
      '  isolation_mode: allow_internet_outbound\n  firewall_sku: basic\n  outbound_rules: []\n',
    )
    expect(codes(result)).toStrictEqual(['AML_EGRESS_MANAGED_BY_AML pypi'])
  })

  it('GIVEN a long host THEN its rule name is at most 33 characters and unique', () => {
    const hosts = [
      'a-very-long-host-name-for-a-mirror.contoso.com',
      'a-very-long-host-name-for-a-mirror.contoso.net',
    ]
    const result = renderManagedNetwork(
      plan(hosts.map((fqdn, i) => rule({ id: `h${i}`, destination: { kind: 'fqdn', fqdn } }))),
    )
    const names = [...yamlOf(result).matchAll(/name: "([^"]+)"/g)].map((m) => m[1] ?? '')
    expect(names).toHaveLength(2)
    expect(new Set(names).size).toBe(2)
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/)
  })

  it('classifies by requirement: a user scenario for managed compute wins, then Azure ML own tables; Kubernetes-only decides nothing', () => {
    const noCustom = {}
    // pypi.org: Python packages (pkg-out-04) and Kubernetes compute (k8s-out-10).
    expect(providerOf({ requirementIds: ['k8s-out-10', 'pkg-out-04'] }, noCustom)).toBe('user')
    // mcr.microsoft.com: AKS (aks-core-07) and Azure ML's docker hosts table (host-docker-01).
    expect(providerOf({ requirementIds: ['aks-core-07', 'host-docker-01'] }, noCustom)).toBe('aml')
    // aks-gpu-node-pools is not one of Azure ML's tables, but only Kubernetes needs it.
    expect(providerOf({ requirementIds: ['aks-gpu-01', 'host-docker-01'] }, noCustom)).toBe('aml')
    expect(providerOf({ requirementIds: ['contoso-mirror'] }, noCustom)).toBe('user')
    expect(providerOf({ requirementIds: [] }, noCustom)).toBe('user')
  })
})
