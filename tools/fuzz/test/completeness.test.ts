import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadFuzzedFormats } from './fuzzedFormats'

const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url))

/** Packages under packages/ that are not formats. */
const NOT_FORMATS = ['core', 'cli', 'probe']

/** Does this export look like a format object (`defineFormat`)? */
function isFormat(value: unknown): value is { name: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    ['name', 'capabilities', 'render', 'read', 'evaluate'].every((key) => key in value)
  )
}

describe('fuzz: completeness', () => {
  it('returns every format object a package of the repository exports in the fuzzed formats', async () => {
    // Derived from disk: a new format package cannot escape fuzzing unnoticed.
    const fuzzed = new Set((await loadFuzzedFormats()).map((format) => format.name))
    const unfuzzed: string[] = []
    const withoutFormat: string[] = []
    for (const directory of readdirSync(packagesDir)) {
      if (NOT_FORMATS.includes(directory)) continue
      const manifest = readFileSync(`${packagesDir}${directory}/package.json`, 'utf8')
      const { name } = JSON.parse(manifest) as { name: string }
      const module: Record<string, unknown> = await import(name)
      const formats = Object.values(module).filter(isFormat)
      if (formats.length === 0) withoutFormat.push(directory)
      unfuzzed.push(...formats.map((f) => f.name).filter((format) => !fuzzed.has(format)))
    }
    expect(withoutFormat).toStrictEqual([])
    expect(unfuzzed).toStrictEqual([])
  })
})
