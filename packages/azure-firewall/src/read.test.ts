import { describe, expect, it } from 'vitest'
import { jsonFile, plan, SUBNET, toHost, toTag } from '../test/helpers'
import { emptyScope, resolveArm, UNKNOWN } from './armExpression'
import { evaluateAzureFirewall } from './evaluate'
import { readAzureFirewall } from './read'
import { renderAzureFirewall } from './render'

/** A hand-written template in the style of the Azure quickstarts: parameters, variables, IP groups. */
function template(extra: { extraSourcesDefault?: string[] } = {}) {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      policyName: { type: 'string' },
      computeSubnet: { type: 'string', defaultValue: SUBNET },
      groupPriority: { type: 'int', defaultValue: 400 },
      extraSources: {
        type: 'array',
        ...(extra.extraSourcesDefault ? { defaultValue: extra.extraSourcesDefault } : {}),
      },
    },
    variables: {
      amlTag: 'AzureMachineLearning',
      ipGroupName: 'ipg-aml-compute',
    },
    resources: [
      {
        type: 'Microsoft.Network/ipGroups',
        apiVersion: '2024-05-01',
        name: "[variables('ipGroupName')]",
        location: 'westeurope',
        properties: { ipAddresses: ['10.1.0.0/24'] },
      },
      {
        type: 'Microsoft.Network/firewallPolicies',
        apiVersion: '2024-05-01',
        name: "[parameters('policyName')]",
        location: 'westeurope',
        properties: { sku: { tier: 'Standard' }, dnsSettings: { enableProxy: true } },
      },
      {
        type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
        apiVersion: '2024-05-01',
        name: "[format('{0}/{1}', parameters('policyName'), 'aml-rules')]",
        properties: {
          priority: "[parameters('groupPriority')]",
          ruleCollections: [
            {
              ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
              name: 'aml-network',
              priority: 100,
              action: { type: 'Allow' },
              rules: [
                {
                  ruleType: 'NetworkRule',
                  name: 'aml-udp',
                  ipProtocols: ['UDP'],
                  sourceAddresses: ["[parameters('computeSubnet')]"],
                  destinationAddresses: ["[variables('amlTag')]"],
                  destinationPorts: ['5831'],
                },
                {
                  ruleType: 'NetworkRule',
                  name: 'files-from-ip-group',
                  ipProtocols: ['TCP'],
                  sourceIpGroups: [
                    "[resourceId('Microsoft.Network/ipGroups', variables('ipGroupName'))]",
                  ],
                  destinationFqdns: ['contosomlsa.file.core.windows.net'],
                  destinationPorts: ['445'],
                },
                {
                  ruleType: 'NetworkRule',
                  name: 'extra',
                  ipProtocols: ['TCP'],
                  sourceAddresses: "[parameters('extraSources')]",
                  destinationAddresses: ['AzureKeyVault.WestEurope'],
                  destinationPorts: ['443'],
                },
              ],
            },
          ],
        },
      },
    ],
  }
}

