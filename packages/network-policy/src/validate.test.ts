import { describe, expect, it } from 'vitest'
import type { NetworkPolicy } from './model'
import {
  isDns1123Subdomain,
  isValidLabelKey,
  isValidLabelValue,
  validateCiliumNetworkPolicy,
  validateNetworkPolicy,
} from './validate'

function policy(spec: Partial<NetworkPolicy['spec']>, name = 'ok'): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'azureml' },
    spec: { podSelector: {}, ...spec },
  }
}

describe('format: network-policy validation (rules JSON Schema cannot express)', () => {
  it('returns no problems for a valid policy', () => {
    const good = policy({
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'] } }],
          ports: [{ protocol: 'TCP', port: 8704, endPort: 8710 }, { port: 'https' }],
        },
      ],
    })
    expect(validateNetworkPolicy(good)).toStrictEqual([])
  })

  it.each([
    ['an invalid CIDR', { to: [{ ipBlock: { cidr: '10.0.0.300/24' } }] }],
    ['a CIDR without prefix length', { to: [{ ipBlock: { cidr: '10.0.0.1' } }] }],
    [
      'except outside the CIDR',
      { to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] },
    ],
    [
      'except equal to the CIDR',
      { to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }] },
    ],
    ['ipBlock with a selector', { to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }],
    ['an empty peer', { to: [{}] }],
    ['endPort below port', { ports: [{ port: 443, endPort: 80 }] }],
    ['endPort with a named port', { ports: [{ port: 'https', endPort: 8443 }] }],
    ['endPort without port', { ports: [{ endPort: 8443 }] }],
    ['a numeric string port', { ports: [{ port: '443' }] }],
    ['port 0', { ports: [{ port: 0 }] }],
    ['a bad label key', { to: [{ podSelector: { matchLabels: { 'app/x/y': 'a' } } }] }],
    ['a bad label value', { to: [{ podSelector: { matchLabels: { app: '-x' } } }] }],
    [
      'In without values',
      { to: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In' as const }] } }] },
    ],
    [
      'Exists with values',
      {
        to: [
          {
            podSelector: {
              matchExpressions: [{ key: 'app', operator: 'Exists' as const, values: ['x'] }],
            },
          },
        ],
      },
    ],
  ])('returns a problem for %s', (_, rule) => {
    expect(
      validateNetworkPolicy(policy({ policyTypes: ['Egress'], egress: [rule as never] })),
    ).toHaveLength(1)
  })

  it('returns a problem for a name that is not a DNS-1123 subdomain', () => {
    expect(validateNetworkPolicy(policy({}, 'Allow_DNS'))).toHaveLength(1)
  })

  it('returns label and name syntax as Kubernetes defines it', () => {
    expect([
      isValidLabelKey('kubernetes.io/metadata.name'),
      isValidLabelKey('app.kubernetes.io/managed-by'),
      isValidLabelKey('-app'),
      isValidLabelKey(`${'a'.repeat(64)}`),
      isValidLabelValue(''),
      isValidLabelValue('a_b.c-d'),
      isValidLabelValue('a b'),
      isDns1123Subdomain('aml-egress.from'),
      isDns1123Subdomain('UPPER'),
    ]).toStrictEqual([true, true, false, false, true, true, false, true, false])
  })

  it('returns problems for a Cilium policy with a URL in matchPattern or an inverted port range', () => {
    const problems = validateCiliumNetworkPolicy({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'x', namespace: 'azureml' },
      spec: {
        endpointSelector: { matchLabels: { 'k8s:app': 'web' } },
        egress: [
          {
            toFQDNs: [{ matchPattern: 'https://*.blob.core.windows.net' }],
            toPorts: [{ ports: [{ port: '443', endPort: 80, protocol: 'TCP' }] }],
          },
        ],
      },
    })
    expect(problems).toHaveLength(2)
  })

  it('returns each Cilium problem with the path of its rule, in rule order', () => {
    // GIVEN a valid first rule, then a rule with a bad name, a bad port and a bad DNS pattern
    const problems = validateCiliumNetworkPolicy({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'x', namespace: 'azureml' },
      spec: {
        endpointSelector: {},
        egress: [
          { toEntities: ['kube-apiserver'] },
          {
            toFQDNs: [{ matchName: 'a.example.com' }, { matchName: 'a b' }],
            toPorts: [
              {
                ports: [{ port: '443' }, { port: '70000', protocol: 'TCP' }],
                rules: { dns: [{ matchPattern: 'a/b' }] },
              },
            ],
          },
        ],
      },
    })
    // THEN each problem names its place
    expect(problems).toStrictEqual([
      'spec.egress[1].toFQDNs[1].matchName: invalid "a b"',
      'spec.egress[1].toPorts[0].ports[1].port: must be a number 0–65535',
      'spec.egress[1].toPorts[0].rules.dns[0].matchPattern: invalid "a/b"',
    ])
  })
})
