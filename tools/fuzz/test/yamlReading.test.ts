import { parseProfile, parseProfileText } from '@aml-egress/core'
import fc from 'fast-check'
import { load } from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { malformedTextArbitrary } from '../src/invalid'
import { profileArbitrary } from '../src/profiles'
import { assertOptions, fuzzSettings } from '../src/settings'

/** What a parse gave: the profile, or the issues of the error it threw. */
function outcome(parse: () => unknown): unknown {
  try {
    return { profile: parse() }
  } catch (error) {
    return { error: (error as { issues?: unknown }).issues ?? String(error) }
  }
}

/**
 * Core reads plain block YAML with its own scanner and the rest with js-yaml. Either way the
 * profile must be the one js-yaml's reading of the text gives (issues included, where js-yaml
 * reads the text and the profile is invalid).
 */
function readsAsJsYaml(text: string): void {
  let value: unknown
  try {
    value = load(text, { maxAliases: 100 })
  } catch {
    // A syntax error: core must refuse the text too (its message is js-yaml's, tested elsewhere).
    expect(() => parseProfileText(text)).toThrow()
    return
  }
  expect(outcome(() => parseProfileText(text))).toStrictEqual(outcome(() => parseProfile(value)))
}

// The YAML writers' options that change the text's shape: list indentation, flow or block lists,
// quoting, line width.
const yamlText = (value: unknown) =>
  fc
    .record({
      indentSeq: fc.boolean(),
      flowCollectionPadding: fc.boolean(),
      defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE') as fc.Arbitrary<
        'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'
      >,
      collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<
        'any' | 'block' | 'flow'
      >,
      indent: fc.integer({ min: 1, max: 4 }),
    })
    .map((options) => stringify(value, options))

describe('fuzz: reading profile YAML', () => {
  it(`reads ${fuzzSettings.invalidRuns} valid profiles, written in every YAML style, as js-yaml does`, () => {
    fc.assert(
      fc.property(profileArbitrary().chain(yamlText), readsAsJsYaml),
      assertOptions(fuzzSettings.invalidRuns),
    )
  })

  it(`reads ${fuzzSettings.invalidRuns} damaged profile texts as js-yaml does, or refuses them as it does`, () => {
    fc.assert(
      fc.property(malformedTextArbitrary, readsAsJsYaml),
      assertOptions(fuzzSettings.invalidRuns),
    )
  })
})
