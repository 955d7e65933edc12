import { describeFlow, type Flow } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { configOf, podFlow, toAddress, toApiServer, toHost } from '../test/flows'
import { evaluateFlow, evaluateNetworkPolicy } from './evaluate'
import type { NetworkPolicyConfig } from './model'

type Row = [Flow, 'allowed' | 'denied' | 'unknown']

/** Cyclonus-style truth table: every probe against its expected verdict. */
function table(config: NetworkPolicyConfig, rows: readonly Row[]): [string, string][] {
  return rows.map(([flow]) => [describeFlow(flow), evaluateNetworkPolicy(config, flow).verdict])
}
function expected(rows: readonly Row[]): [string, string][] {
  return rows.map(([flow, verdict]) => [describeFlow(flow), verdict])
}

const web = { namespace: 'app', labels: { app: 'web' } }
const db = { namespace: 'app', labels: { app: 'db' } }
const kubeDns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }
const metrics = { namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' } }
const stranger = { namespace: 'other', labels: { app: 'x' } }

const defaultDenyWithDns = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: app
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: app
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - protocol: UDP
          port: 53
        - protocol: TCP
          port: 53
`

describe('format: network-policy evaluator', () => {
  it('returns Kubernetes verdicts for a default-deny namespace that allows DNS', async () => {
    // GIVEN default deny (both directions) in app, plus egress to kube-dns on UDP/TCP 53
    const config = await configOf(defaultDenyWithDns)
    // WHEN probing / THEN: union of allows; kube-system is not isolated; everything else dropped
    const rows: Row[] = [
      [podFlow(web, kubeDns, 53, 'UDP'), 'allowed'],
      [podFlow(web, kubeDns, 53, 'TCP'), 'allowed'],
      [podFlow(web, kubeDns, 80), 'denied'],
      [podFlow(web, metrics, 53, 'UDP'), 'denied'],
      [podFlow(web, db, 5432), 'denied'],
      [podFlow(stranger, web, 80), 'denied'],
      [toAddress(web, '1.2.3.4', 443), 'denied'],
      [podFlow(stranger, { namespace: 'other' }, 80), 'allowed'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns AND for one peer element and OR for two (the stray dash)', async () => {
    // GIVEN the same selectors written as one peer (AND) or as two list items (OR)
    const policy = (to: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress, namespace: app }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
${to}
      ports:
        - port: 443
`
    const and = await configOf(
      policy(`        - namespaceSelector:
            matchLabels: { kubernetes.io/metadata.name: kube-system }
          podSelector:
            matchLabels: { k8s-app: kube-dns }`),
    )
    const or = await configOf(
      policy(`        - namespaceSelector:
            matchLabels: { kubernetes.io/metadata.name: kube-system }
        - podSelector:
            matchLabels: { k8s-app: kube-dns }`),
    )
    const sameNamespaceDnsLabel = { namespace: 'app', labels: { 'k8s-app': 'kube-dns' } }
    // THEN AND reaches only kube-dns in kube-system; OR reaches every kube-system pod, and
    // pods labelled k8s-app=kube-dns in the policy's own namespace
    const andRows: Row[] = [
      [podFlow(web, kubeDns, 443), 'allowed'],
      [podFlow(web, metrics, 443), 'denied'],
      [podFlow(web, sameNamespaceDnsLabel, 443), 'denied'],
    ]
    const orRows: Row[] = [
      [podFlow(web, kubeDns, 443), 'allowed'],
      [podFlow(web, metrics, 443), 'allowed'],
      [podFlow(web, sameNamespaceDnsLabel, 443), 'allowed'],
    ]
    expect(table(and, andRows)).toStrictEqual(expected(andRows))
    expect(table(or, orRows)).toStrictEqual(expected(orRows))
  })

  it('returns ingress and egress isolation when policyTypes is omitted and egress is present', async () => {
    // GIVEN no policyTypes and a non-empty egress list: the API defaults to [Ingress, Egress]
    const config = await configOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: implicit, namespace: app }
spec:
  podSelector: {}
  egress:
    - ports: [{ port: 443 }]
`)
    const rows: Row[] = [
      [toAddress(web, '1.2.3.4', 443), 'allowed'],
      [toAddress(web, '1.2.3.4', 80), 'denied'],
      [podFlow(stranger, web, 80), 'denied'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns no egress isolation when policyTypes is omitted and egress is empty or absent', async () => {
    // GIVEN `egress: []` (length 0) and an ingress-only policy, both without policyTypes
    const config = await configOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: empty-egress, namespace: app }
spec:
  podSelector: {}
  egress: []
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ingress-only, namespace: app }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress:
    - from: [{ podSelector: {} }]
`)
    // THEN only ingress is isolated: the pods may send anywhere, receive from app only
    const rows: Row[] = [
      [toAddress(web, '1.2.3.4', 443), 'allowed'],
      [podFlow(db, web, 80), 'allowed'],
      [podFlow(stranger, web, 80), 'denied'],
      [podFlow(stranger, db, 80), 'denied'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns denied for every egress flow when policyTypes is [Egress] with no rules', async () => {
    const config = await configOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-egress, namespace: app }
spec:
  podSelector: {}
  policyTypes: [Egress]
`)
    const rows: Row[] = [
      [toAddress(web, '1.2.3.4', 443), 'denied'],
      [podFlow(web, kubeDns, 53, 'UDP'), 'denied'],
      [podFlow(stranger, web, 80), 'allowed'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns matchExpressions semantics for In, NotIn, Exists and DoesNotExist', async () => {
    const deny = (name: string, expression: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: app }
spec:
  podSelector:
    matchExpressions: [${expression}]
  policyTypes: [Egress]
`
    const out = (labels: Record<string, string>) =>
      toAddress({ namespace: 'app', labels }, '1.2.3.4', 443)
    const cases: [string, Record<string, string>, 'allowed' | 'denied'][] = [
      ['{ key: tier, operator: In, values: [web] }', { tier: 'web' }, 'denied'],
      ['{ key: tier, operator: In, values: [web] }', { tier: 'db' }, 'allowed'],
      ['{ key: tier, operator: NotIn, values: [web] }', {}, 'denied'],
      ['{ key: tier, operator: NotIn, values: [web] }', { tier: 'web' }, 'allowed'],
      ['{ key: tier, operator: Exists }', {}, 'allowed'],
      ['{ key: tier, operator: Exists }', { tier: 'x' }, 'denied'],
      ['{ key: tier, operator: DoesNotExist }', {}, 'denied'],
      ['{ key: tier, operator: DoesNotExist }', { tier: 'x' }, 'allowed'],
    ]
    const verdicts = await Promise.all(
      cases.map(
        async ([expression, labels]) =>
          evaluateNetworkPolicy(await configOf(deny('p', expression)), out(labels)).verdict,
      ),
    )
    expect(verdicts).toStrictEqual(cases.map(([, , verdict]) => verdict))
  })

  it('returns unknown for a namespace selected by a label a flow does not carry', async () => {
    // GIVEN egress to namespaces labelled env=prod on 443 (namespace labels other than the name are unknown)
    const config = await configOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: prod, namespace: app }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ namespaceSelector: { matchLabels: { env: prod } } }]
      ports: [{ port: 443 }]
