import { ruleServesOnlyAttachedCompute } from './computeScope'
import {
  createDiagnosticSink,
  type DiagnosticDetailOption,
  type DiagnosticSink,
  type RuleFinding,
} from './diagnosticSink'
import type { Diagnostic } from './diagnostics'
import type { Capability, FormatCapabilities } from './format'
import type { Plan, PlanRule, RuleDirection, RuleEndpoint } from './plan'
import { type FlowProtocol, formatPortRanges, type PortRange, type Protocol } from './ports'

/** The ports a format without `nonHttpPorts` carries: HTTP and HTTPS. */
const HTTP_PORT = 80
const HTTPS_PORT = 443

/** The capability a rule's endpoint needs; undefined when every format can name it. */
function endpointCapability(endpoint: RuleEndpoint): Capability | undefined {
  switch (endpoint.kind) {
    case 'fqdn':
      return endpoint.fqdn.startsWith('*.') ? 'wildcardFqdn' : 'exactFqdn'
    case 'serviceTag':
      return 'serviceTag'
    case 'addresses':
    case 'apiServer':
      return 'cidr'
    case 'pods':
      return 'inCluster'
  }
}

/** The far end of a rule: the destination, or for inbound rules the source outside. */
function remoteEndpoint(rule: PlanRule): RuleEndpoint {
  return rule.direction === 'inbound' ? rule.source : rule.destination
}

/** The plan a rule is from, for its own requirements (which compute they serve). */
type RuleSource = Pick<Plan, 'customRequirements'>

/**
 * The capabilities a format needs to express a rule, or one flow of it (a protocol and port).
 * Without a flow, a rule of protocol ANY or with ports other than 80/443 needs `udp` or
 * `nonHttpPorts` for that part only: `triagePlan` renders the rest. A rule only attached compute
 * needs (Kubernetes, attached VMs) needs `attachedCompute`; pass the rule's plan so that your own
 * requirements' `compute` counts too (without it they count as serving every compute kind).
 * @example capabilitiesNeeded(rule, { protocol: 'UDP', port: 5831 }) // ['wildcardFqdn', 'udp', 'nonHttpPorts']
 */
export function capabilitiesNeeded(
  rule: PlanRule,
  flow?: { protocol: FlowProtocol; port: number },
  plan?: RuleSource,
): Capability[] {
  return neededFor(rule, {
    protocol: flow?.protocol ?? rule.protocol,
    ports: flow ? [{ from: flow.port, to: flow.port }] : rule.ports,
    attachedOnly: ruleServesOnlyAttachedCompute(rule, plan),
  })
}

/** `capabilitiesNeeded` of a rule's traffic, or part of it, once the compute it serves is known. */
function neededFor(
  rule: PlanRule,
  traffic: {
    protocol: FlowProtocol | Protocol
    ports: readonly PortRange[]
    attachedOnly: boolean
  },
): Capability[] {
  if (rule.direction === 'inCluster') return ['inCluster']
  const needed: Capability[] = rule.direction === 'inbound' ? ['inbound'] : []
  if (traffic.attachedOnly) needed.push('attachedCompute')
  const endpoint = endpointCapability(remoteEndpoint(rule))
  if (endpoint !== undefined && !needed.includes(endpoint)) needed.push(endpoint)
  if (traffic.protocol !== 'TCP') needed.push('udp')
  if (nonHttpRanges(traffic.ports).length > 0) needed.push('nonHttpPorts')
  return needed
}

/**
 * The capabilities a format lacks for a rule or one flow of it: empty when the format can express
 * it. What `check` reports as "not expressible" and what the shared matrix accepts as unrendered.
 */
export function missingCapabilities(
  capabilities: FormatCapabilities,
  rule: PlanRule,
  flow?: { protocol: FlowProtocol; port: number },
  plan?: RuleSource,
): Capability[] {
  return capabilitiesNeeded(rule, flow, plan).filter((capability) => !capabilities[capability])
}

/** A plan rule as a format renders it: the part of it the format can express. */
export type TriagedRule = {
  rule: PlanRule
  /** The rule's index in `plan.rules`, for diagnostic paths. */
  index: number
  /** The protocol to render: the rule's, or `TCP` when the format carries no UDP. */
  protocol: Protocol
  /**
   * The ports to render: the rule's (empty: every port), or only 80 and 443 when the format
   * carries nothing else.
   */
  ports: readonly PortRange[]
  /**
   * The format cannot name the destination host, but names service tags: render the rule's
   * documented `serviceTagFallbacks` instead (and say so, with a service-tag-fallback diagnostic).
   */
  viaServiceTagFallback: boolean
}

