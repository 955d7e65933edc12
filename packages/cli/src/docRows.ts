import { formatPortRanges, type Requirement } from '@aml-egress/core'

/** Requirements the docs list in one table row (one purpose, several endpoints). */
export type DocRow = {
  scenario: string
  section: string
  /** The purpose, as the first record of the row words it. */
  description: string
  requirements: Requirement[]
}

/** `Upload system logs to Kusto (same row as *.kusto.windows.net).` → `Upload system logs to Kusto.` */
function rowSummary(summary: string): string {
  return summary.replace(/\s*\(same row as [^)]*\)/, '')
}

/** The purpose after a `Subject:` lead-in, which row-mates share (`… data endpoint: pull images`). */
function purpose(summary: string): string | undefined {
  const index = summary.indexOf(': ')
  return index === -1 ? undefined : summary.slice(index + 2)
}

function portKey(requirement: Requirement): string {
  return `${requirement.protocol} ${formatPortRanges(requirement.ports).join(',')}`
}

function sameRow(a: Requirement, b: Requirement): boolean {
  if (
    a.scenario !== b.scenario ||
    a.provenance.section !== b.provenance.section ||
    a.direction !== b.direction ||
    portKey(a) !== portKey(b) ||
    a.applicability.training !== b.applicability.training ||
    a.applicability.inference !== b.applicability.inference
  )
    return false
  const summaryA = rowSummary(a.summary)
  const summaryB = rowSummary(b.summary)
  if (summaryA === summaryB) return true
  const purposeA = purpose(summaryA)
  return purposeA !== undefined && purposeA === purpose(summaryB)
}

/**
 * Groups catalog records back into the rows of the doc table they came from: consecutive records
 * (catalog order is doc order) of one section with the same ports, workload columns and purpose.
 * The catalog has no row id, so the purpose text is the link (see the report: a `docRow` field
 * in core would make this exact).
 */
export function groupDocRows(requirements: readonly Requirement[]): DocRow[] {
  const rows: DocRow[] = []
  for (const requirement of requirements) {
    const last = rows[rows.length - 1]
    const first = last?.requirements[0]
    if (last && first && sameRow(first, requirement)) last.requirements.push(requirement)
    else
      rows.push({
        scenario: requirement.scenario,
        section: requirement.provenance.section,
        description: rowSummary(requirement.summary),
        requirements: [requirement],
      })
  }
  return rows
}

/** The Port column as the docs write it: `443`, `80`, `UDP 5831`, `any`. */
export function portColumn(requirement: Pick<Requirement, 'protocol' | 'ports'>): string {
  const ports =
    requirement.ports.length === 0 ? 'any' : formatPortRanges(requirement.ports).join(', ')
  return requirement.protocol === 'TCP' ? ports : `${requirement.protocol} ${ports}`
}
