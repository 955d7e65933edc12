import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseProfile } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { scenarios } from '../src/scenarios'

const scenarioDir = fileURLToPath(new URL('../scenarios', import.meta.url))
const packagesDir = fileURLToPath(new URL('../../../packages', import.meta.url))

/** Packages that are not output formats and so do not run the matrix. */
const NOT_FORMATS = new Set(['core', 'cli', 'probe'])

describe('test matrix', () => {
  it('lists exactly the scenario files on disk, in id order', () => {
    const onDisk = readdirSync(scenarioDir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort()
    expect(scenarios.map((scenario) => scenario.id)).toStrictEqual(onDisk)
  })

  it('has at least twelve scenarios with unique kebab-case ids', () => {
    const ids = scenarios.map((scenario) => scenario.id)
    expect(ids.length).toBeGreaterThanOrEqual(12)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  })

  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))(
    'has a valid profile and flows on both sides: %s',
    (_, scenario) => {
      expect(() => parseProfile(scenario.profile)).not.toThrow()
      expect(scenario.mustAllow.length).toBeGreaterThan(0)
      expect(scenario.mustDeny.length).toBeGreaterThan(0)
    },
  )

  it('is run by every format package', () => {
    const formats = readdirSync(packagesDir).filter((name) => !NOT_FORMATS.has(name))
    const missing = formats.filter((name) => {
      const file = `${packagesDir}/${name}/test/matrix.test.ts`
      return !existsSync(file) || !readFileSync(file, 'utf8').includes('describeFormat(')
    })
    expect(missing).toStrictEqual([])
  })
})
