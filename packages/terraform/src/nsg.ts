/**
 * NSG rules from a plan: the subnet rules users apply next to the firewall. Inbound rules (the
 * 44224 rule from `AzureMachineLearning` for public-IP compute) only exist here; outbound rules
 * are written for service-tag rules and for host rules through their `serviceTagFallback`. NSGs
 * have no FQDNs, so a host rule without a fallback gets no NSG rule: the firewall carries it.
 */

import { azureAddresses } from '@aml-egress/azure-firewall'
import {
  compareOrdinal,
  createDiagnostic,
  createDiagnosticSink,
  type Diagnostic,
  type DiagnosticDetailOption,
  type DiagnosticSink,
  formatPortRanges,
  mergePortRanges,
  type Plan,
  type PlanRule,
  type PortRange,
  type Protocol,
  type RuleFinding,
  type TriagedRule,
  triagePlan,
} from '@aml-egress/core'
import { formatName, terraformTriage } from './capabilities'
import type { NsgProtocol, NsgRule } from './model'

/** First and last NSG priority azurerm accepts. */
export const nsgPriorityRange = { min: 100, max: 4096 } as const

/** The NSG key rendered rules use: both parts are module variables. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform interpolation as hcl2json spells it
export const renderedNsgKey = '${var.resource_group_name}/${var.network_security_group_name}'

/** One NSG rule in the making: the plan rules that share its direction, protocol and peers. */
type Draft = {
  direction: 'Inbound' | 'Outbound'
  protocol: NsgProtocol
  /** Sorted. */
  source: string[]
  /** Sorted. */
  destination: string[]
  ruleIds: string[]
  /** The requirement and port lists of its rules, merged once it is complete (`placed`). */
  requirementLists: Set<readonly string[]>
  portLists: Set<readonly PortRange[]>
}

/** One NSG rule as rendered, with the plan provenance the HCL comments need. */
export type BuiltNsgRule = NsgRule & {
  /** Resource local name, a valid HCL identifier. */
  localName: string
  ruleIds: string[]
  requirementIds: string[]
}

function nsgProtocol(protocol: Protocol): NsgProtocol {
  return protocol === 'TCP' ? 'Tcp' : protocol === 'UDP' ? 'Udp' : '*'
}

/**
 * The prefix lists one side of a plan rule becomes, each sorted: one list per NSG rule. An NSG
 * rule holds at most one service tag (augmented rules take several CIDRs, never several tags), so
 * every tag gets its own rule. A host has no NSG prefix: a destination host becomes its documented
 * service tags (`serviceTagFallbacks`), a source host nothing.
 */
function prefixLists(rule: PlanRule, side: 'source' | 'destination'): string[][] {
  const endpoint = rule[side]
  switch (endpoint.kind) {
    case 'serviceTag':
      return [[endpoint.tag]]
    case 'addresses':
      return endpoint.addresses.length > 0
        ? [azureAddresses(endpoint.addresses).sort(compareOrdinal)]
        : []
    case 'fqdn':
      return side === 'destination' ? rule.serviceTagFallbacks.map((tag) => [tag]) : []
    default:
      return []
  }
}

/**
 * What every rule of one shape does: the drafts it joins and, for a host rule, the tail of the note
 * that its NSG rules name service tags instead of the host. The shape is all that decides them:
 * direction, protocol, and the prefixes of both ends (a host rule's service tags).
 */
type NsgShape = {
  /** The rule the shape was worked out on: later rules compare their ends with its. */
  rule: PlanRule
  protocol: Protocol
  drafts: Draft[]
  /** For host rules: the note that their NSG rules name service tags instead of the host. */
  fallbackNote?: RuleFinding<PlanRule>
}

/**
 * Shapes by a string of their far end (its tag, first address or first service tag), which the
 * plan holds: a look-up builds no key. A shape is found among those by comparing the rest.
 */
type NsgShapes = Map<string, NsgShape[]>

/** What the drafts are collected in: every draft in the order first met, and by key. */
type DraftIndex = { drafts: Draft[]; byKey: Map<string, Draft>; shapes: NsgShapes }

function farHint(rule: PlanRule): string {
  const { destination } = rule
  switch (destination.kind) {
    case 'serviceTag':
      return destination.tag
    case 'addresses':
      return destination.addresses[0] ?? ''
    case 'fqdn':
      return rule.serviceTagFallbacks[0] ?? ''
    default:
      return ''
  }
}

/** The shape of a rule, worked out on its first rule. */
function nsgShapeOf(index: DraftIndex, triaged: TriagedRule): NsgShape {
  const hint = farHint(triaged.rule)
  let shapes = index.shapes.get(hint)
  if (shapes === undefined) {
    shapes = []
    index.shapes.set(hint, shapes)
  }
  for (const shape of shapes) if (isNsgShapeOf(shape, triaged)) return shape
  const shape = nsgShape(index, triaged)
  shapes.push(shape)
  return shape
}

