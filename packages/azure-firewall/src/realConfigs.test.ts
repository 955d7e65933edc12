import { describe, expect, it } from 'vitest'
import { jsonFile, SUBNET, toHost } from '../test/helpers'
import { evaluateAzureFirewall, looksLikeHostName } from './evaluate'
import { lintPolicy } from './lint'
import { readAzureFirewall } from './read'

/** One allow collection with one rule, in `az … rule-collection-group show` form. */
function groupWith(rule: Record<string, unknown>) {
  return {
    name: 'hand-written',
    type: 'Microsoft.Network/FirewallPolicies/RuleCollectionGroups',
    priority: 200,
    ruleCollections: [
      {
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
        name: 'allow',
        priority: 100,
        action: { type: 'Allow' },
        rules: [{ name: 'r', sourceAddresses: [SUBNET], ...rule }],
      },
    ],
  }
}

async function verdictOf(rule: Record<string, unknown>, flow: ReturnType<typeof toHost>) {
  const { config } = await readAzureFirewall([jsonFile('policy.json', groupWith(rule))])
  return evaluateAzureFirewall(config, flow).verdict
}

describe('format: azure-firewall, hand-written configs (issue #18)', () => {
  // Azure Firewall matches TLS by SNI only in an `Https` entry and parses a Host header only in an
  // `Http` entry (Azure Firewall docs, "application rules"): the other type drops the traffic.
  const application = (protocolType: string, port: number) => ({
    ruleType: 'ApplicationRule',
    protocols: [{ protocolType, port }],
    targetFqdns: ['pypi.org'],
  })
  for (const [protocolType, port, flowPort, expected] of [
    ['Http', 443, 443, 'denied'],
    ['Https', 80, 80, 'denied'],
    ['Https', 443, 443, 'allowed'],
    ['Http', 80, 80, 'allowed'],
    ['Mssql', 443, 443, 'denied'],
  ] as const)
    it(`returns ${expected} for tcp/${flowPort} when the application rule says ${protocolType}:${port}`, async () => {
      expect(await verdictOf(application(protocolType, port), toHost('pypi.org', flowPort))).toBe(
        expected,
      )
    })

  it('returns a reader warning naming the entry when an application rule says Http:443', async () => {
    const group = groupWith(application('Http', 443))
    const { config } = await readAzureFirewall([jsonFile('policy.json', group)])
    expect(lintPolicy(config).map((d) => [d.code, d.message])).toStrictEqual([
      ['AML_EGRESS_READ_UNSUPPORTED', expect.stringContaining('Http:443 matches no HTTPS traffic')],
    ])
  })

  it('returns denied when a network rule has the host name pypi.org in destinationAddresses', async () => {
    // GIVEN a host name with one dot where Azure wants addresses or service tags
    const rule = {
      ruleType: 'NetworkRule',
      ipProtocols: ['TCP'],
      destinationAddresses: ['pypi.org'],
      destinationPorts: ['443'],
    }
    // THEN it matches nothing (Azure rejects the rule), and the reader says so
    expect(await verdictOf(rule, toHost('pypi.org', 443))).toBe('denied')
    const { config } = await readAzureFirewall([jsonFile('policy.json', groupWith(rule))])
    expect(lintPolicy(config).map((d) => d.message)).toStrictEqual([
      expect.stringContaining('destinationAddresses holds host name pypi.org'),
    ])
  })

  for (const [entry, hostName] of [
    ['pypi.org', true],
    ['files.pythonhosted.org', true],
    ['example.westeurope', false],
    ['Storage.WestEurope', false],
    ['AzureCloud.germanywc', false],
    ['AzureFrontDoor.Backend', false],
    ['storage', false],
    ['10.0.0.0/24', false],
    ['*', false],
  ] as const)
    it(`returns ${hostName} from looksLikeHostName for ${entry}`, () => {
      expect(looksLikeHostName(entry)).toBe(hostName)
    })
})
