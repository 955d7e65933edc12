import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import {
  describeFlow,
  type EgressFormat,
  type Plan,
  parseProfile,
  planFlows,
  resolvePlan,
} from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { governsFlow, unexpressedFlows, widenedFlows } from './expressible'
import { profileVariant, tagCheckRegions, unpublishedTagsIn } from './publishedTags'
import type { Scenario } from './scenario'
import { scenarios } from './scenarios'

export type DescribeFormatOptions<RenderOptions> = {
  /** Absolute path of the golden tree: `<goldenDir>/<scenario-id>/<rendered path>`. */
  goldenDir: string
  renderOptions?: RenderOptions
}

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

/**
 * Runs the whole shared matrix against one format: determinism, paths, goldens, no errors, and the
 * allow/deny verdicts of the format's own reader on what its renderer wrote. Every format package
 * calls this from `test/matrix.test.ts`.
 */
export function describeFormat<Config, RenderOptions>(
  format: EgressFormat<Config, RenderOptions>,
  options: DescribeFormatOptions<RenderOptions>,
): void {
  // One diagnostic per rule: the verdicts excuse flows rule by rule (`unexpressedFlows`).
  const every = { ...options.renderOptions, diagnostics: 'every' } as RenderOptions
  const render = (plan: Plan) => format.render(plan, every)

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

        it('names only published service tags, in every cloud, region and destination style', () => {
          const unpublished = tagCheckRegions.flatMap(({ cloud, region }) =>
            (['hosts', 'serviceTags'] as const).flatMap((destinationStyle) => {
              const variant = profileVariant(scenario, { cloud, region, destinationStyle })
              const { files } = render(resolvePlan(parseProfile(variant)))
              return unpublishedTagsIn(files, cloud).map(
                (tag) => `${cloud} ${region} ${destinationStyle}: ${tag}`,
              )
            }),
          )
          expect(unpublished).toStrictEqual([])
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
          const plan = planOf(scenario)
          const result = render(plan)
          const { config } = await format.read(result.files)
          const widened = widenedFlows(plan, result)
          const failures = scenario.mustDeny
            // A target that opens both HTTP ports of a host says so (HTTP_PORTS_WIDENED).
            .filter((flow) => !widened(flow))
            .map((flow) => ({ flow, verdict: format.evaluate(config, flow) }))
            // A format cannot deny what it does not govern; it must never allow it.
            .filter(({ flow, verdict }) =>
              governsFlow(format, flow)
                ? verdict.verdict !== 'denied'
                : verdict.verdict === 'allowed',
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
