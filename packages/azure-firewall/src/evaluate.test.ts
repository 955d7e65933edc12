import type { Flow } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { COMPUTE, jsonFile, SUBNET, toHost, toTag } from '../test/helpers'
import { applicationFqdnMatches, evaluateAzureFirewall, serviceTagCovers } from './evaluate'
import type { FirewallPolicy, FirewallPolicyConfig } from './model'
import { readAzureFirewall } from './read'

/**
 * A hand-written policy in the shape `az network firewall policy rule-collection-group show`
 * prints (properties flattened), with the mistakes seen in real AML setups: a global `Storage`
 * tag, an FQDN typed into destinationAddresses, UDP 5831 missing, an application rule for SMB 445,
 * and a wildcard without a dot.
 */
const handWritten = [
  {
    name: 'DefaultNetworkRuleCollectionGroup',
    type: 'Microsoft.Network/FirewallPolicies/RuleCollectionGroups',
    priority: 200,
    ruleCollections: [
      {
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
        name: 'net-allow-aml',
        priority: 100,
        action: { type: 'Allow' },
        rules: [
          {
            ruleType: 'NetworkRule',
            name: 'aml-tag',
            ipProtocols: ['TCP'],
            sourceAddresses: [SUBNET],
            destinationAddresses: ['AzureMachineLearning'],
            destinationPorts: ['443', '8787', '18881'],
          },
          {
            ruleType: 'NetworkRule',
            name: 'storage-global',
            ipProtocols: ['TCP'],
            sourceAddresses: [SUBNET],
            destinationAddresses: ['Storage'],
            destinationPorts: ['443', '445'],
          },
          {
            ruleType: 'NetworkRule',
            name: 'files-in-addresses',
            ipProtocols: ['TCP'],
            sourceAddresses: [SUBNET],
            destinationAddresses: ['contosomlsa.file.core.windows.net'],
            destinationPorts: ['445'],
          },
          {
            ruleType: 'NetworkRule',
            name: 'keyvault',
            ipProtocols: ['TCP'],
            sourceAddresses: [SUBNET],
            destinationAddresses: ['AzureKeyVault.WestEurope'],
            destinationPorts: ['443'],
          },
        ],
      },
    ],
  },
  {
    name: 'DefaultApplicationRuleCollectionGroup',
    type: 'Microsoft.Network/FirewallPolicies/RuleCollectionGroups',
    priority: 300,
    ruleCollections: [
      {
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
        name: 'app-deny-blob',
        priority: 200,
        action: { type: 'Deny' },
        rules: [
          {
            ruleType: 'ApplicationRule',
            name: 'no-blob',
            sourceAddresses: ['*'],
            protocols: [{ protocolType: 'Https', port: 443 }],
            targetFqdns: ['*.blob.core.windows.net'],
          },
        ],
      },
      {
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
        name: 'app-allow-aml',
        priority: 100,
        action: { type: 'Allow' },
        rules: [
          {
            ruleType: 'ApplicationRule',
            name: 'studio',
            sourceAddresses: [SUBNET],
            protocols: [{ protocolType: 'Https', port: 443 }],
            targetFqdns: ['ml.azure.com', '*.api.azureml.ms'],
          },
          {
            ruleType: 'ApplicationRule',
            name: 'smb-as-app',
            sourceAddresses: [SUBNET],
            protocols: [{ protocolType: 'Https', port: 445 }],
            targetFqdns: ['*.file.core.windows.net'],
          },
          {
            ruleType: 'ApplicationRule',
            name: 'pypi',
            sourceAddresses: [SUBNET],
            protocols: [
              { protocolType: 'Http', port: 80 },
              { protocolType: 'Https', port: 443 },
            ],
            targetFqdns: ['*pypi.org'],
          },
        ],
      },
    ],
  },
]

async function policyOf(value: unknown): Promise<FirewallPolicyConfig> {
  return (await readAzureFirewall([jsonFile('policy.json', value)])).config
}

