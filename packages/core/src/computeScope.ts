import { findRequirement } from './catalog/catalog'
import type { CatalogComputeKind } from './catalog/schema'
import { planRequirement } from './customRequirements'
import type { Plan, PlanRule } from './plan'

/**
 * The compute kinds an Azure ML managed virtual network cannot host: Kubernetes compute (AKS,
 * Arc-connected) and attached VMs or HDInsight run in your own network, and the managed-network
 * article says neither is supported in a managed virtual network.
 */
export const attachedComputeKinds: ReadonlySet<CatalogComputeKind> = new Set([
  'kubernetesCompute',
  'attachedVmOrHdinsight',
])

/**
 * Does the requirement apply only to attached compute (Kubernetes, attached VMs)? A requirement
 * that compute instances or clusters share (a Microsoft host both use) does not.
 * @example servesOnlyAttachedCompute(findRequirement('aks-core-01')!) // true
 */
export function servesOnlyAttachedCompute(requirement: {
  applicability: { computeKinds: readonly CatalogComputeKind[] }
}): boolean {
  const kinds = requirement.applicability.computeKinds
  return kinds.length > 0 && kinds.every((kind) => attachedComputeKinds.has(kind))
}

/**
 * Does every requirement behind the rule apply only to attached compute? Then a target that hosts
 * no attached compute (a managed virtual network) does not carry the rule; one that serves other
 * compute too is carried for that compute. Catalog records are looked up by id, your own
 * requirements (profile entries, environment-file hosts) in the plan; without the plan, or for an
 * id found in neither, the requirement counts as serving every compute kind.
 * @example ruleServesOnlyAttachedCompute(rule, plan) // true for *.hcp.<region>.azmk8s.io
 */
export function ruleServesOnlyAttachedCompute(
  rule: Pick<PlanRule, 'requirementIds'>,
  plan?: Pick<Plan, 'customRequirements'>,
): boolean {
  const ids = rule.requirementIds
  return (
    ids.length > 0 &&
    ids.every((id) => {
      const requirement = plan ? planRequirement(plan, id) : findRequirement(id)
      return requirement !== undefined && servesOnlyAttachedCompute(requirement)
    })
  )
}