function isNsgShapeOf(shape: NsgShape, triaged: TriagedRule): boolean {
  const { rule } = triaged
  return (
    shape.protocol === triaged.protocol &&
    shape.rule.direction === rule.direction &&
    samePrefixes(shape.rule, rule, 'source') &&
    samePrefixes(shape.rule, rule, 'destination')
  )
}

/** Do both rules have the same prefixes at this end (what `prefixLists` reads)? */
function samePrefixes(a: PlanRule, b: PlanRule, side: 'source' | 'destination'): boolean {
  const mine = a[side]
  const theirs = b[side]
  switch (mine.kind) {
    case 'serviceTag':
      return theirs.kind === 'serviceTag' && mine.tag === theirs.tag
    case 'addresses':
      return theirs.kind === 'addresses' && sameStrings(mine.addresses, theirs.addresses)
    case 'fqdn':
      return (
        theirs.kind === 'fqdn' &&
        (side === 'source' || sameStrings(a.serviceTagFallbacks, b.serviceTagFallbacks))
      )
    default:
      return theirs.kind === mine.kind
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((value, at) => value === b[at]))
}

/** Plan rules with the same direction, protocol and peers share one draft, made when first met. */
function nsgShape(index: DraftIndex, triaged: TriagedRule): NsgShape {
  const { rule } = triaged
  const direction = rule.direction === 'inbound' ? 'Inbound' : 'Outbound'
  const protocol = nsgProtocol(triaged.protocol)
  const sources = prefixLists(rule, 'source')
  const destinations = prefixLists(rule, 'destination')
  const drafts: Draft[] = []
  for (const source of sources)
    for (const destination of destinations) {
      const key = `${direction}|${protocol}|${source.join(',')}|${destination.join(',')}`
      let draft = index.byKey.get(key)
      if (!draft) {
        draft = {
          direction,
          protocol,
          source,
          destination,
          ruleIds: [],
          requirementLists: new Set(),
          portLists: new Set(),
        }
        index.byKey.set(key, draft)
        index.drafts.push(draft)
      }
      drafts.push(draft)
    }
  const shape: NsgShape = { rule, protocol: triaged.protocol, drafts }
  if (rule.destination.kind === 'fqdn' && drafts.length > 0)
    shape.fallbackNote = fallbackNote(rule.serviceTagFallbacks)
  return shape
}

/** The note that a host rule's NSG rules name its service tags instead of the host. */
function fallbackNote(tags: readonly string[]): RuleFinding<PlanRule> {
  const tail = ` use its documented service tag${tags.length > 1 ? 's' : ''} ${tags.join(', ')} (NSGs have no FQDNs); the firewall rule still names the host.`
  return {
    code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
    // Info, not the code's warning: the firewall rule still names the host, so the wider NSG rule
    // lets nothing through that the firewall does not.
    severity: 'info',
    message: (rule) =>
      `NSG rules for ${rule.destination.kind === 'fqdn' ? rule.destination.fqdn : ''}${tail}`,
    format: formatName,
  }
}

/**
 * The drafts of the rules, in the order first met: plan rules with the same direction, protocol
 * and peers share one NSG rule. A host rule that gets NSG rules through its service tags says so
 * in `diagnostics`.
 */
function draftsOf(rules: readonly TriagedRule[], diagnostics: DiagnosticSink): Draft[] {
  const index: DraftIndex = { drafts: [], byKey: new Map(), shapes: new Map() }
  for (const triaged of rules) {
    const { rule } = triaged
    const shape = nsgShapeOf(index, triaged)
    for (const draft of shape.drafts) {
      // A rule whose fallback tags repeat one reaches its draft twice in a row.
      if (draft.ruleIds.at(-1) !== rule.id) draft.ruleIds.push(rule.id)
      draft.requirementLists.add(rule.requirementIds)
      draft.portLists.add(triaged.ports)
    }
    if (shape.fallbackNote) diagnostics.addFinding(shape.fallbackNote, rule, triaged.index)
  }
  return index.drafts
}

/** The ports of a draft's rules, merged; none (every port) when one rule has every port. */
function draftPorts(draft: Draft): PortRange[] {
  const ranges: PortRange[] = []
  for (const ports of draft.portLists) {
    if (ports.length === 0) return []
    ranges.push(...ports)
  }
  return mergePortRanges(ranges)
}

/** The requirements of a draft's rules, sorted. */
function draftRequirements(draft: Draft): string[] {
  const ids = new Set<string>()
  for (const list of draft.requirementLists) for (const id of list) ids.add(id)
  return [...ids].sort(compareOrdinal)
}

