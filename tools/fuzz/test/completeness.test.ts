import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fuzzedFormats } from '../src/properties'

describe('fuzz: completeness', () => {
  it('returns every format package of the repository in the fuzzed formats', () => {
    // Derived from disk: a new format package cannot escape fuzzing unnoticed.
    const packages = readdirSync(fileURLToPath(new URL('../../../packages', import.meta.url)))
    const fuzzed = new Set(fuzzedFormats.map((format) => format.name))
    const formatPackages = packages.filter((name) => !['core', 'cli', 'probe'].includes(name))
    const missing = formatPackages.filter(
      (name) => !fuzzed.has(name) && !(name === 'network-policy' && fuzzed.has('cilium')),
    )
    expect(missing).toStrictEqual([])
    expect([...fuzzed].sort()).toStrictEqual([
      'azure-firewall',
      'cilium',
      'network-policy',
      'squid',
      'terraform',
    ])
  })
})
