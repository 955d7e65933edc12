import { describe, expect, it } from 'vitest'
import {
  filterRuleBytes,
  jsonSize,
  ruleCollectionGroupBytes,
  ruleCollectionGroupPropertiesToArm,
  ruleCollectionToArm,
} from './arm'
import type { FirewallPolicy, NetworkRule, RuleCollection, RuleCollectionGroup } from './model'
import { renderArmTemplate, renderRuleCollectionGroup } from './render'

// Text that JSON must escape or that is more than one UTF-8 byte a character.
const ODD = [
  'q"uote',
  'back\\slash',
  'line\nbreak\t\u0001',
  'é',
  '€',
  '😀',
  'lone \ud800',
  '\u2028',
]

const group: RuleCollectionGroup = {
  name: 'g1',
  priority: 100,
  ruleCollections: [
    {
      collectionType: 'filter',
      name: 'app',
      priority: 300,
      action: 'Deny',
      ruleType: 'application',
      rules: [
        {
          ruleType: 'ApplicationRule',
          name: 'a1',
          description: ODD.join(' '),
          sourceAddresses: ['10.0.0.0/8', ...ODD],
          sourceIpGroups: ['ipg'],
          protocols: [{ protocolType: 'Mssql', port: 1433 }],
          targetFqdns: [],
          fqdnTags: ['WindowsUpdate'],
          targetUrls: ['x.com/a'],
          terminateTLS: true,
          destinationAddresses: ['1.1.1.1'],
          webCategories: ['News'],
        },
        {
          ruleType: 'ApplicationRule',
          name: 'a2',
          sourceAddresses: [],
          sourceIpGroups: [],
          protocols: [],
          targetFqdns: ['*'],
          fqdnTags: [],
          targetUrls: [],
          terminateTLS: false,
          destinationAddresses: [],
          webCategories: [],
        },
      ],
    },
    {
      collectionType: 'filter',
      name: 'net',
      priority: 400,
      action: 'Allow',
      ruleType: 'network',
      rules: [
        {
          ruleType: 'NetworkRule',
          name: 'n1',
          description: 'plain',
          ipProtocols: ['TCP', 'UDP'],
          sourceAddresses: ['10.0.0.0/8'],
          sourceIpGroups: [],
          destinationAddresses: [],
          destinationFqdns: ['é.example.com'],
          destinationIpGroups: [],
          destinationPorts: ['1-100', '443'],
        },
      ],
    },
    {
      collectionType: 'nat',
      name: 'nat',
      priority: 200,
      action: 'DNAT',
      rules: [
        {
          ruleType: 'NatRule',
          name: 'd1',
          sourceAddresses: ['*'],
          sourceIpGroups: [],
          ipProtocols: ['TCP'],
          destinationAddresses: ['1.2.3.4'],
          destinationPorts: ['22'],
          translatedAddress: '10.0.0.4',
          translatedPort: '22',
        },
      ],
    },
    {
      collectionType: 'filter',
      name: 'empty',
      priority: 500,
      action: 'Allow',
      ruleType: 'network',
      rules: [],
    },
  ],
}

/** What a rule adds to its collection's compact JSON, from JSON.stringify. */
function compactBytes(rule: unknown): number {
  const collection = { ...group.ruleCollections[0], rules: [rule] } as RuleCollection
  const withRule = JSON.stringify(ruleCollectionToArm(collection, 'literal'))
  const without = JSON.stringify(ruleCollectionToArm({ ...collection, rules: [] }, 'literal'))
  return Buffer.byteLength(withRule) - Buffer.byteLength(without)
}

const policy: FirewallPolicy = { ruleCollectionGroups: [group], ipGroups: [] }

describe('format: azure-firewall', () => {
  describe('ARM serialiser', () => {
    it('returns the UTF-8 size of the compact JSON for groups and rules, escapes included', () => {
      // GIVEN rules with quotes, control characters, non-ASCII text and a lone surrogate
      // WHEN their size is counted without writing them
      // THEN it is the size of the compact JSON, encoded
      expect(ruleCollectionGroupBytes(group)).toBe(
        Buffer.byteLength(JSON.stringify(ruleCollectionGroupPropertiesToArm(group, 'literal'))),
      )
      for (const collection of group.ruleCollections)
        for (const rule of collection.rules)
          if (rule.ruleType !== 'NatRule') expect(filterRuleBytes(rule)).toBe(compactBytes(rule))
    })

    it('returns the length, UTF-8 size and line breaks JSON.stringify writes, compact and indented', () => {
      // GIVEN a group with every rule type, empty lists and odd text, as template and as resource
      for (const style of ['literal', 'parameters'] as const) {
        const value = ruleCollectionGroupPropertiesToArm(group, style)
        for (const indent of [0, 2]) {
          // WHEN it is measured without writing it
          const text = JSON.stringify(value, null, indent)
          // THEN the sizes are those of the text
          expect(jsonSize(value, indent)).toStrictEqual({
            length: text.length,
            utf8: Buffer.byteLength(text),
            lineBreaks: text.split('\n').length - 1,
          })
        }
      }
    })

    it('returns the source lists as they are now when a list changed since the last render', () => {
      // GIVEN a collection rendered once with literal sources
      const addresses = ['10.0.0.0/16']
      const collection = {
        ...(group.ruleCollections[1] as RuleCollection),
        rules: [
          { ...(group.ruleCollections[1]?.rules[0] as NetworkRule), sourceAddresses: addresses },
        ],
      } as RuleCollection
      ruleCollectionToArm(collection, 'literal')
      // WHEN its source list changes in place and it is rendered again
      addresses.push('10.1.0.0/16')
      const rendered = ruleCollectionToArm(collection, 'literal') as { rules: unknown[] }
      // THEN the rule has the list's new content
      expect(rendered.rules[0]).toMatchObject({ sourceAddresses: ['10.0.0.0/16', '10.1.0.0/16'] })
    })

    it('returns files in the layout of JSON.stringify with a two-space indent', () => {
      // GIVEN every rule and collection type, empty lists and odd text
      // WHEN the template and the group file are rendered
      const files = [
        renderArmTemplate(policy, { basePriority: 1000 }),
        renderRuleCollectionGroup(policy, 0),
      ]
      // THEN printing the parsed value again gives the same text
      for (const text of files) expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`)
    })
  })
})
