import { describe, expect, it } from 'vitest'
import { SUBNET } from '../test/helpers'
import type {
  ApplicationRule,
  FirewallPolicy,
  NetworkRule,
  RuleCollection,
  RuleCollectionGroup,
} from './model'
import { validatePolicy } from './validate'

function networkRule(overrides: Partial<NetworkRule> = {}): NetworkRule {
  return {
    ruleType: 'NetworkRule',
    name: 'net',
    sourceAddresses: [SUBNET],
    sourceIpGroups: [],
    ipProtocols: ['TCP'],
    destinationAddresses: ['AzureMachineLearning'],
    destinationFqdns: [],
    destinationIpGroups: [],
    destinationPorts: ['443'],
    ...overrides,
  }
}

function applicationRule(overrides: Partial<ApplicationRule> = {}): ApplicationRule {
  return {
    ruleType: 'ApplicationRule',
    name: 'app',
    sourceAddresses: [SUBNET],
    sourceIpGroups: [],
    protocols: [{ protocolType: 'Https', port: 443 }],
    targetFqdns: ['ml.azure.com'],
    fqdnTags: [],
    targetUrls: [],
    terminateTLS: false,
    destinationAddresses: [],
    webCategories: [],
    ...overrides,
  }
}

function filter(
  name: string,
  priority: number,
  rules: NetworkRule[] | ApplicationRule[] = [],
): RuleCollection {
  const [first] = rules
  return first?.ruleType === 'ApplicationRule'
    ? {
        collectionType: 'filter',
        name,
        priority,
        action: 'Allow',
        ruleType: 'application',
        rules: rules as ApplicationRule[],
      }
    : {
        collectionType: 'filter',
        name,
        priority,
        action: 'Allow',
        ruleType: 'network',
        rules: rules as NetworkRule[],
      }
}

function group(name: string, priority: number, overrides: Partial<RuleCollectionGroup> = {}) {
  return { name, priority, ruleCollections: [], ...overrides } satisfies RuleCollectionGroup
}

function policy(groups: RuleCollectionGroup[]): FirewallPolicy {
  return { ruleCollectionGroups: groups, ipGroups: [] }
}

describe('format: azure-firewall', () => {
  describe('validatePolicy', () => {
    it('returns nothing for a deployable policy', () => {
      const valid = group('aml', 1000, {
        ruleCollections: [
          filter('net', 100, [networkRule()]),
          filter('app', 200, [applicationRule()]),
        ],
      })
      expect(validatePolicy(policy([valid]))).toStrictEqual([])
    })

    it('returns the policy-level problems: group count, names and priorities', () => {
      // GIVEN three groups where two share a name (case-insensitively) and two a priority
      const groups = [group('ga', 100), group('GA', 200), group('gb', 200)]
      // WHEN validated with room for two groups
      const problems = validatePolicy(policy(groups), { maxGroups: 2 })
      // THEN each policy-level rule Azure enforces is named once
      expect(problems).toStrictEqual([
        { path: '', message: '3 groups; at most 2' },
        { path: 'GA', message: 'group name is not unique in the policy' },
        { path: '', message: 'group priority 200 is not unique' },
      ])
    })

    it('returns group and collection problems: names, ranges, size, uniqueness', () => {
      const bad = group('-bad', 99, {
        ruleCollections: [filter('c-', 70000), filter('C-', 70000)],
      })
      expect(validatePolicy(policy([bad]), { maxGroupBytes: 10 })).toStrictEqual([
        { path: '-bad', message: 'invalid group name' },
        { path: '-bad', message: 'group priority 99 out of range' },
        { path: '-bad', message: expect.stringMatching(/^group is \d+ bytes; at most 10$/) },
        { path: '-bad/C-', message: 'collection name is not unique' },
        { path: '-bad', message: 'collection priority 70000 is not unique' },
        { path: '-bad/c-', message: 'invalid collection name' },
        { path: '-bad/c-', message: 'collection priority 70000 out of range' },
        { path: '-bad/C-', message: 'invalid collection name' },
        { path: '-bad/C-', message: 'collection priority 70000 out of range' },
      ])
    })

    it('returns rule problems: types, names, sources, destinations, ports, wildcards, TLS', () => {
      const rules = group('rg', 100, {
        ruleCollections: [
          filter('net', 100, [
            networkRule({
              name: 'n-',
              sourceAddresses: [],
              destinationAddresses: [],
              destinationFqdns: ['*.example.com'],
              destinationPorts: [],
            }),
            networkRule({ name: 'empty', destinationAddresses: [] }),
          ]),
          filter('app', 200, [
            applicationRule({
              name: 'empty',
              protocols: [{ protocolType: 'Https', port: 70000 }],
              targetFqdns: ['ml.*.com'],
              targetUrls: ['ml.azure.com/path'],
            }),
            applicationRule({ name: 'none', protocols: [] }),
          ]),
          {
            collectionType: 'nat',
            name: 'nat',
            priority: 300,
            action: 'DNAT',
            // A network rule where NAT rules belong.
            rules: [networkRule({ name: 'misplaced' }) as never],
          },
        ],
      })
      expect(validatePolicy(policy([rules]))).toStrictEqual([
        { path: 'rg/net/n-', message: 'invalid rule name' },
        { path: 'rg/net/n-', message: 'no source addresses or IP groups' },
        { path: 'rg/net/n-', message: 'wildcard *.example.com in destinationFqdns' },
        { path: 'rg/net/n-', message: 'no ports' },
        { path: 'rg/net/empty', message: 'no destination' },
        { path: 'rg/app/empty', message: 'application port 70000 out of range' },
        { path: 'rg/app/empty', message: 'wildcard not in front: ml.*.com' },
        { path: 'rg/app/empty', message: 'targetUrls without terminateTLS' },
        { path: 'rg/app/none', message: 'no protocols' },
        { path: 'rg/nat/misplaced', message: 'NetworkRule in a collection of NatRules' },
        { path: 'rg', message: 'rule name empty is not unique in the group' },
      ])
    })
  })
})