`)
    const rows: Row[] = [
      [podFlow(web, { namespace: 'prod' }, 443), 'unknown'],
      [podFlow(web, { namespace: 'prod' }, 80), 'denied'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns ipBlock semantics with except, and hosts through service-tag ranges', async () => {
    const config = await configOf(
      `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: blocks, namespace: app }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.1.0.0/16] } }]
    - to: [{ ipBlock: { cidr: 20.60.0.0/16 } }, { ipBlock: { cidr: 52.239.140.0/22 } }]
      ports: [{ port: 443 }]
`,
      [
        {
          path: 'ServiceTags_Public.json',
          contents: JSON.stringify({
            values: [
              {
                name: 'Storage.WestEurope',
                properties: { addressPrefixes: ['20.60.0.0/16', '52.239.140.0/22'] },
              },
              { name: 'Storage.EastUS', properties: { addressPrefixes: ['20.38.0.0/16'] } },
            ],
          }),
        },
      ],
    )
    const rows: Row[] = [
      [toAddress(web, '10.2.3.4', 22), 'allowed'],
      [toAddress(web, '10.1.2.3', 22), 'denied'],
      [toAddress(web, '192.168.1.1', 22), 'denied'],
      [toHost(web, 'contoso.blob.core.windows.net', 443, ['Storage.WestEurope']), 'allowed'],
      [toHost(web, 'contoso.blob.core.windows.net', 80, ['Storage.WestEurope']), 'denied'],
      [toHost(web, 'other.blob.core.windows.net', 443, ['Storage.EastUS']), 'denied'],
      [toHost(web, 'pypi.org', 443), 'denied'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns unknown for a named port, which only the pod spec resolves', async () => {
    const config = await configOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: named, namespace: app }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - ports: [{ port: https }]
`)
    expect(evaluateNetworkPolicy(config, toAddress(web, '1.2.3.4', 443)).verdict).toBe('unknown')
  })

  it('returns the AML namespace as the source of a flow from the compute subnet', async () => {
    // GIVEN azureml pods may only reach 10.20.0.4:443 (our annotation names the namespace)
    const config = await configOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: out
  namespace: ml
  annotations: { aml-egress.io/source-namespace: ml }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ ipBlock: { cidr: 10.20.0.4/32 } }]
      ports: [{ protocol: TCP, port: 443 }]
