import { catalog } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { diffCatalog, formatCatalogDiff } from './diffCatalog'

const [first, second, third] = catalog.requirements

describe('catalog diff', () => {
  it('returns no changes for the same records', () => {
    expect(formatCatalogDiff(diffCatalog(catalog.requirements, catalog.requirements))).toBe(
      'no changes',
    )
  })

  it('lists added, removed and changed records with the fields that changed', () => {
    if (!first || !second || !third) throw new Error('catalog too small')
    const next = [
      { ...first, ports: [{ from: 8443, to: 8443 }], summary: 'changed' },
      third,
      { ...second, id: 'new-01' },
    ]
    const diff = diffCatalog([first, second, third], next)
    expect(diff.added.map((r) => r.id)).toStrictEqual(['new-01'])
    expect(diff.removed.map((r) => r.id)).toStrictEqual([second.id])
    expect(diff.changed).toStrictEqual([{ id: first.id, fields: ['ports', 'summary'] }])
    expect(
      formatCatalogDiff(diff)
        .split('\n')
        .map((line) => line[0]),
    ).toStrictEqual(['+', '-', '~'])
  })
})
