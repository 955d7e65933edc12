import { requirementRecords } from './requirements.generated'
import type { Requirement } from './schema'

/** The requirement catalog: Microsoft's documented AML network requirements as typed data. */
export type Catalog = {
  /** Bumped whenever a requirement is added, removed or changed (see the changesets). */
  version: string
  /** The newest `ms.date` of the pages the catalog was compiled from. */
  docDate: string
  /** Every record, current, conflicting and historical; plans only use current ones. */
  requirements: readonly Requirement[]
}

/**
 * The requirement catalog: every record with provenance, and its version and doc date. The
 * decisions and each record's prose are in `@aml-egress/core/catalog-details`.
 */
export const catalog: Catalog = {
  version: '2026.3.0',
  docDate:
    requirementRecords
      .map((record) => record.provenance.docDate)
      .sort()
      .at(-1) ?? '',
  requirements: requirementRecords,
}

const byId = new Map(requirementRecords.map((record) => [record.id, record]))

/** Looks a requirement up by id (`basic-out-06`). */
export function findRequirement(id: string): Requirement | undefined {
  return byId.get(id)
}
