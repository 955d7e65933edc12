import * as z from 'zod'
import { hostMatchesPattern } from './fqdn'
import type { Plan, PlanRule } from './plan'
import { portInRanges } from './ports'

/**
 * The JSON the workspace's `outboundNetworkDependenciesEndpoints` API returns
 * (`az rest --method get --url …/outboundNetworkDependenciesEndpoints?api-version=2018-03-01-preview`).
 */
export const DependenciesDocumentSchema = z.object({
  value: z.array(
    z.object({
      properties: z.object({
        category: z.string(),
        endpoints: z.array(
          z.object({
            domainName: z.string().min(1),
            endpointDetails: z
              .array(z.object({ port: z.number().int().min(1).max(65535) }))
              .default([]),
          }),
        ),
      }),
    }),
  ),
})
/** The workspace dependencies API document (outbound dependencies of a workspace). */
export type DependenciesDocument = z.input<typeof DependenciesDocumentSchema>

/** One endpoint the workspace reports, with the plan rule that allows it (if any). */
export type ReportedEndpoint = {
  category: string
  domainName: string
  port: number
  /** The plan rule allowing TCP to this host and port; absent when the plan lacks it. */
  ruleId?: string
}

/** How a dependencies document compares with a plan: what each side has that the other lacks. */
export type DependencyComparison = {
  /** Every endpoint the workspace reports, in its order, with the rule that covers it. */
  reported: ReportedEndpoint[]
  /** Endpoints the workspace reports that the plan does not allow. */
  missingFromPlan: ReportedEndpoint[]
  /** Outbound host rules of the plan that no reported endpoint falls under. */
  notReported: PlanRule[]
}

function coveringRule(plan: Plan, host: string, port: number): PlanRule | undefined {
  return plan.rules.find(
    (rule) =>
      rule.direction === 'outbound' &&
      rule.destination.kind === 'fqdn' &&
      rule.protocol !== 'UDP' &&
      portInRanges(port, rule.ports) &&
      hostMatchesPattern(host, rule.destination.fqdn),
  )
}

/**
 * Compares what a workspace reports it needs with what the plan allows. A reported domain may be a
 * wildcard itself (`*.blob.core.windows.net`); it is then matched as its sample subdomain.
 * @example compareDependencies(plan, JSON.parse(await readFile('deps.json', 'utf8')))
 */
export function compareDependencies(
  plan: Plan,
  document: DependenciesDocument,
): DependencyComparison {
  const parsed = DependenciesDocumentSchema.parse(document)
  const reported: ReportedEndpoint[] = []
  for (const { properties } of parsed.value)
    for (const endpoint of properties.endpoints) {
      const host = endpoint.domainName.toLowerCase().replace(/^\*\./, 'aml-egress-sample.')
      const ports =
        endpoint.endpointDetails.length > 0 ? endpoint.endpointDetails.map((d) => d.port) : [443]
      for (const port of ports) {
        const rule = coveringRule(plan, host, port)
        reported.push({
          category: properties.category,
          domainName: endpoint.domainName,
          port,
          ...(rule ? { ruleId: rule.id } : {}),
        })
      }
    }
  const used = new Set(reported.map((endpoint) => endpoint.ruleId))
  return {
    reported,
    missingFromPlan: reported.filter((endpoint) => endpoint.ruleId === undefined),
    notReported: plan.rules.filter(
      (rule) =>
        rule.direction === 'outbound' && rule.destination.kind === 'fqdn' && !used.has(rule.id),
    ),
  }
}
