/**
 * NSG rules from a plan: the subnet rules users apply next to the firewall. Inbound rules (the
 * 44224 rule from `AzureMachineLearning` for public-IP compute) only exist here; outbound rules
 * are written for service-tag rules and for host rules through their `serviceTagFallback`. NSGs
 * have no FQDNs, so a host rule without a fallback gets no NSG rule: the firewall carries it.
 */
import {
  createDiagnostic,
  type Diagnostic,
  diagnosticCodes,
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
  /** Requirement lists already collected: rules of one requirement share one list. */
  requirementLists: Set<readonly string[]>
  merged: boolean
}

/** One NSG rule as rendered, with the plan provenance the HCL comments need. */
export type BuiltNsgRule = NsgRule & {
  /** Resource local name, a valid HCL identifier. */
  localName: string
  ruleIds: string[]
  requirementIds: string[]
}

/** The protocols `nsgProtocol` gives, as an index. */
const PROTOCOLS: readonly NsgProtocol[] = ['Tcp', 'Udp', '*']

function nsgProtocol(rule: PlanRule): NsgProtocol {
  return rule.protocol === 'TCP' ? 'Tcp' : rule.protocol === 'UDP' ? 'Udp' : '*'
}

/**
 * Prefix lists and fallback messages, made once per distinct input: plan rules share their
 * address and fallback lists, and a fleet has tens of thousands of rules over a few of each.
 */
class PeerLists {
  private readonly byTag = new Map<string, string[][]>()
  private readonly byAddresses = new Map<readonly string[], string[][]>()
  private readonly byFallbacks = new Map<readonly string[], string[][]>()
  /** The fallback message after the host name, by fallback list. */
  private readonly fallbackTexts = new Map<readonly string[], string>()

  /**
   * The prefix lists one side of a plan rule becomes: one list per NSG rule. An NSG rule holds
   * at most one service tag (augmented rules take several CIDRs, never several tags), so every
   * tag gets its own rule. Do not change the lists: they are shared.
   */
  of(rule: PlanRule, side: 'source' | 'destination', diagnostics: Diagnostic[]): string[][] {
    const endpoint = rule[side]
    switch (endpoint.kind) {
      case 'serviceTag':
        return cached(this.byTag, endpoint.tag, tagLists)
      case 'addresses':
        return cached(this.byAddresses, endpoint.addresses, addressLists)
      case 'fqdn': {
        const tags = rule.serviceTagFallbacks
        if (side !== 'destination' || tags.length === 0) return []
        const text = cached(this.fallbackTexts, tags, fallbackText)
        diagnostics.push({
          code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
          severity: 'info',
          message: `NSG rules for ${endpoint.fqdn}${text}`,
          format: FORMAT,
          ruleId: rule.id,
          requirementIds: rule.requirementIds,
          help: diagnosticCodes.AML_EGRESS_SERVICE_TAG_FALLBACK.fix,
        })
        return cached(this.byFallbacks, tags, fallbackLists)
      }
      default:
        return []
    }
  }
}

// Makers for `cached`, declared once: a closure per call would be an allocation per plan rule.
function tagLists(tag: string): string[][] {
  return [[tag]]
}

function addressLists(addresses: readonly string[]): string[][] {
  return addresses.length > 0 ? [addresses as string[]] : []
}

function fallbackLists(tags: readonly string[]): string[][] {
  return tags.map((tag) => [tag])
}

function fallbackText(tags: readonly string[]): string {
  return ` use its documented service tag${tags.length > 1 ? 's' : ''} ${tags.join(', ')} (NSGs have no FQDNs); the firewall rule still names the host.`
}

function draftsByDestination(): Map<readonly string[], Draft> {
  return new Map()
}

