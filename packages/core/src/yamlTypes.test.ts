import { describe, expect, it } from 'vitest'
import { yaml11ReadsAsNonString, yamlCoreReadsAsNonString } from './yamlTypes'

// Expected values from the YAML 1.2 core schema (10.3.2) and the YAML 1.1 type repository.
describe('yamlTypes', () => {
  it.each(['7', '-1.5', '.5', '0x1F', '0o17', '.inf', '.NaN', 'true', 'False', 'NULL', '~'])(
    'returns true for %s in the YAML 1.2 core schema',
    (text) => expect(yamlCoreReadsAsNonString(text)).toBe(true),
  )

  it.each(['yes', 'No', 'ON', 'y', '0b1010', '1_000', '190:20:30', '2001-12-14'])(
    'returns true for %s in YAML 1.1, a string in the core schema',
    (text) => {
      expect(yaml11ReadsAsNonString(text)).toBe(true)
      expect(yamlCoreReadsAsNonString(text)).toBe(false)
    },
  )

  it.each(['westeurope', '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c', '10.0.0.0/16', 'yEs', 'Infinity'])(
    'returns false for %s in both',
    (text) => {
      expect(yamlCoreReadsAsNonString(text)).toBe(false)
      expect(yaml11ReadsAsNonString(text)).toBe(false)
    },
  )
})
