import { describe, expect, it } from 'vitest'
import { createDiagnostic, type Diagnostic } from './diagnostics'
import type { DiagnosticSummary } from './summary'
import { fitLine, formatDiagnosticSummaries } from './summaryText'

const DNS_FIX = 'Enable the DNS proxy.'

function dnsProxy(ruleId: string, format = 'azure-firewall'): Diagnostic {
  return createDiagnostic({
    code: 'AML_EGRESS_DNS_PROXY_REQUIRED',
    message: `${ruleId} is a network rule with a destination FQDN`,
    format,
    rule: { id: ruleId, requirementIds: ['storage445-01'] },
    index: 0,
  })
}

/** A summary of `count` DNS-proxy findings in `format`, built by hand. */
function dnsSummary(count: number, format = 'azure-firewall'): DiagnosticSummary {
  return {
    code: 'AML_EGRESS_DNS_PROXY_REQUIRED',
    severity: 'warning',
    format,
    message: `FQDNs in network rules need the firewall DNS proxy: ${count} rules`,
    count,
    examples: [dnsProxy('sa1-smb', format), dnsProxy('sa2-smb', format)].slice(0, count),
    help: DNS_FIX,
  }
}

function infoSummary(
  code: DiagnosticSummary['code'],
  count: number,
  fields: Partial<DiagnosticSummary> = {},
): DiagnosticSummary {
  return {
    code,
    severity: 'info',
    format: 'terraform',
    message: `${count} of them`,
    count,
    examples: [],
    ...fields,
  }
}

describe('fitLine', () => {
  it('keeps a line that fits, whitespace runs made one space and control characters shown', () => {
    expect(fitLine('a  short\nline', 20)).toBe('a short line')
    expect(fitLine('a\u001B[2Jb', 20)).toBe('a\\x1B[2Jb')
  })

  it('cuts a longer line at the last word that fits, with "…" and then the suffix', () => {
    expect(fitLine('a limit of 20,000 rules', 15)).toBe('a limit of…')
    expect(fitLine('one two three four', 12, ' (x)')).toBe('one two… (x)')
    // Punctuation before the cut goes with it
    expect(fitLine('first, second third', 10)).toBe('first…')
  })

  it('cuts a long token where it must, still within the width', () => {
    expect(fitLine('abcdefghij', 5)).toBe('abcd…')
  })
})

describe('formatDiagnosticSummaries, compact', () => {
  it("prints a code's findings as one line with the summed count, its title and a first example, then the fix", () => {
    const summaries = [dnsSummary(2_000), dnsSummary(10)]
    const text = formatDiagnosticSummaries(summaries, { compact: true, width: 200 })
    expect(text.split('\n')).toStrictEqual([
      'warning AML_EGRESS_DNS_PROXY_REQUIRED [azure-firewall] ×2,010: FQDNs in network rules need the firewall DNS proxy; e.g. sa1-smb is a network rule with a destination FQDN',
      `  fix: ${DNS_FIX}`,
    ])
  })

  it('prints a fix once: a later format, or a later call given fixesShown, says "(fix above)"', () => {
    const text = formatDiagnosticSummaries([dnsSummary(3), dnsSummary(3, 'terraform')], {
      compact: true,
      omitFormat: true,
      width: 100,
    })
    // The second line would be 104 wide with its suffix: cut at a word
    expect(text.split('\n')).toStrictEqual([
      'warning AML_EGRESS_DNS_PROXY_REQUIRED ×3: FQDNs in network rules need the firewall DNS proxy',
      `  fix: ${DNS_FIX}`,
      'warning AML_EGRESS_DNS_PROXY_REQUIRED ×3: FQDNs in network rules need the firewall DNS… (fix above)',
    ])
    const later = formatDiagnosticSummaries([dnsSummary(3)], {
      compact: true,
      fixesShown: new Set([DNS_FIX]),
    })
    expect(later).not.toContain('fix:')
    expect(later).toMatch(/ \(fix above\)$/)
  })

  it('keeps every line within the width, wrapping a lone finding (its message names the fix) onto a second line', () => {
    const lone = dnsSummary(1)
    lone.message = 'sa1-smb needs the custom DNS servers: set kubernetes.customDnsServers'
    const text = formatDiagnosticSummaries([lone], { compact: true, width: 60 })
    expect(text.split('\n')).toStrictEqual([
      'warning AML_EGRESS_DNS_PROXY_REQUIRED [azure-firewall]',
      '    (sa1-smb): sa1-smb needs the custom DNS servers: set…',
      `  fix: ${DNS_FIX}`,
    ])
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(60)
  })

  it("collapses a format's infos into one line counted by code", () => {
    const scope = (message: string, count: number, carriedBy: string[]) =>
      infoSummary('AML_EGRESS_OUT_OF_SCOPE', count, { message, lacks: 'inCluster', carriedBy })
    const infos = [
      infoSummary('AML_EGRESS_MANAGED_BY_AML', 4_061),
      scope('12 in-cluster rules belong to cilium, network-policy', 12, [
        'cilium',
        'network-policy',
      ]),
      scope('1 rule on UDP belongs to cilium, squid', 1, ['cilium', 'squid']),
      infoSummary('AML_EGRESS_SERVICE_TAG_FALLBACK', 1),
    ]
    expect(formatDiagnosticSummaries(infos, { compact: true })).toBe(
      'info [terraform]: 4,061 rules AML manages itself; 13 out of scope (belong to cilium); 1 rule as a service tag',
    )
    // One kind of rule out of scope says where it belongs, in its own words
    expect(formatDiagnosticSummaries([infos[1] as DiagnosticSummary], { compact: true })).toBe(
      'info [terraform]: 12 in-cluster rules belong to cilium, network-policy',
    )
  })
})

describe('formatDiagnosticSummaries, by default', () => {
  it('prints each summary whole, with its example rules and fix, however wide', () => {
    const text = formatDiagnosticSummaries([dnsSummary(2), dnsSummary(2, 'terraform')])
    expect(text.split('\n')).toStrictEqual([
      'warning AML_EGRESS_DNS_PROXY_REQUIRED [azure-firewall] ×2: FQDNs in network rules need the firewall DNS proxy: 2 rules',
      '    rules: sa1-smb, sa2-smb',
      `    fix: ${DNS_FIX}`,
      'warning AML_EGRESS_DNS_PROXY_REQUIRED [terraform] ×2: FQDNs in network rules need the firewall DNS proxy: 2 rules',
      '    rules: sa1-smb, sa2-smb',
      `    fix: ${DNS_FIX}`,
    ])
  })
})
