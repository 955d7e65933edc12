import { describe, expect, it } from 'vitest'
import {
  hostMatchesPattern,
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