/** What `triagePlan` returns: the rules to render, by direction in plan order, and diagnostics. */
export type Triage = {
  /** Every rule to render, in plan order. */
  rules: TriagedRule[]
  /** The same rules by direction, each in plan order. */
  byDirection: Record<RuleDirection, TriagedRule[]>
  /**
   * One standard diagnostic for each rule, or part of a rule, left out (out of scope, not egress),
   * or whose URL path is not filtered (TLS inspection required); with the `summary` detail, one
   * per finding and requirement list, with a `count`.
   */
  diagnostics: Diagnostic[]
}

/** The format being triaged for: its name, what it can express and where the rest can go. */
export type TriageFormat = {
  name: string
  capabilities: FormatCapabilities
  unsupportedHelp?: Partial<Record<Capability, string>>
}

const HTTP_ONLY: readonly PortRange[] = [{ from: HTTP_PORT, to: HTTP_PORT }]
const HTTPS_ONLY: readonly PortRange[] = [{ from: HTTPS_PORT, to: HTTPS_PORT }]
const HTTP_AND_HTTPS: readonly PortRange[] = [...HTTP_ONLY, ...HTTPS_ONLY]

function isHttpPort(range: PortRange): boolean {
  return range.from === range.to && (range.from === HTTP_PORT || range.from === HTTPS_PORT)
}

/** The ranges without 80 and 443 (empty list: every port). */
function nonHttpRanges(ranges: readonly PortRange[]): PortRange[] {
  if (ranges.every(isHttpPort) && ranges.length > 0) return []
  const rest: PortRange[] = []
  for (const range of ranges.length === 0 ? [{ from: 1, to: 65535 }] : ranges) {
    let from = range.from
    for (const port of [HTTP_PORT, HTTPS_PORT]) {
      if (port < from || port > range.to) continue
      if (from < port) rest.push({ from, to: port - 1 })
      from = port + 1
    }
    if (from <= range.to) rest.push({ from, to: range.to })
  }
  return rest
}

function includesPort(ranges: readonly PortRange[], port: number): boolean {
  return ranges.length === 0 || ranges.some((range) => range.from <= port && port <= range.to)
}

/** 80 and/or 443 where the ranges include them (empty list: every port). */
function httpRanges(ranges: readonly PortRange[]): readonly PortRange[] {
  const http = includesPort(ranges, HTTP_PORT)
  const https = includesPort(ranges, HTTPS_PORT)
  if (http) return https ? HTTP_AND_HTTPS : HTTP_ONLY
  return https ? HTTPS_ONLY : []
}

function describeEndpoint(endpoint: RuleEndpoint): string {
  switch (endpoint.kind) {
    case 'fqdn':
      return endpoint.fqdn
    case 'serviceTag':
      return `service tag ${endpoint.tag}`
    case 'addresses':
      return endpoint.addresses.join(', ') || 'no address'
    case 'pods':
      return `pods in ${endpoint.namespaces.join(', ')}`
    case 'apiServer':
      return 'the Kubernetes API server'
  }
}

function fallbackNote(rule: PlanRule): string {
  const tags = rule.serviceTagFallbacks
  return tags.length > 0 ? ` (documented service tag: ${tags.join(', ')})` : ''
}

const capabilityWords: Record<Capability, string> = {
  exactFqdn: 'host names',
  wildcardFqdn: 'wildcard host names',
  serviceTag: 'service tags',
  cidr: 'IP addresses',
  nonHttpPorts: 'ports other than HTTP 80 and HTTPS 443',
  udp: 'UDP',
  inbound: 'inbound traffic',
  inCluster: 'in-cluster traffic',
  attachedCompute: 'the traffic of Kubernetes compute and attached VMs',
  urlPath: 'URL paths',
}

/**
 * A part of a rule that the format leaves out: the diagnostic of every rule of the shape, with the
 * capability the format lacks and what the part needs.
 */
type LeftOutPart = RuleFinding<PlanRule>

