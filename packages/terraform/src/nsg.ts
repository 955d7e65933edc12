/**
 * NSG rules from a plan: the subnet rules users apply next to the firewall. Inbound rules (the
 * 44224 rule from `AzureMachineLearning` for public-IP compute) only exist here; outbound rules
 * are written for service-tag rules and for host rules through their `serviceTagFallback`. NSGs
 * have no FQDNs, so a host rule without a fallback gets no NSG rule: the firewall carries it.
 */
import {
  createDiagnostic,
  type Diagnostic,
  formatPortRanges,
  mergePortRanges,
  type Plan,
  type PlanRule,
  type PortRange,
} from '@aml-egress/core'
import type { NsgProtocol, NsgRule } from './model'

/** First and last NSG priority azurerm accepts. */
export const nsgPriorityRange = { min: 100, max: 4096 } as const

/** The NSG key rendered rules use: both parts are module variables. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform interpolation as hcl2json spells it
export const renderedNsgKey = '${var.resource_group_name}/${var.network_security_group_name}'

const FORMAT = 'terraform'

/**
 * The fallback diagnostic, made by `createDiagnostic` once: a fleet has one per host rule, and
 * copying this template (one object shape) is much cheaper than a core call each.
 */
const FALLBACK = createDiagnostic({
  code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
  severity: 'info',
  message: '',
  format: FORMAT,
  ruleId: '',
  requirementIds: [],
})

type Draft = {
  direction: 'Inbound' | 'Outbound'
  protocol: NsgProtocol
  source: string[]
  destination: string[]
  /** Empty = every port, as in the plan. */
  ports: PortRange[]
  allPorts: boolean
  ruleIds: string[]
  requirementIds: string[]
}

/** One NSG rule as rendered, with the plan provenance the HCL comments need. */
export type BuiltNsgRule = NsgRule & {
  /** Resource local name, a valid HCL identifier. */
  localName: string
  ruleIds: string[]
  requirementIds: string[]
}

function nsgProtocol(rule: PlanRule): NsgProtocol {
  return rule.protocol === 'TCP' ? 'Tcp' : rule.protocol === 'UDP' ? 'Udp' : '*'
}

/**
 * The prefix lists one side of a plan rule becomes: one list per NSG rule. An NSG rule holds at
 * most one service tag (augmented rules take several CIDRs, never several tags), so every tag
 * gets its own rule.
 */
function prefixLists(
  rule: PlanRule,
  side: 'source' | 'destination',
  diagnostics: Diagnostic[],
): string[][] {
  const endpoint = rule[side]
  switch (endpoint.kind) {
    case 'serviceTag':
      return [[endpoint.tag]]
    case 'addresses':
      return endpoint.addresses.length > 0 ? [endpoint.addresses] : []
    case 'fqdn': {
      const tags = rule.serviceTagFallbacks
      if (side !== 'destination' || tags.length === 0) return []
      diagnostics.push({
        ...FALLBACK,
        message: `NSG rules for ${endpoint.fqdn} use its documented service tag${tags.length > 1 ? 's' : ''} ${tags.join(', ')} (NSGs have no FQDNs); the firewall rule still names the host.`,
        ruleId: rule.id,
        requirementIds: rule.requirementIds,
      })
      return tags.map((tag) => [tag])
    }
    default:
      return []
  }
}

/** A list of peers as part of a draft key: sorted, comma-joined. */
function listKey(values: readonly string[]): string {
  return values.length === 1 ? (values[0] as string) : [...values].sort().join(',')
}

function nameLabel(values: readonly string[]): string {
  const first = (values[0] ?? 'any').replace(/[^A-Za-z0-9.-]/g, '_')
  return values.length > 1 ? `${first}-and-${values.length - 1}` : first
}

function unique(base: string, used: Set<string>): string {
  let name = base
  for (let n = 2; used.has(name); n++) name = `${base}-${n}`
  used.add(name)
  return name
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}

/**
 * Adds a draft; a draft with the same peers collects its ports and provenance, normalised once by
 * `normaliseDraft` (normalising on every add made a fleet's shared tag rules quadratic).
 */
function addDraft(
  drafts: Map<string, Draft & { merged?: true }>,
  rule: PlanRule,
  peers: { source: readonly string[]; destination: readonly string[] },
): void {
  const direction = rule.direction === 'inbound' ? 'Inbound' : 'Outbound'
  const protocol = nsgProtocol(rule)
  const key = `${direction}|${protocol}|${listKey(peers.source)}|${listKey(peers.destination)}`
  const existing = drafts.get(key)
  if (!existing) {
    // Copies: the first draft's lists collect the others', and the plan's stay untouched.
    drafts.set(key, {
      direction,
      protocol,
      source: [...peers.source].sort(),
      destination: [...peers.destination].sort(),
      ports: [...rule.ports],
      allPorts: rule.ports.length === 0,
      ruleIds: [rule.id],
      requirementIds: [...rule.requirementIds],
    })
    return
  }
  existing.allPorts ||= rule.ports.length === 0
  for (const range of rule.ports) existing.ports.push(range)
  existing.ruleIds.push(rule.id)
  for (const id of rule.requirementIds) existing.requirementIds.push(id)
  existing.merged = true
}

