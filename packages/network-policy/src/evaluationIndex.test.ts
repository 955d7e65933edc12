import {
  type DecidedBy,
  describeFlow,
  type Flow,
  parseProfile,
  planFlows,
  resolvePlan,
} from '@aml-egress/core'
import { kubernetesFleetProfile } from '@aml-egress/test-matrix/bench'
import { describe, expect, it } from 'vitest'
import { configOf, toHost } from '../test/flows'
import { evaluateNetworkPolicy } from './evaluate'
import type { EffectivePolicy, NetworkPolicyConfig, PolicyPeer, PolicyRule } from './model'
import { readNetworkPolicy } from './read'
import { renderCilium } from './render'

/*
 * The evaluator looks up the rules that can name a flow's host instead of walking every rule.
 * These tests hold it to verdicts worked out without it: a deliberately plain walk over the read
 * policies with its own Cilium 1.18 matcher, on every host flow of a resolved fleet and on probes
 * next to them (sibling names, apexes, deeper names, other ports, UDP, other spellings).
 */

/** Cilium 1.18 matchPattern, label by label: `*` is any run of DNS characters within one label. */
function labelMatches(pattern: string, label: string): boolean {
  const [first = '', ...rest] = pattern.split('*')
  if (rest.length === 0) return pattern === label
  if (!label.startsWith(first) || /[^-a-z0-9_]/.test(label)) return false
  let at = first.length
  for (const [i, part] of rest.entries()) {
    const last = i === rest.length - 1
    const found = last ? label.length - part.length : label.indexOf(part, at)
    if (found < at || (last && !label.endsWith(part))) return false
    at = found + part.length
  }
  return true
}

function canonical(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '')
}

function nameMatches(peer: PolicyPeer & { kind: 'fqdn' }, host: string): boolean {
  if (peer.matchName !== undefined) return canonical(peer.matchName) === host
  if (peer.matchPattern === undefined) throw new Error('reference: a toFQDNs entry naming nothing')
  const pattern = canonical(peer.matchPattern)
  if (pattern === '*') return true
  const wanted = pattern.split('.')
  const labels = host.split('.')
  return wanted.length === labels.length && wanted.every((p, i) => labelMatches(p, labels[i] ?? ''))
}

const PRIVATE = [/^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./]

/** Does the rule let the host through, on this port? Throws on what the reference does not model. */
function referenceRuleAllows(rule: PolicyRule, flow: Flow, host: string): boolean {
  const portOk =
    rule.ports === 'all' ||
    rule.ports.some((match) => {
      if (match.namedPort !== undefined) throw new Error('reference: named port')
      const protocolOk = match.protocol === 'ANY' || match.protocol === flow.protocol
      const from = match.port ?? 0
      const to = match.endPort ?? match.port ?? 65535
      // An L7 rule other than "any DNS name" is not L4: the evaluator says unknown.
      const l4 = match.l7 === undefined || (match.l7.kind === 'dns' && match.l7.allowsAllNames)
      return protocolOk && from <= flow.port && flow.port <= to && l4
    })
  if (!portOk) return false
  if (rule.peers === 'all') return true
  return rule.peers.some((peer) => {
    if (peer.kind === 'fqdn') return nameMatches(peer, host)
    if (peer.kind === 'entity') return ['all', 'world', 'world-ipv4'].includes(peer.entity)
    // The fleet's ipBlocks are private (the API server); public hosts are outside them.
    if (peer.kind === 'cidr' && PRIVATE.some((block) => block.test(peer.cidr))) return false
    if (peer.kind === 'pods') return false
    throw new Error(`reference: ${peer.kind} peer`)
  })
}

function referenceSelects(
  policy: EffectivePolicy,
  pod: { namespace: string; labels: Record<string, string> },
): boolean {
  if (policy.namespace !== undefined && policy.namespace !== pod.namespace) return false
  if ((policy.subject.matchExpressions ?? []).length > 0) throw new Error('reference: expressions')
  return Object.entries(policy.subject.matchLabels ?? {}).every(
    ([key, value]) => pod.labels[key.replace(/^k8s:/, '')] === value,
  )
}

