import type { LabelSelector, Tri } from './model'

/** A label's value: a string, `undefined` when the object has no such label, `null` when unknown. */
export type LabelLookup = (key: string) => string | undefined | null

/** AND over three-valued results: any `no` wins, then any `unknown`. */
export function allOf(results: readonly Tri[]): Tri {
  if (results.includes('no')) return 'no'
  return results.includes('unknown') ? 'unknown' : 'yes'
}

/** OR over three-valued results: any `yes` wins, then any `unknown`. */
export function anyOf(results: readonly Tri[]): Tri {
  if (results.includes('yes')) return 'yes'
  return results.includes('unknown') ? 'unknown' : 'no'
}

/**
 * Kubernetes label-selector semantics (`matchLabels` and `matchExpressions` ANDed; `{}` matches
 * everything; NotIn and DoesNotExist match an absent key), with unknown labels kept unknown.
 * @example matchSelector({ selector: { matchLabels: { app: 'x' } }, lookup: (k) => ({ app: 'x' })[k] }) // 'yes'
 */
export function matchSelector({
  selector,
  lookup,
}: {
  selector: LabelSelector
  lookup: LabelLookup
}): Tri {
  const results: Tri[] = []
  for (const [key, wanted] of Object.entries(selector.matchLabels ?? {})) {
    const value = lookup(key)
    results.push(value === null ? 'unknown' : value === wanted ? 'yes' : 'no')
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const value = lookup(requirement.key)
    const values = requirement.values ?? []
    if (value === null) {
      results.push('unknown')
      continue
    }
    switch (requirement.operator) {
      case 'In':
        results.push(value !== undefined && values.includes(value) ? 'yes' : 'no')
        break
      case 'NotIn':
        results.push(value === undefined || !values.includes(value) ? 'yes' : 'no')
        break
      case 'Exists':
        results.push(value !== undefined ? 'yes' : 'no')
        break
      case 'DoesNotExist':
        results.push(value === undefined ? 'yes' : 'no')
        break
      default:
        results.push('unknown')
    }
  }
  return allOf(results)
}

const NAMESPACE_NAME = 'kubernetes.io/metadata.name'

/** Namespace labels as a flow knows them: only the automatic name label. */
export function namespaceLookup(namespace: string): LabelLookup {
  return (key) => (key === NAMESPACE_NAME ? namespace : null)
}

/** Pod labels for a NetworkPolicy `podSelector`. */
export function podLookup(labels: Record<string, string>): LabelLookup {
  return (key) => labels[key]
}

const CILIUM_NAMESPACE_LABELS = 'io.cilium.k8s.namespace.labels.'

/**
 * Pod labels as Cilium sees them: `k8s:`/`any:` source prefixes, the namespace pseudo-label
 * `io.kubernetes.pod.namespace`, and namespace labels under `io.cilium.k8s.namespace.labels.`.
 * Other sources (`reserved:`, `cidr:`) and service-account labels are unknown for a flow.
 */
export function ciliumLookup({
  namespace,
  labels,
}: {
  namespace: string
  labels: Record<string, string>
}): LabelLookup {
  return (rawKey) => {
    const colon = rawKey.indexOf(':')
    const source = colon === -1 ? undefined : rawKey.slice(0, colon)
    if (source !== undefined && source !== 'k8s' && source !== 'any') return null
    const key = colon === -1 ? rawKey : rawKey.slice(colon + 1)
    if (key === 'io.kubernetes.pod.namespace') return namespace
    if (key.startsWith(CILIUM_NAMESPACE_LABELS))
      return namespaceLookup(namespace)(key.slice(CILIUM_NAMESPACE_LABELS.length))
    if (key.startsWith('io.cilium.k8s.policy.')) return null
    return labels[key]
  }
}

/** True when a Cilium selector names the namespace itself (so it is not limited to its own). */
export function ciliumSelectorNamesNamespace(selector: LabelSelector): boolean {
  const keys = [
    ...Object.keys(selector.matchLabels ?? {}),
    ...(selector.matchExpressions ?? []).map((requirement) => requirement.key),
  ].map((key) => key.replace(/^(k8s|any):/, ''))
  return keys.some(
    (key) => key === 'io.kubernetes.pod.namespace' || key.startsWith(CILIUM_NAMESPACE_LABELS),
  )
}
