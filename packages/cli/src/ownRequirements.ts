import {
  type CustomRequirement,
  formatPortRanges,
  isCustomRequirement,
  type Plan,
  type PlanRequirement,
  type Provenance,
} from '@aml-egress/core'
import { markdownCell, markdownTable } from './table'

/** `MicrosoftDocs/azure-ai-docs …/how-to-access-azureml-behind-firewall.md@00bb554 (2026-03-19) § Basic configuration`. */
export function describeDocProvenance(provenance: Provenance): string {
  const commit = provenance.commit ? `@${provenance.commit.slice(0, 7)}` : ''
  return `${provenance.repo} ${provenance.path}${commit} (${provenance.docDate}) § ${provenance.section}`
}

/**
 * Where any requirement comes from: the doc page of a catalog record, `profile contoso.yaml §
 * extraRequirements[0]` for a profile entry, `from requirements.txt:3` for an environment file.
 */
export function describeRequirementSource(requirement: PlanRequirement): string {
  if (!isCustomRequirement(requirement)) return describeDocProvenance(requirement.provenance)
  const provenance = requirement.provenance
  if (provenance.origin === 'environmentFile') return `from ${provenance.file}:${provenance.line}`
  return `profile ${provenance.file ?? '(passed in code)'} § ${provenance.entry}`
}

/** The short "where" of a requirement for tables: the doc section, the profile entry, file:line. */
export function requirementSection(requirement: PlanRequirement | undefined): string {
  if (!requirement) return ''
  if (!isCustomRequirement(requirement)) return requirement.provenance.section
  const provenance = requirement.provenance
  return provenance.origin === 'environmentFile'
    ? `${provenance.file}:${provenance.line}`
    : provenance.entry
}

function customTarget(requirement: CustomRequirement): string {
  return requirement.direction === 'inbound'
    ? `inbound from ${requirement.docValue}`
    : requirement.docValue
}

/**
 * The doc-style table of a plan's own requirements (profile entries, environment-file hosts), for
 * `list --format markdown`: the catalog tables' columns, the source in place of the doc section.
 */
export function customRequirementsMarkdown(
  plan: Plan,
  inScenario: (scenario: string) => boolean,
): string {
  // Read-only use of the plan's records: the shape functions take them as they are.
  const own = (plan.customRequirements ?? []) as readonly CustomRequirement[]
  const requirements = own.filter((requirement) => inScenario(requirement.scenario))
  if (requirements.length === 0) return ''
  return [
    '### your own requirements',
    '',
    'Source: the profile and the environment files it names.',
    '',
    markdownTable({
      headers: ['Outbound endpoint', 'Port', 'Description', 'Source'],
      rows: requirements.map((requirement) => [
        `\`${markdownCell(customTarget(requirement))}\``,
        `${requirement.protocol} ${formatPortRanges(requirement.ports).join(', ')}`,
        markdownCell(`${requirement.id}: ${requirement.summary}`),
        markdownCell(describeRequirementSource(requirement)),
      ]),
    }),
  ].join('\n')
}
