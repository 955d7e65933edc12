import { withEvaluationIndex } from '@aml-egress/azure-firewall'
import type { Flow } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { fromTag, toHost, toTag } from '../test/helpers'
import { evaluateTerraform } from './evaluate'
import type { NsgRule, TerraformConfig } from './model'
import { evaluateNsg, nsgPrefixMatches } from './nsgEvaluate'
import { indexNsgRules } from './nsgIndex'

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

//
// The NSG rules prepared once (grouped by NSG, sorted, CIDRs parsed) answer as NSG semantics say,
// with the reader's index, without one, and after the rules list is replaced. Expectations are
// written from Azure's NSG rules: lowest priority first, CIDRs by address, `VirtualNetwork` the
// private ranges, then the default rules (AllowVnetOutBound, AllowInternetOutBound, DenyAll).
/** Outbound TCP 443 from 10.0.0.0/24, unless a rule says otherwise. */
const prepared = (input: Parameters<typeof nsgRule>[0]): NsgRule =>
  nsgRule({
    protocol: 'Tcp',
    sourceAddressPrefixes: ['10.0.0.0/24'],
    destinationPortRanges: ['443'],
    ...input,
  })

const preparedRules: NsgRule[] = [
  nsgRule({
    name: 'deny_db',
    priority: 100,
    access: 'Deny',
    destinationAddressPrefixes: ['10.1.2.0/24'],
  }),
  prepared({ name: 'allow_data', priority: 110, destinationAddressPrefixes: [' 10.1.0.0/16 '] }),
  prepared({ name: 'allow_storage', priority: 120, destinationAddressPrefixes: ['Storage'] }),
  prepared({ name: 'deny_rest', priority: 4000, access: 'Deny', destinationPortRanges: ['*'] }),
]

function toAddress(address: string, port = 443, source = '10.0.0.4'): Flow {
  return {
    direction: 'outbound',
    source: { kind: 'address', address: source },
    destination: { kind: 'address', address },
    protocol: 'TCP',
    port,
  }
}

const toTagFrom = (tag: string): Flow => ({
  direction: 'outbound',
  source: { kind: 'address', address: '10.0.0.4' },
  destination: { kind: 'serviceTag', tag },
  protocol: 'TCP',
  port: 443,
})

function config(nsgRules: NsgRule[]): TerraformConfig {
  return {
    firewallPolicy: withEvaluationIndex({ ruleCollectionGroups: [], ipGroups: [] }),
    nsgRules,
    opaque: [],
  }
}

/** Verdict and deciding rule, for each flow. */
function answers(c: TerraformConfig, flows: readonly Flow[]): string[] {
  return flows.map((flow) => {
    const verdict = evaluateTerraform(c, flow)
    return `${verdict.verdict} ${verdict.decidedBy?.rule ?? '-'}`
  })
}

const preparedFlows = [
  toAddress('10.1.2.9'),
  toAddress('10.1.9.9'),
  toAddress('10.1.9.9', 8080),
  toAddress('10.2.0.1'),
  toAddress('10.1.9.9', 443, '10.0.1.4'),
  toAddress('not-an-address'),
  toTagFrom('Storage.WestEurope'),
]

// By hand: the /24 deny comes first; the /16 allow (its prefix has spaces, which the reader keeps)
// takes the rest of 10.1/16 on 443; other ports and addresses reach deny_rest; a source outside
// 10.0.0.0/24 matches only the defaults (10.0.1.4 → 10.1.9.9 is VirtualNetwork to VirtualNetwork:
// AllowVnetOutBound). An address that is none may or may not be in Storage: allow_storage may
// match, deny_rest would deny, so unknown. The Storage tag's addresses may lie in 10.1.2.0/24, so
// deny_db may match before allow_storage does: unknown too.
const expected = [
  'denied azurerm_network_security_rule.deny_db',
  'allowed azurerm_network_security_rule.allow_data',
  'denied azurerm_network_security_rule.deny_rest',
  'denied azurerm_network_security_rule.deny_rest',
  'allowed AllowVnetOutBound (NSG default rule)',
  'unknown azurerm_network_security_rule.allow_storage',
  'unknown azurerm_network_security_rule.deny_db',
]

describe('format: terraform — NSG rules prepared once', () => {
  it('answers by priority, CIDR and tag, with the index, without it, and after the rules change', () => {
    const read = { ...config(preparedRules), nsgIndex: indexNsgRules(preparedRules) }
    expect(answers(read, preparedFlows)).toStrictEqual(expected)
    expect(answers(config(preparedRules), preparedFlows)).toStrictEqual(expected)
    // A config whose rules list was replaced is indexed again, not answered from the old index.
    const replaced = { ...read, nsgRules: preparedRules.filter((rule) => rule.name !== 'deny_db') }
    expect(answers(replaced, preparedFlows)[0]).toBe(
      'allowed azurerm_network_security_rule.allow_data',
    )
  })

  it('reads destination ports as N, N-M or *; a range it cannot read may match', () => {
    // By hand: 8080 is inside 8000-8999, 9000 inside none; `x-y` is no range, so a rule with it
    // may match any port: its Deny against the default allow makes the flow unknown.
    const rule = (ports: string[]) => [
      prepared({ name: 'ports', priority: 100, access: 'Deny', destinationPortRanges: ports }),
    ]
    const verdict = (ports: string[], port: number) =>
      evaluateTerraform(config(rule(ports)), toAddress('10.1.9.9', port)).verdict
    expect(verdict(['80', ' 8000-8999 '], 8080)).toBe('denied')
    expect(verdict(['80', '8000-8999'], 9000)).toBe('allowed')
    expect(verdict(['*'], 9000)).toBe('denied')
    expect(verdict(['x-y'], 9000)).toBe('unknown')
    expect(verdict(['x-y', '9000'], 9000)).toBe('denied')
  })
})
