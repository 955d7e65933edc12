import type { Plan, PlanRule } from '@aml-egress/core'

/** What a test must say about a plan rule; everything else has a neutral default. */
export type PlanRuleFields = Pick<PlanRule, 'id' | 'direction' | 'source' | 'destination'> &
  Partial<PlanRule>

/**
 * A plan rule for tests: TCP on every port, no application protocols, no websocket, `required`,
 * one requirement `req-<id>` and empty provenance, unless `fields` says otherwise. Package helpers
 * wrap it with their own defaults (an outbound 443 rule from their subnet, say).
 */
export function createPlanRule(fields: PlanRuleFields): PlanRule {
  return {
    protocol: 'TCP',
    ports: [],
    applicationProtocols: [],
    websocket: false,
    level: 'required',
    serviceTagFallbacks: [],
    requirementIds: [`req-${fields.id}`],
    scenarios: [],
    workspaces: [],
    risks: [],
    subsumes: [],
    ...fields,
  }
}

/** What a test must say about a plan: its rules; the rest defaults to a public hosts plan. */
export type PlanFields = Pick<Plan, 'rules'> & Partial<Plan>

/**
 * A plan around the given rules for tests: public cloud, host destinations, catalog 2026.3.0, no
 * source addresses and no advisories, unless `fields` says otherwise.
 */
export function createPlan(fields: PlanFields): Plan {
  return {
    catalog: { version: '2026.3.0', docDate: '2026-03-19' },
    cloud: 'public',
    destinationStyle: 'hosts',
    sourceAddresses: [],
    advisories: [],
    ...fields,
  }
}
