import {
  compareDependencies,
  DependenciesDocumentSchema,
  type DependencyComparison,
  formatPath,
  formatPortRanges,
  type Plan,
  type ReportedEndpoint,
} from '@aml-egress/core'
import { createPaint } from '../color'
import { defineCliCommand, profileArg } from '../command'
import { UsageError } from '../errors'
import type { Io } from '../io'
import { loadProfile } from '../profile'
import { formatTable } from '../table'
import { terminalText } from '../terminal'

/** Options of `aml-egress compare`. */
export type CompareCommandOptions = {
  profile: string
  /** The saved response of the workspace's `outboundNetworkDependenciesEndpoints` API. */
  file: string | undefined
  json?: boolean | undefined
  quiet?: boolean | undefined
}

/** What `compare` reports, also its `--json` shape. */
export type CompareReport = {
  profile: string
  file: string
  catalog: Plan['catalog']
  summary: {
    /** Reported (domain, port) pairs. */
    reported: number
    allowed: number
    missingFromPlan: number
    notReported: number
  }
  /** Every reported endpoint with the plan rule that allows it (`ruleId`), in the file's order. */
  reported: ReportedEndpoint[]
  missingFromPlan: ReportedEndpoint[]
  /** Outbound host rules of the plan that no reported endpoint falls under. */
  notReported: {
    ruleId: string
    destination: string
    ports: string
    level: string
    requirementIds: readonly string[]
  }[]
}

const GET_DEPENDENCIES =
  'az rest --method get --url "https://management.azure.com<workspace resource id>/outboundNetworkDependenciesEndpoints?api-version=2018-03-01-preview" > dependencies.json'

