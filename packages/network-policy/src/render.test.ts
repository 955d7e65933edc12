import { type Flow, parseProfile, resolvePlan } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { toApiServer as toApiServerFlow, toHost } from '../test/flows'
import { planOf, planRule, SUBNET, serviceTags } from '../test/plan'
import { documentsOf, schemaProblems } from '../test/validators'
import { evaluateNetworkPolicy } from './evaluate'
import { oneLine } from './policies'
import { readNetworkPolicy } from './read'
import {
  renderCilium,
  renderCiliumPolicies,
  renderNetworkPolicies,
  renderNetworkPolicy,
} from './render'

const feToModels = planRule({
  id: 'fe-to-models',
  direction: 'inCluster',
  source: { kind: 'pods', namespaces: ['azureml'], podLabels: { app: 'azureml-fe' } },
  destination: { kind: 'pods', namespaces: ['models'], podLabels: {} },
  ports: [{ from: 5001, to: 5001 }],
})
const toDns = planRule({
  id: 'to-dns',
  direction: 'inCluster',
  protocol: 'ANY',
  source: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
  destination: { kind: 'pods', namespaces: ['kube-system'], podLabels: { 'k8s-app': 'kube-dns' } },
  ports: [{ from: 53, to: 53 }],
})
const toApiServer = (addresses: string[]) =>
  planRule({
    id: 'to-api',
    direction: 'inCluster',
    source: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
    destination: { kind: 'apiServer', addresses },
  })
const toBlob = planRule({
  id: 'to-blob',
  direction: 'outbound',
  source: SUBNET,
  destination: { kind: 'fqdn', fqdn: '*.blob.core.windows.net' },
  ports: [{ from: 443, to: 443 }],
  serviceTagFallbacks: ['Storage.WestEurope'],
})

type Doc = {
  kind: string
  metadata: { name: string; namespace: string }
  spec: Record<string, unknown>
}

function docs(files: { path: string; contents: string }[]): Doc[] {
  return documentsOf(files) as unknown as Doc[]
}