`)
    const fromSubnet = (port: number): Flow => ({
      direction: 'outbound',
      source: { kind: 'address', address: '10.10.0.4' },
      destination: { kind: 'address', address: '10.20.0.4' },
      protocol: 'TCP',
      port,
    })
    expect(config.sourceNamespace).toBe('ml')
    expect(evaluateNetworkPolicy(config, fromSubnet(443))).toMatchObject({
      verdict: 'allowed',
      decidedBy: { rule: 'ml/out', file: 'policies.yaml', line: 12 },
    })
    expect(evaluateNetworkPolicy(config, fromSubnet(80)).verdict).toBe('denied')
  })

  it('returns unknown for an inbound flow, which pod policies do not decide', async () => {
    const flow: Flow = {
      direction: 'inbound',
      source: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
      destination: { kind: 'address', address: '10.10.0.4' },
      protocol: 'TCP',
      port: 44224,
    }
    expect(evaluateNetworkPolicy(await configOf(defaultDenyWithDns), flow).verdict).toBe('unknown')
  })
})

describe('format: network-policy evaluator, hand-written AML policies', () => {
  const fe = { namespace: 'azureml', labels: { app: 'azureml-fe' } }
  const model = { namespace: 'models', labels: { app: 'sklearn-model' } }
  const proxy = { namespace: 'azureml', labels: { app: 'amlarc-identity-proxy' } }

  it('returns denied when the destination namespace is isolated and the ingress side is missing', async () => {
    // GIVEN azureml-fe may send to models:5001, but models has a default deny and no ingress allow
    const config = await configOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: fe-egress, namespace: azureml }
spec:
  podSelector: { matchLabels: { app: azureml-fe } }
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: models } }
      ports: [{ port: 5001 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: models }
spec:
  podSelector: {}
  policyTypes: [Ingress]
`)
    // THEN both sides must allow an in-cluster flow: the destination's ingress drops it
    const verdict = evaluateNetworkPolicy(config, podFlow(fe, model, 5001))
    expect(verdict.verdict).toBe('denied')
    expect(verdict.reason).toContain('destination pod in models')
  })

  it('returns the wider OR verdicts when the namespaceSelector/podSelector pair is split', async () => {
    // GIVEN the identity proxy meant to accept model pods of `models` only, written with a stray dash
    const config = await configOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: identity-proxy, namespace: azureml }
spec:
  podSelector: { matchLabels: { app: amlarc-identity-proxy } }
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: models } }
        - podSelector: { matchLabels: { app: sklearn-model } }
      ports: [{ port: 9999 }]
