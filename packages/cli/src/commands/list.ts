import {
  catalog,
  conditions,
  formatPortRanges,
  type Plan,
  type PlanRule,
  type Requirement,
  type RuleEndpoint,
} from '@aml-egress/core'
import { defineCliCommand } from '../command'
import { type DocRow, groupDocRows, portColumn } from '../docRows'
import { UsageError } from '../errors'
import type { Io } from '../io'
import { customRequirementsMarkdown } from '../ownRequirements'
import { loadProfile } from '../profile'
import { suggest } from '../suggest'
import { formatTable, markdownCell, markdownTable } from '../table'

/** Options of `aml-egress list`. */
export type ListCommandOptions = {
  profile?: string | undefined
  scenario?: string | undefined
  format?: 'table' | 'markdown' | 'json' | undefined
}

/** The catalog's scenario ids, in catalog order. */
export function catalogScenarios(): string[] {
  return [...new Set(catalog.requirements.map((requirement) => requirement.scenario))]
}

/** The scenario of the profile's `extraRequirements` (environment-file hosts are python-packages). */
const CUSTOM_SCENARIO = 'custom'

function checkScenario(scenario: string | undefined): void {
  if (scenario === undefined) return
  const known = [...catalogScenarios(), CUSTOM_SCENARIO]
  if (!known.includes(scenario)) {
    const suggestion = suggest(scenario, known)
    throw new UsageError(
      `unknown scenario '${scenario}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
      `catalog scenarios: ${known.join(', ')}`,
    )
  }
}

/** A rule endpoint in one line: `*.blob.core.windows.net`, `tag Storage.WestEurope`, … */
export function describeEndpoint(endpoint: RuleEndpoint): string {
  switch (endpoint.kind) {
    case 'fqdn':
      return `${endpoint.fqdn}${endpoint.urlPath ?? ''}`
    case 'serviceTag':
      return endpoint.tag
    case 'addresses':
      return endpoint.addresses.join(', ')
    case 'apiServer':
      return `API server${endpoint.addresses.length > 0 ? ` ${endpoint.addresses.join(', ')}` : ' (address unknown)'}`
    case 'pods': {
      const labels = Object.entries(endpoint.podLabels)
        .map(([key, value]) => `${key}=${value}`)
        .join(',')
      return `pods ${endpoint.namespaces.join(',')}${labels ? `{${labels}}` : ''}`
    }
  }
}

function ruleTarget(rule: PlanRule): string {
  const destination = describeEndpoint(rule.destination)
  return rule.direction === 'outbound'
    ? destination
    : `${describeEndpoint(rule.source)} → ${destination}`
}

/**
 * For one doc row and a plan: the concrete endpoints of the plan that carry the row's records,
 * including hosts folded into a wildcard (shown with the wildcard that covers them).
 */
function concreteEndpoints(row: DocRow, plan: Plan): string[] {
  const endpoints: string[] = []
  for (const requirement of row.requirements)
    for (const rule of plan.rules) {
      if (rule.requirementIds.includes(requirement.id)) {
        const text = `\`${markdownCell(ruleTarget(rule))}\``
        if (!endpoints.includes(text)) endpoints.push(text)
      }
      for (const folded of rule.subsumes)
        if (folded.requirementIds.includes(requirement.id) && rule.destination.kind === 'fqdn') {
          const text = `\`${markdownCell(folded.fqdn)}\` (via \`${markdownCell(rule.destination.fqdn)}\`)`
          if (!endpoints.includes(text)) endpoints.push(text)
        }
    }
  return endpoints
}

function docEndpoint(requirement: Requirement): string {
  // Inbound records name their source in docValue (`AzureMachineLearning` → compute).
  return requirement.direction === 'inbound' && requirement.source
    ? `inbound from \`${markdownCell(requirement.source.tag)}\``
    : `\`${markdownCell(requirement.docValue)}\``
}

/**
 * The doc-style Markdown tables: one per scenario, columns as the firewall article's Kubernetes
 * table (`Outbound endpoint | Port | Description | Training | Inference`). With a plan, endpoints
 * are the plan's concrete ones and rows that do not apply are left out.
 */
export function requirementsMarkdown(input: {
  requirements: readonly Requirement[]
  plan?: Plan | undefined
}): string {
  const rows = groupDocRows(input.requirements)
  const byScenario = new Map<string, { row: DocRow; endpoints: string[] }[]>()
  for (const row of rows) {
    const endpoints = input.plan
      ? concreteEndpoints(row, input.plan)
      : row.requirements.map(docEndpoint).filter((e, i, all) => all.indexOf(e) === i)
    if (endpoints.length === 0) continue
    byScenario.set(row.scenario, [...(byScenario.get(row.scenario) ?? []), { row, endpoints }])
  }
  const sections: string[] = []
  for (const [scenario, entries] of byScenario) {
    const first = entries[0]?.row.requirements[0]
    const source = first
      ? `Source: ${first.provenance.path} (${first.provenance.docDate}), “${first.provenance.section}”`
      : ''
    sections.push(
      [
        `### ${scenario}`,
        '',
        source,
        '',
        markdownTable({
          headers: ['Outbound endpoint', 'Port', 'Description', 'Training', 'Inference'],
          center: [3, 4],
          rows: entries.map(({ row, endpoints }) => {
            const first = row.requirements[0]
            return [
              endpoints.join(', '),
              first ? portColumn(first) : '',
              markdownCell(row.description),
              first?.applicability.training ? '✔' : 'N/A',
              first?.applicability.inference ? '✔' : 'N/A',
            ]
          }),
        }),
      ].join('\n'),
    )
  }
  return `${sections.join('\n\n')}\n`
}

