import type { Requirement } from '@aml-egress/core'

export type CatalogDiff = {
  added: Requirement[]
  removed: Requirement[]
  /** Same id, different content: the top-level fields that differ. */
  changed: { id: string; fields: string[] }[]
}

/**
 * What a re-import of the reference would change in the catalog, by record id, so that updating
 * the catalog after a doc change is a reviewed diff, not a rewrite.
 */
export function diffCatalog(
  current: readonly Requirement[],
  next: readonly Requirement[],
): CatalogDiff {
  const before = new Map(current.map((r) => [r.id, r]))
  const after = new Map(next.map((r) => [r.id, r]))
  const changed: CatalogDiff['changed'] = []
  for (const [id, requirement] of after) {
    const old = before.get(id)
    if (!old) continue
    const keys = [...new Set([...Object.keys(old), ...Object.keys(requirement)])].sort()
    const fields = keys.filter(
      (key) =>
        JSON.stringify(old[key as keyof Requirement]) !==
        JSON.stringify(requirement[key as keyof Requirement]),
    )
    if (fields.length > 0) changed.push({ id, fields })
  }
  return {
    added: next.filter((r) => !before.has(r.id)),
    removed: current.filter((r) => !after.has(r.id)),
    changed: changed.sort((a, b) => a.id.localeCompare(b.id)),
  }
}

/** The diff as the text a changeset note takes. */
export function formatCatalogDiff(diff: CatalogDiff): string {
  const lines: string[] = []
  for (const r of diff.added) lines.push(`+ ${r.id} (${r.scenario}): ${r.docValue}`)
  for (const r of diff.removed) lines.push(`- ${r.id} (${r.scenario}): ${r.docValue}`)
  for (const c of diff.changed) lines.push(`~ ${c.id}: ${c.fields.join(', ')}`)
  return lines.length > 0 ? lines.join('\n') : 'no changes'
}
