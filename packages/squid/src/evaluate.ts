import {
  cidrRange,
  type DecidedBy,
  describeFlow,
  type Flow,
  isIpv4Address,
  isIpv4Cidr,
  type Verdict,
} from '@aml-egress/core'
import { DomainSet } from './domains'
import type {
  SquidMatch as Match,
  SquidLineMatcher,
  SquidMatcher,
  SquidMatchers,
  SquidRequest,
} from './matchers'
import type { SquidAccessRule, SquidAcl, SquidConfig } from './model'
import { MISSING_FILE_REASON } from './read'

type Range = { first: number; last: number }

const unknown = (reason: string): Match => ({ unknown: reason })

/** Parses a src/dst value; undefined for values that are not IPv4 (IPv6 never matches an IPv4 flow). */
function parseAddressValue(value: string): Range | 'ipv6' | 'invalid' {
  if (value === 'all') return { first: 0, last: 2 ** 32 - 1 }
  if (value.includes(':')) return 'ipv6'
  const [start = '', maskPart] = value.split('/')
  const [from = '', to] = start.split('-')
  if (!isIpv4Address(from) || (to !== undefined && !isIpv4Address(to))) return 'invalid'
  let bits = 32
  if (maskPart !== undefined) {
    if (/^\d{1,2}$/.test(maskPart) && Number(maskPart) <= 32) bits = Number(maskPart)
    else if (isIpv4Address(maskPart)) {
      const mask = cidrRange(`${maskPart}/32`).first
      const ones = mask.toString(2).replace(/0+$/, '')
      if (/0/.test(ones) && mask !== 0) return 'invalid'
      bits = mask === 0 ? 0 : ones.length
    } else return 'invalid'
  }
  const first = cidrRange(`${from}/${bits}`).first
  const last =
    to === undefined ? cidrRange(`${from}/${bits}`).last : cidrRange(`${to}/${bits}`).last
  return { first, last }
}

/** Loopback, `this network` and link-local: names on the Internet do not resolve into these. */
const NON_ROUTABLE = ['127.0.0.0/8', '0.0.0.0/8', '169.254.0.0/16'].map((cidr) => cidrRange(cidr))

function insideAny(range: Range, ranges: readonly Range[]): Match {
  for (const r of ranges) if (r.first <= range.first && range.last <= r.last) return true
  for (const r of ranges)
    if (r.first <= range.last && range.first <= r.last)
      return unknown('the flow source range only partly overlaps the ACL')
  return false
}

function compileAddresses(acl: SquidAcl, side: 'src' | 'dst'): SquidMatcher {
  const ranges: Range[] = []
  const unparsed: string[] = []
  for (const { value } of acl.values) {
    const parsed = parseAddressValue(value)
    if (parsed === 'invalid') unparsed.push(value)
    else if (parsed !== 'ipv6') ranges.push(parsed)
  }
  const onlyNonRoutable = ranges.every((range) =>
    NON_ROUTABLE.some((r) => r.first <= range.first && range.last <= r.last),
  )
  const coversAll = ranges.some((r) => r.first === 0 && r.last === 2 ** 32 - 1)
  return (request) => {
    if (side === 'src') {
      if (coversAll) return true
      if (!request.source) return unknown(`the flow has no client address for src ACL ${acl.name}`)
      const result = insideAny(request.source, ranges)
      if (result !== false || unparsed.length === 0) return result
      return unknown(
        `src ACL ${acl.name} has values the reader cannot parse: ${unparsed.join(' ')}`,
      )
    }
    if (request.hostIsIp) {
      const address = cidrRange(`${request.host}/32`)
      const result = insideAny(address, ranges)
      if (result !== false || unparsed.length === 0) return result
      return unknown(
        `dst ACL ${acl.name} has values the reader cannot parse: ${unparsed.join(' ')}`,
      )
    }
    if (coversAll) return true
    // Assumption, stated in the README: public names do not resolve to loopback or link-local.
    if (onlyNonRoutable && unparsed.length === 0) return false
    return unknown(`dst ACL ${acl.name} depends on what ${request.host} resolves to`)
  }
}

