import {
  type Capability,
  capabilitiesNeeded,
  type Diagnostic,
  describeFlow,
  type Flow,
  type FlowEndpoint,
  missingCapabilities,
  type Plan,
  type PlanRule,
  type RenderResult,
  type RuleEndpoint,
  ruleAllowsFlow,
  rulesAllowingFlow,
  type TriageFormat,
  triagePlan,
} from '@aml-egress/core'
import { createPlanRule } from './plans'

// What the shared matrix and fuzzing accept as "not in the output": the answers of core's
// triage (`missingCapabilities`, `capabilitiesNeeded`), the question `check` and `render` ask.

/**
 * Codes by which a renderer says, for reasons of its own (not a capability the format lacks: core
 * answers that), that a rule is not in its output: e.g. an API server without known addresses.
 */
const NOT_RENDERED = new Set<Diagnostic['code']>([
  'AML_EGRESS_UNSUPPORTED_FEATURE',
  'AML_EGRESS_UNRESOLVED_ADDRESS',
  'AML_EGRESS_PRIVATE_ENDPOINT_REQUIRED',
])

/** The same diagnostic: what `triagePlan` wrote, found among what the renderer returned. */
const diagnosticKey = (d: Diagnostic) => `${d.code}\u0000${d.ruleId ?? ''}\u0000${d.message}`

/** The excuses below go rule by rule: a summarised render names only a finding's first rules. */
function assertEveryRule(result: RenderResult): void {
  if (result.diagnostics.some((d) => d.count !== undefined))
    throw new Error(
      "render with { diagnostics: 'every' }: a summarised diagnostic names only its first rules",
    )
}

/**
 * Which flows of the plan the read-back output may leave not allowed: those whose every allowing
 * rule the format cannot express for that flow (core's `missingCapabilities`, the question `check`
 * and `render` ask too), or its renderer reported as not rendered for a reason of its own (a
 * format-specific UNSUPPORTED_FEATURE or UNRESOLVED_ADDRESS, not core's standard triage
 * diagnostic, which may be about another part of the rule).
 */
export function unexpressedFlows(
  format: TriageFormat,
  plan: Plan,
  result: RenderResult,
): (flow: Flow) => boolean {
  assertEveryRule(result)
  const every = { diagnostics: 'every' } as const
  const standard = new Set(triagePlan(plan, format, every).diagnostics.map(diagnosticKey))
  const reported = new Set(
    result.diagnostics
      .filter((d) => NOT_RENDERED.has(d.code) && d.ruleId && !standard.has(diagnosticKey(d)))
      .map((d) => d.ruleId),
  )
  return (flow) => {
    const rules = rulesAllowingFlow(plan, flow)
    return (
      rules.length > 0 &&
      rules.every(
        (rule) =>
          missingCapabilities(format.capabilities, rule, flow, plan).length > 0 ||
          reported.has(rule.id),
      )
    )
  }
}

const HTTP_PORTS = [
  { from: 80, to: 80 },
  { from: 443, to: 443 },
]

/**
 * Which must-deny flows the rendering may allow because the target opens both HTTP ports of a
 * host (an AML managed-network FQDN rule has no port): a flow the plan would allow if the rule the
 * renderer reported as HTTP_PORTS_WIDENED listed 80 and 443. Nothing else is excused.
 */
export function widenedFlows(plan: Plan, result: RenderResult): (flow: Flow) => boolean {
  assertEveryRule(result)
  const widened = new Set(
    result.diagnostics
      .filter((d) => d.code === 'AML_EGRESS_HTTP_PORTS_WIDENED' && d.ruleId)
      .map((d) => d.ruleId),
  )
  const rules = plan.rules
    .filter((rule) => widened.has(rule.id))
    .map((rule) => ({ ...rule, ports: HTTP_PORTS }))
  return (flow) => rules.some((rule) => ruleAllowsFlow(rule, flow))
}

/** The far end of a flow as a rule endpoint: what a rule allowing only this flow would name. */
function ruleEndpoint(endpoint: FlowEndpoint): RuleEndpoint {
  switch (endpoint.kind) {
    case 'host':
      return { kind: 'fqdn', fqdn: endpoint.host }
    case 'serviceTag':
      return { kind: 'serviceTag', tag: endpoint.tag }
    case 'address':
      return { kind: 'addresses', addresses: [endpoint.address] }
    case 'pod':
      return { kind: 'pods', namespaces: [endpoint.namespace], podLabels: endpoint.labels }
    case 'apiServer':
      return { kind: 'apiServer', addresses: endpoint.address ? [endpoint.address] : [] }
  }
}

/**
 * A plan rule that allows exactly this flow, for asking core what expressing it needs.
 * @example capabilitiesNeeded(flowRule(flow), flow) // ['exactFqdn', 'nonHttpPorts']
 */
export function flowRule(flow: Flow): PlanRule {
  return createPlanRule({
    id: describeFlow(flow),
    direction: flow.direction,
    source: ruleEndpoint(flow.source),
    destination: ruleEndpoint(flow.destination),
    protocol: flow.protocol,
    ports: [{ from: flow.port, to: flow.port }],
  })
}

/**
 * Capabilities without which a format does not govern a flow at all: it never sees the traffic
 * (in-cluster, inbound, UDP) or cannot name its far end (a service tag). Such a format may answer
 * `unknown` for a flow outside the plan. Lacking anything else (host names, other ports), it
 * still sees the flow and must deny it.
 */
const GOVERNING: ReadonlySet<Capability> = new Set(['inCluster', 'inbound', 'udp', 'serviceTag'])

/**
 * Does the format govern this flow, so that it must deny it when the plan does not allow it? Else
 * it may answer `unknown` (never `allowed`).
 */
export function governsFlow(format: Pick<TriageFormat, 'capabilities'>, flow: Flow): boolean {
  return !capabilitiesNeeded(flowRule(flow), flow).some(
    (capability) => GOVERNING.has(capability) && !format.capabilities[capability],
  )
}
