import { describe, expect, it } from 'vitest'
import { fromTag, toHost, toTag } from '../test/helpers'
import type { NsgRule } from './model'
import { evaluateNsg, nsgPrefixMatches } from './nsgEvaluate'

function nsgRule(input: Partial<NsgRule> & Pick<NsgRule, 'name' | 'priority'>): NsgRule {
  return {
    address: `azurerm_network_security_rule.${input.name}`,
    networkSecurityGroup: 'rg/nsg',
    direction: 'Outbound',
    access: 'Allow',
    protocol: '*',
    sourceAddressPrefixes: ['*'],
    sourcePortRanges: ['*'],
    destinationAddressPrefixes: ['*'],
    destinationPortRanges: ['*'],
    ...input,
  }
}

describe('format: terraform — NSG semantics', () => {
  it('returns the lowest priority match when a deny and an allow both match', () => {
    // GIVEN an allow at 200 and a deny at 100 for the same traffic (file order reversed)
    const rules = [
      nsgRule({
        name: 'allow',
        priority: 200,
        destinationAddressPrefixes: ['AzureMachineLearning'],
      }),
      nsgRule({
        name: 'deny',
        priority: 100,
        access: 'Deny',
        destinationAddressPrefixes: ['Internet'],
      }),
    ]
    // THEN priority decides, not file order
    const verdict = evaluateNsg({ rules, flow: toTag('AzureMachineLearning', 443), nsg: 'rg/nsg' })
    expect([verdict.verdict, verdict.decidedBy?.rule]).toStrictEqual([
      'denied',
      'azurerm_network_security_rule.deny',
    ])
  })

  it('returns the default rules when no user rule matches', () => {
    // GIVEN no user rules: Azure's defaults allow outbound Internet and deny inbound
    expect(evaluateNsg({ rules: [], flow: toHost('pypi.org', 443), nsg: 'n' }).verdict).toBe(
      'allowed',
    )
    expect(
      evaluateNsg({ rules: [], flow: fromTag('AzureMachineLearning', 44224), nsg: 'n' }).verdict,
    ).toBe('denied')
  })

  it('returns protocol and port aware matches when a rule names Udp and a range', () => {
    const rules = [
      nsgRule({
        name: 'tundra',
        priority: 100,
        protocol: 'Udp',
        destinationAddressPrefixes: ['AzureMachineLearning'],
        destinationPortRanges: ['5831'],
      }),
      nsgRule({ name: 'deny', priority: 4096, access: 'Deny' }),
    ]
    const at = (udp: boolean, port: number) =>
      evaluateNsg({ rules, flow: toTag('AzureMachineLearning', port, { udp }), nsg: 'n' }).verdict
    expect([at(true, 5831), at(false, 5831), at(true, 5832)]).toStrictEqual([
      'allowed',
      'denied',
      'denied',
    ])
  })

  it('returns tag containment when a global tag meets a regional one', () => {
    // A global tag holds its regions; a regional tag holds only part of the global one.
    expect(nsgPrefixMatches('Storage', { kind: 'serviceTag', tag: 'Storage.WestEurope' })).toBe(
      'yes',
    )
    expect(
      nsgPrefixMatches('Storage.WestEurope', { kind: 'serviceTag', tag: 'Storage.EastUS' }),
    ).toBe('no')
    expect(nsgPrefixMatches('Storage.WestEurope', { kind: 'serviceTag', tag: 'Storage' })).toBe(
      'maybe',
    )
    // A host name has no address offline: a CIDR may or may not contain it.
    expect(nsgPrefixMatches('52.0.0.0/8', { kind: 'host', host: 'x.blob.core.windows.net' })).toBe(
      'maybe',
    )
  })

  it('returns unknown when a rule with an unresolved prefix may decide differently', () => {
    const rules = [
      nsgRule({
        name: 'maybe-deny',
        priority: 100,
        access: 'Deny',
        unresolved: ['destination_address_prefix'],
      }),
    ]
    expect(evaluateNsg({ rules, flow: toTag('AzureMachineLearning', 443), nsg: 'n' }).verdict).toBe(
      'unknown',
    )
    // AND a floating (unresolved priority) allow cannot turn the default inbound deny into allowed
    const floating = [nsgRule({ name: 'in', priority: undefined, direction: 'Inbound' })]
    expect(
      evaluateNsg({ rules: floating, flow: fromTag('AzureMachineLearning', 44224), nsg: 'n' })
        .verdict,
    ).toBe('unknown')
  })
})
