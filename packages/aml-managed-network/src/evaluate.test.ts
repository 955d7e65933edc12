import type { Flow } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { COMPUTE, toHost, toTag } from '../test/helpers'
import { evaluateManagedNetwork } from './evaluate'
import type { ManagedNetworkConfig, OutboundRule } from './model'

function config(
  rules: OutboundRule[],
  isolationMode?: 'AllowInternetOutbound' | 'Disabled',
): ManagedNetworkConfig {
  return {
    workspaces: [{ key: 'ws', rules, opaque: [], ...(isolationMode ? { isolationMode } : {}) }],
  }
}

const fqdn = (destination: string): OutboundRule => ({ type: 'FQDN', name: 'r', destination })
const verdict = (c: ManagedNetworkConfig, flow: Flow) => evaluateManagedNetwork(c, flow).verdict

describe('evaluateManagedNetwork', () => {
  it('an FQDN rule carries TCP 80 and 443 of its host or *. pattern, nothing else', () => {
    const c = config([fqdn('*.anaconda.org'), fqdn('pypi.org')])
    expect(verdict(c, toHost('conda.anaconda.org', 443))).toBe('allowed')
    expect(verdict(c, toHost('pypi.org', 80))).toBe('allowed')
    expect(verdict(c, toHost('anaconda.org', 443))).toBe('denied')
    expect(verdict(c, toHost('pypi.org', 8443))).toBe('denied')
    expect(verdict(c, toHost('pypi.org', 443, { udp: true }))).toBe('denied')
  })

  it('a service tag rule carries its protocol and ports; Deny rules are unknown (order undocumented)', () => {
    const rule = (protocol: string, action?: 'Deny'): OutboundRule => ({
      type: 'ServiceTag',
      name: `t-${protocol}`,
      serviceTag: 'AzureMachineLearning',
      protocol,
      portRanges: '5831',
      ...(action ? { action } : {}),
    })
    expect(verdict(config([rule('UDP')]), toTag('AzureMachineLearning', 5831, { udp: true }))).toBe(
      'allowed',
    )
    expect(verdict(config([rule('UDP')]), toTag('AzureMachineLearning', 5831))).toBe('denied')
    expect(verdict(config([rule('*')]), toTag('AzureMachineLearning', 5831))).toBe('allowed')
    expect(verdict(config([rule('*', 'Deny')]), toTag('AzureMachineLearning', 5831))).toBe(
      'unknown',
    )
    // Only the regional tag of another service is not covered.
    expect(verdict(config([rule('*')]), toTag('AzureMachineLearningX', 5831))).toBe('denied')
  })

  it('address prefixes replace the tag', () => {
    const c = config([
      {
        type: 'ServiceTag',
        name: 'p',
        serviceTag: 'Ignored',
        protocol: 'TCP',
        portRanges: '443',
        addressPrefixes: ['192.0.2.0/24'],
      },
    ])
    const toAddress = (address: string): Flow => ({
      direction: 'outbound',
      source: { kind: 'address', address: COMPUTE },
      destination: { kind: 'address', address },
      protocol: 'TCP',
      port: 443,
    })
    expect(verdict(c, toAddress('192.0.2.9'))).toBe('allowed')
    expect(verdict(c, toAddress('198.51.100.1'))).toBe('denied')
    expect(verdict(c, toTag('Ignored', 443))).toBe('denied')
  })

  it('modes: internet outbound allows everything outbound, disabled decides nothing, inbound is not governed', () => {
    expect(verdict(config([], 'AllowInternetOutbound'), toHost('example.com', 22))).toBe('allowed')
    expect(verdict(config([], 'Disabled'), toHost('example.com', 443))).toBe('unknown')
    expect(
      verdict(config([fqdn('example.com')]), {
        ...toHost('example.com', 443),
        direction: 'inbound',
      }),
    ).toBe('unknown')
    // Only private endpoint rules: the mode is not known, so no default deny.
    const pe: OutboundRule = {
      type: 'PrivateEndpoint',
      name: 'pe',
      serviceResourceId:
        '/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv1',
      subresourceTarget: 'vault',
      sparkEnabled: false,
    }
    expect(verdict(config([pe]), toHost('kv1.vault.azure.net', 443))).toBe('allowed')
    expect(verdict(config([pe]), toHost('kv2.vault.azure.net', 443))).toBe('unknown')
  })

  it('several workspaces: allowed when one allows it, and the verdict names it', () => {
    const c: ManagedNetworkConfig = {
      workspaces: [
        { key: 'a', rules: [fqdn('pypi.org')], opaque: [] },
        { key: 'b', rules: [fqdn('github.com')], opaque: [] },
      ],
    }
    expect(evaluateManagedNetwork(c, toHost('github.com', 443))).toMatchObject({
      verdict: 'allowed',
      decidedBy: { rule: 'b/r' },
    })
    expect(verdict(c, toHost('example.com', 443))).toBe('denied')
    expect(verdict({ workspaces: [] }, toHost('example.com', 443))).toBe('unknown')
  })
})
