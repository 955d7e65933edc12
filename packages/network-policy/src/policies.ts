import {
  canonicalCidr,
  compareOrdinal,
  createDiagnostic,
  isIpv4Cidr,
  type Plan,
  type PlanRule,
  type RenderedFile,
} from '@aml-egress/core'
import { type CiliumDraft, itemComment } from './ciliumDrafts'
import type {
  CiliumEgressRule,
  CiliumNetworkPolicy,
  LabelSelector,
  NetworkPolicy,
  ObjectMeta,
} from './model'
import {
  type Context,
  ciliumPolicyFile,
  type NpEntry,
  networkPolicyFile,
  type PodSource,
} from './render'
import { validateCiliumNetworkPolicy, validateNetworkPolicy } from './validate'
import { writeCiliumEgressItem, writePolicyYaml } from './yamlWriter'

/*
 * From the entries the rules became to the two files: entries grouped into policies (one per
 * namespace, side and pod selection), each policy with its comments, written as YAML.
 */

/** Never write ingress policies here: selecting cluster DNS for ingress would isolate it. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system'])

const NOT_PRINTABLE = /[^\x20-\x7e]/

/** Free text as one printable line: comments are the only place it reaches the output. */
export function oneLine(text: string): string {
  // Tested first: a fleet's 60,000 rule comments are printable already.
  return (NOT_PRINTABLE.test(text) ? text.replace(/[^\x20-\x7e]+/g, ' ') : text).trim()
}

/** `id [requirement, …] - note`, on one printable line: the comment of a rule's item. */
export function ruleComment(rule: PlanRule, note?: string): string {
  const ids = rule.requirementIds
  return oneLine(
    `${rule.id}${ids.length > 0 ? ` [${ids.join(', ')}]` : ''}${note ? ` - ${note}` : ''}`,
  )
}

/** Labels in key order (ordinal: the same on every machine). */
export function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => compareOrdinal(a, b)))
}

/** One policy document waiting to be written: its comment and one comment per rule item. */
type Rendered = {
  document: NetworkPolicy | CiliumNetworkPolicy
  comment: string
  items: string[]
  /** The document holds one object twice (see `writePolicyYaml`). */
  sharesObjects: boolean
}

/** Entries of one policy: its name, namespace and pod selection. */
type Group<T> = { name: string; namespace: string; podLabels: Record<string, string>; entries: T[] }

function slugOf(labels: Record<string, string>): string {
  const text = Object.entries(labels)
    .map(([key, value]) => `${key.split('/').pop() ?? key}-${value}`)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '')
  return text === '' ? 'all-pods' : text
}

/**
 * Names of policies in the order given (sorted), unique per namespace: the prefix, the pods'
 * labels as a DNS-1123 slug, and a number after the first.
 */
function withNames<T extends PodSource>(
  policies: readonly T[],
  prefix: (policy: T) => string,
): { policy: T; name: string }[] {
  const used = new Set<string>()
  return policies.map((policy) => {
    const { namespace } = policy
    const base = `${prefix(policy)}-${slugOf(policy.podLabels)}`
    let name = base
    for (let n = 2; used.has(`${namespace}/${name}`); n++) name = `${base}-${n}`
    used.add(`${namespace}/${name}`)
    return { policy, name }
  })
}

/** Entries by policy, with unique DNS-1123 names per namespace decided in sorted order. */
function nameGroups<T extends PodSource>(
  entries: readonly T[],
  prefix: (entry: T) => string,
): Group<T>[] {
  const groups = new Map<string, Omit<Group<T>, 'name'> & { prefix: string }>()
  // Entries share their label objects (every rule from the compute subnets, one): one text each.
  const labelTexts = new Map<Record<string, string>, string>()
  for (const entry of entries) {
    const { namespace, podLabels } = entry
    let labels = labelTexts.get(podLabels)
    if (labels === undefined) {
      labels = JSON.stringify(podLabels)
      labelTexts.set(podLabels, labels)
    }
    const key = `${namespace}\u0000${prefix(entry)}\u0000${labels}`
    let group = groups.get(key)
    if (group === undefined) {
      group = { namespace, podLabels: { ...podLabels }, entries: [], prefix: prefix(entry) }
      groups.set(key, group)
    }
    group.entries.push(entry)
  }
  const sorted = [...groups.entries()]
    .sort(([a], [b]) => compareOrdinal(a, b))
    .map(([, group]) => group)
  return withNames(sorted, (group) => group.prefix).map(({ policy, name }) => ({
    name,
    namespace: policy.namespace,
    podLabels: policy.podLabels,
    entries: policy.entries,
  }))
}