/** The first egress rule, in file and document order, of a policy selecting the source pod. */
function referenceVerdict(
  config: NetworkPolicyConfig,
  flow: Flow,
): { verdict: string; decidedBy?: DecidedBy } {
  const { source, destination } = flow
  if (destination.kind !== 'host') throw new Error('reference: host flows only')
  const pod =
    source.kind === 'pod'
      ? { namespace: source.namespace, labels: source.labels }
      : { namespace: config.sourceNamespace, labels: {} }
  const host = canonical(destination.host)
  for (const policy of config.policies) {
    if (!referenceSelects(policy, pod)) continue
    const rule = (policy.egress ?? []).find((r) => referenceRuleAllows(r, flow, host))
    if (rule) {
      const line = rule.line ?? policy.line
      return {
        verdict: 'allowed',
        decidedBy: {
          rule: `${policy.namespace ?? '(cluster)'}/${policy.name}`,
          file: policy.file,
          ...(line !== undefined ? { line } : {}),
        },
      }
    }
  }
  return { verdict: 'denied' }
}

/** Flows next to a host flow that a name index could get wrong. */
function probesAround(flow: Flow & { destination: { kind: 'host' } }): Flow[] {
  const { host } = flow.destination
  const [, ...parent] = host.split('.')
  const at = (name: string): Flow => ({ ...flow, destination: { ...flow.destination, host: name } })
  return [
    flow,
    at(['sibling-probe', ...parent].join('.')),
    at(parent.join('.')),
    at(`deeper.probe.${host}`),
    at(`${host.toUpperCase()}.`),
    at(`${host}.example.org`),
    { ...flow, port: 8443 },
    { ...flow, protocol: 'UDP' },
  ]
}