describe('format: network-policy', () => {
  it('returns egress in the source namespace and ingress in the destination namespace for a pod rule', () => {
    // GIVEN azureml-fe must reach the model pods on 5001
    const plan = planOf([feToModels])
    // WHEN rendered
    const result = renderNetworkPolicy(plan)
    // THEN both sides allow it, the peer ANDs namespace and pod selectors in one element
    expect(
      docs(result.files).map((d) => [d.metadata.namespace, d.metadata.name, d.spec]),
    ).toStrictEqual([
      [
        'azureml',
        'aml-egress-from-app-azureml-fe',
        {
          podSelector: { matchLabels: { app: 'azureml-fe' } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'models' } } },
              ],
              ports: [{ protocol: 'TCP', port: 5001 }],
            },
          ],
        },
      ],
      [
        'models',
        'aml-egress-to-all-pods',
        {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'azureml' } },
                  podSelector: { matchLabels: { app: 'azureml-fe' } },
                },
              ],
              ports: [{ protocol: 'TCP', port: 5001 }],
            },
          ],
        },
      ],
    ])
  })

  it('returns no ingress policy in kube-system when pods must reach cluster DNS', () => {
    // GIVEN DNS to kube-dns on 53, protocol ANY
    const result = renderNetworkPolicy(planOf([toDns]))
    // THEN only the egress side is written (isolating CoreDNS would break the cluster), TCP+UDP 53
    const written = docs(result.files)
    expect(written.map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toStrictEqual([
      'azureml/aml-egress-from-all-pods',
    ])
    expect(written[0]?.spec.egress).toStrictEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [
          { protocol: 'TCP', port: 53 },
          { protocol: 'UDP', port: 53 },
        ],
      },
    ])
  })

  it('returns an unresolved-address diagnostic and no rule when the API server address is unknown', () => {
    const result = renderNetworkPolicy(planOf([toApiServer([])]))
    expect(result.files).toStrictEqual([])
    expect(result.diagnostics.map((d) => [d.code, d.ruleId])).toStrictEqual([
      ['AML_EGRESS_UNRESOLVED_ADDRESS', 'to-api'],
    ])
  })

  it('returns an ipBlock per API server address when the profile gives them', () => {
    const result = renderNetworkPolicy(planOf([toApiServer(['10.20.0.4/32'])]))
    expect(docs(result.files)[0]?.spec.egress).toStrictEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.4/32' } }], ports: [{ protocol: 'TCP' }] },
    ])
  })

  it('returns an out-of-scope diagnostic and a deny-all egress policy for a host without a service-tags file', () => {
    const result = renderNetworkPolicy(planOf([toBlob]))
    // The source pods stay isolated: what cannot be expressed is denied, never opened.
    expect(docs(result.files).map((d) => d.spec)).toStrictEqual([
      { podSelector: {}, policyTypes: ['Egress'] },
    ])
    // A plain NetworkPolicy cannot name hosts: the rule belongs to a format that can (Cilium),
    // an info (issue 20), recording the capability lacked: *.blob… is a wildcard host.
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.ruleId, d.lacks])).toStrictEqual([
      ['AML_EGRESS_OUT_OF_SCOPE', 'info', 'to-blob', 'wildcardFqdn'],
    ])
  })

  it('returns the fallback tag as IPv4 ipBlocks with a diagnostic when a service-tags file is given', () => {
    const result = renderNetworkPolicy(planOf([toBlob]), { serviceTags })
    const written = docs(result.files)
    // Outbound rules start from every pod of the AML namespace (default azureml).
    expect(written.map((d) => `${d.metadata.namespace}/${d.metadata.name}`)).toStrictEqual([
      'azureml/aml-egress-from-all-pods',
    ])
    expect(written[0]?.spec.egress).toStrictEqual([
      {
        to: [{ ipBlock: { cidr: '20.60.0.0/16' } }, { ipBlock: { cidr: '52.239.140.0/22' } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ])
    expect(result.diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_SERVICE_TAG_FALLBACK'])
    expect(result.files[0]?.contents).toContain('changeNumber 101')
  })

  it('returns the narrowest documented tag when a host has several fallbacks', () => {
    const acr = planRule({
      id: 'to-acr',
      direction: 'outbound',
      source: SUBNET,
      destination: { kind: 'fqdn', fqdn: 'contosoacr.azurecr.io' },
      ports: [{ from: 443, to: 443 }],
      serviceTagFallbacks: ['AzureContainerRegistry', 'AzureContainerRegistry.WestEurope'],
    })
    const result = renderNetworkPolicy(planOf([acr]), { serviceTags })
    expect(docs(result.files)[0]?.spec.egress).toStrictEqual([
      { to: [{ ipBlock: { cidr: '51.124.64.0/19' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ])
  })

  it('returns a not-egress diagnostic for an inbound rule', () => {
    const inbound = planRule({
      id: 'inbound-44224',
      direction: 'inbound',
      source: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
      destination: SUBNET,
      ports: [{ from: 44224, to: 44224 }],
    })
    const result = renderNetworkPolicy(planOf([inbound]))
    // Info, as in every format (core's one severity policy, issue 20: an egress-only target is
    // not meant to carry inbound rules), pointing at the subnet NSG.
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.ruleId, d.help])).toStrictEqual([
      [
        'AML_EGRESS_NOT_EGRESS',
        'info',
        'inbound-44224',
        'Allow it in the subnet NSG (render with the terraform format).',
      ],
    ])
  })

  it('returns an unsupported-feature diagnostic naming the tags when the service-tags file has none of them', () => {
    // GIVEN a host whose only documented tag is missing from the file
    const toKeyVault = planRule({
      ...toBlob,
      id: 'to-vault',
      destination: { kind: 'fqdn', fqdn: 'contoso.vault.azure.net' },
      serviceTagFallbacks: ['AzureKeyVault.WestEurope'],
    })
    // WHEN rendered with that file
    const result = renderNetworkPolicy(planOf([toKeyVault]), { serviceTags })
    // THEN nothing is allowed for it, and the diagnostic says which tag the file would need
    expect(docs(result.files).map((d) => d.spec)).toStrictEqual([
      { podSelector: {}, policyTypes: ['Egress'] },
    ])
    expect(result.diagnostics.map((d) => [d.code, d.ruleId])).toStrictEqual([
      ['AML_EGRESS_UNSUPPORTED_FEATURE', 'to-vault'],
    ])
    expect(result.diagnostics[0]?.help).toContain('AzureKeyVault.WestEurope')
  })

  it('returns the same result from the deprecated names as from the new ones', () => {
    const plan = planOf([feToModels, toBlob])
    expect(renderNetworkPolicies({ plan, options: { serviceTags } })).toStrictEqual(
      renderNetworkPolicy(plan, { serviceTags }),
    )
    expect(renderCiliumPolicies({ plan })).toStrictEqual(renderCilium(plan))
  })

  it('returns integer ports and endPort for a range', () => {
    const range = planRule({
      ...feToModels,
      id: 'range',
      ports: [
        { from: 8000, to: 8001 },
        { from: 9001, to: 9001 },
      ],
    })
    const result = renderNetworkPolicy(planOf([range]))
    expect(result.files[0]?.contents).toContain('port: 8000\n          endPort: 8001')
    expect(result.files[0]?.contents).not.toMatch(/port: "/)
  })

  it('returns a default-deny policy for the AML namespace only when asked', () => {
    const plan = planOf([toApiServer(['10.20.0.4/32'])])
    const names = (defaultDeny: boolean) =>
      docs(renderNetworkPolicy(plan, { defaultDeny }).files).map((d) => d.metadata.name)
    expect(names(false)).toStrictEqual(['aml-egress-from-all-pods'])
    expect(names(true)).toStrictEqual(['aml-egress-default-deny', 'aml-egress-from-all-pods'])
    const deny = docs(renderNetworkPolicy(plan, { defaultDeny: true }).files)[0]
    expect(deny?.spec).toStrictEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] })
  })

  it('returns an invalid-input diagnostic instead of writing a label Kubernetes would reject', () => {
    const bad = planRule({
      ...feToModels,
      id: 'bad\nid: injected',
      source: { kind: 'pods', namespaces: ['azureml'], podLabels: { 'app\nkind': 'x: y' } },
    })
    const result = renderNetworkPolicy(planOf([bad, toApiServer(['10.20.0.4/32'])]))
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toStrictEqual([
      ['AML_EGRESS_INVALID_INPUT', 'error'],
    ])
    expect(result.files[0]?.contents).not.toContain('injected')
  })

  it('returns one-line comments when a rule id holds a line break', () => {
    const odd = planRule({ ...toApiServer(['10.20.0.4/32']), id: 'a\nkind: Secret' })
    const contents = renderNetworkPolicy(planOf([odd])).files[0]?.contents ?? ''
    expect(contents).toContain('# a kind: Secret')
    expect(contents).not.toMatch(/^kind: Secret/m)
  })
})

describe('format: cilium', () => {
  it('returns toFQDNs with matchName for a host and one pattern per label depth for a wildcard', () => {
    // (Another requirement: hosts of one requirement and ports share one item, tested below.)
    const exact = planRule({
      ...toBlob,
      id: 'exact',
      destination: { kind: 'fqdn', fqdn: 'ml.azure.com' },
      requirementIds: ['other-requirement'],
    })
    const result = renderCilium(planOf([exact, toBlob]))
    const [policy] = docs(result.files).filter((d) => d.kind === 'CiliumNetworkPolicy')
    const egress = policy?.spec.egress as Record<string, unknown>[]
    expect(egress.map((rule) => rule.toFQDNs)).toStrictEqual([
      undefined,
      [{ matchName: 'ml.azure.com' }],
      [{ matchPattern: '*.blob.core.windows.net' }, { matchPattern: '*.*.blob.core.windows.net' }],
    ])
    // The first rule sends DNS through Cilium's proxy, which toFQDNs needs.
    expect(egress[0]).toStrictEqual({
      toEndpoints: [
        {
          matchLabels: {
            'k8s:io.kubernetes.pod.namespace': 'kube-system',
            'k8s:k8s-app': 'kube-dns',
          },
        },
      ],
      toPorts: [
        {
          ports: [
            { port: '53', protocol: 'UDP' },
            { port: '53', protocol: 'TCP' },
          ],
          rules: { dns: [{ matchPattern: '*' }] },
        },
      ],
    })
    expect(result.diagnostics.map((d) => [d.code, d.ruleId])).toStrictEqual([
      ['AML_EGRESS_LOSSY_TRANSLATION', 'to-blob'],
    ])
  })

  it('returns one egress item listing the hosts of one requirement on the same ports', () => {
    // GIVEN two storage accounts of one requirement on 443, and a host of another requirement
    const account = (name: string) =>
      planRule({
        ...toBlob,
        id: name,
        destination: { kind: 'fqdn', fqdn: `${name}.blob.core.windows.net` },
      })
    const other = planRule({
      ...toBlob,
      id: 'kv',
      destination: { kind: 'fqdn', fqdn: 'kv.vault.azure.net' },
      requirementIds: ['other-requirement'],
    })
    const result = renderCilium(planOf([account('sa1'), other, account('sa2')]))
    const [policy] = docs(result.files).filter((d) => d.kind === 'CiliumNetworkPolicy')
    const egress = policy?.spec.egress as Record<string, unknown>[]
    // THEN after the DNS item: one item names both accounts (where the first was), one the vault;
    // a merged item would give the vault's requirement ports it does not have if ports differed
    expect(egress.slice(1).map((rule) => rule.toFQDNs)).toStrictEqual([
      [{ matchName: 'sa1.blob.core.windows.net' }, { matchName: 'sa2.blob.core.windows.net' }],
      [{ matchName: 'kv.vault.azure.net' }],
    ])
    const text = result.files.find((f) => f.path.includes('cilium'))?.contents ?? ''
    expect(text).toContain('# outbound/tcp to 2 hosts [')
  })

  it('returns host items that allow their hosts from every source namespace, one named twice included', async () => {
    // GIVEN two hosts of one requirement from labelled pods in b, a and b again (a namespace named
    // twice puts each rule twice in one policy), a host of another requirement from the compute
    // subnets, and the API server from pods in azureml (named twice too)
    const fromPods = { kind: 'pods', namespaces: ['b', 'a', 'b'], podLabels: { app: 'x' } } as const
    const account = (name: string) =>
      planRule({
        ...toBlob,
        id: name,
        source: fromPods,
        destination: { kind: 'fqdn', fqdn: `${name}.blob.core.windows.net` },
      })
    const vault = planRule({
      ...toBlob,
      id: 'kv',
      destination: { kind: 'fqdn', fqdn: 'kv.vault.azure.net' },
      requirementIds: ['other-requirement'],
    })
    const apiServer = planRule({
      ...toApiServer([]),
      source: { kind: 'pods', namespaces: ['azureml', 'azureml'], podLabels: {} },
    })
    const result = renderCilium(planOf([account('sa1'), vault, apiServer, account('sa2')]))
    expect(documentsOf(result.files).flatMap(schemaProblems)).toStrictEqual([])
    // WHEN the policies are read back and flows evaluated
    const config = (await readNetworkPolicy(result.files)).config
    const verdict = (flow: Flow) => evaluateNetworkPolicy(config, flow).verdict
    const labelled = (namespace: string) => ({ namespace, labels: { app: 'x' } })
    // THEN the labelled pods in a and b reach both accounts on 443 only, not the vault
    for (const pod of [labelled('a'), labelled('b')]) {
      expect(verdict(toHost(pod, 'sa1.blob.core.windows.net', 443))).toBe('allowed')
      expect(verdict(toHost(pod, 'sa2.blob.core.windows.net', 443))).toBe('allowed')
      expect(verdict(toHost(pod, 'sa1.blob.core.windows.net', 80))).toBe('denied')
      expect(verdict(toHost(pod, 'kv.vault.azure.net', 443))).toBe('denied')
    }
    // AND the compute subnets' pods (azureml) reach the vault and the API server, not the accounts
    const compute = { namespace: 'azureml' }
    expect(verdict(toHost(compute, 'kv.vault.azure.net', 443))).toBe('allowed')
    expect(verdict(toHost(compute, 'sa1.blob.core.windows.net', 443))).toBe('denied')
    expect(verdict(toApiServerFlow(compute, 443))).toBe('allowed')
  })

  it('returns the kube-apiserver entity when the API server address is unknown', () => {
    const result = renderCilium(planOf([toApiServer([])]))
    const [policy] = docs(result.files)
    expect(policy?.spec.egress).toStrictEqual([
      { toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '0', protocol: 'TCP' }] }] },
    ])
    expect(result.diagnostics).toStrictEqual([])
  })

  it('returns the host and an info note when the docs name a URL path under it', () => {
    // GIVEN a host rule with a URL path
    const withPath = planRule({
      ...toBlob,
      id: 'with-path',
      destination: { kind: 'fqdn', fqdn: 'ml.azure.com', urlPath: '/api/' },
    })
    // WHEN rendered for Cilium (L3/L4 and DNS names, no paths)
    const result = renderCilium(planOf([withPath]))
    // THEN the host is allowed, and the path needing TLS inspection is advice, not a warning
    expect(result.files[0]?.contents).toContain('matchName: ml.azure.com')
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.ruleId])).toStrictEqual([
      ['AML_EGRESS_TLS_INSPECTION_REQUIRED', 'info', 'with-path'],
    ])
  })

  it('returns a single pattern when the wildcard depth is 1', () => {
    const result = renderCilium(planOf([toBlob]), { wildcardDepth: 1 })
    expect(result.files[0]?.contents).not.toContain('*.*.')
  })
})