function verdicts(policy: FirewallPolicy, flows: Record<string, Flow>) {
  return Object.fromEntries(
    Object.entries(flows).map(([name, flow]) => {
      const verdict = evaluateAzureFirewall(policy, flow)
      return [name, `${verdict.verdict}${verdict.decidedBy ? ` ${verdict.decidedBy.rule}` : ''}`]
    }),
  )
}

describe('format: azure-firewall', () => {
  describe('evaluateAzureFirewall on a hand-written policy with typical mistakes', () => {
    const policy = policyOf(handWritten)
    const net = 'DefaultNetworkRuleCollectionGroup/net-allow-aml'
    const app = 'DefaultApplicationRuleCollectionGroup'

    it('returns denied when UDP 5831 has no rule (only TCP was allowed to AzureMachineLearning)', async () => {
      expect(
        verdicts(await policy, {
          tag: toTag('AzureMachineLearning', 5831, { udp: true }),
          tundra: toHost('a.tundra.westeurope.api.azureml.ms', 5831, {
            udp: true,
            serviceTags: ['AzureMachineLearning'],
          }),
          tcp8787: toTag('AzureMachineLearning', 8787),
        }),
      ).toStrictEqual({
        tag: 'denied',
        tundra: 'denied',
        tcp8787: `allowed ${net}/aml-tag`,
      })
    })

    it('returns allowed by the global Storage tag when the host is in a regional Storage tag', async () => {
      // A global tag covers every regional one; network rules run before application rules, so
      // the Deny application collection for blob never sees this flow.
      expect(
        verdicts(await policy, {
          smb: toHost('contosomlsa.file.core.windows.net', 445, {
            serviceTags: ['Storage.WestEurope'],
          }),
          blob: toHost('any.blob.core.windows.net', 443, { serviceTags: ['Storage.EastUS'] }),
        }),
      ).toStrictEqual({
        smb: `allowed ${net}/storage-global`,
        blob: `allowed ${net}/storage-global`,
      })
    })

    it('returns denied for SMB when only the FQDN-in-addresses rule and the app rule on 445 could allow it', async () => {
      // destinationAddresses takes IPs and tags, not host names; an application rule parses the
      // stream as TLS, which SMB is not.
      expect(
        verdicts(await policy, { smb: toHost('contosomlsa.file.core.windows.net', 445) }),
      ).toStrictEqual({ smb: 'denied' })
    })

    it('returns the first matching application collection by priority, across Allow and Deny', async () => {
      expect(
        verdicts(await policy, {
          studio: toHost('ml.azure.com', 443),
          regional: toHost('westeurope.api.azureml.ms', 443),
          apex: toHost('api.azureml.ms', 443),
          http: toHost('ml.azure.com', 80),
          blob: toHost('contosomlsa.blob.core.windows.net', 443),
        }),
      ).toStrictEqual({
        studio: `allowed ${app}/app-allow-aml/studio`,
        regional: `allowed ${app}/app-allow-aml/studio`,
        apex: 'denied',
        http: 'denied',
        blob: `denied ${app}/app-deny-blob/no-blob`,
      })
    })

    it('returns allowed for lookalike hosts when a wildcard has no dot (*pypi.org)', async () => {
      expect(
        verdicts(await policy, {
          apex: toHost('pypi.org', 443),
          sub: toHost('files.pypi.org', 443),
          lookalike: toHost('evilpypi.org', 80),
        }),
      ).toStrictEqual({
        apex: `allowed ${app}/app-allow-aml/pypi`,
        sub: `allowed ${app}/app-allow-aml/pypi`,
        lookalike: `allowed ${app}/app-allow-aml/pypi`,
      })
    })

    it('returns denied for the right service on the wrong region or source', async () => {
      const otherSource: Flow = {
        ...toTag('AzureKeyVault.WestEurope', 443),
        source: { kind: 'address', address: '10.9.0.4' },
      }
      expect(
        verdicts(await policy, {
          otherRegion: toTag('AzureKeyVault.EastUS', 443),
          otherSource,
          sameRegion: toTag('AzureKeyVault.WestEurope', 443),
        }),
      ).toStrictEqual({
        otherRegion: 'denied',
        otherSource: 'denied',
        sameRegion: `allowed ${net}/keyvault`,
      })
    })

    it('returns the mistakes as diagnostics at the rule line when the policy is read', async () => {
      const file = jsonFile('policy.json', handWritten)
      const line = (name: string): number =>
        file.contents.split('\n').findIndex((text) => text.includes(`"name": "${name}"`)) + 1
      const { diagnostics } = await readAzureFirewall([file])
      expect(
        diagnostics.map((d) => `${d.code} ${d.location?.file}:${d.location?.line}`).sort(),
      ).toStrictEqual(
        [
          `AML_EGRESS_OVER_BROAD_RULE policy.json:${line('storage-global')}`,
          `AML_EGRESS_OVER_BROAD_RULE policy.json:${line('pypi')}`,
          `AML_EGRESS_READ_UNSUPPORTED policy.json:${line('files-in-addresses')}`,
          `AML_EGRESS_UNSUPPORTED_FEATURE policy.json:${line('smb-as-app')}`,
        ].sort(),
      )
    })
  })

  describe('evaluateAzureFirewall on a classic Azure Firewall', () => {
    const classic = {
      type: 'Microsoft.Network/azureFirewalls',
      apiVersion: '2024-05-01',
      name: 'fw-hub',
      location: 'westeurope',
      properties: {
        networkRuleCollections: [
          {
            name: 'deny-bad',
            properties: {
              priority: 100,
              action: { type: 'Deny' },
              rules: [
                {
                  name: 'deny-one-ip',
                  protocols: ['TCP'],
                  sourceAddresses: ['*'],
                  destinationAddresses: ['20.1.2.3'],
                  destinationPorts: ['22', '443-444'],
                },
              ],
            },
          },
          {
            name: 'aml',
            properties: {
              priority: 200,
              action: { type: 'Allow' },
              rules: [
                {
                  name: 'aml-udp',
                  protocols: ['UDP'],
                  sourceAddresses: ['10.0.0.0-10.0.0.255'],
                  destinationAddresses: ['AzureMachineLearning'],
                  destinationPorts: ['5831'],
                },
                {
                  name: 'any-ip',
                  protocols: ['TCP'],
                  sourceAddresses: [SUBNET],
                  destinationAddresses: ['20.0.0.0/8'],
                  destinationPorts: ['443'],
                },
              ],
            },
          },
        ],
        applicationRuleCollections: [
          {
            name: 'aml-web',
            properties: {
              priority: 100,
              action: { type: 'Allow' },
              rules: [
                {
                  name: 'azureml',
                  protocols: [
                    { protocolType: 'Http', port: 80 },
                    { protocolType: 'Https', port: 443 },
                  ],
                  sourceAddresses: [SUBNET],
                  targetFqdns: ['*.azureml.ms'],
                },
              ],
            },
          },
        ],
      },
    }
    const policy = policyOf(classic)

    it('returns network verdicts before application verdicts and honours IP ranges', async () => {
      expect(
        verdicts(await policy, {
          udp: toTag('AzureMachineLearning', 5831, { udp: true }),
          web: toHost('westeurope.api.azureml.ms', 80),
          ipAllowed: { ...toHost('x', 443), destination: { kind: 'address', address: '20.9.9.9' } },
          ipDenied: { ...toHost('x', 443), destination: { kind: 'address', address: '20.1.2.3' } },
        }),
      ).toStrictEqual({
        udp: 'allowed fw-hub/aml/aml-udp',
        web: 'allowed fw-hub/aml-web/azureml',
        ipAllowed: 'allowed fw-hub/aml/any-ip',
        ipDenied: 'denied fw-hub/deny-bad/deny-one-ip',
      })
    })

    it('returns unknown when a Deny rule on an address may cover a host', async () => {
      // Whether westeurope.api.azureml.ms resolves to 20.1.2.3 is not known offline.
      const denyAll = {
        ...classic,
        properties: {
          ...classic.properties,
          networkRuleCollections: [classic.properties.networkRuleCollections[0]],
        },
      }
      expect(
        evaluateAzureFirewall(await policyOf(denyAll), toHost('a.azureml.ms', 443)).verdict,
      ).toBe('unknown')
    })
  })

  describe('evaluateAzureFirewall details', () => {
    it('returns unknown for in-cluster flows, which never reach the firewall', async () => {
      const flow: Flow = {
        direction: 'inCluster',
        source: { kind: 'pod', namespace: 'azureml', labels: {} },
        destination: { kind: 'apiServer' },
        protocol: 'TCP',
        port: 443,
      }
      expect(evaluateAzureFirewall(await policyOf(handWritten), flow).verdict).toBe('unknown')
    })

    it('returns denied for inbound flows unless DNAT translates to them', async () => {
      const inbound: Flow = {
        direction: 'inbound',
        source: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
        destination: { kind: 'address', address: COMPUTE },
        protocol: 'TCP',
        port: 44224,
      }
      const dnat = {
        name: 'dnat',
        type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
        properties: {
          priority: 100,
          ruleCollections: [
            {
              ruleCollectionType: 'FirewallPolicyNatRuleCollection',
              name: 'to-compute',
              priority: 100,
              action: { type: 'DNAT' },
              rules: [
                {
                  ruleType: 'NatRule',
                  name: 'aml-44224',
                  ipProtocols: ['TCP'],
                  sourceAddresses: ['*'],
                  destinationAddresses: ['52.1.1.1'],
                  destinationPorts: ['44224'],
                  translatedAddress: COMPUTE,
                  translatedPort: '44224',
                },
              ],
            },
          ],
        },
      }
      expect(evaluateAzureFirewall(await policyOf(handWritten), inbound).verdict).toBe('denied')
      expect(evaluateAzureFirewall(await policyOf(dnat), inbound)).toMatchObject({
        verdict: 'allowed',
        decidedBy: { rule: 'dnat/to-compute/aml-44224', file: 'policy.json' },
      })
    })

    it('returns exact-host matches only for network-rule FQDNs', () => {
      const policy: FirewallPolicy = {
        ruleCollectionGroups: [
          {
            name: 'g',
            priority: 100,
            ruleCollections: [
              {
                collectionType: 'filter',
                name: 'c',
                priority: 100,
                action: 'Allow',
                ruleType: 'network',
                rules: [
                  {
                    ruleType: 'NetworkRule',
                    name: 'r',
                    ipProtocols: ['TCP'],
                    sourceAddresses: [SUBNET],
                    sourceIpGroups: [],
                    destinationAddresses: [],
                    destinationFqdns: ['sa.file.core.windows.net', '*.file.core.windows.net'],
                    destinationIpGroups: [],
                    destinationPorts: ['445'],
                  },
                ],
              },
            ],
          },
        ],
        ipGroups: [],
      }
      expect(evaluateAzureFirewall(policy, toHost('SA.file.core.windows.net', 445)).verdict).toBe(
        'allowed',
      )
      expect(
        evaluateAzureFirewall(policy, toHost('other.file.core.windows.net', 445)).verdict,
      ).toBe('denied')
    })

    it('returns Azure wildcard semantics for application-rule FQDNs', () => {
      expect(
        [
          ['*.blob.core.windows.net', 'a.blob.core.windows.net'],
          ['*.blob.core.windows.net', 'a.b.blob.core.windows.net'],
          ['*.blob.core.windows.net', 'blob.core.windows.net'],
          ['*pypi.org', 'pypi.org'],
          ['*pypi.org', 'notpypi.org'],
          ['*', 'anything.example'],
          ['ML.azure.com', 'ml.azure.com.'],
          ['ml.azure.com', 'xml.azure.com'],
        ].map(([pattern, host]) => applicationFqdnMatches(pattern ?? '', host ?? '')),
      ).toStrictEqual([true, true, false, true, true, true, true, false])
    })

    it('returns global-covers-regional for service tags, never the reverse', () => {
      expect([
        serviceTagCovers('Storage', 'Storage.WestEurope'),
        serviceTagCovers('storage.westeurope', 'Storage.WestEurope'),
        serviceTagCovers('Storage.WestEurope', 'Storage'),
        serviceTagCovers('Storage.WestEurope', 'Storage.EastUS'),
        serviceTagCovers('Storage', 'StorageSyncService'),
      ]).toStrictEqual([true, true, false, false, false])
    })
  })
})
