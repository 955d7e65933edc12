import { compareOrdinal, type Plan } from '@aml-egress/core'
import { createPlan, createPlanRule } from '@aml-egress/test-matrix'

/** A domain of a large estate: a name, and whether it stands for its subdomains too. */
export type EstateDomain = { name: string; wildcard: boolean }

/**
 * `count` domains shaped like a big estate: one in ten a wildcard, the domain after it a child of
 * that wildcard (so Squid must collapse it), the rest distinct accounts over 60 zones.
 * @example estateDomains(10).filter((domain) => domain.wildcard).length // 1
 */
export function estateDomains(count: number): EstateDomain[] {
  return Array.from({ length: count }, (_, i) => {
    const zone = `region${i % 60}.example${i % 7}.net`
    if (i % 10 === 0) return { name: `acct${i.toString(36)}.${zone}`, wildcard: true }
    if (i % 10 === 1) return { name: `child.acct${(i - 1).toString(36)}.${zone}`, wildcard: false }
    return { name: `acct${i.toString(36)}.${zone}`, wildcard: false }
  })
}

/**
 * A plan of `count` outbound host rules over the estate's domains: HTTPS, and HTTP too for one in
 * five, from one source range.
 * @example largeHostPlan(1000).rules.length // 1000
 */
export function largeHostPlan(count: number): Plan {
  const sourceAddresses = ['10.10.0.0/16']
  const rules = estateDomains(count).map(({ name, wildcard }, index) => {
    const fqdn = `${wildcard ? '*.' : ''}${name}`
    const http = index % 5 === 0
    return createPlanRule({
      id: `outbound/tcp/${fqdn}`,
      direction: 'outbound',
      source: { kind: 'addresses', addresses: sourceAddresses },
      destination: { kind: 'fqdn', fqdn },
      ports: http
        ? [
            { from: 80, to: 80 },
            { from: 443, to: 443 },
          ]
        : [{ from: 443, to: 443 }],
      applicationProtocols: http ? ['Http', 'Https'] : ['Https'],
      requirementIds: [`bench-${index}`],
      scenarios: ['bench'],
    })
  })
  rules.sort((a, b) => compareOrdinal(a.id, b.id))
  return createPlan({ sourceAddresses, rules })
}
