import { describe, expect, it } from 'vitest'
import { createDiagnostic, type Diagnostic } from './diagnostics'
import { capabilityNames, type FormatCapabilities } from './format'
import { type SummaryFormat, summariseDiagnostics } from './summary'
import { formatDiagnosticSummaries } from './summaryText'

const none = Object.fromEntries(capabilityNames.map((name) => [name, false])) as FormatCapabilities
const proxy: SummaryFormat = {
  name: 'proxy',
  capabilities: { ...none, exactFqdn: true, wildcardFqdn: true },
}
const policy: SummaryFormat = {
  name: 'policy',
  capabilities: { ...none, cidr: true, nonHttpPorts: true, udp: true, inCluster: true },
}
const firewall: SummaryFormat = {
  name: 'firewall',
  capabilities: { ...none, exactFqdn: true, wildcardFqdn: true, nonHttpPorts: true, udp: true },
}
const formats = [proxy, policy, firewall]

function ruleDiagnostic(
  id: string,
  fields: Partial<Parameters<typeof createDiagnostic>[0]> = {},
): Diagnostic {
  return createDiagnostic({
    code: 'AML_EGRESS_DNS_PROXY_REQUIRED',
    message: `${id} needs DNS proxy`,
    format: 'firewall',
    rule: { id, requirementIds: [`req-${id}`] },
    index: 0,
    ...fields,
  })
}

function inCluster(id: string): Diagnostic {
  return ruleDiagnostic(id, {
    code: 'AML_EGRESS_OUT_OF_SCOPE',
    message: `in-cluster ${id} never passes proxy`,
    format: 'proxy',
    lacks: 'inCluster',
    needs: ['inCluster'],
    help: 'Render it elsewhere.',
  })
}

