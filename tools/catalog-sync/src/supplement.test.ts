import { describe, expect, it } from 'vitest'
import { importRecord, importReference } from './importReference'
import { serviceTagNamesSource } from './serviceTagNames'
import { supplementRecords } from './supplement'

const imported = importReference({ schemaVersion: 1, records: [] })
const byId = (id: string) => imported.find((record) => record.id === id)

describe('supplementary AKS records', () => {
  it('imports every transcribed row with the AKS article as its source', () => {
    expect(imported.map((record) => record.id)).toStrictEqual(supplementRecords.map((r) => r.id))
    for (const record of imported)
      expect(record.provenance, record.id).toMatchObject({
        path: 'articles/aks/outbound-rules-control-egress.md',
        commit: '126786f03e562aca0dde65db199893cb8f04a5a1',
        docDate: '2023-06-13',
      })
  })

  it('maps the network rules written as alternatives as the Azure Global ones are mapped (D17, D18, D27)', () => {
    expect(byId('aks-core-usgov-01')).toMatchObject({
      destination: { kind: 'serviceTag', tag: 'AzureCloud', regional: true },
      protocol: 'UDP',
      ports: [{ from: 1194, to: 1194 }],
      applicability: { clouds: ['usgov'], condition: 'aksCluster' },
    })
    expect(byId('aks-core-china-15')?.ports).toStrictEqual([{ from: 22, to: 22 }])
    expect(byId('aks-core-china-03')?.destination).toStrictEqual({
      kind: 'fqdn',
      pattern: 'ntp.ubuntu.com',
    })
    expect(byId('aks-core-usgov-05')?.destination).toStrictEqual({
      kind: 'address',
      role: 'apiServer',
    })
    expect(byId('aks-core-china-08')?.destination).toStrictEqual({
      kind: 'fqdn',
      pattern: '*.data.mcr.microsoft.com',
    })
    expect(byId('aks-core-usgov-06')?.destination).toStrictEqual({
      kind: 'fqdn',
      pattern: '*.hcp.{region}.cx.aks.containerservice.azure.us',
    })
    expect(byId('aks-gpu-01')?.applicability).toMatchObject({
      clouds: ['public', 'usgov', 'china'],
      condition: 'aksGpuNodePools',
    })
  })
})

describe('importer decisions of issue #17', () => {
  const arc = (id: string, value: string, cloud: 'public' | 'usgov' = 'public') =>
    importRecord({
      ...(supplementRecords[0] as (typeof supplementRecords)[number]),
      id,
      value,
      kind: 'fqdn',
      cloud,
      scenario: 'azure-arc-agents',
      condition: 'arcConnectedKubernetes',
    })[0]

  it('scopes Arc feature rows to their profile options (D28) and the US Gov OBO host to its region (D29)', () => {
    expect(arc('arc-14', '*.servicebus.windows.net')?.applicability.condition).toBe(
      'arcClusterConnect',
    )
    expect(arc('arc-15', 'graph.microsoft.com')?.applicability.condition).toBe('arcAzureRbac')
    expect(arc('arc-08', 'dl.k8s.io')?.applicability.condition).toBe('arcOnboarding')
    expect(arc('arc-01', 'management.azure.com')?.applicability.condition).toBe(
      'arcConnectedKubernetes',
    )
    const obo = arc('arc-32', 'usgovvirginia.obo.arc.azure.us', 'usgov')
    expect(obo?.applicability).toMatchObject({
      condition: 'arcClusterConnect',
      regions: ['usgovvirginia'],
    })
    expect(obo?.decisions).toEqual(expect.arrayContaining(['D28', 'D29']))
  })

  it('carries the storage rows of the Kubernetes table with each cloud suffix (D26)', () => {
    const row = {
      ...(supplementRecords[0] as (typeof supplementRecords)[number]),
      id: 'k8s-out-02',
      kind: 'fqdn' as const,
      value: '*.table.core.windows.net',
      cloud: 'public' as const,
      scenario: 'kubernetes-compute',
      condition: 'kubernetesCompute',
    }
    const all = importReference({ schemaVersion: 1, records: [row] }, [])
    expect(all.map((record) => [record.id, record.destination])).toStrictEqual([
      ['k8s-out-02', { kind: 'fqdn', pattern: '*.table.core.windows.net' }],
      ['k8s-out-02@usgov', { kind: 'fqdn', pattern: '*.table.core.usgovcloudapi.net' }],
      ['k8s-out-02@china', { kind: 'fqdn', pattern: '*.table.core.chinacloudapi.cn' }],
    ])
    expect(all[1]?.decisions).toContain('D26')
  })
})

describe('bundled service-tag names source', () => {
  it('copies the names per family, aligned with the region ids, with the file and its date', () => {
    const cloud = (file: string, tags: [string, string, string][]) => ({
      file,
      changeNumber: 9,
      tags,
    })
    const source = serviceTagNamesSource({
      clouds: {
        public: cloud('ServiceTags_Public_20250728.json', [
          ['Storage', '', 'AzureStorage'],
          ['Storage.FranceCentral', 'centralfrance', 'AzureStorage'],
          ['AzureCloud.centralfrance', 'centralfrance', ''],
          ['AzureCloud.brazilne', 'brazilne', ''],
          ['ActionGroup', '', 'ActionGroup'],
        ]),
        usgov: cloud('ServiceTags_AzureGovernment_20260720.json', []),
        china: cloud('ServiceTags_China_20260720.json', []),
      },
    })
    expect(source).toContain('"date": "2025-07-28"')
    expect(source).toContain('"global": "Storage"')
    expect(source).toContain('"regions": "brazilne centralfrance"')
    expect(source).toContain('"AzureCloud": "brazilne centralfrance"')
    expect(source).toContain('"Storage": "- FranceCentral"')
    expect(source).not.toContain('ActionGroup')
  })
})
