export { type Catalog, catalog, findRequirement } from './catalog/catalog'
export { conditions } from './catalog/conditions'
export {
  type CatalogComputeKind,
  type ClusterRole,
  type Condition,
  ConditionSchema,
  type CustomRequirement,
  CustomRequirementSchema,
  isCustomRequirement,
  type LocalProvenance,
  type PlanRequirement,
  type Provenance,
  type Requirement,
  type RequirementDestination,
  type RequirementDetails,
  RequirementSchema,
} from './catalog/schema'
export { serviceTagForHost } from './catalog/serviceTagEquivalents'
export {
  canonicalCidr,
  cidrContains,
  cidrProblem,
  cidrRange,
  compareCidrs,
  isIpv4Address,
  isIpv4Cidr,
  sampleAddress,
} from './cidr'
export {
  type Cloud,
  cloudSuffixes,
  clouds,
  findRegion,
  type Region,
  regionalTag,
  regions,
} from './clouds'
export {
  attachedComputeKinds,
  ruleServesOnlyAttachedCompute,
  servesOnlyAttachedCompute,
} from './computeScope'
export { planRequirement, type ResolveOptions } from './customRequirements'
export {
  compareDependencies,
  type DependenciesDocument,
  DependenciesDocumentSchema,
  type DependencyComparison,
  type ReportedEndpoint,
} from './dependencies'
export {
  createDiagnosticSink,
  type DiagnosticDetail,
  type DiagnosticDetailOption,
  type DiagnosticRule,
  type DiagnosticSink,
  type RuleDiagnosticInput,
  type RuleFinding,
} from './diagnosticSink'
export {
  createDiagnostic,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticInput,
  DiagnosticSchema,
  type DiagnosticSeverity,
  diagnosticCodes,
  formatDiagnostics,
  sortDiagnostics,
} from './diagnostics'
export {
  type ExtraDestination,
  parseExtraDestination,
  validateServiceTagName,
} from './extraRequirements'
export {
  describeFlow,
  endpointMatches,
  planFlows,
  ruleAllowsFlow,
  rulesAllowingFlow,
} from './flows'
export {
  type Capability,
  capabilityNames,
  type DecidedBy,
  defineFormat,
  type EgressFormat,
  type FileReference,
  type FormatCapabilities,
  type ReadResult,
  type RenderedFile,
  type RenderOptionSpec,
  type RenderResult,
  type Verdict,
} from './format'
export {
  canonicalHost,
  hostMatchesPattern,
  isValidHostName,
  isValidHostPattern,
  isWildcardPattern,
  patternCovers,
  reversedLabels,
  sampleHost,
} from './fqdn'
export { compareOrdinal } from './order'
export { environmentFilesOf, type PythonPackages } from './packageIndexes/pythonPackages'
export type {
  EnvironmentFileKind,
  EnvironmentFileScan,
  PackageSource,
  PackageSourceKind,
} from './packageIndexes/scan'
export {
  type Flow,
  type FlowEndpoint,
  FlowSchema,
  type Level,
  type Plan,
  type PlanFlow,
  type PlanRule,
  PlanSchema,
  type Risk,
  type RuleDirection,
  type RuleEndpoint,
} from './plan'
export {
  type FlowProtocol,
  formatPortRanges,
  mergePortRanges,
  type PortRange,
  type Protocol,
  portInRanges,
  portRangesCover,
  protocolCarries,
} from './ports'
export {
  type ComputeKind,
  type ExtraRequirement,
  type ExtraRequirementInput,
  ExtraRequirementSchema,
  type Features,
  formatPath,
  type KubernetesSettings,
  type Profile,
  ProfileError,
  type ProfileInput,
  type ProfileIssue,
  ProfileSchema,
  parseProfile,
  parseProfileText,
  profileJsonSchema,
  type Workload,
  type Workspace,
} from './profile'
export { profileLimits } from './profileLimits'
export { resolvePlan } from './resolve'
export {
  isServiceTagsFile,
  type ServiceTagsFile,
  serviceTagNamesFromFile,
  serviceTagsFileCloud,
} from './serviceTags/file'
export { describeServiceTagSource } from './serviceTags/publish'
export {
  bundledServiceTagNames,
  type ServiceTagNames,
  type ServiceTagSource,
} from './serviceTags/snapshot'
export { didYouMean } from './suggest'
export {
  type DiagnosticSummary,
  type SummariseOptions,
  type SummaryFormat,
  summariseDiagnostics,
} from './summary'
export {
  fitLine,
  formatDiagnosticSummaries,
  type SummaryTextOptions,
} from './summaryText'
export { escapeControlCharacters, excerpt, formatCount } from './text'
export {
  capabilitiesNeeded,
  countExpressedRules,
  missingCapabilities,
  type Triage,
  type TriagedRule,
  type TriageFormat,
  triagePlan,
} from './triage'
export { yaml11ReadsAsNonString, yamlCoreReadsAsNonString } from './yamlTypes'
