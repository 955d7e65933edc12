import type { DiagnosticDetailOption } from '@aml-egress/core'
import type { SquidMatchers } from './matchers'

/**
 * The part of a `squid.conf` that decides access, as the reader sees it: ACL definitions and the
 * `http_access` list in evaluation order, with the file and line every piece came from.
 */

/** Where a directive was read. */
export type SquidLocation = {
  /** Path of the file as given to the reader. */
  file: string
  /** 1-based line of the directive (its first line when continued with `\`). */
  line: number
}

/** One ACL value, e.g. `.blob.core.windows.net` or `^[a-z]+\.example\.com$`. */
export type SquidAclValue = {
  value: string
  /** For regex types: `-i` was in effect (until a later `+i`). */
  ignoreCase: boolean
  location: SquidLocation
}

/**
 * One ACL name with every value given for it. Several `acl NAME TYPE …` lines with the same name
 * add values (OR).
 */
export type SquidAcl = {
  name: string
  /** Squid ACL type as written (`dstdomain`, `src`, `port`, `time`, …). */
  type: string
  /** Options such as `-n` (no DNS lookups), merged over all definition lines. */
  flags: string[]
  values: SquidAclValue[]
  /** Built in (`all`, `CONNECT`, `localhost`, `manager`, `to_localhost`). */
  predefined: boolean
  /** Every `acl` line that defines this name. */
  locations: SquidLocation[]
  /**
   * Why the reader cannot say whether this ACL matches (a value file that was not given, an
   * unmodelled type, a definition inside `if`): flows that depend on it evaluate to unknown.
   * Values that are known still match.
   */
  unknownReasons: string[]
  /** Set when Squid itself would refuse this ACL (e.g. a subdomain listed before its parent). */
  invalidReason?: string
}

/** One ACL on an access line, possibly negated with `!`. */
export type SquidAclReference = {
  name: string
  negated: boolean
}

/** One `http_access allow|deny acl…` line. */
export type SquidAccessRule = {
  kind: 'rule'
  action: 'allow' | 'deny'
  /** ANDed; all must match for the line to apply. */
  acls: SquidAclReference[]
  /** The directive as written (normalised whitespace), for verdicts. */
  text: string
  location: SquidLocation
  /** Set when the reader cannot rely on this line (inside `if`, undefined ACL). */
  unknownReason?: string
}

/** A place in the `http_access` list the reader could not see into (an include it was not given). */
export type SquidOpaqueAccess = {
  kind: 'opaque'
  text: string
  reason: string
  location: SquidLocation
}

/** One http_access line of a config: a rule the evaluator models, or one it cannot interpret. */
export type SquidAccessLine = SquidAccessRule | SquidOpaqueAccess

/** A directive that can deny a request after `http_access` allowed it (`adapted_http_access`, …). */
export type SquidLaterCheck = {
  directive: string
  location: SquidLocation
}

/** What `readSquid` returns: the access-relevant model of a set of squid.conf files. */
export type SquidConfig = {
  /** Files read, in the order their directives were processed. */
  files: string[]
  /** ACLs by first definition, predefined ones first. */
  acls: SquidAcl[]
  /** `http_access` lines in evaluation order, includes expanded. */
  httpAccess: SquidAccessLine[]
  laterChecks: SquidLaterCheck[]
  /**
   * Built by the reader and completed by `evaluateSquid` as flows reach each ACL (absent in a config
   * made by hand until then). Treat a config as read-only once read: edit the text and read it
   * again instead.
   */
  matchers?: SquidMatchers
}

/** How the renderer lays out its output. */
export type SquidRenderOptions = DiagnosticDetailOption & {
  /**
   * `include` (default): a fragment to `include` in your `squid.conf` before its final
   * `http_access deny all`. `standalone`: a complete `squid.conf` for a dedicated egress proxy.
   */
  mode?: 'include' | 'standalone'
  /** Standalone only: the port Squid listens on (default 3128). */
  httpPort?: number
  /** Standalone only: an IPv4 address to listen on (default: every address). */
  listenAddress?: string
  /** Standalone only: access log path (default `/var/log/squid/access.log`), or `none`. */
  accessLog?: string
  /** Standalone only: cache log path (default `/var/log/squid/cache.log`). */
  cacheLog?: string
  /** Standalone only: pid file path (Squid's default when absent). */
  pidFile?: string
}
