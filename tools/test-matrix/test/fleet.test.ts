import { parseProfile, resolvePlan } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { fleetProfile } from '../src/fleet'

describe('fleet generator', () => {
  it('returns a valid profile with one storage host rule per account', () => {
    const plan = resolvePlan(parseProfile(fleetProfile(20)))
    const fileShares = plan.rules.filter((rule) => rule.id.endsWith('.file.core.windows.net'))
    expect(fileShares).toHaveLength(40)
  })

  it('returns the same profile for the same size', () => {
    expect(fleetProfile(50)).toStrictEqual(fleetProfile(50))
  })
})