/** Parses the file as the API's JSON; a syntax or shape error is a usage error naming the path. */
function parseDependencies(input: { file: string; text: string }) {
  let json: unknown
  try {
    json = JSON.parse(input.text)
  } catch (error) {
    throw new UsageError(
      `'${input.file}' is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      `save the API response as it is: ${GET_DEPENDENCIES}`,
    )
  }
  const parsed = DependenciesDocumentSchema.safeParse(json)
  if (!parsed.success)
    throw new UsageError(
      `'${input.file}' is not an outboundNetworkDependenciesEndpoints response (expected value[].properties.{category, endpoints[].{domainName, endpointDetails[].port}}):\n${parsed.error.issues
        .map((issue) => `  ✖ ${formatPath(issue.path)}: ${issue.message}`)
        .join('\n')}`,
      `save the API response as it is: ${GET_DEPENDENCIES}`,
    )
  return parsed.data
}

function toReport(input: {
  profile: string
  file: string
  plan: Plan
  comparison: DependencyComparison
}): CompareReport {
  const { comparison } = input
  return {
    profile: input.profile,
    file: input.file,
    catalog: input.plan.catalog,
    summary: {
      reported: comparison.reported.length,
      allowed: comparison.reported.length - comparison.missingFromPlan.length,
      missingFromPlan: comparison.missingFromPlan.length,
      notReported: comparison.notReported.length,
    },
    reported: comparison.reported,
    missingFromPlan: comparison.missingFromPlan,
    notReported: comparison.notReported.map((rule) => ({
      ruleId: rule.id,
      destination: rule.destination.kind === 'fqdn' ? rule.destination.fqdn : rule.id,
      ports: formatPortRanges(rule.ports).join(','),
      level: rule.level,
      requirementIds: rule.requirementIds,
    })),
  }
}

/**
 * The comparison as text: what the workspace reports that the plan lacks (the findings), what it
 * reports that the plan allows (with the rule), and plan host rules it does not report.
 * `quiet`: only the findings and the summary.
 */
export function formatCompareReport(input: {
  report: CompareReport
  io: Pick<Io, 'isTTY' | 'env'>
  quiet?: boolean
}): string {
  const { report } = input
  const paint = createPaint(input.io)
  const lines: string[] = []
  if (report.missingFromPlan.length > 0)
    lines.push(
      paint.bold(paint.red('reported by the workspace, not allowed by the plan')),
      formatTable({
        indent: '  ',
        headers: ['CATEGORY', 'DOMAIN', 'PORT'],
        rows: report.missingFromPlan.map((endpoint) => [
          endpoint.category,
          endpoint.domainName,
          String(endpoint.port),
        ]),
      }),
      '  fix: `aml-egress explain <domain>` shows whether a profile feature adds it (e.g. features.storageFirewall for file shares); otherwise allow it beside the rendered rules and report it: the catalog may be older than the service',
      '',
    )
  if (!input.quiet) {
    const allowed = report.reported.filter((endpoint) => endpoint.ruleId !== undefined)
    if (allowed.length > 0)
      lines.push(
        paint.bold('reported and allowed'),
        formatTable({
          indent: '  ',
          headers: ['CATEGORY', 'DOMAIN', 'PORT', 'ALLOWED BY'],
          rows: allowed.map((endpoint) => [
            endpoint.category,
            endpoint.domainName,
            String(endpoint.port),
            paint.green(endpoint.ruleId ?? ''),
          ]),
        }),
        '',
      )
    if (report.notReported.length > 0)
      lines.push(
        paint.bold('in the plan, not reported by the workspace'),
        paint.dim(
          '  (the API lists what the workspace itself uses; packages, images and studio hosts are expected here)',
        ),
        formatTable({
          indent: '  ',
          headers: ['DESTINATION', 'PORTS', 'LEVEL', 'REQUIREMENTS'],
          rows: report.notReported.map((rule) => [
            rule.destination,
            rule.ports,
            rule.level,
            rule.requirementIds.join(', '),
          ]),
        }),
        '',
      )
  }
  const s = report.summary
  lines.push(
    `${s.reported} reported endpoints: ${s.allowed} allowed by the plan, ${s.missingFromPlan} missing from the plan; ${s.notReported} plan host rules not reported (catalog ${report.catalog.version}, docs ${report.catalog.docDate})`,
  )
  return `${lines.join('\n')}\n`
}

/**
 * `aml-egress compare`: the workspace's own list of outbound dependencies against the profile's
 * plan. Exit 1 when the workspace reports an endpoint the plan does not allow; 2 for a missing or
 * malformed file.
 */
export async function runCompare(
  options: CompareCommandOptions,
  context: { io: Io },
): Promise<number> {
  const { io } = context
  if (options.file === undefined)
    throw new UsageError(
      'no dependencies file given',
      `name the saved API response: aml-egress compare --profile ${options.profile} dependencies.json (${GET_DEPENDENCIES})`,
    )
  const text = await io.readFile(options.file)
  if (text === undefined)
    throw new UsageError(
      `cannot read '${options.file}': no such file`,
      `save it first: ${GET_DEPENDENCIES}`,
    )
  const document = parseDependencies({ file: options.file, text })
  const { plan } = await loadProfile({ path: options.profile, io })
  const report = toReport({
    profile: options.profile,
    file: options.file,
    plan,
    comparison: compareDependencies(plan, document),
  })
  if (options.json === true) io.stdout(`${JSON.stringify(report, null, 2)}\n`)
  else io.stdout(terminalText(formatCompareReport({ report, io, quiet: options.quiet === true })))
  return report.missingFromPlan.length > 0 ? 1 : 0
}

export const compareCommand = defineCliCommand({
  meta: {
    name: 'compare',
    description:
      "Compare the workspace's outboundNetworkDependenciesEndpoints response with the plan",
  },
  args: {
    profile: profileArg,
    file: {
      type: 'positional',
      description: 'The saved API response (JSON)',
      required: false,
    },
    json: { type: 'boolean', description: 'Machine-readable report' },
    quiet: {
      type: 'boolean',
      alias: 'q',
      description: 'Show only endpoints the plan lacks',
    },
  },
  examples: [
    GET_DEPENDENCIES,
    'aml-egress compare --profile aml-egress.yaml dependencies.json',
    'aml-egress compare -p aml-egress.yaml dependencies.json --json',
  ],
  run: ({ args, io }) => {
    if (args._.length > 1)
      throw new UsageError(
        `compare takes one dependencies file, got ${args._.length}`,
        'compare one workspace at a time',
      )
    return runCompare(
      {
        profile: args.profile,
        file: args._[0],
        json: args.json === true,
        quiet: args.quiet === true,
      },
      { io },
    )
  },
})
