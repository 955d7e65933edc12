import { describe, expect, it } from 'vitest'
import { readPoliciesSync } from './read'

const policy = (name: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: app }
spec:
  podSelector: {}
  policyTypes: [Egress]
`

describe('format: network-policy reader', () => {
  it('returns every policy of a multi-document file and of a kind: List', () => {
    const list = `apiVersion: v1
kind: List
items:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: { name: listed, namespace: app }
    spec: { podSelector: {} }
`
    const { config, diagnostics } = readPoliciesSync([
      { path: 'a.yaml', contents: `${policy('first')}---\n${policy('second')}` },
      { path: 'b.yaml', contents: list },
      { path: 'c.yaml', contents: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: app }\n' },
    ])
    expect(config.policies.map((p) => [p.file, p.name, p.line])).toStrictEqual([
      ['a.yaml', 'first', 1],
      ['a.yaml', 'second', 8],
      ['b.yaml', 'listed', 4],
    ])
    expect(diagnostics).toStrictEqual([])
  })

  it('returns a syntax diagnostic with file and line', () => {
    const { diagnostics } = readPoliciesSync([
      { path: 'broken.yaml', contents: 'kind: NetworkPolicy\nspec:\n  podSelector: {\n' },
    ])
    expect(
      diagnostics.map((d) => [d.code, d.location?.file, typeof d.location?.line]),
    ).toStrictEqual([['AML_EGRESS_READ_SYNTAX', 'broken.yaml', 'number']])
  })

  it('returns an opaque policy and a diagnostic when the API server would reject it', () => {
    const { config, diagnostics } = readPoliciesSync([
      {
        path: 'bad.yaml',
        contents: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: bad, namespace: app }
spec:
  podSelector: {}
  egress:
    - to: [{ ipBlock: { cidr: 10.0.0.0/8 }, podSelector: {} }]
`,
      },
    ])
    expect(config.policies[0]?.opaque?.egress).toContain('ipBlock may not be combined')
    expect(diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_READ_UNSUPPORTED'])
  })

  it('returns the default namespace with a diagnostic when a policy names none', () => {
    const { config, diagnostics } = readPoliciesSync([
      { path: 'x.yaml', contents: policy('x').replace(', namespace: app', '') },
    ])
    expect(config.policies[0]?.namespace).toBe('default')
    expect(diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_READ_UNSUPPORTED'])
  })

  it('returns service-tag ranges from a ServiceTags_Public.json file', () => {
    const { config } = readPoliciesSync([
      {
        path: 'ServiceTags_Public.json',
        contents: JSON.stringify({
          values: [
            {
              name: 'Storage.WestEurope',
              properties: { addressPrefixes: ['20.60.0.0/16', '2603:1020::/48'] },
            },
          ],
        }),
      },
    ])
    expect(config.serviceTags).toStrictEqual({ 'storage.westeurope': ['20.60.0.0/16'] })
  })
})