function metadata(
  context: Context,
  { name, namespace }: { name: string; namespace: string },
): ObjectMeta {
  return {
    name,
    namespace,
    labels: { 'app.kubernetes.io/managed-by': 'aml-egress' },
    annotations: {
      'aml-egress.io/catalog-version': context.plan.catalog.version,
      'aml-egress.io/doc-date': context.plan.catalog.docDate,
      'aml-egress.io/source-namespace': context.amlNamespace,
      // The compute subnets these pods stand for, so a reader maps subnet flows back to them.
      'aml-egress.io/source-addresses': context.plan.sourceAddresses
        .filter(isIpv4Cidr)
        .map(canonicalCidr)
        .join(','),
    },
  }
}

function selector(labels: Record<string, string>): LabelSelector {
  return Object.keys(labels).length > 0 ? { matchLabels: labels } : {}
}

function defaultDenyPolicy(context: Context): Rendered {
  const namespace = context.amlNamespace
  return {
    document: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: metadata(context, { name: 'aml-egress-default-deny', namespace }),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    comment: `Default deny: every pod in ${namespace} is isolated for ingress and egress; only the policies below allow traffic.`,
    items: [],
    sharesObjects: false,
  }
}

/**
 * Outbound rules mean the source pods are meant to be restricted: their egress is isolated even
 * when no rule could be expressed, so an unexpressible plan never ends as an open namespace.
 */
function egressPlaceholders(context: Context): NpEntry[] {
  if (!context.plan.rules.some((rule) => rule.direction === 'outbound')) return []
  return context.sourceNamespaces.map((namespace) => ({
    placeholder: true,
    namespace,
    podLabels: {},
    side: 'egress',
    peers: [],
    ports: [],
    comment: '',
    sharesObjects: false,
  }))
}

function networkPolicy(context: Context, group: Group<NpEntry>): Rendered {
  const side = group.entries[0]?.side ?? 'egress'
  const entries = group.entries.filter((entry) => !entry.placeholder)
  const podSelector = selector(group.podLabels)
  const spec: NetworkPolicy['spec'] =
    side === 'egress'
      ? {
          podSelector,
          policyTypes: ['Egress'],
          ...(entries.length > 0
            ? { egress: entries.map((entry) => ({ to: entry.peers, ports: entry.ports })) }
            : {}),
        }
      : {
          podSelector,
          policyTypes: ['Ingress'],
          ingress: entries.map((entry) => ({ from: entry.peers, ports: entry.ports })),
        }
  const labels = Object.entries(group.podLabels).map(([key, value]) => `${key}=${value}`)
  const who = labels.length > 0 ? `pods labelled ${labels.join(', ')}` : 'all pods'
  const denied =
    entries.length === 0 ? ' No rule could be expressed here, so all egress is denied.' : ''
  return {
    document: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: metadata(context, group),
      spec,
    },
    comment: `${side === 'egress' ? 'Egress from' : 'Ingress to'} ${who} in ${group.namespace}.${denied}`,
    items: entries.map((entry) => entry.comment),
    sharesObjects: entries.some((entry) => entry.sharesObjects),
  }
}

function networkPolicies(context: Context): Rendered[] {
  const groups = nameGroups([...egressPlaceholders(context), ...context.npEntries], (entry) =>
    entry.side === 'egress' ? 'aml-egress-from' : 'aml-egress-to',
  )
  return [
    ...(context.options.defaultDeny ? [defaultDenyPolicy(context)] : []),
    ...groups.map((group) => networkPolicy(context, group)),
  ]
}

/** Cilium selector labels carry their source: `k8s:`. */
function ciliumLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([key, value]) => [`k8s:${key}`, value]))
}

/** DNS through Cilium's proxy, to the DNS pods of the plan's in-cluster DNS rule. */
function dnsProxyRule(plan: Plan): CiliumEgressRule {
  // CoreDNS keeps the k8s-app=kube-dns label.
  const dns = plan.rules.find(
    (rule) =>
      rule.direction === 'inCluster' &&
      rule.destination.kind === 'pods' &&
      rule.ports.some((range) => range.from <= 53 && 53 <= range.to),
  )
  const destination = dns?.destination.kind === 'pods' ? dns.destination : undefined
  const namespace = destination?.namespaces[0] ?? 'kube-system'
  const labels = sortedLabels(destination?.podLabels ?? { 'k8s-app': 'kube-dns' })
  return {
    toEndpoints: [
      { matchLabels: { 'k8s:io.kubernetes.pod.namespace': namespace, ...ciliumLabels(labels) } },
    ],
    toPorts: [
      {
        ports: [
          { port: '53', protocol: 'UDP' },
          { port: '53', protocol: 'TCP' },
        ],
        rules: { dns: [{ matchPattern: '*' }] },
      },
    ],
  }
}

