import { parseProfile, resolvePlan } from '@aml-egress/core'
import { scenarios } from '@aml-egress/test-matrix'
import { describe, expect, it } from 'vitest'
import { renderCilium, renderNetworkPolicy } from '../src/index'
import { serviceTags } from './plan'
import { documentsOf, schemaProblems } from './validators'

// Opt-in validity layer: every document we render for the shared scenarios passes the strict
// NetworkPolicy schema, kubernetes-models 4.5.1 and the Cilium 1.18 CRD schema.
describe('format: network-policy schema validity', () => {
  for (const scenario of scenarios)
    it(`returns valid documents for ${scenario.id}`, () => {
      const plan = resolvePlan(parseProfile(scenario.profile))
      const options = { serviceTags, defaultDeny: true }
      const files = [
        ...renderNetworkPolicy(plan, options).files,
        ...renderCilium(plan, options).files,
      ]
      expect(documentsOf(files).flatMap(schemaProblems)).toStrictEqual([])
    })
})