function compileDomains(acl: SquidAcl, domainSets: SquidMatchers['domainSets']): SquidMatcher {
  const set = domainSets.get(acl) ?? DomainSet.forMatching(acl.values.map(({ value }) => value))
  const noLookup = acl.flags.includes('-n')
  const isServerName = acl.type === 'ssl::server_name'
  return (request) => {
    if (isServerName && request.method !== 'CONNECT')
      return unknown(`ssl::server_name ACL ${acl.name} on a plain HTTP request`)
    if (set.matches(request.host)) return true
    if (request.hostIsIp && !noLookup && !isServerName)
      return unknown(`${acl.name} would look up the name of ${request.host} (no -n)`)
    return false
  }
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\s',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
}

/** POSIX extended regex (what Squid uses) to a JS RegExp; undefined when it does not translate. */
export function posixToRegExp(input: { pattern: string; ignoreCase: boolean }): RegExp | undefined {
  // Backreferences and collating elements mean something else (or nothing) in JS.
  if (/\\[1-9]|\[[.=]/.test(input.pattern)) return undefined
  const source = input.pattern.replace(
    /\[:([a-z]+):\]/g,
    (whole, name: string) => POSIX_CLASSES[name] ?? whole,
  )
  if (/\[:[a-z]+:\]/.test(source)) return undefined
  try {
    return new RegExp(source, input.ignoreCase ? 'i' : '')
  } catch {
    return undefined
  }
}

function compileRegex(acl: SquidAcl): SquidMatcher {
  const patterns: RegExp[] = []
  const broken: string[] = []
  for (const value of acl.values) {
    const regex = posixToRegExp({ pattern: value.value, ignoreCase: value.ignoreCase })
    if (regex) patterns.push(regex)
    else broken.push(value.value)
  }
  const noLookup = acl.flags.includes('-n')
  const isServerName = acl.type === 'ssl::server_name_regex'
  return (request) => {
    if (isServerName && request.method !== 'CONNECT')
      return unknown(`${acl.type} ACL ${acl.name} on a plain HTTP request`)
    if (patterns.some((regex) => regex.test(request.host))) return true
    if (broken.length > 0)
      return unknown(`${acl.name} has regexes the reader cannot translate: ${broken.join(' ')}`)
    if (request.hostIsIp && !noLookup && !isServerName)
      return unknown(`${acl.name} would look up the name of ${request.host} (no -n)`)
    return false
  }
}

function compilePorts(acl: SquidAcl): SquidMatcher {
  const ranges = acl.values.map(({ value }) => {
    const [from = '0', to = from] = value.split('-')
    return { first: Number(from), last: Number(to) }
  })
  return (request) => {
    for (const r of ranges) if (r.first <= request.port && request.port <= r.last) return true
    return false
  }
}

function compileMethods(acl: SquidAcl): SquidMatcher {
  const methods = new Set(acl.values.map(({ value }) => value.toUpperCase()))
  return (request) => methods.has(request.method)
}

function compileType(acl: SquidAcl, domainSets: SquidMatchers['domainSets']): SquidMatcher {
  switch (acl.type) {
    case 'src':
      return compileAddresses(acl, 'src')
    case 'dst':
      return compileAddresses(acl, 'dst')
    case 'dstdomain':
    case 'ssl::server_name':
      return compileDomains(acl, domainSets)
    case 'dstdom_regex':
    case 'ssl::server_name_regex':
      return compileRegex(acl)
    case 'port':
      return compilePorts(acl)
    case 'method':
      return compileMethods(acl)
    case 'manager':
      // Cache-manager requests (cache_object://, /squid-internal-mgr/) are never egress flows.
      return () => false
    default:
      return () =>
        unknown(`ACL ${acl.name} has type '${acl.type}', which the reader does not model`)
  }
}

function compile(acl: SquidAcl, domainSets: SquidMatchers['domainSets']): SquidMatcher {
  if (acl.invalidReason) {
    const reason = `ACL ${acl.name}: ${acl.invalidReason}`
    return () => unknown(reason)
  }
  const match = compileType(acl, domainSets)
  if (acl.unknownReasons.length === 0) return match
  // Values from a missing file may add matches; other reasons make every answer uncertain.
  const onlyMissingValues = acl.unknownReasons.every((r) => r.startsWith(MISSING_FILE_REASON))
  const reason = `ACL ${acl.name}: ${acl.unknownReasons.join('; ')}`
  return (request) => {
    const result = match(request)
    if (result === true && onlyMissingValues) return true
    return typeof result === 'object' ? result : unknown(reason)
  }
}

/** The matchers kept with a config; a config made by hand gets them on its first flow. */
function matchersOf(config: SquidConfig): SquidMatchers {
  config.matchers ??= {
    acls: new Map(config.acls.map((acl) => [acl.name.toLowerCase(), acl])),
    domainSets: new Map(),
    compiled: new Map(),
    lines: new Map(),
    clients: new Map(),
  }
  return config.matchers
}

/** The matcher of an ACL name, compiled when a flow first reaches it. */
function matcherFor(matchers: SquidMatchers, name: string): SquidMatcher {
  const key = name.toLowerCase()
  let matcher = matchers.compiled.get(key)
  if (!matcher) {
    const acl = matchers.acls.get(key)
    matcher = acl ? compile(acl, matchers.domainSets) : () => unknown(`ACL ${name} is not defined`)
    matchers.compiled.set(key, matcher)
  }
  return matcher
}

/** A line's ACLs as matchers, in order: compiled when a flow first reaches the line. */
function lineMatchers(matchers: SquidMatchers, line: SquidAccessRule): SquidLineMatcher[] {
  // Kept per line, not looked up by name per flow: ~12 % of the 100,000-host read-back.
  let found = matchers.lines.get(line)
  if (!found) {
    found = line.acls.map(({ name, negated }) => ({ match: matcherFor(matchers, name), negated }))
    matchers.lines.set(line, found)
  }
  return found
}

/** Squid ANDs the ACLs of a line left to right and stops at the first mismatch. */
function lineMatch(matchers: SquidMatchers, line: SquidAccessRule, request: SquidRequest): Match {
  if (line.unknownReason) return unknown(line.unknownReason)
  let uncertain: Match = true
  for (const { match, negated } of lineMatchers(matchers, line)) {
    const result = match(request)
    if (typeof result === 'object') {
      if (uncertain === true) uncertain = result
      continue
    }
    if (result === negated) return false
  }
  return uncertain
}

/** The range of a client address (or CIDR); undefined when it is not IPv4. */
function clientRange(matchers: SquidMatchers, address: string): Range | undefined {
  // A plan's flows share a few client addresses: parsed once, ~12 % of the 100,000-host read-back.
  if (!matchers.clients.has(address)) {
    // An endless stream of new addresses (fuzzing) starts over rather than growing the config.
    if (matchers.clients.size >= 10_000) matchers.clients.clear()
    const cidr = address.includes('/') ? address : `${address}/32`
    matchers.clients.set(address, isIpv4Cidr(address) ? cidrRange(cidr) : undefined)
  }
  return matchers.clients.get(address)
}

function toRequest(flow: Flow, matchers: SquidMatchers): SquidRequest | { unknown: string } {
  if (flow.direction !== 'outbound')
    return {
      unknown: `${flow.direction} traffic does not pass an egress proxy; check it with the firewall or network-policy format`,
    }
  if (flow.protocol !== 'TCP') return { unknown: 'a proxy carries TCP (HTTP and CONNECT) only' }
  const { destination, source } = flow
  let host: string
  if (destination.kind === 'host') host = destination.host.trim().toLowerCase().replace(/\.$/, '')
  else if (destination.kind === 'address' && isIpv4Address(destination.address))
    host = destination.address
  else
    return {
      unknown: `a proxy matches host names and addresses; a ${destination.kind} destination is not something it sees`,
    }
  return {
    method: flow.port === 80 ? 'GET' : 'CONNECT',
    host,
    hostIsIp: isIpv4Address(host),
    port: flow.port,
    source: source.kind === 'address' ? clientRange(matchers, source.address) : undefined,
  }
}

type Line = { text: string; location: { file: string; line: number } }

function where(line: Line): string {
  return `${line.location.file}:${line.location.line} "${line.text}"`
}

function decidedBy(line: Line): DecidedBy {
  return { rule: line.text, file: line.location.file, line: line.location.line }
}

/** A line that may match (the reader cannot tell), and why. */
type Pending = { line: SquidAccessRule; reason: string }

/** What decides once no line before it is in doubt: a matching line, or the default. */
type Outcome =
  | { action: 'allow'; line: SquidAccessRule; reason: string }
  | { action: 'deny'; line?: SquidAccessRule; reason: string }

/**
 * Evaluates a flow like Squid's http_access: port 80 as `GET http://host/`, any other TCP port as
 * `CONNECT host:port`; lines top-down, first match wins; no match = the opposite of the last line.
 * Lines it cannot evaluate make the verdict unknown unless every possible outcome agrees. ACLs are
 * compiled when a flow first reaches them and kept with the config (`config.matchers`): treat a
 * config as read-only once read (edit the text and read it again instead).
 * @example evaluateSquid(config, flow).verdict // 'allowed' | 'denied' | 'unknown'
 */
export function evaluateSquid(config: SquidConfig, flow: Flow): Verdict {
  const matchers = matchersOf(config)
  const request = toRequest(flow, matchers)
  if ('unknown' in request) return { verdict: 'unknown', reason: request.unknown }
  const pending: Pending[] = []
  let last: SquidAccessRule | undefined
  for (const line of config.httpAccess) {
    if (line.kind === 'opaque')
      return {
        verdict: 'unknown',
        decidedBy: decidedBy(line),
        reason: `${line.reason}; it may decide ${describeFlow(flow)}`,
      }
    last = line
    const result = lineMatch(matchers, line, request)
    if (result === true) {
      const reason = `${where(line)} is the first line that matches ${request.method} ${request.host}:${request.port}`
      return conclude(config, pending, { action: line.action, line, reason })
    }
    if (result !== false) pending.push({ line, reason: result.unknown })
  }
  if (!last)
    return conclude(config, pending, {
      action: 'deny',
      reason: 'no http_access line: Squid denies every request',
    })
  const reason = `no http_access line matches, so Squid does the opposite of the last line (${where(last)})`
  // The last line decides the default: allowing what its deny does not match.
  if (last.action === 'deny')
    return conclude(config, pending, { action: 'allow', line: last, reason })
  return conclude(config, pending, { action: 'deny', reason })
}

/** The verdict once a line (or the default) decides, given the lines before it that may match. */
function conclude(config: SquidConfig, pending: readonly Pending[], outcome: Outcome): Verdict {
  const conflicting = pending.find((p) => p.line.action !== outcome.action)
  if (conflicting)
    return {
      verdict: 'unknown',
      decidedBy: decidedBy(conflicting.line),
      reason: `${where(conflicting.line)} may match (${conflicting.reason}); if not, ${outcome.reason}`,
    }
  if (outcome.action === 'deny')
    return outcome.line
      ? { verdict: 'denied', decidedBy: decidedBy(outcome.line), reason: outcome.reason }
      : { verdict: 'denied', reason: outcome.reason }
  const later = config.laterChecks[0]
  if (later)
    return {
      verdict: 'unknown',
      decidedBy: decidedBy(outcome.line),
      reason: `${outcome.reason}, but ${later.directive} at ${later.location.file}:${later.location.line} may still refuse it`,
    }
  return { verdict: 'allowed', decidedBy: decidedBy(outcome.line), reason: outcome.reason }
}
