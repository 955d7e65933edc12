import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import {
  type Diagnostic,
  describeFlow,
  type EgressFormat,
  type Flow,
  type FormatCapabilities,
  type Plan,
  parseProfile,
  planFlows,
  type RenderResult,
  resolvePlan,
  rulesAllowingFlow,
} from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import type { Scenario } from './scenario'
import { scenarios } from './scenarios'

export type DescribeFormatOptions<RenderOptions> = {
  /** Absolute path of the golden tree: `<goldenDir>/<scenario-id>/<rendered path>`. */
  goldenDir: string
  renderOptions?: RenderOptions
}

/** Diagnostic codes by which a renderer says "this rule is not in my output". */
const NOT_RENDERED = new Set<Diagnostic['code']>([
  'AML_EGRESS_UNSUPPORTED_FEATURE',
  'AML_EGRESS_NOT_EGRESS',
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

/** The capability a format needs to say anything about this flow; undefined: every format can. */
function capabilityFor(flow: Flow): keyof FormatCapabilities | undefined {
  if (flow.direction === 'inCluster') return 'inCluster'
  if (flow.direction === 'inbound') return 'inbound'
  if (flow.destination.kind === 'serviceTag') return 'serviceTag'
  if (flow.protocol === 'UDP') return 'udp'
  return undefined
}

/** Rules that allow the flow but that the renderer reported as not rendered, or `false` if any was rendered. */
function explainedAsUnsupported(plan: Plan, result: RenderResult, flow: Flow): boolean {
  const rules = rulesAllowingFlow(plan, flow)
  const reported = new Set(
    result.diagnostics.filter((d) => NOT_RENDERED.has(d.code) && d.ruleId).map((d) => d.ruleId),
  )
  return rules.length > 0 && rules.every((rule) => reported.has(rule.id))
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

        it('reads back an output that allows every must-allow flow, or reports it unsupported', async () => {
          const plan = planOf(scenario)
          const result = render(plan)
          const { config } = await format.read(result.files)
          const failures = scenario.mustAllow
            .filter((flow) => format.evaluate(config, flow).verdict !== 'allowed')
            .filter((flow) => !explainedAsUnsupported(plan, result, flow))
            .map(
              (flow) =>
                `${describeFlow(flow)} (${flow.why}): ${format.evaluate(config, flow).reason}`,
            )
          expect(failures).toStrictEqual([])
        })

        it('reads back an output that allows every flow of the plan, or reports it unsupported', async () => {
          const plan = planOf(scenario)
          const result = render(plan)
          const { config } = await format.read(result.files)
          const failures = planFlows(plan)
            .filter((flow) => format.evaluate(config, flow).verdict !== 'allowed')
            .filter((flow) => !explainedAsUnsupported(plan, result, flow))
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
            .filter(({ flow, verdict }) => {
              // A format without the capability cannot deny what it does not govern; it must never allow it.
              const capability = capabilityFor(flow)
              const mayBeUnknown = capability !== undefined && !format.capabilities[capability]
              return mayBeUnknown ? verdict.verdict === 'allowed' : verdict.verdict !== 'denied'
            })
            .map(
              ({ flow, verdict }) =>
                `${describeFlow(flow)} (${flow.why}): ${verdict.verdict}, ${verdict.reason}`,
            )
          expect(failures).toStrictEqual([])
        })
      })
  })
}
