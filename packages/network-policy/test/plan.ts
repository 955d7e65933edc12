import type { Plan, PlanRule, RuleEndpoint } from '@aml-egress/core'
import { createPlan, createPlanRule, type PlanRuleFields } from '@aml-egress/test-matrix'
import type { ServiceTagsFile } from '../src/model'
import serviceTagsJson from './fixtures/service-tags.json'

/** A small hand-made file with the shape of Azure's ServiceTags_Public.json. */
export const serviceTags: ServiceTagsFile = serviceTagsJson

/** A plan rule with neutral provenance; tests set what they exercise. */
export function planRule(rule: PlanRuleFields): PlanRule {
  return createPlanRule({ requirementIds: ['req-1'], ...rule })
}

/** A plan around the given rules, compute subnet 10.10.0.0/24. */
export function planOf(rules: PlanRule[]): Plan {
  return createPlan({ sourceAddresses: ['10.10.0.0/24'], rules })
}

export const SUBNET: RuleEndpoint = { kind: 'addresses', addresses: ['10.10.0.0/24'] }
