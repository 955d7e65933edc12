import { describe, expect, it } from 'vitest'
import { importRecord } from './importReference'
import type { ReferenceRecord } from './reference'

/** A reference record with the fields every test shares; each test sets what it is about. */
function record(overrides: Partial<ReferenceRecord>): ReferenceRecord {
  return {
    id: 'test-01',
    scenario: 'basic-configuration',
    description: 'A test record.',
    direction: 'outbound',
    kind: 'fqdn',
    value: 'ml.azure.com',
    ports: [443],
    portsStated: true,
    protocol: 'TCP',
    appliesTo: { training: true, inference: false, computeKinds: ['computeInstance'] },
    cloud: 'all',
    condition: 'always',
    requirement: 'required',
    status: 'current',
    placeholders: [],
    azureFirewallRuleType: 'application',
    externalPrerequisite: false,
    source: {
      repo: 'MicrosoftDocs/azure-ai-docs',
      path: 'articles/machine-learning/how-to-access-azureml-behind-firewall.md',
      commit: '00bb5540c93f4bf3d1d78fe21e36c6dbc2930026',
      msDate: '2026-03-19',
      section: 'Basic configuration',
    },
    ...overrides,
  }
}

describe('catalog import', () => {
  it('returns the published tag name when the docs write Frontdoor.FirstParty (D01)', () => {
    const [requirement] = importRecord(
      record({ kind: 'serviceTag', value: 'Frontdoor.FirstParty' }),
    )
    expect(requirement?.destination).toStrictEqual({
      kind: 'serviceTag',
      tag: 'AzureFrontDoor.FirstParty',
      regional: false,
    })
    expect(requirement?.decisions).toContain('D01')
  })

  it('returns a regional tag when the docs write `.region` or `.<region>`', () => {
    for (const value of ['BatchNodeManagement.region', 'BatchNodeManagement.<region>']) {
      const [requirement] = importRecord(record({ kind: 'serviceTag', value }))
      expect(requirement?.destination).toStrictEqual({
        kind: 'serviceTag',
        tag: 'BatchNodeManagement',
        regional: true,
      })
    }
  })

  it('returns the global MCR tag when the docs write it regionally (D04)', () => {
    const [requirement] = importRecord(
      record({ kind: 'serviceTag', value: 'MicrosoftContainerRegistry.region' }),
    )
    expect(requirement?.destination).toStrictEqual({
      kind: 'serviceTag',
      tag: 'MicrosoftContainerRegistry',
      regional: false,
    })
  })

  it('returns canonical placeholders and keeps the docs spelling', () => {
    const [requirement] = importRecord(
      record({ value: '<your ACR name>.<region>.data.azurecr.io' }),
    )
    expect(requirement?.destination).toStrictEqual({
      kind: 'fqdn',
      pattern: '{containerRegistry}.{region}.data.azurecr.io',
    })
    expect(requirement?.docValue).toBe('<your ACR name>.<region>.data.azurecr.io')
  })

  it('returns host and path apart when the docs give a URL (D13)', () => {
    const [requirement] = importRecord(
      record({
        value: 'https://github.com/microsoft/x/*',
        host: 'github.com',
        urlPath: '/microsoft/x/*',
      }),
    )
    expect(requirement?.destination).toStrictEqual({
      kind: 'fqdn',
      pattern: 'github.com',
      urlPath: '/microsoft/x/*',
    })
  })

  it('returns two records when the docs give TCP/UDP with one port each (D15)', () => {
    const requirements = importRecord(
      record({
        id: 'mvnet-req-02',
        kind: 'serviceTag',
        value: 'AzureMachineLearning',
        protocol: 'TCP/UDP',
        ports: [18881, 5831],
      }),
    )
    expect(requirements.map((r) => [r.id, r.protocol, r.ports])).toStrictEqual([
      ['mvnet-req-02', 'TCP', [{ from: 18881, to: 18881 }]],
      ['mvnet-req-02#udp', 'UDP', [{ from: 5831, to: 5831 }]],
    ])
  })

  it('returns TCP 443 when a host list gives no port (D11)', () => {
    const [requirement] = importRecord(
      record({ ports: [], portsStated: false, protocol: 'unspecified' }),
    )
    expect([requirement?.protocol, requirement?.ports, requirement?.portsStated]).toStrictEqual([
      'TCP',
      [{ from: 443, to: 443 }],
      false,
    ])
    expect(requirement?.decisions).toContain('D11')
  })

  it('returns Http and Https application protocols for hosts on 80 and 443', () => {
    const [requirement] = importRecord(record({ ports: [80, 443] }))
    expect(requirement?.applicationProtocols).toStrictEqual(['Http', 'Https'])
  })

  it('returns the clouds the record is needed in, minus notNeededIn', () => {
    const [requirement] = importRecord(
      record({ kind: 'serviceTag', value: 'AzureFrontDoor.FrontEnd', notNeededIn: ['china'] }),
    )
    expect(requirement?.applicability.clouds).toStrictEqual(['public', 'usgov'])
  })

  it('throws naming the value when a tag cannot be read', () => {
    expect(() =>
      importRecord(record({ kind: 'serviceTag', value: '*:1194 or something' })),
    ).toThrow(/unreadable service tag/)
  })
})