/**
 * The NSG order: inbound first, then by destination (case-insensitive), protocol, ports and
 * source, so that one more workspace is a small diff.
 */
function compareNsgRules(a: PlacedDraft, b: PlacedDraft): number {
  return (
    (a.direction === b.direction ? 0 : a.direction === 'Inbound' ? -1 : 1) ||
    compareOrdinal(a.destination.join(',').toLowerCase(), b.destination.join(',').toLowerCase()) ||
    compareOrdinal(a.protocol, b.protocol) ||
    compareOrdinal(a.portText, b.portText) ||
    compareOrdinal(a.source.join(','), b.source.join(','))
  )
}

/** A draft with its ports and provenance collected, ready to be numbered. */
type PlacedDraft = Pick<Draft, 'direction' | 'protocol' | 'source' | 'destination'> & {
  ports: PortRange[]
  portText: string
  ruleIds: string[]
  requirementIds: string[]
}

function placed(draft: Draft): PlacedDraft {
  const ports = draftPorts(draft)
  return {
    direction: draft.direction,
    protocol: draft.protocol,
    source: draft.source,
    destination: draft.destination,
    ports,
    portText: formatPortRanges(ports).join(','),
    ruleIds: draft.ruleIds.sort(compareOrdinal),
    requirementIds: draftRequirements(draft),
  }
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

/** Azure names and Terraform local names already given, so that each is given once. */
type Names = { names: Set<string>; localNames: Set<string> }

/** The rule as azurerm takes it, named after its remote side. */
function nsgRule(draft: PlacedDraft, priority: number, used: Names): BuiltNsgRule {
  const { direction } = draft
  const short = direction === 'Inbound' ? 'in' : 'out'
  const proto = draft.protocol === '*' ? 'any' : draft.protocol.toLowerCase()
  // The remote side: the tag an inbound rule admits, the destination of an outbound one.
  const label = nameLabel(direction === 'Inbound' ? draft.source : draft.destination)
  const name = unique(`aml-${short}-${label}-${proto}`.slice(0, 76), used.names)
  const localName = unique(
    `aml_${short}_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${proto}`,
    used.localNames,
  )
  const description = `Azure ML ${direction.toLowerCase()} ${draft.protocol === '*' ? 'any' : draft.protocol.toUpperCase()} ${draft.portText} ${draft.source.join(',')} to ${draft.destination.join(',')}`
  return {
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
  }
}

/**
 * The rules of one direction numbered from `basePriority` in steps of 10, leaving room for
 * hand-made rules, or of 1 where steps of 10 would pass the maximum.
 */
function numbered(
  drafts: readonly PlacedDraft[],
  input: { basePriority: number; used: Names; diagnostics: DiagnosticSink },
): BuiltNsgRule[] {
  const { basePriority } = input
  const step = basePriority + (drafts.length - 1) * 10 <= nsgPriorityRange.max ? 10 : 1
  return drafts.map((draft, index) => {
    const priority = basePriority + index * step
    if (priority > nsgPriorityRange.max)
      input.diagnostics.push(
        createDiagnostic({
          code: 'AML_EGRESS_LIMIT_EXCEEDED',
          message: `NSG ${draft.direction.toLowerCase()} rule priority ${priority} exceeds ${nsgPriorityRange.max}; lower nsgBasePriority.`,
          format: formatName,
          ruleId: draft.ruleIds[0],
          requirementIds: draft.requirementIds,
        }),
      )
    return nsgRule(draft, priority, input.used)
  })
}

/**
 * The NSG rules for the rules core's `triagePlan` hands the format, sorted (inbound first, then
 * by destination, protocol, ports) and numbered from `basePriority` per direction.
 * @example buildNsgRules({ rules: triagePlan(plan, terraformFormat).rules, basePriority: 1000 }).rules[0]?.priority // 1000
 */
export function buildNsgRules(
  input:
    | ({ rules: readonly TriagedRule[]; basePriority: number } & DiagnosticDetailOption)
    | {
        /** @deprecated Pass `rules: triagePlan(plan, terraformFormat).rules`. */
        plan: Plan
        basePriority: number
      },
): {
  rules: BuiltNsgRule[]
  diagnostics: Diagnostic[]
} {
  const triaged = 'rules' in input ? input.rules : triagePlan(input.plan, terraformTriage).rules
  const diagnostics = createDiagnosticSink('rules' in input ? input.diagnostics : undefined)
  const sorted = draftsOf(triaged, diagnostics).map(placed).sort(compareNsgRules)
  const used: Names = { names: new Set(), localNames: new Set() }
  const rules = (['Inbound', 'Outbound'] as const).flatMap((direction) =>
    numbered(
      sorted.filter((draft) => draft.direction === direction),
      { basePriority: input.basePriority, used, diagnostics },
    ),
  )
  return { rules, diagnostics: diagnostics.list() }
}