/**
 * What triage makes of every rule of one shape (direction, far end's kind, protocol, ports, the
 * compute served, documented service tags or not): the parts left out and what is rendered.
 * Only the rule, its host and its texts differ between the rules of a shape.
 */
type Verdict = {
  leftOut: LeftOutPart[]
  /** Undefined when nothing of the rule is rendered. */
  rendered?: {
    protocol: Protocol
    /** 80 and/or 443, when the format carries only those of the ports; else the rule's own. */
    httpPorts?: readonly PortRange[]
    viaServiceTagFallback: boolean
  }
}

type Sink = {
  format: TriageFormat
  plan: Plan
  /** Undefined when only the rules are wanted (`countExpressedRules`). */
  diagnostics: DiagnosticSink | undefined
  /** One `needs` array per distinct list: a fleet's thousands of diagnostics share a few. */
  needs: Map<string, Capability[]>
  /** `ruleServesOnlyAttachedCompute` by requirement list, which a plan's rules share. */
  attachedOnly: Map<readonly string[], boolean>
  /** The text of each port list in shape keys: a plan's rules share a few dozen lists. */
  portTexts: Map<readonly PortRange[], string>
  /**
   * Verdicts by port list text, then by shape: a fleet's 60,000 rules have a few dozen shapes,
   * each judged once (`verdictOf`).
   */
  verdicts: Map<string, (Verdict | undefined)[]>
}

function createSink(plan: Plan, format: TriageFormat, diagnostics?: DiagnosticSink): Sink {
  return {
    format,
    plan,
    diagnostics,
    needs: new Map(),
    attachedOnly: new Map(),
    portTexts: new Map(),
    verdicts: new Map(),
  }
}

function servesOnlyAttached(sink: Sink, rule: PlanRule): boolean {
  let only = sink.attachedOnly.get(rule.requirementIds)
  if (only === undefined) {
    only = ruleServesOnlyAttachedCompute(rule, sink.plan)
    sink.attachedOnly.set(rule.requirementIds, only)
  }
  return only
}

/** Where a rule goes, or for inbound rules comes from, in words. */
function farEnd(rule: PlanRule): string {
  return describeEndpoint(remoteEndpoint(rule))
}

function sharedNeeds(sink: Sink, needs: Capability[]): Capability[] {
  const key = needs.join(' ')
  const shared = sink.needs.get(key)
  if (shared) return shared
  sink.needs.set(key, needs)
  return needs
}

/**
 * A rule of the shape, or the part of it in `part`, is out of the format's scope: it gets one
 * `info` diagnostic that records what the format lacks and what the part needs, so a summary can
 * name the formats that carry it. Never a warning: what a target is not meant to carry is not the
 * user's to fix in it.
 */
function leftOutPart(
  sink: Sink,
  rule: PlanRule,
  input: {
    missing: Capability
    message: (rule: PlanRule) => string
    part?: Partial<Pick<PlanRule, 'protocol' | 'ports'>>
  },
): LeftOutPart {
  const { missing, message } = input
  const needs = neededFor(rule, {
    protocol: input.part?.protocol ?? rule.protocol,
    ports: input.part?.ports ?? rule.ports,
    attachedOnly: servesOnlyAttached(sink, rule),
  })
  const { format } = sink
  return {
    code: missing === 'inbound' ? 'AML_EGRESS_NOT_EGRESS' : 'AML_EGRESS_OUT_OF_SCOPE',
    message,
    format: format.name,
    lacks: missing,
    needs: sharedNeeds(sink, needs),
    help: format.unsupportedHelp?.[missing],
  }
}

function trafficText(rule: PlanRule): string {
  return `${rule.protocol} ${formatPortRanges(rule.ports).join(',')}`
}

/**
 * Whole-rule checks: direction and far endpoint. Undefined when the rule is left out (the part is
 * in `leftOut`), else whether the format renders the host's documented service tags instead.
 */
