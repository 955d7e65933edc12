export { readSquidAccessLine, requestTarget, squidAccessLog } from './accessLog'
export {
  type CollapsedDomain,
  collapseDomains,
  type DomainInsertResult,
  type DomainPattern,
  DomainSet,
} from './domains'
export { evaluateSquid, posixToRegExp } from './evaluate'
export { squidFormat } from './format'
export type { SquidMatch, SquidMatcher, SquidMatchers, SquidRequest } from './matchers'
export type {
  SquidAccessLine,
  SquidAccessRule,
  SquidAcl,
  SquidAclReference,
  SquidAclValue,
  SquidConfig,
  SquidLaterCheck,
  SquidLocation,
  SquidOpaqueAccess,
  SquidRenderOptions,
} from './model'
export {
  MODELLED_ACL_TYPES,
  readSquid,
  readSquidSync,
  resolveReference,
  squidReferences,
  valuesFileLine,
} from './read'
export { ACL_PREFIX, commentText, INCLUDE_PATH, renderSquid, STANDALONE_PATH } from './render'