describe('evaluateNetworkPolicy with the evaluation index', () => {
  it('returns the verdicts and decidedBy of a plain rule walk on every host flow of a 120-workspace fleet, and on probes around them', async () => {
    // GIVEN the Cilium policies of a resolved Kubernetes fleet, read back
    const plan = resolvePlan(parseProfile(kubernetesFleetProfile(120)))
    const config = (await readNetworkPolicy(renderCilium(plan).files)).config
    // WHEN every host flow of the plan, and the probes around each, are evaluated
    const flows = planFlows(plan)
      .filter((flow) => flow.destination.kind === 'host' && flow.direction !== 'inbound')
      .flatMap((flow) => probesAround(flow as Flow & { destination: { kind: 'host' } }))
    const actual = flows.map((flow) => {
      const { verdict, decidedBy } = evaluateNetworkPolicy(config, flow)
      return [describeFlow(flow), { verdict, ...(decidedBy ? { decidedBy } : {}) }] as const
    })
    // THEN each verdict is the reference's, and both outcomes occur many times
    const reference = flows.map(
      (flow) => [describeFlow(flow), referenceVerdict(config, flow)] as const,
    )
    expect(actual).toStrictEqual(reference)
    const count = (verdict: string) => reference.filter(([, r]) => r.verdict === verdict).length
    expect(flows.length).toBeGreaterThan(5000)
    expect(count('allowed')).toBeGreaterThan(1000)
    expect(count('denied')).toBeGreaterThan(1000)
  })

  /** One CiliumNetworkPolicy per rule: decidedBy names the policy, so it shows which rule won. */
  const cnp = (name: string, rule: string) => `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: ${name}, namespace: azureml }
spec:
  endpointSelector: {}
  egress:
    - ${rule}
`
  const tcp = (...ports: number[]) =>
    `toPorts: [{ ports: [${ports.map((port) => `{ port: "${port}", protocol: TCP }`).join(', ')}] }]`
  const byName = [
    cnp(
      'dns',
      `toEndpoints: [{ matchLabels: { k8s:io.kubernetes.pod.namespace: kube-system, k8s:k8s-app: kube-dns } }]
      toPorts: [{ ports: [{ port: "53", protocol: ANY }], rules: { dns: [{ matchPattern: "*" }] } }]`,
    ),
    cnp('world', `toEntities: [world]\n      ${tcp(25)}`),
    cnp('pattern', `toFQDNs: [{ matchPattern: "*.example.com" }]\n      ${tcp(443)}`),
    cnp('name', `toFQDNs: [{ matchName: API.Example.com. }]\n      ${tcp(443, 8443, 25)}`),
    cnp(
      'in-label',
      `toFQDNs: [{ matchPattern: "a*b.example.org" }, { matchPattern: exact.example.org }]`,
    ),
    cnp('last-label', `toFQDNs: [{ matchPattern: "example.*" }]\n      ${tcp(80)}`),
    cnp('any-name', `toFQDNs: [{ matchPattern: "*" }]\n      ${tcp(22)}`),
  ].join('')

  it('returns the first policy in document order, whether it names the host, matches it by pattern, or by entity', async () => {
    const config = await configOf(byName)
    const pod = { namespace: 'azureml' }
    const decide = (host: string, port: number) => {
      const { verdict, decidedBy } = evaluateNetworkPolicy(config, toHost(pod, host, port))
      return [verdict, decidedBy?.rule]
    }
    expect([
      decide('api.example.com', 25),
      decide('api.example.com', 443),
      decide('API.EXAMPLE.COM.', 8443),
      decide('api.example.com', 22),
      decide('example.com', 443),
      decide('axyzb.example.org', 443),
      decide('ab.example.org', 443),
      decide('a.b.example.org', 443),
      decide('exact.example.org', 9999),
      decide('x.exact.example.org', 443),
      decide('example.net', 80),
      decide('example.net', 443),
      decide('anything.test', 25),
    ]).toStrictEqual([
      ['allowed', 'azureml/world'],
      ['allowed', 'azureml/pattern'],
      ['allowed', 'azureml/name'],
      ['allowed', 'azureml/any-name'],
      ['denied', undefined],
      ['allowed', 'azureml/in-label'],
      ['allowed', 'azureml/in-label'],
      ['denied', undefined],
      ['allowed', 'azureml/in-label'],
      ['denied', undefined],
      ['allowed', 'azureml/last-label'],
      ['denied', undefined],
      ['allowed', 'azureml/world'],
    ])
  })

  it('returns verdicts of the current policies when a read config has them replaced', async () => {
    // GIVEN a read config whose policies are swapped for others after reading
    const read = await configOf(byName)
    const other = await configOf(byName.replace('"*.example.com"', '"*.example.net"'))
    const swapped: NetworkPolicyConfig = { ...read, policies: other.policies }
    // WHEN a host only the new policies allow is evaluated
    const flow = toHost({ namespace: 'azureml' }, 'www.example.net', 443)
    // THEN the verdict is theirs, not the stale index's
    expect(evaluateNetworkPolicy(read, flow).verdict).toBe('denied')
    expect(evaluateNetworkPolicy(swapped, flow).verdict).toBe('allowed')
  })

  it('returns unknown and a reader diagnostic, not an exception, for a toFQDNs value the CRD refuses', async () => {
    // GIVEN values outside the CRD's `^([-a-zA-Z0-9_*]+[.]?)+$` (a pattern) and
    // `^([-a-zA-Z0-9_]+[.]?)+$` (a name): one is not even a valid regular expression (it threw
    // while evaluating before the index), one is a long run that backtracks in the CRD's own form
    const hostile = `${'a'.repeat(64)}!`
    const contents =
      cnp(
        'dns',
        'toEndpoints: [{}]\n      toPorts: [{ ports: [{ port: "53" }], rules: { dns: [{ matchPattern: "*" }] } }]',
      ) +
      cnp(
        'odd',
        `toFQDNs: [{ matchPattern: "a(b.example.com" }, { matchPattern: "x+.example.com" }, { matchName: "two..dots.example.com" }, { matchName: "${hostile}" }]\n      ${tcp(443)}`,
      ) +
      cnp('fine', `toFQDNs: [{ matchName: "trailing.example.com." }]\n      ${tcp(443)}`)
    const { config, diagnostics } = await readNetworkPolicy([{ path: 'policies.yaml', contents }])
    // THEN each refused value is named in a READ_UNSUPPORTED warning (Cilium would reject the
    // policy), while the CRD's trailing dot is accepted
    const refused = diagnostics.filter((d) => d.code === 'AML_EGRESS_READ_UNSUPPORTED')
    for (const value of ['a(b.example.com', 'x+.example.com', 'two..dots.example.com', hostile])
      expect(
        refused.some((d) => d.message.includes(JSON.stringify(value))),
        value,
      ).toBe(true)
    expect(refused).toHaveLength(4)
    const decide = (host: string) =>
      evaluateNetworkPolicy(config, toHost({ namespace: 'azureml' }, host, 443)).verdict
    // AND a flow such an entry might have allowed is unknown, never an exception or a guess
    expect([decide('ab.example.com'), decide('xx.example.com')]).toStrictEqual([
      'unknown',
      'unknown',
    ])
    expect(decide('trailing.example.com')).toBe('allowed')
  })
})
