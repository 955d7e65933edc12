import type { DomainSet } from './domains'
import type { SquidAccessRule, SquidAcl } from './model'

/** A proxied request as Squid's http_access sees it. */
export type SquidRequest = {
  method: 'CONNECT' | 'GET'
  /** Lower-case host name, or an IPv4 literal. */
  host: string
  hostIsIp: boolean
  port: number
  /** Client address as a range, when the flow's source is an address. */
  source: { first: number; last: number } | undefined
}

/** Three-valued match: `unknown` carries why. */
export type SquidMatch = true | false | { unknown: string }

/** Whether one ACL matches a request. */
export type SquidMatcher = (request: SquidRequest) => SquidMatch

/** One ACL of an http_access line: its matcher, and whether the line negates it (`!name`). */
export type SquidLineMatcher = { match: SquidMatcher; negated: boolean }

/**
 * What `evaluateSquid` keeps with a config (`SquidConfig.matchers`), so that evaluating many flows
 * compiles each ACL once. Not part of the model.
 */
export type SquidMatchers = {
  /** The config's ACLs by lower-case name: Squid looks names up case-insensitively. */
  acls: ReadonlyMap<string, SquidAcl>
  /**
   * The dstdomain sets the reader built while checking each ACL's values, matched with instead of
   * built again (a fleet's config has 100,000 values).
   */
  domainSets: ReadonlyMap<SquidAcl, DomainSet>
  /** Each ACL's matcher by lower-case name, compiled when a flow first reaches it. */
  compiled: Map<string, SquidMatcher>
  /** Each http_access line's matchers, once a flow reached the line. */
  lines: Map<SquidAccessRule, SquidLineMatcher[]>
  /** Client addresses of flows, parsed: `undefined` for one that is not IPv4. */
  clients: Map<string, SquidRequest['source']>
}