`)
    const rows: Row[] = [
      [podFlow(model, proxy, 9999), 'allowed'],
      // Any pod of models, not only the model pods:
      [podFlow({ namespace: 'models', labels: { app: 'debug' } }, proxy, 9999), 'allowed'],
      // A pod of azureml that happens to carry the model label:
      [podFlow({ namespace: 'azureml', labels: { app: 'sklearn-model' } }, proxy, 9999), 'allowed'],
      [podFlow({ namespace: 'other', labels: { app: 'sklearn-model' } }, proxy, 9999), 'denied'],
      [podFlow(model, proxy, 9998), 'denied'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })
})

const dnsRule = `
    - toEndpoints:
        - matchLabels:
            k8s:io.kubernetes.pod.namespace: kube-system
            k8s:k8s-app: kube-dns
      toPorts:
        - ports: [{ port: "53", protocol: ANY }]
          rules:
            dns: [{ matchPattern: "*" }]`

function cnp(egress: string, extra = ''): string {
  return `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: fqdn, namespace: azureml }
spec:
  endpointSelector: {}
${extra}  egress:${egress}
`
}

describe('format: cilium evaluator', () => {
  const pod = { namespace: 'azureml' }
  const fqdnRules = `
    - toFQDNs:
        - matchName: ml.azure.com
        - matchPattern: "*.blob.core.windows.net"
      toPorts:
        - ports: [{ port: "443", protocol: TCP }]`

  it('returns Cilium 1.18 toFQDNs semantics: exact names, one label per *, never the apex', async () => {
    const config = await configOf(cnp(`${dnsRule}${fqdnRules}`))
    const rows: Row[] = [
      [toHost(pod, 'ml.azure.com', 443), 'allowed'],
      [toHost(pod, 'ML.Azure.com.', 443), 'allowed'],
      [toHost(pod, 'ml.azure.com', 80), 'denied'],
      [toHost(pod, 'contoso.blob.core.windows.net', 443), 'allowed'],
      [toHost(pod, 'a.b.blob.core.windows.net', 443), 'denied'],
      [toHost(pod, 'blob.core.windows.net', 443), 'denied'],
      [toHost(pod, 'evil.com', 443), 'denied'],
      [
        podFlow(pod, { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, 53, 'UDP'),
        'allowed',
      ],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns the line of the egress item that allowed a flow, in spec and in specs', async () => {
    const text = `${cnp(`${dnsRule}${fqdnRules}`)}specs:
  - endpointSelector: {}
    egress:
      - toCIDR: [10.20.0.4/32]
