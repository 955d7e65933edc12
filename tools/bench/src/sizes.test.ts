import { beforeAll, describe, expect, it } from 'vitest'
import {
  allowedRendererDependencies,
  measurePackageSizes,
  type PackageSize,
  rendererPackages,
  renderersIn,
  sizeBudgets,
} from './sizes'

// A byte budget, not a timing assertion: bundles are deterministic for the same sources.
describe('package sizes', () => {
  let sizes: PackageSize[] = []
  beforeAll(async () => {
    sizes = await measurePackageSizes()
  })

  it('returns core within its ceiling, minified and gzipped, without zod and yaml', () => {
    const core = sizes.find((size) => size.name === 'core')
    expect(core?.own.gzipped).toBeGreaterThan(0)
    expect(core?.own.gzipped).toBeLessThanOrEqual(sizeBudgets.coreCeiling)
  })

  it.each(rendererPackages.map((name) => [name]))(
    'returns no other renderer in the bundle of %s',
    (name) => {
      const size = sizes.find((candidate) => candidate.name === name)
      const loaded = renderersIn(size?.withWorkspace.inputs ?? []).sort()
      expect(loaded).toStrictEqual([name, ...(allowedRendererDependencies[name] ?? [])].sort())
    },
  )

  it('returns core without any renderer', () => {
    const core = sizes.find((size) => size.name === 'core')
    expect(renderersIn(core?.withWorkspace.inputs ?? [])).toStrictEqual([])
  })
})
