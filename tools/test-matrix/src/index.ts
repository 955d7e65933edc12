export { type DescribeFormatOptions, describeFormat } from './describeFormat'
export { flowRule, governsFlow, unexpressedFlows } from './expressible'
export {
  createPlan,
  createPlanRule,
  type PlanFields,
  type PlanRuleFields,
} from './plans'
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
