import type { Plan, PlanRule, RuleEndpoint } from '@aml-egress/core'
import type { ServiceTagsFile } from '../src/model'
import serviceTagsJson from './fixtures/service-tags.json'

/** A small hand-made file with the shape of Azure's ServiceTags_Public.json. */
export const serviceTags: ServiceTagsFile = serviceTagsJson

/** A plan rule with neutral provenance; tests set what they exercise. */
export function planRule(
  rule: Pick<PlanRule, 'id' | 'direction' | 'source' | 'destination'> & Partial<PlanRule>,
): PlanRule {
  return {
    protocol: 'TCP',
    ports: [],
    applicationProtocols: [],
    websocket: false,
    level: 'required',
    serviceTagFallbacks: [],
    requirementIds: ['req-1'],
    scenarios: [],
    workspaces: [],
    risks: [],
    subsumes: [],
    ...rule,
  }
}

/** A plan around the given rules, compute subnet 10.10.0.0/24. */
export function planOf(rules: PlanRule[]): Plan {
  return {
    catalog: { version: '2026.3.0', docDate: '2026-03-19' },
    cloud: 'public',
    destinationStyle: 'hosts',
    sourceAddresses: ['10.10.0.0/24'],
    rules,
    advisories: [],
  }
}

export const SUBNET: RuleEndpoint = { kind: 'addresses', addresses: ['10.10.0.0/24'] }
