import { parseProfile, resolvePlan } from '@aml-egress/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { profileArbitrary } from './profiles'
import { checkFormat, type DenyInputs, denyFlows, type FuzzedFormat } from './properties'
import { assertOptions, fuzzSettings } from './settings'

/** What one run draws: a valid profile and the raw material of its deny flows. */
export const fuzzCaseArbitrary = fc.record({
  profile: profileArbitrary(),
  randomHosts: fc.array(fc.domain(), { minLength: 1, maxLength: 2 }),
  port: fc.integer({ min: 1, max: 65535 }),
  flowOffset: fc.nat({ max: 1000 }),
})
export type FuzzCase = typeof fuzzCaseArbitrary extends fc.Arbitrary<infer T> ? T : never

/** Runs every property of `checkFormat` on one drawn case; returns the failures. */
export async function runFuzzCase(input: {
  formats: readonly FuzzedFormat[]
  fuzzCase: FuzzCase
  flowLimit?: number
}): Promise<string[]> {
  const { fuzzCase } = input
  const profile = parseProfile(fuzzCase.profile)
  const plan = resolvePlan(profile)
  const inputs: DenyInputs = { randomHosts: fuzzCase.randomHosts, port: fuzzCase.port }
  const denies = denyFlows({ plan, profile, inputs })
  const failures: string[] = []
  for (const format of input.formats)
    failures.push(
      ...(await checkFormat({
        format,
        plan,
        denies,
        flowLimit: input.flowLimit,
        flowOffset: fuzzCase.flowOffset,
      })),
    )
  return failures
}

/**
 * Generated profiles through the renderers and readers of `formats`: every output re-read with no
 * syntax or unsupported diagnostics, plan flows allowed (or reported not rendered), flows outside
 * the plan never allowed. Prints the seed and path of a failing case.
 */
export function describeFuzz(formats: readonly FuzzedFormat[]): void {
  const names = formats.map((format) => format.name).join(', ')
  describe(`fuzz: ${names}`, () => {
    it(
      `returns no failures for ${fuzzSettings.runs} generated profiles`,
      async () => {
        const started = performance.now()
        await fc.assert(
          fc.asyncProperty(fuzzCaseArbitrary, async (fuzzCase) => {
            const failures = await runFuzzCase({ formats, fuzzCase, flowLimit: fuzzSettings.flows })
            expect(failures).toStrictEqual([])
          }),
          assertOptions(fuzzSettings.runs),
        )
        const seconds = ((performance.now() - started) / 1000).toFixed(1)
        console.info(`fuzz: ${names}: ${fuzzSettings.runs} profiles in ${seconds} s`)
      },
      60 * 60 * 1000,
    )
  })
}