function judgeEndpoint(sink: Sink, rule: PlanRule, leftOut: LeftOutPart[]): boolean | undefined {
  const { capabilities, name } = sink.format
  const leave = (missing: Capability, message: (rule: PlanRule) => string): undefined => {
    leftOut.push(leftOutPart(sink, rule, { missing, message }))
    return undefined
  }
  if (rule.direction === 'inCluster' && !capabilities.inCluster)
    return leave(
      'inCluster',
      (r) =>
        `in-cluster ${trafficText(r)} to ${describeEndpoint(r.destination)} never passes ${name}`,
    )
  if (rule.direction === 'inbound' && !capabilities.inbound)
    return leave(
      'inbound',
      (r) =>
        `inbound ${trafficText(r)} from ${describeEndpoint(r.source)} is not egress; ${name} does not filter it`,
    )
  const remote = remoteEndpoint(rule)
  if (!capabilities.attachedCompute && servesOnlyAttached(sink, rule))
    return leave(
      'attachedCompute',
      (r) =>
        `${farEnd(r)} (${trafficText(r)}) is needed only by Kubernetes compute or attached VMs, which ${name} does not host`,
    )
  const needed = endpointCapability(remote)
  if (needed === undefined || capabilities[needed]) return false
  const fallback = remote.kind === 'fqdn' && capabilities.serviceTag
  if (fallback && rule.serviceTagFallbacks.length > 0) return true
  return leave(
    needed,
    (r) =>
      `${name} cannot express ${capabilityWords[needed]}: ${farEnd(r)} (${trafficText(r)})${fallbackNote(r)}`,
  )
}

/**
 * The protocol and ports the format carries (`leftOut` gets the rest); undefined when it carries
 * none of them.
 */
function judgeTraffic(
  sink: Sink,
  rule: PlanRule,
  input: { leftOut: LeftOutPart[]; viaServiceTagFallback: boolean },
): Verdict['rendered'] {
  const { capabilities, name } = sink.format
  const { leftOut, viaServiceTagFallback } = input
  if (rule.protocol === 'UDP' && !capabilities.udp) {
    const message = (r: PlanRule) =>
      `${name} cannot carry UDP: UDP ${formatPortRanges(r.ports).join(',')} to ${farEnd(r)}${fallbackNote(r)}`
    leftOut.push(leftOutPart(sink, rule, { missing: 'udp', message }))
    return undefined
  }
  let protocol = rule.protocol
  if (protocol === 'ANY' && !capabilities.udp) {
    const message = (r: PlanRule) =>
      `${name} cannot carry UDP: the UDP half of protocol ANY to ${farEnd(r)} is left out; only TCP is rendered`
    leftOut.push(leftOutPart(sink, rule, { missing: 'udp', message, part: { protocol: 'UDP' } }))
    protocol = 'TCP'
  }
  const all = { protocol, viaServiceTagFallback }
  if (capabilities.nonHttpPorts) return all
  const rest = nonHttpRanges(rule.ports)
  if (rest.length > 0) {
    const restText = formatPortRanges(rest).join(',')
    const message = (r: PlanRule) =>
      `${name} carries only HTTP 80 and HTTPS 443: TCP ${restText} to ${farEnd(r)} is left out${fallbackNote(r)}`
    const part = { protocol, ports: rest }
    leftOut.push(leftOutPart(sink, rule, { missing: 'nonHttpPorts', message, part }))
  }
  const http = httpRanges(rule.ports)
  if (http.length === 0) return undefined
  return rest.length > 0 ? { ...all, httpPorts: http } : all
}

const directionRank: Record<RuleDirection, number> = { outbound: 0, inbound: 1, inCluster: 2 }
const endpointRank: Record<RuleEndpoint['kind'], number> = {
  fqdn: 0,
  serviceTag: 2,
  addresses: 3,
  apiServer: 4,
  pods: 5,
}
const protocolRank: Record<Protocol, number> = { TCP: 0, UDP: 1, ANY: 2 }
/** Shapes per port list: 3 directions × 6 far ends × 3 protocols × compute × service tags. */
const SHAPES_PER_PORTS = 3 * 6 * 3 * 2 * 2

/** A rule's shape among those of its port list: a number, as rules are many and shapes few. */
function shapeIndex(sink: Sink, rule: PlanRule): number {
  const remote = remoteEndpoint(rule)
  const wildcard = remote.kind === 'fqdn' && remote.fqdn.startsWith('*.') ? 1 : 0
  const endpoint = endpointRank[remote.kind] + wildcard
  const traffic = (directionRank[rule.direction] * 6 + endpoint) * 3 + protocolRank[rule.protocol]
  const attached = servesOnlyAttached(sink, rule) ? 1 : 0
  return (traffic * 2 + attached) * 2 + (rule.serviceTagFallbacks.length > 0 ? 1 : 0)
}