describe('format: network-policy and cilium output validity', () => {
  const plan = resolvePlan(
    parseProfile({
      workspaces: [
        {
          id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
          region: 'westeurope',
          storageAccounts: ['contosomlsa'],
          containerRegistries: ['contosoacr'],
        },
      ],
      compute: ['kubernetes'],
      workloads: ['training', 'inference'],
      features: { publicIpCompute: true },
      kubernetes: { modelNamespaces: ['models', 'scoring'], apiServerAddresses: ['10.20.0.4/32'] },
      sourceAddresses: ['10.10.0.0/24'],
    }),
  )
  const renderings = {
    'network-policy': renderNetworkPolicy(plan, { serviceTags, defaultDeny: true }),
    cilium: renderCilium(plan, { serviceTags, defaultDeny: true }),
  }

  for (const [name, result] of Object.entries(renderings)) {
    it(`returns documents that pass the strict schema, kubernetes-models and the Cilium CRD (${name})`, () => {
      const written = documentsOf(result.files)
      expect(written.length).toBeGreaterThan(3)
      expect(written.flatMap(schemaProblems)).toStrictEqual([])
    })

    it(`returns byte-identical output for the same plan (${name})`, () => {
      const again =
        name === 'cilium'
          ? renderCilium(plan, { serviceTags, defaultDeny: true })
          : renderNetworkPolicy(plan, { serviceTags, defaultDeny: true })
      expect(again).toStrictEqual(result)
    })

    it(`returns no error diagnostics and never allows 0.0.0.0/0 (${name})`, () => {
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([])
      expect(result.files.map((f) => f.contents).join('')).not.toContain('0.0.0.0/0')
    })
  }
})

describe('oneLine', () => {
  it('returns each run of control or non-ASCII characters as one space, trimmed', () => {
    expect(oneLine('a\n\tb\u00e9c\r\n')).toBe('a b c')
  })

  it('returns printable text as it is, without surrounding spaces', () => {
    expect(oneLine('  fe-to-models [r1, r2] - note ')).toBe('fe-to-models [r1, r2] - note')
  })
})