function ciliumPolicy(context: Context, draft: CiliumDraft, name: string): Rendered {
  const rules = draft.items.map((item) => item.rule)
  const items = draft.items.map(itemComment)
  if (draft.needsDns) {
    rules.unshift(dnsProxyRule(context.plan))
    items.unshift(
      'DNS through the Cilium DNS proxy: toFQDNs only learn addresses from answers the proxy sees',
    )
  }
  const selected = Object.keys(draft.podLabels).length > 0
  return {
    document: {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: metadata(context, { name, namespace: draft.namespace }),
      spec: {
        endpointSelector: selected ? { matchLabels: ciliumLabels(draft.podLabels) } : {},
        egress: rules,
      },
    },
    comment: `Egress by name (toFQDNs) and to the API server from ${selected ? 'selected pods' : 'all pods'} in ${draft.namespace}.`,
    items,
    sharesObjects: draft.sharesObjects,
  }
}

function ciliumPolicies(context: Context): Rendered[] {
  const drafts = [...context.ciliumDrafts.values()].sort((a, b) => compareOrdinal(a.key, b.key))
  return withNames(drafts, () => 'aml-egress-cilium-from').map(({ policy, name }) =>
    ciliumPolicy(context, policy, name),
  )
}

/** The last gate before writing: a document the API server would reject is left out, loudly. */
function checked(context: Context, rendered: Rendered[]): Rendered[] {
  return rendered.filter(({ document }) => {
    const problems =
      document.kind === 'NetworkPolicy'
        ? validateNetworkPolicy(document)
        : validateCiliumNetworkPolicy(document)
    if (problems.length > 0)
      context.diagnostics.push(
        createDiagnostic({
          code: 'AML_EGRESS_INVALID_INPUT',
          message: `${document.metadata.name} was not written: ${problems.join('; ')}`,
          format: context.flavour,
        }),
      )
    return problems.length === 0
  })
}

function fileHeader(context: Context, title: string): string[] {
  const { plan, options } = context
  const changeNumber = options.serviceTags?.changeNumber
  return [
    `# ${title}`,
    '# Generated by aml-egress: Azure Machine Learning network requirements for Kubernetes compute.',
    `# Catalog ${oneLine(plan.catalog.version)}, Microsoft Learn docs as of ${oneLine(plan.catalog.docDate)}.`,
    `# Apply with: kubectl apply -f <this file>. Pods of ${context.amlNamespace} stand for the compute subnets.`,
    ...(options.serviceTags
      ? [
          `# ipBlocks from the Azure service-tags file${changeNumber !== undefined ? ` (changeNumber ${changeNumber})` : ''}: a snapshot, re-render when Microsoft publishes a new file.`,
        ]
      : []),
  ]
}

/** The header, then each policy after `---`, in namespace/name order. */
function policyFile(context: Context, rendered: Rendered[], title: string): string {
  const key = ({ document }: Rendered) => `${document.metadata.namespace}/${document.metadata.name}`
  const sorted = [...rendered].sort((a, b) => compareOrdinal(key(a), key(b)))
  const out = fileHeader(context, title).map((line) => `${line}\n`)
  for (const { document, comment, items, sharesObjects } of sorted) {
    out.push('---\n')
    const input = {
      document,
      comment: oneLine(comment),
      // Item comments are one line already (ruleComment); an empty one means none.
      itemComments: items.map((text) => text || undefined),
      sharesObjects,
      writeItem: document.kind === 'CiliumNetworkPolicy' ? writeCiliumEgressItem : undefined,
    }
    writePolicyYaml(input, out)
  }
  return out.join('')
}

/** The rendered files, in path order: Cilium policies (if any), then NetworkPolicies (if any). */
export function policyFiles(context: Context): RenderedFile[] {
  const files = [
    {
      path: ciliumPolicyFile,
      rendered: checked(context, ciliumPolicies(context)),
      title:
        'CiliumNetworkPolicy (cilium.io/v2, Cilium 1.18): egress by host name and to the API server.',
    },
    {
      path: networkPolicyFile,
      rendered: checked(context, networkPolicies(context)),
      title: 'NetworkPolicy (networking.k8s.io/v1): in-cluster flows and egress by address.',
    },
  ]
  return files
    .filter(({ rendered }) => rendered.length > 0)
    .map(({ path, rendered, title }) => ({ path, contents: policyFile(context, rendered, title) }))
    .sort((a, b) => compareOrdinal(a.path, b.path))
}
