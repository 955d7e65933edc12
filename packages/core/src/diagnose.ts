/**
 * `@aml-egress/core/diagnose`: what `aml-egress diagnose` needs to explain what a deny log's
 * readers (`@aml-egress/core/log-readers`) found — the flow aggregator, the classifier (required
 * by AML, AML but not in the profile, unrelated), the fix rendering, the report and the address
 * index of service tags. A separate entry so that resolving and rendering do not ship the
 * classifier.
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
export type {
  Classification,
  DiagnosedFile,
  DiagnosedFlow,
  DiagnoseReport,
  MalformedRecord,
  ProfileChange,
} from './diagnose/model'
export { buildDiagnoseReport, compareDiagnosedFlows } from './diagnose/report'
