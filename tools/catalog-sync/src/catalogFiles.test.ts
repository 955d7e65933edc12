import { catalog } from '@aml-egress/core'
import { requirementDetails } from '@aml-egress/core/catalog-details'
import { describe, expect, it } from 'vitest'
import { catalogFiles } from './catalogFiles'

/** Evaluates a generated module's single exported constant (an expression of plain JavaScript). */
function exportedValue(source: string): unknown {
  const expression = source.slice(source.indexOf('=', source.indexOf('export const')) + 1)
  return new Function(`return ${expression}`)()
}

describe('catalog files', () => {
  it('writes what core has: splitting the merged records gives back both generated files', () => {
    const merged = catalog.requirements.map((r) => ({ ...r, ...requirementDetails(r.id) }))
    const files = catalogFiles(merged)
    expect(exportedValue(files.requirements)).toStrictEqual(catalog.requirements)
    const details = exportedValue(files.details) as Record<string, unknown>
    for (const requirement of catalog.requirements) {
      const written: unknown = details[requirement.id] ?? { alsoListedIn: [] }
      expect(written).toStrictEqual(requirementDetails(requirement.id))
    }
  })
})
