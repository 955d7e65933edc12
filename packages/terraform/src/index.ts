export { terraformCapabilities } from './capabilities'
export { evaluateTerraform } from './evaluate'
export { flowLog, parseFlowTuple, readFlowLogRecord } from './flowLog'
export { terraformFormat } from './format'
export {
  formatHcl,
  type HclItem,
  type HclObject,
  type HclReference,
  type HclValue,
  hclReference,
  hclString,
  isHclIdentifier,
} from './hcl'
export type {
  NsgProtocol,
  NsgRule,
  OpaqueElement,
  TerraformConfig,
  TerraformRenderOptions,
} from './model'
export { azurermVersionConstraint, terraformVersionConstraint } from './moduleHcl'
export { type BuiltNsgRule, buildNsgRules, nsgPriorityRange } from './nsg'
export { evaluateNsg, nsgDefaultRules, nsgPrefixMatches, nsgRuleMatches } from './nsgEvaluate'
export { readTerraform } from './read'
export { terraformReferences } from './references'
export { renderTerraform } from './render'
export { parseTemplate, resolveValue, type Template } from './template'
