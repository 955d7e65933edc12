export { type DescribeFormatOptions, describeFormat } from './describeFormat'
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