function normaliseDraft(draft: Draft & { merged?: true }): Draft {
  if (!draft.merged) return draft
  return {
    ...draft,
    ports: draft.allPorts ? [] : mergePortRanges(draft.ports),
    ruleIds: [...new Set(draft.ruleIds)].sort(),
    requirementIds: [...new Set(draft.requirementIds)].sort(),
  }
}

/**
 * The NSG rules for a plan, sorted (inbound first, then by destination, protocol, ports) and
 * numbered from `basePriority` in steps of 10 per direction, leaving room for hand-made rules.
 * @example buildNsgRules({ plan, basePriority: 1000 }).rules[0]?.priority // 1000
 */
export function buildNsgRules(input: { plan: Plan; basePriority: number }): {
  rules: BuiltNsgRule[]
  diagnostics: Diagnostic[]
} {
  const { plan, basePriority } = input
  const diagnostics: Diagnostic[] = []
  const drafts = new Map<string, Draft & { merged?: true }>()
  for (const rule of plan.rules) {
    if (rule.direction === 'inCluster') continue
    for (const source of prefixLists(rule, 'source', diagnostics))
      for (const destination of prefixLists(rule, 'destination', diagnostics))
        addDraft(drafts, rule, { source, destination })
  }
  const sorted = [...drafts.values()]
    .map(normaliseDraft)
    .sort(
      (a, b) =>
        (a.direction === b.direction ? 0 : a.direction === 'Inbound' ? -1 : 1) ||
        a.destination
          .join(',')
          .toLowerCase()
          .localeCompare(b.destination.join(',').toLowerCase()) ||
        a.protocol.localeCompare(b.protocol) ||
        formatPortRanges(a.ports).join(',').localeCompare(formatPortRanges(b.ports).join(',')) ||
        a.source.join(',').localeCompare(b.source.join(',')),
    )
  const names = new Set<string>()
  const localNames = new Set<string>()
  const rules: BuiltNsgRule[] = []
  for (const direction of ['Inbound', 'Outbound'] as const) {
    const group = sorted.filter((draft) => draft.direction === direction)
    const step = basePriority + (group.length - 1) * 10 <= nsgPriorityRange.max ? 10 : 1
    group.forEach((draft, index) => {
      const priority = basePriority + index * step
      if (priority > nsgPriorityRange.max)
        diagnostics.push(
          createDiagnostic({
            code: 'AML_EGRESS_LIMIT_EXCEEDED',
            severity: 'error',
            message: `NSG ${direction.toLowerCase()} rule priority ${priority} exceeds ${nsgPriorityRange.max}; lower nsgBasePriority.`,
            format: FORMAT,
            ruleId: draft.ruleIds[0],
            requirementIds: draft.requirementIds,
          }),
        )
      const short = direction === 'Inbound' ? 'in' : 'out'
      const proto = draft.protocol === '*' ? 'any' : draft.protocol.toLowerCase()
      // Name after the remote side: the tag an inbound rule admits, the destination of an outbound one.
      const label = nameLabel(direction === 'Inbound' ? draft.source : draft.destination)
      const name = unique(`aml-${short}-${label}-${proto}`.slice(0, 76), names)
      const localName = unique(
        `aml_${short}_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${proto}`,
        localNames,
      )
      const description = `Azure ML ${direction.toLowerCase()} ${draft.protocol === '*' ? 'any' : draft.protocol.toUpperCase()} ${formatPortRanges(draft.ports).join(',')} ${draft.source.join(',')} to ${draft.destination.join(',')}`
      rules.push({
        address: `azurerm_network_security_rule.${localName}`,
        localName,
        name,
        networkSecurityGroup: renderedNsgKey,
        priority,
        direction,
        access: 'Allow',
        protocol: draft.protocol,
        sourceAddressPrefixes: draft.source,
        sourcePortRanges: ['*'],
        destinationAddressPrefixes: draft.destination,
        destinationPortRanges: formatPortRanges(draft.ports),
        description: description.length > 140 ? `${description.slice(0, 139)}…` : description,
        ruleIds: draft.ruleIds,
        requirementIds: draft.requirementIds,
      })
    })
  }
  return { rules, diagnostics }
}

/** True when `prefixes` are the plan's compute subnets, which the module takes as a variable. */
export function isSourceAddresses(plan: Plan, values: readonly string[]): boolean {
  return sameList([...plan.sourceAddresses].sort(), [...values].sort())
}