`
    // Independent of the reader: the lines where the items start in the text itself.
    const lineOf = (marker: string) => text.slice(0, text.indexOf(marker)).split('\n').length
    const config = await configOf(text)
    expect(evaluateNetworkPolicy(config, toHost(pod, 'ml.azure.com', 443))).toMatchObject({
      verdict: 'allowed',
      decidedBy: { rule: 'azureml/fqdn', line: lineOf('- toFQDNs') },
    })
    expect(evaluateNetworkPolicy(config, toAddress(pod, '10.20.0.4', 443))).toMatchObject({
      verdict: 'allowed',
      decidedBy: { rule: 'azureml/fqdn', line: lineOf('- toCIDR') },
    })
  })

  it('returns unknown for a host allowed by name when DNS does not go through the proxy', async () => {
    const config = await configOf(cnp(fqdnRules))
    expect(evaluateNetworkPolicy(config, toHost(pod, 'ml.azure.com', 443)).verdict).toBe('unknown')
  })

  it('returns unknown where Cilium versions disagree on a leading **.', async () => {
    const config = await configOf(
      cnp(`${dnsRule}
    - toFQDNs: [{ matchPattern: "**.blob.core.windows.net" }]`),
    )
    const rows: Row[] = [
      [toHost(pod, 'x.blob.core.windows.net', 443), 'allowed'],
      [toHost(pod, 'a.b.blob.core.windows.net', 443), 'unknown'],
      [toHost(pod, 'blob.core.windows.net', 443), 'denied'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns entity semantics for kube-apiserver and world', async () => {
    const config = await configOf(
      cnp(`
    - toEntities: [kube-apiserver]
      toPorts: [{ ports: [{ port: "443", protocol: TCP }] }]
    - toEntities: [world]
      toPorts: [{ ports: [{ port: "80", protocol: TCP }] }]`),
    )
    const rows: Row[] = [
      [toApiServer(pod, 443), 'allowed'],
      [toApiServer(pod, 6443), 'denied'],
      [toApiServer(pod, 80), 'unknown'],
      [toAddress(pod, '1.2.3.4', 80), 'allowed'],
      [podFlow(pod, { namespace: 'azureml' }, 80), 'denied'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns allowed, decided by the Kubernetes default, for a pod no policy isolates', async () => {
    // GIVEN a policy in another namespace only
    const config = await configOf(defaultDenyWithDns)
    // WHEN a pod of a namespace without policies connects out
    const verdict = evaluateNetworkPolicy(config, toAddress(stranger, '1.2.3.4', 443))
    // THEN it is allowed, and the verdict says what allowed it
    expect(verdict).toStrictEqual({
      verdict: 'allowed',
      decidedBy: { rule: '(no policy isolates the pod: allowed by default)' },
      reason: 'No policy isolates the source pod in other for egress.',
    })
  })

  it('returns the same verdict from the deprecated evaluateFlow', async () => {
    const config = await configOf(defaultDenyWithDns)
    const flow = podFlow(web, kubeDns, 53, 'UDP')
    expect(evaluateFlow({ config, flow })).toStrictEqual(evaluateNetworkPolicy(config, flow))
  })

  it('returns Cilium rule semantics: an empty rule allows nothing, toPorts alone any peer', async () => {
    const empty = await configOf(
      cnp(`
    - {}`),
    )
    const portsOnly = await configOf(
      cnp(`
    - toPorts: [{ ports: [{ port: "443" }] }]`),
    )
    expect(evaluateNetworkPolicy(empty, toAddress(pod, '1.2.3.4', 443)).verdict).toBe('denied')
    expect(evaluateNetworkPolicy(portsOnly, toAddress(pod, '1.2.3.4', 443)).verdict).toBe('allowed')
    expect(evaluateNetworkPolicy(portsOnly, toAddress(pod, '1.2.3.4', 80)).verdict).toBe('denied')
  })

  it('returns same-namespace endpoints unless the selector names a namespace', async () => {
    const config = await configOf(
      cnp(`
    - toEndpoints: [{ matchLabels: { app: x } }]
    - toEndpoints: [{ matchLabels: { k8s:io.kubernetes.pod.namespace: models } }]`),
    )
    const rows: Row[] = [
      [podFlow(pod, { namespace: 'azureml', labels: { app: 'x' } }, 80), 'allowed'],
      [podFlow(pod, { namespace: 'other', labels: { app: 'x' } }, 80), 'denied'],
      [podFlow(pod, { namespace: 'models' }, 80), 'allowed'],
    ]
    expect(table(config, rows)).toStrictEqual(expected(rows))
  })

  it('returns unknown when a selecting policy has deny rules or another engine policy is present', async () => {
    const deny = await configOf(cnp(fqdnRules, '  egressDeny:\n    - toCIDR: [1.2.3.4/32]\n'))
    expect(evaluateNetworkPolicy(deny, toAddress(pod, '5.6.7.8', 443)).verdict).toBe('unknown')
    const calico = await configOf(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: deny-all }
spec: { selector: all() }
`)
    expect(evaluateNetworkPolicy(calico, toAddress(pod, '5.6.7.8', 443)).verdict).toBe('unknown')
  })
})