function requirementsTable(requirements: readonly Requirement[]): string {
  return formatTable({
    headers: ['ID', 'SCENARIO', 'DESTINATION', 'PORT', 'LEVEL', 'APPLIES WHEN'],
    rows: requirements.map((requirement) => [
      requirement.status === 'current'
        ? requirement.id
        : `${requirement.id} (${requirement.status})`,
      requirement.scenario,
      requirement.direction === 'inbound' && requirement.source
        ? `${requirement.source.tag} → ${requirement.docValue}`
        : requirement.docValue,
      portColumn(requirement),
      requirement.level,
      conditions[requirement.applicability.condition].title,
    ]),
  })
}

function rulesTable(rules: readonly PlanRule[]): string {
  return formatTable({
    headers: ['DIRECTION', 'DESTINATION', 'PROTOCOL', 'PORTS', 'LEVEL', 'REQUIREMENTS'],
    rows: rules.map((rule) => [
      rule.direction,
      ruleTarget(rule),
      rule.protocol,
      formatPortRanges(rule.ports).join(','),
      rule.level,
      rule.requirementIds.join(','),
    ]),
  })
}

/** A plan's rules as JSON, with the requirements of your own they name (when there are any). */
function listJson(plan: Plan, rules: readonly PlanRule[]): Record<string, unknown> {
  return {
    catalog: plan.catalog,
    rules,
    advisories: plan.advisories,
    ...(plan.customRequirements ? { customRequirements: plan.customRequirements } : {}),
  }
}

/**
 * `aml-egress list`: without a profile the catalog (filtered by `scenario`); with one, the rules of
 * its plan. `markdown` gives the doc-style tables.
 */
export async function runList(options: ListCommandOptions, context: { io: Io }): Promise<number> {
  const { io } = context
  checkScenario(options.scenario)
  const format = options.format ?? 'table'
  const inScenario = (scenarios: readonly string[]) =>
    options.scenario === undefined || scenarios.includes(options.scenario)
  const requirements = catalog.requirements.filter((requirement) =>
    inScenario([requirement.scenario]),
  )
  if (options.profile === undefined) {
    if (format === 'json')
      io.stdout(
        `${JSON.stringify({ catalog: { version: catalog.version, docDate: catalog.docDate }, requirements }, null, 2)}\n`,
      )
    else if (format === 'markdown') io.stdout(requirementsMarkdown({ requirements }))
    else io.stdout(`${requirementsTable(requirements)}\n${requirements.length} requirements\n`)
    return 0
  }
  const { plan } = await loadProfile({ path: options.profile, io })
  if (format === 'json') {
    const rules = plan.rules.filter((rule) => inScenario(rule.scenarios))
    io.stdout(`${JSON.stringify(listJson(plan, rules), null, 2)}\n`)
    return 0
  }
  const rules = plan.rules.filter((rule) => inScenario(rule.scenarios))
  if (format === 'markdown') {
    const own = customRequirementsMarkdown(plan, (scenario) => inScenario([scenario]))
    io.stdout(
      requirementsMarkdown({
        requirements: requirements.filter((requirement) => requirement.status === 'current'),
        plan,
      }),
    )
    if (own) io.stdout(`\n${own}\n`)
  } else io.stdout(`${rulesTable(rules)}\n${rules.length} rules\n`)
  return 0
}

export const listCommand = defineCliCommand({
  meta: {
    name: 'list',
    description: 'List catalog requirements, or the rules a profile resolves to',
  },
  args: {
    profile: {
      type: 'string',
      alias: 'p',
      description: 'List the rules of this profile instead of the catalog',
      valueHint: 'file',
    },
    scenario: {
      type: 'string',
      alias: 's',
      description: 'Only this catalog scenario (e.g. kubernetes-compute, vscode)',
      valueHint: 'id',
    },
    format: {
      type: 'enum',
      options: ['table', 'markdown', 'json'],
      default: 'table',
      description: 'Output format',
    },
  },
  examples: [
    'aml-egress list --scenario kubernetes-compute',
    'aml-egress list --format markdown --scenario kubernetes-compute   # the firewall article table',
    'aml-egress list --profile aml-egress.yaml --format json',
  ],
  run: ({ args, io }) =>
    runList(
      {
        profile: args.profile,
        scenario: args.scenario,
        format:
          args.format === 'markdown' || args.format === 'json' || args.format === 'table'
            ? args.format
            : undefined,
      },
      { io },
    ),
})
