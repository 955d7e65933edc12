export { type DescribeFormatOptions, describeFormat } from './describeFormat'
export { flowRule, governsFlow, unexpressedFlows, widenedFlows } from './expressible'
export { deniedSummary, type ReadLogResult, readLogText } from './logs'
export {
  createPlan,
  createPlanRule,
  type PlanFields,
  type PlanRuleFields,
} from './plans'
export {
  profileVariant,
  publishedNamesDocument,
  publishedServiceTags,
  publishedServiceTagsFile,
  tagCheckRegions,
  unpublishedTagsIn,
} from './publishedTags'
export {
  COMPUTE_ADDRESS,
  defineScenario,
  FOREIGN_ADDRESS,
  fromAddress,
  fromTag,
  podToApiServer,
  podToPod,
  type Scenario,
  type ScenarioFlow,
  SUBNET,
  toAddress,
  toHost,
  toTag,
} from './scenario'
export { scenarios } from './scenarios'
