export { type DescribeFormatOptions, describeFormat } from './describeFormat'
export { flowRule, governsFlow, unexpressedFlows } from './expressible'
export {
  createPlan,
  createPlanRule,
  type PlanFields,
  type PlanRuleFields,
} from './plans'
export {
  findSquid,
  freePort,
  loopbackPrologue,
  proxyIds,
  type RunningSquid,
  realSquidMode,
  requireSquid,
  type Scratch,
  scratchDir,
  squidParse,
  startSquid,
  writeFiles,
} from './realSquid'
export {
  COMPUTE_ADDRESS,
  defineScenario,
  FOREIGN_ADDRESS,
  fromTag,
  podToApiServer,
  podToPod,
  type Scenario,
  type ScenarioFlow,
  SUBNET,
  toHost,
  toTag,
} from './scenario'
export { scenarios } from './scenarios'