describe('summariseDiagnostics', () => {
  it('counts rules out of a format scope as one info, naming the formats whose capabilities carry them', () => {
    const summaries = summariseDiagnostics([inCluster('b'), inCluster('a'), inCluster('c')], {
      formats,
    })
    // Only policy has inCluster; the proxy itself is never named.
    expect(summaries).toMatchObject([
      {
        code: 'AML_EGRESS_OUT_OF_SCOPE',
        severity: 'info',
        format: 'proxy',
        message: '3 in-cluster rules belong to policy',
        count: 3,
        requirementIds: ['req-a', 'req-b', 'req-c'],
        lacks: 'inCluster',
        carriedBy: ['policy'],
        help: 'Render it elsewhere.',
      },
    ])
  })

  it('names only formats that carry everything each rule of the group needs', () => {
    // GIVEN a proxy leaving out a UDP rule to a wildcard host and a TCP 8080 rule to a host
    const udp = ruleDiagnostic('udp', {
      code: 'AML_EGRESS_OUT_OF_SCOPE',
      format: 'proxy',
      lacks: 'udp',
      needs: ['wildcardFqdn', 'udp', 'nonHttpPorts'],
    })
    const port = ruleDiagnostic('port', {
      code: 'AML_EGRESS_OUT_OF_SCOPE',
      format: 'proxy',
      lacks: 'nonHttpPorts',
      needs: ['exactFqdn', 'nonHttpPorts'],
    })
    // THEN policy (UDP and ports, but no host names) carries neither; the firewall both
    expect(
      summariseDiagnostics([udp, port], { formats }).map((s) => [s.message, s.carriedBy]),
    ).toStrictEqual([
      ['1 rule on UDP belongs to firewall', ['firewall']],
      ['1 rule on ports other than 80/443 belongs to firewall', ['firewall']],
    ])
  })

  it('says what is out of scope without formats, and when no other format carries it', () => {
    expect(summariseDiagnostics([inCluster('a')])[0]?.message).toBe(
      '1 in-cluster rule out of scope for proxy',
    )
    expect(summariseDiagnostics([inCluster('a')], { formats: [proxy] })[0]?.message).toBe(
      '1 in-cluster rule out of scope for proxy; no other format carries it',
    )
  })

  it("makes one diagnostic of a format's same finding about many rules, with the first rules as examples", () => {
    const diagnostics = ['d', 'b', 'e', 'a', 'c'].map((id) => ruleDiagnostic(id))
    const [summary, ...rest] = summariseDiagnostics(diagnostics)
    expect(rest).toStrictEqual([])
    expect(summary?.count).toBe(5)
    expect(summary?.requirementIds).toStrictEqual(['req-a', 'req-b', 'req-c', 'req-d', 'req-e'])
    expect(summary?.examples.map((d) => d.ruleId)).toStrictEqual(['a', 'b', 'c'])
    // The code's title, the count, and the first example's own words
    expect(summary?.message).toBe(
      'FQDNs in network rules need the firewall DNS proxy: 5 rules, e.g. a needs DNS proxy',
    )
  })

  it('keeps a lone diagnostic as it is, and each format its own summary', () => {
    const squid = ruleDiagnostic('a', { format: 'squid' })
    const summaries = summariseDiagnostics([ruleDiagnostic('a'), squid])
    expect(summaries.map((s) => [s.format, s.count, s.message, s.examples])).toStrictEqual([
      ['firewall', 1, 'a needs DNS proxy', [ruleDiagnostic('a')]],
      ['squid', 1, 'a needs DNS proxy', [squid]],
    ])
  })

  it('keeps two different limits to act on apart, and counts infos about no rule as one', () => {
    const limit = (message: string, severity: 'warning' | 'info') =>
      createDiagnostic({ code: 'AML_EGRESS_LIMIT_EXCEEDED', severity, message, format: 'firewall' })
    const summaries = summariseDiagnostics([
      limit('too many pairs', 'warning'),
      limit('too many FQDNs', 'warning'),
      limit('split one', 'info'),
      limit('split two', 'info'),
    ])
    expect(summaries.map((s) => [s.severity, s.count, s.message])).toStrictEqual([
      ['warning', 1, 'too many FQDNs'],
      ['warning', 1, 'too many pairs'],
      ['info', 2, 'A target limit cannot be met: 2 findings, e.g. split one'],
    ])
  })

  it('sorts by severity, code and format, and rules out of scope in triage order', () => {
    const udp = ruleDiagnostic('u', {
      code: 'AML_EGRESS_OUT_OF_SCOPE',
      format: 'proxy',
      lacks: 'udp',
      needs: ['udp'],
    })
    const summaries = summariseDiagnostics([udp, inCluster('a'), ruleDiagnostic('x')])
    expect(summaries.map((s) => [s.severity, s.code, s.lacks])).toStrictEqual([
      ['warning', 'AML_EGRESS_DNS_PROXY_REQUIRED', undefined],
      ['info', 'AML_EGRESS_OUT_OF_SCOPE', 'inCluster'],
      ['info', 'AML_EGRESS_OUT_OF_SCOPE', 'udp'],
    ])
  })

  it('gives a fleet of ten thousand the size of one: one summary, three examples', () => {
    const fleet = Array.from({ length: 10_000 }, (_, i) => ruleDiagnostic(`r${i}`))
    const summaries = summariseDiagnostics(fleet)
    expect(summaries.map((s) => [s.count, s.examples.length])).toStrictEqual([[10_000, 3]])
    // Examples in ordinal order, whatever the input order
    expect(summaries[0]?.examples.map((d) => d.ruleId)).toStrictEqual(['r0', 'r1', 'r10'])
  })
})

describe('formatDiagnosticSummaries', () => {
  it('prints a warning with its count, example rules and fix, and an info as one line', () => {
    const diagnostics = [...['a', 'b', 'c', 'd'].map((id) => ruleDiagnostic(id)), inCluster('p')]
    const text = formatDiagnosticSummaries(summariseDiagnostics(diagnostics, { formats }))
    expect(text.split('\n')).toStrictEqual([
      'warning AML_EGRESS_DNS_PROXY_REQUIRED [firewall] ×4: FQDNs in network rules need the firewall DNS proxy: 4 rules, e.g. a needs DNS proxy',
      '    rules: a, b, c, and 1 more',
      '    fix: Set `dnsSettings.enableProxy: true` on the firewall policy and point the compute subnet DNS at the firewall.',
      'info AML_EGRESS_OUT_OF_SCOPE [proxy]: 1 in-cluster rule belongs to policy',
    ])
  })

  it('prints a lone warning as formatDiagnostics does, with its rule', () => {
    expect(formatDiagnosticSummaries(summariseDiagnostics([ruleDiagnostic('a')]))).toBe(
      'warning AML_EGRESS_DNS_PROXY_REQUIRED [firewall] (a): a needs DNS proxy\n    fix: Set `dnsSettings.enableProxy: true` on the firewall policy and point the compute subnet DNS at the firewall.',
    )
  })
})
