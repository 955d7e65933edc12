import { catalog } from '../catalog/catalog'
import { compareOrdinal } from '../order'
import type { FlowAggregator } from './aggregate'
import type { Classification, DiagnosedFlow, DiagnoseReport } from './model'

const CLASS_ORDER: Record<Classification, number> = {
  required: 0,
  'aml-not-in-profile': 1,
  unrelated: 2,
}

/** Required first, then not-in-profile, then unrelated; most denied first; then by name. */
export function compareDiagnosedFlows(a: DiagnosedFlow, b: DiagnosedFlow): number {
  return (
    CLASS_ORDER[a.classification] - CLASS_ORDER[b.classification] ||
    b.count - a.count ||
    compareOrdinal(a.destination, b.destination) ||
    (a.port ?? 0) - (b.port ?? 0) ||
    compareOrdinal(a.protocol, b.protocol) ||
    compareOrdinal(a.log, b.log)
  )
}

/**
 * The report of a diagnosis: every aggregated flow classified, sorted, with the summary (what each
 * file held, what was filtered out, malformed records). Deterministic for the same input.
 */
export function buildDiagnoseReport(input: {
  aggregator: FlowAggregator
  classify: (flow: ReturnType<FlowAggregator['flows']>[number]) => DiagnosedFlow
}): DiagnoseReport {
  const { aggregator } = input
  const flows = aggregator.flows().map(input.classify).sort(compareDiagnosedFlows)
  const count = (classification: Classification) =>
    flows.filter((flow) => flow.classification === classification).length
  const files = aggregator.files()
  const sum = (pick: (file: (typeof files)[number]) => number) =>
    files.reduce((total, file) => total + pick(file), 0)
  const filteredOut = aggregator.filteredOut()
  return {
    flows,
    summary: {
      flows: flows.length,
      required: count('required'),
      amlNotInProfile: count('aml-not-in-profile'),
      unrelated: count('unrelated'),
      deniedRecords: sum((file) => file.denied) - filteredOut,
      filteredOut,
      ignoredRecords: sum((file) => file.ignored),
      malformedRecords: sum((file) => file.malformed),
      files: [...files],
      malformed: [...aggregator.malformed()],
      catalog: { version: catalog.version, docDate: catalog.docDate },
    },
  }
}
