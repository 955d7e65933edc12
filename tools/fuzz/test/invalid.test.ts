import { formatRegistry, runCli } from '@aml-egress/cli'
import { type ProfileIssue, parseProfileText } from '@aml-egress/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMemoryIo } from '../../../packages/cli/test/helpers'
import { invalidProfileArbitrary, malformedTextArbitrary, textArbitrary } from '../src/invalid'
import { assertOptions, fuzzSettings } from '../src/settings'

/** The issues of a rejected profile text, or undefined when core accepted it. */
function issuesOf(text: string): readonly ProfileIssue[] | undefined {
  try {
    parseProfileText(text, 'profile.yaml')
    return undefined
  } catch (error) {
    // Compared by code, never instanceof (the house rule for errors across packages).
    expect(error).toMatchObject({ code: 'AML_EGRESS_INVALID_INPUT' })
    return (error as { issues: readonly ProfileIssue[] }).issues
  }
}

/** `aml-egress render -f all` on the text, in memory: exit code, stderr and what was written. */
async function renderCli(text: string) {
  const memory = createMemoryIo({ files: { 'profile.yaml': text } })
  const code = await runCli(
    ['render', '--profile', 'profile.yaml', '--format', 'all', '--out', 'out'],
    memory.io,
    { formats: formatRegistry },
  )
  return { code, stderr: memory.stderr(), stdout: memory.stdout(), writes: memory.writes }
}

const invalidCase = invalidProfileArbitrary.chain((invalid) =>
  textArbitrary(invalid.value).map((text) => ({ ...invalid, text })),
)

describe('fuzz: invalid profiles', () => {
  it(`returns an issue naming the broken field for ${fuzzSettings.invalidRuns} profiles with one bad value`, () => {
    fc.assert(
      fc.property(invalidCase, ({ text, expectedPath }) => {
        const issues = issuesOf(text)
        expect(issues?.map((issue) => issue.path)).toContain(expectedPath)
      }),
      assertOptions(fuzzSettings.invalidRuns),
    )
  })

  it(`returns exit 2 from render, the field path on stderr and nothing written, for ${fuzzSettings.invalidRuns} bad profiles`, async () => {
    await fc.assert(
      fc.asyncProperty(invalidCase, async ({ text, expectedPath }) => {
        const result = await renderCli(text)
        expect(result.code).toBe(2)
        expect(result.stderr).toContain('AML_EGRESS_INVALID_INPUT')
        expect(result.stderr).toContain(expectedPath)
        expect(result.writes).toStrictEqual([])
        expect(result.stdout).toBe('')
      }),
      assertOptions(fuzzSettings.invalidRuns),
    )
  })

  it(`returns a ProfileError with located issues, never another error, for ${fuzzSettings.invalidRuns} malformed texts`, async () => {
    await fc.assert(
      fc.asyncProperty(malformedTextArbitrary, async (text) => {
        const issues = issuesOf(text)
        // A stray tab after `key:` can leave valid YAML: then there is nothing to reject.
        fc.pre(issues !== undefined)
        expect(issues?.length).toBeGreaterThan(0)
        for (const issue of issues ?? []) expect(issue.path).not.toBe('')
        const result = await renderCli(text)
        expect(result.code).toBe(2)
        for (const issue of issues ?? []) expect(result.stderr).toContain(issue.path)
        expect(result.writes).toStrictEqual([])
      }),
      { ...assertOptions(fuzzSettings.invalidRuns), maxSkipsPerRun: 100 },
    )
  })
})
