import { describe, expect, it } from 'vitest'
import { readNetworkPolicy, readPolicies, readPoliciesSync } from './read'

const policy = (name: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: app }
spec:
  podSelector: {}
  policyTypes: [Egress]
`

describe('format: network-policy reader', () => {
  it('returns every policy of a multi-document file and of a kind: List', async () => {
    const list = `apiVersion: v1
kind: List
items:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: { name: listed, namespace: app }
    spec: { podSelector: {} }
`
    const { config, diagnostics } = await readNetworkPolicy([
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

  it('returns a syntax diagnostic with file and line', async () => {
    const { diagnostics } = await readNetworkPolicy([
      { path: 'broken.yaml', contents: 'kind: NetworkPolicy\nspec:\n  podSelector: {\n' },
    ])
    expect(
      diagnostics.map((d) => [d.code, d.location?.file, typeof d.location?.line]),
    ).toStrictEqual([['AML_EGRESS_READ_SYNTAX', 'broken.yaml', 'number']])
  })

  it('returns an opaque policy and a diagnostic when the API server would reject it', async () => {
    const { config, diagnostics } = await readNetworkPolicy([
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

  it('returns the default namespace with a diagnostic when a policy names none', async () => {
    const { config, diagnostics } = await readNetworkPolicy([
      { path: 'x.yaml', contents: policy('x').replace(', namespace: app', '') },
    ])
    expect(config.policies[0]?.namespace).toBe('default')
    expect(diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_READ_UNSUPPORTED'])
  })

  it('returns service-tag ranges from a ServiceTags_Public.json file', async () => {
    const { config } = await readNetworkPolicy([
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

  it('returns the same config from the deprecated names as from readNetworkPolicy', async () => {
    const files = [{ path: 'a.yaml', contents: policy('first') }]
    const result = await readNetworkPolicy(files)
    expect(readPoliciesSync(files)).toStrictEqual(result)
    expect(await readPolicies(files)).toStrictEqual(result)
  })
})
