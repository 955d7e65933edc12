import { scenarios } from '@aml-egress/test-matrix'
import { describe, expect, it } from 'vitest'
import { describeFlow, parseProfile, resolvePlan, rulesAllowingFlow } from '../src/index'

describe('resolver over the shared matrix', () => {
  for (const scenario of scenarios)
    describe(scenario.id, () => {
      it('allows every must-allow flow', () => {
        const plan = resolvePlan(parseProfile(scenario.profile))
        const missing = scenario.mustAllow
          .filter((flow) => rulesAllowingFlow(plan, flow).length === 0)
          .map((flow) => `${describeFlow(flow)} (${flow.why})`)
        expect(missing).toStrictEqual([])
      })

      it('denies every must-deny flow', () => {
        const plan = resolvePlan(parseProfile(scenario.profile))
        const allowed = scenario.mustDeny
          .filter((flow) => rulesAllowingFlow(plan, flow).length > 0)
          .map(
            (flow) =>
              `${describeFlow(flow)} (${flow.why}) by ${rulesAllowingFlow(plan, flow)
                .map((rule) => rule.id)
                .join(', ')}`,
          )
        expect(allowed).toStrictEqual([])
      })

      it('resolves to the same plan twice', () => {
        expect(resolvePlan(parseProfile(scenario.profile))).toStrictEqual(
          resolvePlan(parseProfile(scenario.profile)),
        )
      })
    })
})