describe('format: azure-firewall', () => {
  describe('readAzureFirewall on ARM templates', () => {
    it('returns parameter defaults, variables and IP groups resolved', async () => {
      // GIVEN a template whose values come from defaults, variables and an IP group resource
      const { config } = await readAzureFirewall([jsonFile('main.json', template())])
      // WHEN flows are evaluated
      const fromIpGroup = {
        ...toHost('contosomlsa.file.core.windows.net', 445),
        source: { kind: 'address' as const, address: '10.1.0.7' },
      }
      // THEN resolved values decide as written (the verdict points at the rule's line)
      const line =
        jsonFile('main.json', template())
          .contents.split('\n')
          .findIndex((text) => text.includes('"name": "aml-udp"')) + 1
      expect(config.ruleCollectionGroups.map((g) => [g.name, g.priority])).toStrictEqual([
        ['aml-rules', 400],
      ])
      expect(config.dnsProxy).toBe(true)
      expect(
        evaluateAzureFirewall(config, toTag('AzureMachineLearning', 5831, { udp: true })),
      ).toStrictEqual({
        verdict: 'allowed',
        decidedBy: { rule: 'aml-rules/aml-network/aml-udp', file: 'main.json', line },
        reason:
          'udp/5831 10.0.0.4 → tag:AzureMachineLearning is allowed by network rule aml-rules/aml-network/aml-udp (Allow collection).',
      })
      expect(evaluateAzureFirewall(config, fromIpGroup).verdict).toBe('allowed')
      // the compute subnet is not in the IP group
      expect(
        evaluateAzureFirewall(config, toHost('contosomlsa.file.core.windows.net', 445)).verdict,
      ).toBe('denied')
    })

    it('returns unknown when a rule depends on a parameter without a value', async () => {
      const { config, diagnostics } = await readAzureFirewall([jsonFile('main.json', template())])
      const verdict = evaluateAzureFirewall(config, toTag('AzureKeyVault.WestEurope', 443))
      expect(verdict.verdict).toBe('unknown')
      expect(verdict.reason).toContain('sourceAddresses could not be resolved')
      expect(diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([])
    })

    it('returns parameter-file values over defaults', async () => {
      const parameters = {
        $schema:
          'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
        contentVersion: '1.0.0.0',
        parameters: {
          policyName: { value: 'fw-policy' },
          extraSources: { value: [SUBNET] },
          groupPriority: { value: 250 },
        },
      }
      const { config } = await readAzureFirewall([
        jsonFile('main.json', template()),
        jsonFile('main.parameters.json', parameters),
      ])
      expect(config.name).toBe('fw-policy')
      expect(config.ruleCollectionGroups.map((g) => g.priority)).toStrictEqual([250])
      expect(evaluateAzureFirewall(config, toTag('AzureKeyVault.WestEurope', 443)).verdict).toBe(
        'allowed',
      )
    })

    it('returns denied rather than unknown when the unresolved rule could only deny the same way', async () => {
      // GIVEN an unresolved Allow rule for KeyVault: a flow to another region cannot match it
      const { config } = await readAzureFirewall([jsonFile('main.json', template())])
      expect(evaluateAzureFirewall(config, toTag('AzureKeyVault.EastUS', 443)).verdict).toBe(
        'denied',
      )
    })

    it('returns unknown for every flow when the policy has a parent policy', async () => {
      const withParent = template({ extraSourcesDefault: [] })
      const policy = withParent.resources[1]
      if (policy?.properties && 'sku' in policy.properties)
        Object.assign(policy.properties, { basePolicy: { id: '/subscriptions/x/parent' } })
      const { config, diagnostics } = await readAzureFirewall([jsonFile('main.json', withParent)])
      expect(
        evaluateAzureFirewall(config, toTag('AzureMachineLearning', 5831, { udp: true })),
      ).toMatchObject({ verdict: 'unknown' })
      expect(diagnostics.map((d) => d.code)).toContain('AML_EGRESS_READ_UNSUPPORTED')
    })

    it('returns unknown when a group is deployed in a copy loop', async () => {
      const looped = {
        resources: [
          {
            type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
            apiVersion: '2024-05-01',
            name: "[concat('pol/rcg-', copyIndex())]",
            copy: { name: 'groups', count: 2 },
            properties: { priority: '[add(100, copyIndex())]', ruleCollections: [] },
          },
        ],
      }
      const { config, diagnostics } = await readAzureFirewall([jsonFile('loop.json', looped)])
      expect(evaluateAzureFirewall(config, toHost('ml.azure.com', 443)).verdict).toBe('unknown')
      expect(diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_READ_UNSUPPORTED'])
    })
  })

  describe('readAzureFirewall errors', () => {
    it('returns a syntax diagnostic with the line when a file is not JSON', async () => {
      const { diagnostics } = await readAzureFirewall([
        {
          path: 'broken.json',
          contents: '{\n  "name": "x",\n  "properties": {\n    "priority": 100,,\n',
        },
      ])
      expect(diagnostics.map((d) => [d.code, d.severity, d.location])).toStrictEqual([
        ['AML_EGRESS_READ_SYNTAX', 'error', { file: 'broken.json', line: 4 }],
      ])
    })

    it('returns a warning when one of the files holds no firewall resource', async () => {
      // GIVEN a VNet resource file next to a rule collection group
      const group = {
        type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
        name: 'pol/empty',
        properties: { priority: 100, ruleCollections: [] },
      }
      const { diagnostics } = await readAzureFirewall([
        jsonFile('group.json', group),
        jsonFile('vnet.json', { type: 'Microsoft.Network/virtualNetworks', name: 'vnet' }),
      ])
      // THEN the VNet file is named, and nothing refuses the read
      expect(diagnostics.map((d) => [d.code, d.severity, d.location?.file])).toStrictEqual([
        ['AML_EGRESS_READ_UNSUPPORTED', 'warning', 'vnet.json'],
      ])
    })

    // Regression (issue #18): `{"foo": 1}` was read as an empty policy, "38 BLOCKED", exit 0.
    for (const [name, json] of [
      ['an object with no resource', { foo: 1 }],
      ['a VNet resource', { type: 'Microsoft.Network/virtualNetworks', name: 'vnet' }],
      ['a template without firewall resources', { $schema: 'x', resources: [] }],
      ['an array of numbers', [1, 2]],
    ] as const)
      it(`returns a syntax error when the only file is ${name}`, async () => {
        const { config, diagnostics } = await readAzureFirewall([jsonFile('other.json', json)])
        expect(config.ruleCollectionGroups).toStrictEqual([])
        const errors = diagnostics.filter((d) => d.severity === 'error')
        expect(errors.map((d) => [d.code, d.location?.file])).toStrictEqual([
          ['AML_EGRESS_READ_SYNTAX', 'other.json'],
        ])
      })

    it('returns an empty policy without errors for a deployment template that deploys no group', async () => {
      // GIVEN the render of a plan with nothing for the firewall (found by fuzzing: an attached VM
      // in 21Vianet), a valid template whose resources are empty
      const { files } = renderAzureFirewall(plan([]))
      const { config, diagnostics } = await readAzureFirewall(files)
      expect(config.ruleCollectionGroups).toStrictEqual([])
      expect(diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([])
    })

    it('returns unknown, not a crash, when a protocol is spelled like an object property', async () => {
      // GIVEN a hand-written allow-all rule whose protocol is not TCP/UDP/ICMP/Any
      const odd = {
        type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
        name: 'pol/odd',
        properties: {
          priority: 100,
          ruleCollections: [
            {
              ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
              name: 'allow-all',
              priority: 100,
              action: { type: 'Allow' },
              rules: [
                {
                  ruleType: 'NetworkRule',
                  name: 'odd',
                  ipProtocols: ['constructor'],
                  sourceAddresses: ['*'],
                  destinationAddresses: ['*'],
                  destinationPorts: ['*'],
                },
              ],
            },
          ],
        },
      }
      // WHEN it is read and a flow it may match is evaluated
      const { config } = await readAzureFirewall([jsonFile('odd.json', odd)])
      // THEN the protocol is unresolved, so the flow is unknown rather than allowed or a TypeError
      const rule = config.ruleCollectionGroups[0]?.ruleCollections[0]?.rules[0]
      expect(rule?.unresolved).toStrictEqual(['ipProtocols'])
      expect(evaluateAzureFirewall(config, toHost('ml.azure.com', 443)).verdict).toBe('unknown')
    })

    it('returns a mixed collection as two collections with a diagnostic', async () => {
      const mixed = {
        type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
        name: 'pol/mixed',
        properties: {
          priority: 100,
          ruleCollections: [
            {
              ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
              name: 'both',
              priority: 100,
              action: { type: 'Allow' },
              rules: [
                {
                  ruleType: 'ApplicationRule',
                  name: 'web',
                  sourceAddresses: [SUBNET],
                  protocols: [{ protocolType: 'Https', port: 443 }],
                  targetFqdns: ['ml.azure.com'],
                },
                {
                  ruleType: 'NetworkRule',
                  name: 'udp',
                  ipProtocols: ['UDP'],
                  sourceAddresses: [SUBNET],
                  destinationAddresses: ['AzureMachineLearning'],
                  destinationPorts: ['5831'],
                },
              ],
            },
          ],
        },
      }
      const { config, diagnostics } = await readAzureFirewall([jsonFile('mixed.json', mixed)])
      expect(
        config.ruleCollectionGroups[0]?.ruleCollections.map((c) =>
          c.collectionType === 'filter' ? `${c.name}:${c.ruleType}` : c.name,
        ),
      ).toStrictEqual(['both:network', 'both:application'])
      expect(diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_READ_UNSUPPORTED'])
      expect(evaluateAzureFirewall(config, toHost('ml.azure.com', 443)).verdict).toBe('allowed')
    })
  })

  describe('resolveArm', () => {
    it('returns values for the functions templates use, and UNKNOWN otherwise', () => {
      const scope = {
        values: { given: 'x' },
        parameters: { n: { defaultValue: 3 }, list: { defaultValue: ['a'] } },
        variables: { v: "[concat('pre-', parameters('given'))]" },
      }
      expect(
        [
          "[add(parameters('n'), 2)]",
          "[variables('v')]",
          "[concat(parameters('list'), createArray('b'))]",
          "[if(empty(parameters('list')), 'none', 'some')]",
          "[format('{0}/{1}', 'p', 'g')]",
          "[toLower('AbC')]",
          '[[literal]',
          "['it''s']",
          "[reference('x').outputs]",
          "[parameters('missing')]",
        ].map((text) => resolveArm(text, scope)),
      ).toStrictEqual([
        5,
        'pre-x',
        ['a', 'b'],
        'some',
        'p/g',
        'abc',
        '[literal]',
        "it's",
        UNKNOWN,
        UNKNOWN,
      ])
      expect(resolveArm({ a: ['[[x', 1] }, emptyScope)).toStrictEqual({ a: ['[x', 1] })
    })
  })
})
