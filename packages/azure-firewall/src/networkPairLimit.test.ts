import type { PlanRule } from '@aml-egress/core'
import { createPlan } from '@aml-egress/test-matrix'
import { describe, expect, it } from 'vitest'
import { rule, toHost } from '../test/helpers'
import { buildFirewallPolicy } from './build'
import { evaluateAzureFirewall } from './evaluate'
import type { FirewallPolicy, NetworkRule } from './model'
import { readAzureFirewall } from './read'
import { renderAzureFirewall } from './render'

// Azure Firewall allows 20,000 unique source/destination pairs across network rules: each rule
// counts its sources times its destinations (firewall limits page). With 200 sources, 100 hosts
// on SMB 445 are exactly 20,000 pairs and 101 hosts are 20,200.
const SOURCES = Array.from({ length: 200 }, (_, i) => `10.1.${Math.floor(i / 100)}.${i % 100}`)

/** `count` storage accounts' file endpoints on SMB 445, one requirement, tag Storage.WestEurope. */
function fileShares(count: number): PlanRule[] {
  return Array.from({ length: count }, (_, i) =>
    rule({
      id: `files-${i}`,
      requirementIds: ['host-compute-11'],
      destination: { kind: 'fqdn', fqdn: `share${i}.file.core.windows.net` },
      ports: [{ from: 445, to: 445 }],
      serviceTagFallbacks: ['Storage.WestEurope'],
    }),
  )
}

function networkRules(policy: FirewallPolicy): NetworkRule[] {
  return policy.ruleCollectionGroups.flatMap((group) =>
    group.ruleCollections.flatMap((collection) =>
      collection.collectionType === 'filter'
        ? collection.rules.filter((r): r is NetworkRule => r.ruleType === 'NetworkRule')
        : [],
    ),
  )
}

/** Rules per code: a summarised diagnostic counts the rules it stands for. */
function codeCounts(diagnostics: { code: string; count?: number }[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const { code, count } of diagnostics) counts[code] = (counts[code] ?? 0) + (count ?? 1)
  return counts
}

describe('azure-firewall: network rules within 20,000 source/destination pairs', () => {
  it('returns every host as a network-rule FQDN at exactly 20,000 pairs', () => {
    // GIVEN 100 hosts × 200 sources: Azure's limit, not over it
    const plan = createPlan({ sourceAddresses: SOURCES, rules: fileShares(100) })
    // WHEN built with the default options
    const { policy, diagnostics } = buildFirewallPolicy(plan)
    // THEN the hosts stay FQDNs (narrowest), behind DNS proxy
    const fqdns = networkRules(policy).flatMap((r) => r.destinationFqdns)
    expect(fqdns).toHaveLength(100)
    expect(networkRules(policy).flatMap((r) => r.destinationAddresses)).toStrictEqual([])
    expect(policy.dnsProxy).toBe(true)
    expect(codeCounts(diagnostics)).toMatchObject({ AML_EGRESS_DNS_PROXY_REQUIRED: 100 })
  })

  it('returns one rule to the service tag for all hosts when FQDNs would exceed the limit', () => {
    // GIVEN 101 hosts × 200 sources = 20,200 pairs
    const plan = createPlan({ sourceAddresses: SOURCES, rules: fileShares(101) })
    // WHEN built with the default options
    const { policy, diagnostics } = buildFirewallPolicy(plan)
    // THEN the hosts share one rule to their documented tag: 200 pairs, no DNS proxy needed
    const rules = networkRules(policy)
    expect(
      rules.map((r) => [r.destinationAddresses, r.destinationFqdns, r.destinationPorts]),
    ).toStrictEqual([[['Storage.WestEurope'], [], ['445']]])
    expect(policy.dnsProxy).toBeUndefined()
    // Each host is told it is wider than asked; the limit itself is no longer exceeded.
    const counts = codeCounts(diagnostics)
    expect(counts).toStrictEqual({ AML_EGRESS_SERVICE_TAG_FALLBACK: 101 })
    // The hosts share one requirement: one finding, naming the first rules of the plan.
    expect(diagnostics.map((d) => d.exampleRuleIds)).toStrictEqual([
      ['files-0', 'files-1', 'files-2'],
    ])
    expect(diagnostics[0]?.message).toContain('20000 source/destination pairs')
  })

  it('keeps a host without a documented tag as an FQDN when the others use theirs', () => {
    // GIVEN the same 101 tagged hosts and one host on 445 that has no tag
    const untagged = rule({
      id: 'nas',
      requirementIds: ['own-nas'],
      destination: { kind: 'fqdn', fqdn: 'nas.contoso.com' },
      ports: [{ from: 445, to: 445 }],
    })
    const plan = createPlan({ sourceAddresses: SOURCES, rules: [...fileShares(101), untagged] })
    // WHEN built
    const { policy } = buildFirewallPolicy(plan)
    // THEN the untagged host is still allowed, by name
    expect(networkRules(policy).flatMap((r) => r.destinationFqdns)).toStrictEqual([
      'nas.contoso.com',
    ])
  })

  it('returns every host as an FQDN with a limit warning when dnsProxy is set to true', () => {
    const plan = createPlan({ sourceAddresses: SOURCES, rules: fileShares(101) })
    const { policy, diagnostics } = buildFirewallPolicy(plan, { dnsProxy: true })
    expect(networkRules(policy).flatMap((r) => r.destinationFqdns)).toHaveLength(101)
    const limit = diagnostics.filter((d) => d.code === 'AML_EGRESS_LIMIT_EXCEEDED')
    expect(limit.map((d) => d.message)).toStrictEqual([
      expect.stringContaining('20200 unique source/destination pairs'),
    ])
  })

  it('returns a template that allows every host on 445 through the tag after reading it back', async () => {
    const plan = createPlan({ sourceAddresses: SOURCES, rules: fileShares(101) })
    const { config } = await readAzureFirewall(renderAzureFirewall(plan).files)
    // A flow to a host in the tag's ranges (the service-tags file says so) is allowed; the same
    // host on another port is not.
    const flow = (port: number) => ({
      ...toHost('share7.file.core.windows.net', port, { serviceTags: ['Storage.WestEurope'] }),
      source: { kind: 'address' as const, address: '10.1.0.7' },
    })
    expect(evaluateAzureFirewall(config, flow(445)).verdict).toBe('allowed')
    expect(evaluateAzureFirewall(config, flow(139)).verdict).toBe('denied')
  })
})
