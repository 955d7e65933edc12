import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { catalog, profileJsonSchema } from '@aml-egress/core'
import { decisions } from '@aml-egress/core/catalog-details'
import { describe, expect, it } from 'vitest'
import { renderCatalogDocs, renderDiagnosticsDocs } from './docs'

const docs = (name: string) => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url))

describe('generated docs', () => {
  it('docs/catalog.md is what the catalog generates (run `npm run docs` after a change)', () => {
    expect(readFileSync(docs('catalog.md'), 'utf8')).toBe(renderCatalogDocs(catalog))
  })

  it('docs/diagnostics.md is what the diagnostic codes generate', () => {
    expect(readFileSync(docs('diagnostics.md'), 'utf8')).toBe(renderDiagnosticsDocs())
  })

  it('packages/core/profile.schema.json is the JSON Schema of the profile', () => {
    const file = fileURLToPath(
      new URL('../../../packages/core/profile.schema.json', import.meta.url),
    )
    expect(JSON.parse(readFileSync(file, 'utf8'))).toStrictEqual(profileJsonSchema())
  })

  it('lists every decision and every record', () => {
    const text = renderCatalogDocs(catalog)
    for (const decision of decisions) expect(text).toContain(`### ${decision.id}`)
    for (const requirement of catalog.requirements)
      expect(text).toContain(`| \`${requirement.id}\` |`)
  })
})
