import type { PlanRule } from '@aml-egress/core'
import type { CiliumEgressRule, CiliumFqdnSelector } from './model'
import { oneLine, ruleComment } from './policies'
import type { RuleSource } from './render'

/*
 * The CiliumNetworkPolicies of a render as its rules arrive: one draft per namespace and pod
 * selection, holding the policy's egress items. Host rules of one kind, ports and requirements
 * join one item listing every name (in plan order), so a fleet's tens of thousands of host rules
 * become a few dozen items without an object per rule in between.
 */

/** One egress item: a rule's, or the names of every host rule with its merge key. */
export type CiliumItem = {
  rule: CiliumEgressRule
  /** The first rule: the item's comment while it holds one host, its kind and requirements after. */
  first: PlanRule
  /** Host rules (per source) merged into the item. */
  hosts: number
}

/** A host item: its `toFQDNs` grows as host rules with its merge key arrive. */
export type CiliumHostItem = CiliumItem & {
  rule: CiliumEgressRule & { toFQDNs: CiliumFqdnSelector[] }
}

/** One CiliumNetworkPolicy being built. */
export type CiliumDraft = {
  namespace: string
  podLabels: Readonly<Record<string, string>>
  /** Namespace and labels as one text: identifies the policy and orders the file. */
  key: string
  /** In the order their first rule arrived. */
  items: CiliumItem[]
  /** Host items by merge key (see `hostItemKey`). */
  hostItems: Map<string, CiliumHostItem>
  /** toFQDNs only work when the pods' DNS goes through Cilium's proxy. */
  needsDns: boolean
  /** An item holds an object twice, or two items share one (see `repeatsNamespace`). */
  sharesObjects: boolean
}

/** The draft of the policy for these pods, made when their first rule arrives. */
export function ciliumDraftOf(drafts: Map<string, CiliumDraft>, source: RuleSource): CiliumDraft {
  let draft = drafts.get(source.policyKey)
  if (draft === undefined) {
    draft = {
      namespace: source.namespace,
      podLabels: source.podLabels,
      key: source.policyKey,
      items: [],
      hostItems: new Map(),
      needsDns: false,
      sharesObjects: false,
    }
    drafts.set(source.policyKey, draft)
  }
  return draft
}

/** `direction/protocol`, as item comments name the kind of their hosts. */
function hostKind(rule: PlanRule): string {
  return `${rule.direction}/${rule.protocol.toLowerCase()}`
}

/** The item's comment: its rule's, or for merged hosts their kind, count and requirements. */
export function itemComment({ first, hosts }: CiliumItem): string {
  return hosts > 1
    ? oneLine(`${hostKind(first)} to ${hosts} hosts [${first.requirementIds.join(', ')}]`)
    : ruleComment(first)
}