/** The verdicts of the rules with this port list, by shape (`shapeIndex`). */
function verdictsFor(sink: Sink, ports: readonly PortRange[]): (Verdict | undefined)[] {
  let text = sink.portTexts.get(ports)
  if (text === undefined) {
    text = formatPortRanges(ports).join(',')
    sink.portTexts.set(ports, text)
  }
  let verdicts = sink.verdicts.get(text)
  if (!verdicts) {
    verdicts = new Array<Verdict | undefined>(SHAPES_PER_PORTS).fill(undefined)
    sink.verdicts.set(text, verdicts)
  }
  return verdicts
}

function verdictOf(sink: Sink, rule: PlanRule): Verdict {
  const verdicts = verdictsFor(sink, rule.ports)
  const shape = shapeIndex(sink, rule)
  const known = verdicts[shape]
  if (known) return known
  const leftOut: LeftOutPart[] = []
  const viaServiceTagFallback = judgeEndpoint(sink, rule, leftOut)
  const rendered =
    viaServiceTagFallback === undefined
      ? undefined
      : judgeTraffic(sink, rule, { leftOut, viaServiceTagFallback })
  const verdict = rendered ? { leftOut, rendered } : { leftOut }
  verdicts[shape] = verdict
  return verdict
}

/** The diagnostics of a rule: each part left out, and a URL path only TLS inspection filters. */
function reportRule(
  sink: Sink,
  diagnostics: DiagnosticSink,
  input: { rule: PlanRule; index: number; verdict: Verdict },
): void {
  const { rule, index, verdict } = input
  const { format } = sink
  for (const part of verdict.leftOut) diagnostics.addFinding(part, rule, index)
  const { destination } = rule
  if (verdict.rendered && destination.kind === 'fqdn' && destination.urlPath)
    if (!format.capabilities.urlPath)
      diagnostics.add({
        code: 'AML_EGRESS_TLS_INSPECTION_REQUIRED',
        message: () =>
          `only the host ${destination.fqdn} is allowed; the path ${destination.urlPath} can only be filtered with TLS inspection`,
        format: format.name,
        rule,
        index,
        help: format.unsupportedHelp?.urlPath,
      })
}

function triageRule(sink: Sink, rule: PlanRule, index: number): TriagedRule | undefined {
  const verdict = verdictOf(sink, rule)
  if (sink.diagnostics) reportRule(sink, sink.diagnostics, { rule, index, verdict })
  const { rendered } = verdict
  if (!rendered) return undefined
  const { protocol, viaServiceTagFallback } = rendered
  const ports = rendered.httpPorts ?? rule.ports
  return { rule, index, protocol, ports, viaServiceTagFallback }
}

/**
 * Walks a plan against a format's capabilities: the rules (or parts of rules) the format can
 * express, for its renderer, and one standard diagnostic, with one severity policy, for each rule
 * or part it cannot (out of its scope: direction, the compute served, far end, protocol or ports;
 * not egress) and each URL path it cannot filter. Renderers add only what is truly theirs: syntax,
 * limits, fallbacks. `options.diagnostics` is the render's detail (default `summary`).
 * @example const { rules, diagnostics } = triagePlan(plan, squidFormat, { diagnostics: 'every' })
 */
export function triagePlan(
  plan: Plan,
  format: TriageFormat,
  options: DiagnosticDetailOption = {},
): Triage {
  const sink = createSink(plan, format, createDiagnosticSink(options.diagnostics))
  const byDirection: Triage['byDirection'] = { outbound: [], inbound: [], inCluster: [] }
  const rules: TriagedRule[] = []
  plan.rules.forEach((rule, index) => {
    const triaged = triageRule(sink, rule, index)
    if (!triaged) return
    rules.push(triaged)
    byDirection[rule.direction].push(triaged)
  })
  return { rules, byDirection, diagnostics: sink.diagnostics?.list() ?? [] }
}

/**
 * How many plan rules a format expresses, whole or in part: `triagePlan(plan, format).rules.length`
 * without building the diagnostics, for a caller that has the render's already.
 */
export function countExpressedRules(plan: Plan, format: TriageFormat): number {
  const sink = createSink(plan, format)
  let count = 0
  for (const rule of plan.rules) if (verdictOf(sink, rule).rendered) count++
  return count
}
