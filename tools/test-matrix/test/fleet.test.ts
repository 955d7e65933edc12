import { parseProfile, parseProfileText, profileLimits, resolvePlan } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { fleetProfile, kubernetesFleetProfile } from '../src/fleet'

describe('fleet generator', () => {
  it('returns a valid profile with one storage host rule per account', () => {
    const plan = resolvePlan(parseProfile(fleetProfile(20)))
    const fileShares = plan.rules.filter((rule) => rule.id.endsWith('.file.core.windows.net'))
    expect(fileShares).toHaveLength(40)
  })

  it('stays inside the profile bounds: the bench fleet and twice its size are valid', () => {
    // The largest realistic input (tools/bench): 10,000 workspaces, 2 storage accounts each.
    for (const profile of [fleetProfile(2 * 10_000), kubernetesFleetProfile(10_000)]) {
      const text = JSON.stringify(profile)
      expect(text.length).toBeLessThan(profileLimits.textLength)
      expect(parseProfileText(text).workspaces).toHaveLength(profile.workspaces.length)
    }
  })

  it('returns the same profile for the same size', () => {
    expect(fleetProfile(50)).toStrictEqual(fleetProfile(50))
  })
})
