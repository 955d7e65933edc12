import type { Classification, DiagnosedFlow, DiagnoseReport } from '@aml-egress/core/diagnose'
import { createPaint, type Paint } from './color'
import type { Io } from './io'
import { markdownCell, markdownTable } from './table'

const HEADINGS: Record<Classification, string> = {
  required: "REQUIRED: the profile's plan allows these flows, but the log shows them denied",
  'aml-not-in-profile':
    'AML, NOT IN THE PROFILE: a catalog requirement your profile does not select',
  unrelated: 'UNRELATED: no AML requirement (listed, not judged)',
}

/** `pypi.org tcp/443`, `20.60.128.4 tcp/445`, `pypi.org tcp` (a DNS-proxy drop has no port). */
export function flowName(flow: Pick<DiagnosedFlow, 'destination' | 'protocol' | 'port'>): string {
  return `${flow.destination} ${flow.protocol.toLowerCase()}${flow.port === null ? '' : `/${flow.port}`}`
}

function seen(flow: DiagnosedFlow): string {
  if (flow.firstSeen === null) return 'time unknown'
  return flow.firstSeen === flow.lastSeen ? flow.firstSeen : `${flow.firstSeen} … ${flow.lastSeen}`
}

function sourcesText(flow: DiagnosedFlow): string {
  const shown = flow.sources.slice(0, 3).join(', ')
  const more = flow.sourceCount - Math.min(flow.sourceCount, 3)
  if (flow.sourceCount === 0) return 'source unknown'
  return more > 0 ? `${shown} +${more}` : shown
}

function flowLines(flow: DiagnosedFlow, paint: Paint): string[] {
  const lines = [
    `  ${paint.bold(flowName(flow))}  ×${flow.count}  from ${sourcesText(flow)}  ${paint.dim(`${seen(flow)} [${flow.log}]`)}`,
  ]
  if (flow.requirementIds.length > 0)
    lines.push(`    requirements: ${flow.requirementIds.join(', ')} (${flow.scenarios.join(', ')})`)
  for (const section of flow.sections) lines.push(paint.dim(`    doc: ${section}`))
  if (flow.serviceTags.length > 0) lines.push(`    service tags: ${flow.serviceTags.join(', ')}`)
  for (const change of flow.profileChanges)
    lines.push(`    ${change.requirementId} needs: ${change.settings.join('; ')}`)
  if (flow.note !== null) lines.push(paint.dim(`    note: ${flow.note}`))
  if (flow.fix !== null) {
    lines.push(`    fix (${flow.fixFormat}):`)
    for (const line of flow.fix.trimEnd().split('\n'))
      lines.push(line === '' ? '' : `      ${line}`)
  }
  return lines
}

function summaryLine(report: DiagnoseReport): string {
  const s = report.summary
  return `${s.deniedRecords} denied records in ${s.flows} flows: ${s.required} required, ${s.amlNotInProfile} AML not in the profile, ${s.unrelated} unrelated; ${s.ignoredRecords} other records ignored, ${s.malformedRecords} malformed${s.filteredOut > 0 ? `, ${s.filteredOut} denies filtered out by --since/--until/--source` : ''} (catalog ${s.catalog.version}, docs ${s.catalog.docDate})`
}

function malformedLines(report: DiagnoseReport): string[] {
  if (report.summary.malformedRecords === 0) return []
  return [
    `malformed records (counted and skipped; the first of each file):`,
    ...report.summary.malformed.map(
      (m) => `  ${m.path}:${m.at}: ${m.reason}${m.text ? `: ${m.text.slice(0, 80)}` : ''}`,
    ),
    '',
  ]
}

/** The report for a terminal: flows by classification, fixes indented under their flow. */
export function formatDiagnoseText(input: {
  report: DiagnoseReport
  io: Pick<Io, 'isTTY' | 'env'>
  serviceTags: boolean
}): string {
  const { report } = input
  const paint = createPaint(input.io)
  const lines: string[] = []
  for (const classification of ['required', 'aml-not-in-profile', 'unrelated'] as const) {
    const flows = report.flows.filter((flow) => flow.classification === classification)
    if (flows.length === 0) continue
    const heading = `${HEADINGS[classification]} (${flows.length})`
    lines.push(classification === 'required' ? paint.bold(paint.red(heading)) : paint.bold(heading))
    for (const flow of flows) lines.push(...flowLines(flow, paint))
    lines.push('')
  }
  if (!input.serviceTags && report.flows.some((flow) => flow.destination.match(/^[\d.]+$|:/)))
    lines.push(
      paint.dim(
        'addresses: pass --service-tags ServiceTags_Public.json to map them to service tags and requirements',
      ),
      '',
    )
  lines.push(...malformedLines(report), summaryLine(report))
  return `${lines.join('\n')}\n`
}

/** The report for a ticket: one table per classification, each fix in a code block. */
export function formatDiagnoseMarkdown(report: DiagnoseReport): string {
  const sections = ['## aml-egress diagnose', '', summaryLine(report)]
  for (const classification of ['required', 'aml-not-in-profile', 'unrelated'] as const) {
    const flows = report.flows.filter((flow) => flow.classification === classification)
    if (flows.length === 0) continue
    sections.push(
      '',
      `### ${classification} (${flows.length})`,
      '',
      markdownTable({
        headers: [
          'Flow',
          'Denied',
          'Sources',
          'First seen',
          'Last seen',
          'Requirements',
          'What would add it / note',
        ],
        rows: flows.map((flow) => [
          `\`${markdownCell(flowName(flow))}\``,
          String(flow.count),
          markdownCell(sourcesText(flow)),
          flow.firstSeen ?? '',
          flow.lastSeen ?? '',
          markdownCell(flow.requirementIds.join(', ')),
          markdownCell(
            [
              ...flow.profileChanges.map((c) => `${c.requirementId}: ${c.settings.join('; ')}`),
              flow.note ?? '',
            ]
              .filter((text) => text !== '')
              .join(' — '),
          ),
        ]),
      }),
    )
    for (const flow of flows.filter((candidate) => candidate.fix !== null))
      sections.push(
        '',
        `Fix for \`${markdownCell(flowName(flow))}\` (${flow.fixFormat}):`,
        '',
        '````',
        (flow.fix ?? '').trimEnd(),
        '````',
      )
  }
  if (report.summary.malformed.length > 0)
    sections.push(
      '',
      '### Malformed records',
      '',
      ...report.summary.malformed.map(
        (m) => `- \`${markdownCell(m.path)}:${m.at}\`: ${markdownCell(m.reason)}`,
      ),
    )
  return `${sections.join('\n')}\n`
}
