import { describe, expect, it } from 'vitest'
import {
  hostMatchesPattern,
  isValidHostName,
  isValidHostPattern,
  patternCovers,
  reversedLabels,
  sampleHost,
} from './fqdn'

describe('host patterns', () => {
  it.each([
    ['a.blob.core.windows.net', '*.blob.core.windows.net', true],
    ['a.b.blob.core.windows.net', '*.blob.core.windows.net', true],
    ['blob.core.windows.net', '*.blob.core.windows.net', false],
    ['evilblob.core.windows.net', '*.blob.core.windows.net', false],
    ['ML.Azure.com.', 'ml.azure.com', true],
    ['sub.ml.azure.com', 'ml.azure.com', false],
  ])('matches %s against %s: %s', (host, pattern, expected) => {
    expect(hostMatchesPattern(host, pattern)).toBe(expected)
  })

  it.each([
    ['*.core.windows.net', '*.blob.core.windows.net', true],
    ['*.core.windows.net', 'x.blob.core.windows.net', true],
    ['*.blob.core.windows.net', 'blob.core.windows.net', false],
    ['*.blob.core.windows.net', '*.blob.core.windows.net', true],
    ['x.blob.core.windows.net', '*.blob.core.windows.net', false],
  ])('says %s covers %s: %s', (outer, inner, expected) => {
    expect(patternCovers(outer, inner)).toBe(expected)
  })

  it('rejects patterns a target could misread', () => {
    for (const bad of [
      '*pytorch.org',
      'a b.com',
      'x.com\nhttp_access allow all',
      '*.*.x.com',
      '-a.com',
      '',
    ])
      expect(isValidHostPattern(bad)).toBe(false)
  })

  it('sorts parents before children with reversed labels', () => {
    expect(
      ['b.x.com', 'x.com', 'a.x.com'].sort((a, b) =>
        reversedLabels(a).localeCompare(reversedLabels(b)),
      ),
    ).toStrictEqual(['x.com', 'a.x.com', 'b.x.com'])
  })

  it('returns a sample host under a wildcard and the host itself otherwise', () => {
    expect(sampleHost('*.vault.azure.net')).toBe('aml-egress-sample.vault.azure.net')
    expect(sampleHost('ml.azure.com')).toBe('ml.azure.com')
  })
})

describe('isValidHostName', () => {
  // The rule as regular expressions, label by label: the specification the one-pass check follows.
  const specification = (host: string) =>
    host.length > 0 &&
    host.length <= 253 &&
    host
      .split('.')
      .every(
        (label) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(label) || /^[a-z0-9_]{1,63}$/.test(label),
      )

  it.each([
    ['ml.azure.com', true],
    ['_dmarc.contoso.com', true],
    ['a-b.c', true],
    ['-a.c', false],
    ['a-.c', false],
    ['a_-b.c', false],
    ['a..b', false],
    ['a.b.', false],
    ['A.b', false],
    ['*.b.c', false],
    [`${'a'.repeat(63)}.b`, true],
    [`${'a'.repeat(64)}.b`, false],
    [Array.from({ length: 127 }, () => 'a').join('.'), true],
    [Array.from({ length: 128 }, () => 'a').join('.'), false],
  ])('returns %s → %s', (host, valid) => {
    expect(isValidHostName(host)).toBe(valid)
    expect(specification(host)).toBe(valid)
  })

  it('agrees with the label expressions on 20,000 generated names', () => {
    // A fixed linear congruential sequence: deterministic, and dense in dots, hyphens, underscores.
    const alphabet = 'ab9.-_.Z*'
    let seed = 42
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed
    }
    for (let run = 0; run < 20_000; run++) {
      const length = next() % 12
      let host = ''
      for (let index = 0; index < length; index++) host += alphabet[next() % alphabet.length]
      expect(isValidHostName(host), JSON.stringify(host)).toBe(specification(host))
    }
  })
})
