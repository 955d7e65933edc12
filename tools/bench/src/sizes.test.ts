import { beforeAll, describe, expect, it } from 'vitest'
import {
  coreEntries,
  declaredRenderers,
  measureCoreEntry,
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

  it('returns core within its budget (sizeBudgets.coreTarget) minified and gzipped, without zod and js-yaml', () => {
    const core = sizes.find((size) => size.name === 'core')
    expect(core?.own.gzipped).toBeGreaterThan(0)
    expect(core?.own.gzipped).toBeLessThanOrEqual(sizeBudgets.coreTarget)
  })

  it.each(coreEntries.map((entry) => [entry.name, entry] as const))(
    'returns core without the sources only %s bundles',
    async (_name, entry) => {
      const core = sizes.find((size) => size.name === 'core')
      const inputs = core?.own.inputs ?? []
      expect(inputs).toContain('packages/core/src/catalog/requirements.generated.ts')
      expect(entry.sources.length).toBeGreaterThan(0)
      for (const source of entry.sources) expect(inputs).not.toContain(source)
      const own = await measureCoreEntry(entry)
      for (const source of entry.sources) expect(own.inputs).toContain(source)
    },
  )

  it.each(rendererPackages.map((name) => [name]))(
    'returns no other renderer in the bundle of %s',
    (name) => {
      const size = sizes.find((candidate) => candidate.name === name)
      const loaded = renderersIn(size?.withWorkspace.inputs ?? []).sort()
      expect(loaded).toStrictEqual([name, ...declaredRenderers(name)].sort())
    },
  )

  it('returns core without any renderer', () => {
    const core = sizes.find((size) => size.name === 'core')
    expect(renderersIn(core?.withWorkspace.inputs ?? [])).toStrictEqual([])
  })
})