function cached<K, V>(cache: Map<K, V>, key: K, make: (key: K) => V): V {
  let value = cache.get(key)
  if (value === undefined) {
    value = make(key)
    cache.set(key, value)
  }
  return value
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
 * The drafts of a plan: a draft with the same peers collects its ports and provenance, normalised
 * once by `normalised` (normalising on every add made a fleet's shared tag rules quadratic).
 */
class Drafts {
  /** By direction, protocol and sorted peers: the identity of an NSG rule. */
  private readonly byKey = new Map<string, Draft>()
  /**
   * By direction and protocol (see `kind`), then source and destination list objects: rules
   * share those lists, so most rules find their draft without building a key.
   */
  private readonly byLists = Array.from(
    { length: 2 * PROTOCOLS.length },
    () => new Map<readonly string[], Map<readonly string[], Draft>>(),
  )

  add(rule: PlanRule, source: readonly string[], destination: readonly string[]): void {
    const direction = rule.direction === 'inbound' ? 'Inbound' : 'Outbound'
    const protocol = nsgProtocol(rule)
    const kind = (direction === 'Inbound' ? 0 : PROTOCOLS.length) + PROTOCOLS.indexOf(protocol)
    const byDestination = cached(
      this.byLists[kind] as Map<readonly string[], Map<readonly string[], Draft>>,
      source,
      draftsByDestination,
    )
    const existing = byDestination.get(destination)
    if (existing !== undefined) {
      this.merge(existing, rule)
      return
    }
    const key = `${direction}|${protocol}|${listKey(source)}|${listKey(destination)}`
    const found = this.byKey.get(key)
    if (found !== undefined) {
      byDestination.set(destination, found)
      this.merge(found, rule)
      return
    }
    // Copies: the first draft's lists collect the others', and the plan's stay untouched.
    const draft: Draft = {
      direction,
      protocol,
      source: [...source].sort(),
      destination: [...destination].sort(),
      ports: [...rule.ports],
      allPorts: rule.ports.length === 0,
      ruleIds: [rule.id],
      requirementIds: [...rule.requirementIds],
      requirementLists: new Set([rule.requirementIds]),
      merged: false,
    }
    this.byKey.set(key, draft)
    byDestination.set(destination, draft)
  }

  /** Every draft, in the order first added, normalised. */
  normalised(): Draft[] {
    return [...this.byKey.values()].map(normaliseDraft)
  }

  private merge(draft: Draft, rule: PlanRule): void {
    draft.allPorts ||= rule.ports.length === 0
    const ports = draft.ports
    // Index loops: this runs for every plan rule, where for-of allocated iterator results.
    for (let at = 0; at < rule.ports.length; at++) {
      const range = rule.ports[at] as PortRange
      // Ranges are merged later; most rules repeat the last one, so leave those out now.
      const last = ports[ports.length - 1]
      if (last === undefined || last.from !== range.from || last.to !== range.to) ports.push(range)
    }
    draft.ruleIds.push(rule.id)
    const ids = rule.requirementIds
    if (!draft.requirementLists.has(ids)) {
      draft.requirementLists.add(ids)
      for (let at = 0; at < ids.length; at++) draft.requirementIds.push(ids[at] as string)
    }
    draft.merged = true
  }
}

/** Sorted, without repeats. */
function sortedUnique(values: string[]): string[] {
  const sorted = values.sort()
  let kept = 0
  for (let at = 0; at < sorted.length; at++)
    if (at === 0 || sorted[at] !== sorted[kept - 1]) sorted[kept++] = sorted[at] as string
  sorted.length = kept
  return sorted
}

function normaliseDraft(draft: Draft): Draft {
  if (!draft.merged) return draft
  return {
    ...draft,
    ports: draft.allPorts ? [] : mergePortRanges(draft.ports),
    ruleIds: sortedUnique(draft.ruleIds),
    requirementIds: sortedUnique(draft.requirementIds),
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
  const drafts = new Drafts()
  const peers = new PeerLists()
  // Index loops: for-of allocated iterator results for each of a fleet's rules.
  const planRules = plan.rules
  for (let at = 0; at < planRules.length; at++) {
    const rule = planRules[at] as PlanRule
    if (rule.direction === 'inCluster') continue
    const sources = peers.of(rule, 'source', diagnostics)
    for (let s = 0; s < sources.length; s++) {
      const destinations = peers.of(rule, 'destination', diagnostics)
      for (let d = 0; d < destinations.length; d++)
        drafts.add(rule, sources[s] as string[], destinations[d] as string[])
    }
  }
  const sorted = drafts
    .normalised()
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
