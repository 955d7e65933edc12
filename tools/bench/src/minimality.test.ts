import type { Plan, PlanRule } from '@aml-egress/core'
import { parseProfile, resolvePlan } from '@aml-egress/core'
import { createPlan, createPlanRule, scenarios } from '@aml-egress/test-matrix'
import { fleetProfile } from '@aml-egress/test-matrix/bench'
import { describe, expect, it } from 'vitest'
import { findRedundantRules } from './minimality'

function rule(input: Pick<PlanRule, 'id' | 'destination'> & Partial<PlanRule>): PlanRule {
  return createPlanRule({
    direction: 'outbound',
    source: { kind: 'addresses', addresses: ['10.0.0.0/16'] },
    ports: [{ from: 443, to: 443 }],
    requirementIds: [],
    ...input,
  })
}

function plan(rules: PlanRule[]): Plan {
  return createPlan({
    catalog: { version: 'test', docDate: '2026-01-01' },
    sourceAddresses: ['10.0.0.0/16'],
    rules,
  })
}

describe('plan minimality checker', () => {
  it('returns the host when a wildcard with covering ports allows it', () => {
    // GIVEN *.blob.core.windows.net on 443 and 445 and one account on 443
    const wildcard = rule({
      id: 'w',
      destination: { kind: 'fqdn', fqdn: '*.blob.core.windows.net' },
      ports: [
        { from: 443, to: 443 },
        { from: 445, to: 445 },
      ],
    })
    const host = rule({ id: 'h', destination: { kind: 'fqdn', fqdn: 'a.blob.core.windows.net' } })
    // WHEN checked THEN the account rule is redundant
    expect(findRedundantRules(plan([wildcard, host]))).toStrictEqual([
      { ruleId: 'h', coveredBy: 'w' },
    ])
  })

  it('returns nothing when the wildcard lacks a port, the protocol differs or it is the apex', () => {
    // GIVEN a wildcard on 443 only; the apex, a host on 445 and a UDP host under it
    const wildcard = rule({ id: 'w', destination: { kind: 'fqdn', fqdn: '*.x.com' } })
    const apex = rule({ id: 'apex', destination: { kind: 'fqdn', fqdn: 'x.com' } })
    const otherPort = rule({
      id: 'port',
      destination: { kind: 'fqdn', fqdn: 'a.x.com' },
      ports: [{ from: 445, to: 445 }],
    })
    const udp = rule({ id: 'udp', destination: { kind: 'fqdn', fqdn: 'b.x.com' }, protocol: 'UDP' })
    // WHEN checked THEN no rule is redundant (the wildcard never matches its apex)
    expect(findRedundantRules(plan([wildcard, apex, otherPort, udp]))).toStrictEqual([])
  })

  it('returns a host-with-path rule and a narrower CIDR rule when broader rules allow them', () => {
    // GIVEN a host and the same host with a path; a /16 and a /24 inside it
    const host = rule({ id: 'h', destination: { kind: 'fqdn', fqdn: 'x.com' } })
    const path = rule({ id: 'p', destination: { kind: 'fqdn', fqdn: 'x.com', urlPath: '/a' } })
    const wide = rule({
      id: 'wide',
      destination: { kind: 'addresses', addresses: ['10.1.0.0/16'] },
    })
    const narrow = rule({
      id: 'narrow',
      destination: { kind: 'addresses', addresses: ['10.1.2.0/24'] },
    })
    // WHEN checked THEN the path rule and the /24 rule are redundant
    expect(findRedundantRules(plan([host, path, wide, narrow]))).toStrictEqual([
      { ruleId: 'p', coveredBy: 'h' },
      { ruleId: 'narrow', coveredBy: 'wide' },
    ])
  })

  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))(
    'returns no redundant rule for scenario %s',
    (_id, scenario) => {
      expect(findRedundantRules(resolvePlan(parseProfile(scenario.profile)))).toStrictEqual([])
    },
  )

  it('returns no redundant rule for a 1,000-workspace fleet', () => {
    expect(findRedundantRules(resolvePlan(parseProfile(fleetProfile(1000))))).toStrictEqual([])
  })
})
