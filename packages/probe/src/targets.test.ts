import { describe, expect, it } from 'vitest'
import { contosoPlan, handPlan, planRule } from '../test/plans'
import { probeTargets } from './targets'

describe('probe: targets', () => {
  it('returns one target per port for an exact host, with TLS only on 443', () => {
    // GIVEN an exact host rule on 80 and 443
    const plan = handPlan([
      planRule({
        id: 'outbound/tcp/login.microsoftonline.com',
        destination: { kind: 'fqdn', fqdn: 'login.microsoftonline.com' },
        ports: [
          { from: 80, to: 80 },
          { from: 443, to: 443 },
        ],
      }),
    ])
    // WHEN its targets are derived
    const { targets } = probeTargets(plan)
    // THEN the host itself is contacted on both ports; 443 is HTTPS
    expect(targets.map((t) => [t.host, t.port, t.https, t.hostSource])).toStrictEqual([
      ['login.microsoftonline.com', 80, false, 'exact'],
      ['login.microsoftonline.com', 443, true, 'exact'],
    ])
  })

  it('returns the host the plan folded under a wildcard, else the documented sample name', () => {
    // GIVEN *.blob… with the workspace's account folded under it, and a bare *.azureml.ms
    const plan = handPlan([
      planRule({
        id: 'outbound/tcp/*.blob.core.windows.net',
        destination: { kind: 'fqdn', fqdn: '*.blob.core.windows.net' },
        subsumes: [
          { fqdn: 'zz.blob.core.windows.net', requirementIds: ['a'] },
          { fqdn: '*.x.blob.core.windows.net', requirementIds: ['b'] },
          { fqdn: 'contosomlstore.blob.core.windows.net', requirementIds: ['c'] },
        ],
      }),
      planRule({
        id: 'outbound/tcp/*.azureml.ms',
        destination: { kind: 'fqdn', fqdn: '*.azureml.ms' },
      }),
    ])
    // WHEN its targets are derived
    const { targets } = probeTargets(plan)
    // THEN the first concrete folded host (sorted; wildcards skipped), and core's sample prefix
    expect(targets.map((t) => [t.pattern, t.host, t.hostSource])).toStrictEqual([
      ['*.blob.core.windows.net', 'contosomlstore.blob.core.windows.net', 'subsumed'],
      ['*.azureml.ms', 'aml-egress-sample.azureml.ms', 'sample'],
    ])
  })

  it('returns UDP, service-tag, inbound and in-cluster flows as not probed with a reason', () => {
    const plan = handPlan([
      planRule({
        id: 'outbound/udp/westeurope.tundra.azureml.ms',
        destination: { kind: 'fqdn', fqdn: 'westeurope.tundra.azureml.ms' },
        protocol: 'UDP',
        ports: [{ from: 5831, to: 5831 }],
      }),
      planRule({
        id: 'outbound/tcp/tag:Storage.WestEurope',
        destination: { kind: 'serviceTag', tag: 'Storage.WestEurope' },
        ports: [
          { from: 443, to: 443 },
          { from: 445, to: 445 },
        ],
      }),
      planRule({
        id: 'inbound/tcp/tag:AzureMachineLearning',
        direction: 'inbound',
        source: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
        destination: { kind: 'addresses', addresses: ['10.10.0.0/24'] },
        ports: [{ from: 44224, to: 44224 }],
      }),
      planRule({
        id: 'inCluster/tcp/apiserver',
        direction: 'inCluster',
        source: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
        destination: { kind: 'apiServer', addresses: ['10.0.0.1/32'] },
      }),
    ])
    const { targets, notProbed } = probeTargets(plan)
    expect(targets).toStrictEqual([])
    expect(
      notProbed.map((n) => [n.ruleId, n.protocol, n.ports, n.reason.split(':')[0]]),
    ).toStrictEqual([
      ['outbound/udp/westeurope.tundra.azureml.ms', 'UDP', [5831], 'UDP has no handshake'],
      ['outbound/tcp/tag:Storage.WestEurope', 'TCP', [443, 445], 'service tag'],
      ['inbound/tcp/tag:AzureMachineLearning', 'TCP', [44224], 'inbound'],
      ['inCluster/tcp/apiserver', 'TCP', [443], 'in-cluster'],
    ])
  })

  it('returns one target when two rules lead to the same host and port, keeping the stronger level', () => {
    const plan = handPlan([
      planRule({
        id: 'outbound/any/a.example.com',
        protocol: 'ANY',
        level: 'recommended',
        requirementIds: ['x-01'],
        destination: { kind: 'fqdn', fqdn: 'a.example.com' },
      }),
      planRule({
        id: 'outbound/tcp/a.example.com',
        requirementIds: ['y-01'],
        destination: { kind: 'fqdn', fqdn: 'a.example.com' },
      }),
    ])
    const { targets } = probeTargets(plan)
    expect(targets.map((t) => [t.host, t.level, t.requirementIds])).toStrictEqual([
      ['a.example.com', 'required', ['x-01', 'y-01']],
    ])
  })

  it('returns only hosts of the plan, and every outbound TCP host flow, for a resolved plan', () => {
    // GIVEN a real plan
    const plan = contosoPlan()
    const { targets, notProbed } = probeTargets(plan)
    // THEN every target host is the plan's exact host or matches its wildcard
    for (const target of targets)
      expect(
        target.pattern === target.host || target.host.endsWith(target.pattern.slice(1)),
        target.host,
      ).toBe(true)
    // AND the non-TCP / non-host flows are accounted for, none silently dropped
    const accounted = new Set([...targets, ...notProbed].map((t) => t.ruleId))
    expect(plan.rules.filter((rule) => !accounted.has(rule.id)).map((r) => r.id)).toStrictEqual([])
    expect(targets.map((t) => `${t.host}:${t.port}`)).toContain(
      'contosomlstore.file.core.windows.net:445',
    )
    expect(targets.map((t) => `${t.host}:${t.port}`)).toContain(
      'contosomlstore.blob.core.windows.net:443',
    )
  })

  it('returns not-probed rows told apart by their source when only the source differs (kube-dns)', () => {
    // GIVEN DNS to kube-dns from two namespaces: two rules, same requirement, destination and ports
    const dns = (namespace: string) =>
      planRule({
        id: `inCluster/udp/pods:${namespace}{}->pods:kube-system{k8s-app=kube-dns}`,
        direction: 'inCluster',
        source: { kind: 'pods', namespaces: [namespace], podLabels: {} },
        destination: {
          kind: 'pods',
          namespaces: ['kube-system'],
          podLabels: { 'k8s-app': 'kube-dns' },
        },
        protocol: 'UDP',
        ports: [{ from: 53, to: 53 }],
        requirementIds: ['k8s-in-03'],
      })
    const { notProbed } = probeTargets(handPlan([dns('azureml'), dns('models')]))
    // THEN each row says where it comes from, so no two rows read the same
    expect(notProbed.map((n) => [n.source, n.destination, n.protocol, n.ports])).toStrictEqual([
      ['pods in azureml', 'pods in kube-system', 'UDP', [53]],
      ['pods in models', 'pods in kube-system', 'UDP', [53]],
    ])
  })
})
