/**
 * `@aml-egress/core/diagnose`: what `aml-egress diagnose` needs to explain a deny log — the reader
 * contract and the streaming splitters the format packages' log readers use, the flow aggregator,
 * the classifier (required by AML, AML but not in the profile, unrelated), the fix rendering and
 * the report. A separate entry so that resolving and rendering do not ship the classifier.
 * @module
 */
export {
  type AddressTagIndex,
  cidrHolds,
  createAddressTagIndex,
  type NamedPrefixes,
  type ParsedAddress,
  type ParsedCidr,
  parseAddress,
  parseCidr,
} from './diagnose/addresses'
export {
  type AggregatedFlow,
  createFlowAggregator,
  type FlowAggregator,
  type FlowFilters,
  SOURCE_LIMIT,
} from './diagnose/aggregate'
export { createFlowClassifier, type FixRenderer } from './diagnose/classify'
export { type RenderedFix, renderFix } from './diagnose/fix'
export { forEachJsonRecord, type JsonRecordSink, peekFirstLine, readJsonLog } from './diagnose/json'
export type {
  Classification,
  DeniedRecord,
  DiagnosedFile,
  DiagnosedFlow,
  DiagnoseReport,
  LogChunks,
  LogDestination,
  LogPod,
  LogProtocol,
  LogReader,
  LogSink,
  MalformedRecord,
  ProfileChange,
} from './diagnose/model'
export { buildDiagnoseReport, compareDiagnosedFlows } from './diagnose/report'
export {
  completeUtf8Length,
  decodeChunks,
  forEachLine,
  MAX_LINE_LENGTH,
  parseCsvLine,
} from './diagnose/text'
