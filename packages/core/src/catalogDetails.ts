/**
 * `@aml-egress/core/catalog-details`: what explains the catalog but never changes a plan — the
 * decisions taken where the docs disagree, and each record's other listings and note. A separate
 * entry so that embedding the resolver and a renderer does not ship this prose.
 * @module
 */
import { requirementDetailRecords } from './catalog/details.generated'
import type { RequirementDetails } from './catalog/schema'

export { type Decision, type DecisionId, decisions } from './catalog/decisions'
export { type RequirementDetails, RequirementDetailsSchema } from './catalog/schema'

const noDetails: RequirementDetails = { alsoListedIn: [] }

/** The other pages listing a requirement and the reference's note; empty for an unknown id. */
export function requirementDetails(id: string): RequirementDetails {
  return Object.hasOwn(requirementDetailRecords, id)
    ? (requirementDetailRecords[id] ?? noDetails)
    : noDetails
}
