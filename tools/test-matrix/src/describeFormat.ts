import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import {
  type Capability,
  capabilitiesNeeded,
  type Diagnostic,
  describeFlow,
  type EgressFormat,
  type Flow,
  type FlowEndpoint,
  missingCapabilities,
  type Plan,
  type PlanRule,
  parseProfile,
  planFlows,
  type RenderResult,
  type RuleEndpoint,
  resolvePlan,
  rulesAllowingFlow,
  type TriageFormat,
  triagePlan,
} from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { createPlanRule } from './plans'
import type { Scenario } from './scenario'
import { scenarios } from './scenarios'

export type DescribeFormatOptions<RenderOptions> = {
  /** Absolute path of the golden tree: `<goldenDir>/<scenario-id>/<rendered path>`. */
  goldenDir: string
  renderOptions?: RenderOptions
}

/**
 * Codes by which a renderer says, for reasons of its own (not a capability the format lacks: core
 * answers that), that a rule is not in its output: e.g. an API server without known addresses.
 */
const NOT_RENDERED = new Set<Diagnostic['code']>([
  'AML_EGRESS_UNSUPPORTED_FEATURE',
  'AML_EGRESS_UNRESOLVED_ADDRESS',
])

function planOf(scenario: Scenario): Plan {
  return resolvePlan(parseProfile(scenario.profile))
}

function filesBelow(directory: string): string[] {
  if (!existsSync(directory)) return []
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((entry) => statSync(join(directory, entry)).isFile())
    .map((entry) => relative(directory, join(directory, entry)).split('\\').join('/'))
    .sort()
}

/** The same diagnostic: what `triagePlan` wrote, found among what the renderer returned. */
const diagnosticKey = (d: Diagnostic) => `${d.code}\u0000${d.ruleId ?? ''}\u0000${d.message}`

/**
 * Which flows of the plan the read-back output may leave not allowed: those whose every allowing
 * rule the format cannot express for that flow (core's `missingCapabilities`, the question `check`
 * and `render` ask too), or its renderer reported as not rendered for a reason of its own (a
 * format-specific UNSUPPORTED_FEATURE or UNRESOLVED_ADDRESS, not core's standard triage
 * diagnostic, which may be about another part of the rule).
 */
function unexpressedFlows(
  format: TriageFormat,
  plan: Plan,
  result: RenderResult,
): (flow: Flow) => boolean {
  const standard = new Set(triagePlan(plan, format).diagnostics.map(diagnosticKey))
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
          missingCapabilities(format.capabilities, rule, flow).length > 0 || reported.has(rule.id),
      )
    )
  }
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

/** A plan rule that allows exactly this flow, for asking core what expressing it needs. */
function ruleFor(flow: Flow): PlanRule {
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

/** May the output answer `unknown` (never `allowed`) for this must-deny flow? */
function mayBeUnknown(format: TriageFormat, flow: Flow): boolean {
  return capabilitiesNeeded(ruleFor(flow), flow).some(
    (capability) => GOVERNING.has(capability) && !format.capabilities[capability],
  )
}

/**
 * Runs the whole shared matrix against one format: determinism, paths, goldens, no errors, and the
 * allow/deny verdicts of the format's own reader on what its renderer wrote. Every format package
 * calls this from `test/matrix.test.ts`.
 */
export function describeFormat<Config, RenderOptions>(
  format: EgressFormat<Config, RenderOptions>,
  options: DescribeFormatOptions<RenderOptions>,
): void {
  const render = (plan: Plan) => format.render(plan, options.renderOptions)

  describe(`matrix: ${format.name}`, () => {
    it('has golden directories only for known scenarios', () => {
      const known = new Set(scenarios.map((scenario) => scenario.id))
      const directories = existsSync(options.goldenDir) ? readdirSync(options.goldenDir) : []
      expect(directories.filter((directory) => !known.has(directory))).toStrictEqual([])
    })

    for (const scenario of scenarios)
      describe(scenario.id, () => {
        it('renders byte-identical output twice', () => {
          const plan = planOf(scenario)
          expect(render(plan)).toStrictEqual(render(planOf(scenario)))
        })

        it('writes relative POSIX paths in sorted order', () => {
          const paths = render(planOf(scenario)).files.map((file) => file.path)
          expect(paths.length).toBeGreaterThan(0)
          for (const path of paths) expect(path).toMatch(/^(?!\/)(?!.*\.\.)(?!.*\\)[\w./-]+$/)
          expect(paths).toStrictEqual([...paths].sort())
        })

        it('matches the golden files, with none missing or obsolete', async () => {
          const { files } = render(planOf(scenario))
          const directory = join(options.goldenDir, scenario.id)
          for (const file of files)
            await expect(file.contents).toMatchFileSnapshot(join(directory, file.path))
          expect(filesBelow(directory)).toStrictEqual(files.map((file) => file.path).sort())
        })

        it('raises no error diagnostics', () => {
          const errors = render(planOf(scenario)).diagnostics.filter((d) => d.severity === 'error')
          expect(errors).toStrictEqual([])
        })

        it('reads back an output that allows every must-allow flow, or cannot express it', async () => {
          const plan = planOf(scenario)
          const result = render(plan)
          const { config } = await format.read(result.files)
          const unexpressed = unexpressedFlows(format, plan, result)
          const failures = scenario.mustAllow
            .filter((flow) => format.evaluate(config, flow).verdict !== 'allowed')
            .filter((flow) => !unexpressed(flow))
            .map(
              (flow) =>
                `${describeFlow(flow)} (${flow.why}): ${format.evaluate(config, flow).reason}`,
            )
          expect(failures).toStrictEqual([])
        })

        it('reads back an output that allows every flow of the plan, or cannot express it', async () => {
          const plan = planOf(scenario)
          const result = render(plan)
          const { config } = await format.read(result.files)
          const unexpressed = unexpressedFlows(format, plan, result)
          const failures = planFlows(plan)
            .filter((flow) => format.evaluate(config, flow).verdict !== 'allowed')
            .filter((flow) => !unexpressed(flow))
            .map(
              (flow) =>
                `${describeFlow(flow)} [${flow.ruleId}]: ${format.evaluate(config, flow).reason}`,
            )
          expect(failures).toStrictEqual([])
        })

        it('reads back an output that denies every must-deny flow', async () => {
          const { config } = await format.read(render(planOf(scenario)).files)
          const failures = scenario.mustDeny
            .map((flow) => ({ flow, verdict: format.evaluate(config, flow) }))
            // A format cannot deny what it does not govern; it must never allow it.
            .filter(({ flow, verdict }) =>
              mayBeUnknown(format, flow)
                ? verdict.verdict === 'allowed'
                : verdict.verdict !== 'denied',
            )
            .map(
              ({ flow, verdict }) =>
                `${describeFlow(flow)} (${flow.why}): ${verdict.verdict}, ${verdict.reason}`,
            )
          expect(failures).toStrictEqual([])
        })
      })
  })
}
