import {
  cidrRange,
  describeFlow,
  type Flow,
  isIpv4Address,
  isIpv4Cidr,
  type Verdict,
} from '@aml-egress/core'
import { DomainSet } from './domains'
import type { SquidAccessRule, SquidAcl, SquidConfig } from './model'
import { domainSetsRead, MISSING_FILE_REASON } from './read'

/** A proxied request as Squid's http_access sees it. */
type Request = {
  method: 'CONNECT' | 'GET'
  /** Lower-case host name, or an IPv4 literal. */
  host: string
  hostIsIp: boolean
  port: number
  /** Client address as a range, when the flow's source is an address. */
  source: { first: number; last: number } | undefined
}

/** Three-valued match: `unknown` carries why. */
type Match = true | false | { unknown: string }

type CompiledAcl = (request: Request) => Match

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

function compileAddresses(acl: SquidAcl, side: 'src' | 'dst'): CompiledAcl {
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

function compileDomains(acl: SquidAcl): CompiledAcl {
  const read = domainSetsRead.get(acl)
  const set =
    read?.valueCount === acl.values.length
      ? read.set
      : DomainSet.forMatching(acl.values.map(({ value }) => value))
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

function compileRegex(acl: SquidAcl): CompiledAcl {
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

function compilePorts(acl: SquidAcl): CompiledAcl {
  const ranges = acl.values.map(({ value }) => {
    const [from = '0', to = from] = value.split('-')
    return { first: Number(from), last: Number(to) }
  })
  return (request) => {
    for (const r of ranges) if (r.first <= request.port && request.port <= r.last) return true
    return false
  }
}

function compileMethods(acl: SquidAcl): CompiledAcl {
  const methods = new Set(acl.values.map(({ value }) => value.toUpperCase()))
  return (request) => methods.has(request.method)
}

function compileType(acl: SquidAcl): CompiledAcl {
  switch (acl.type) {
    case 'src':
      return compileAddresses(acl, 'src')
    case 'dst':
      return compileAddresses(acl, 'dst')
    case 'dstdomain':
    case 'ssl::server_name':
      return compileDomains(acl)
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

function compile(acl: SquidAcl): CompiledAcl {
  if (acl.invalidReason) {
    const reason = `ACL ${acl.name}: ${acl.invalidReason}`
    return () => unknown(reason)
  }
  const match = compileType(acl)
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

/** An http_access line with the matchers of its ACLs, each found on first use. */
type CompiledLine = { matchers: (CompiledAcl | undefined)[]; where: string }

/** What evaluating a config needs, built up as flows use it. */
type Compiled = {
  acls: Map<string, CompiledAcl>
  byName: Map<string, SquidAcl>
  lines: Map<SquidAccessRule, CompiledLine>
  /** Client address (or CIDR) of a flow → its range; `null` when it is not IPv4. */
  sources: Map<string, Range | null>
}
const cache = new WeakMap<SquidConfig, Compiled>()

function compiled(config: SquidConfig): Compiled {
  let entry = cache.get(config)
  if (!entry) {
    entry = {
      acls: new Map(),
      byName: new Map(config.acls.map((acl) => [acl.name.toLowerCase(), acl])),
      lines: new Map(),
      sources: new Map(),
    }
    cache.set(config, entry)
  }
  return entry
}

function matcherFor(state: Compiled, name: string): CompiledAcl {
  const key = name.toLowerCase()
  let matcher = state.acls.get(key)
  if (!matcher) {
    const acl = state.byName.get(key)
    matcher = acl ? compile(acl) : () => unknown(`ACL ${name} is not defined`)
    state.acls.set(key, matcher)
  }
  return matcher
}

function compiledLine(state: Compiled, line: SquidAccessRule): CompiledLine {
  let entry = state.lines.get(line)
  if (!entry) {
    entry = { matchers: [], where: where(line) }
    state.lines.set(line, entry)
  }
  return entry
}

/** Squid ANDs the ACLs of a line left to right and stops at the first mismatch. */
function lineMatch(input: { state: Compiled; line: SquidAccessRule; request: Request }): Match {
  const { state, line, request } = input
  if (line.unknownReason) return unknown(line.unknownReason)
  // ACLs are compiled when a flow first reaches them, in the order evaluation meets them.
  const { matchers } = compiledLine(state, line)
  let uncertain: Match = true
  for (let index = 0; index < line.acls.length; index++) {
    const reference = line.acls[index]
    if (!reference) continue
    let matcher = matchers[index]
    if (!matcher) {
      matcher = matcherFor(state, reference.name)
      matchers[index] = matcher
    }
    const result = matcher(request)
    if (typeof result === 'object') {
      if (uncertain === true) uncertain = result
      continue
    }
    if (result === reference.negated) return false
  }
  return uncertain
}

/** The range of a flow's client address, looked up once per distinct address. */
function sourceRange(state: Compiled, address: string): Range | null {
  let range = state.sources.get(address)
  if (range === undefined) {
    range = isIpv4Cidr(address)
      ? cidrRange(address.includes('/') ? address : `${address}/32`)
      : null
    // Flows of one plan share a few addresses; an unbounded stream of new ones starts over.
    if (state.sources.size >= 10_000) state.sources.clear()
    state.sources.set(address, range)
  }
  return range
}

function toRequest(flow: Flow, state: Compiled): Request | { unknown: string } {
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
  const range = source.kind === 'address' ? sourceRange(state, source.address) : null
  // One shape for every request (`source` always present) keeps the matchers monomorphic.
  return {
    method: flow.port === 80 ? 'GET' : 'CONNECT',
    host,
    hostIsIp: isIpv4Address(host),
    port: flow.port,
    source: range ?? undefined,
  }
}

function where(line: { text: string; location: { file: string; line: number } }): string {
  return `${line.location.file}:${line.location.line} "${line.text}"`
}

/**
 * Evaluates a flow like Squid's http_access: port 80 as `GET http://host/`, any other TCP port as
 * `CONNECT host:port`; lines top-down, first match wins; no match = the opposite of the last line.
 * Lines it cannot evaluate make the verdict unknown unless every possible outcome agrees. The
 * config is compiled on first use and the compiled form is kept with it: treat a config as
 * read-only once read (edit the text and read it again instead).
 * @example evaluateSquid(config, flow).verdict // 'allowed' | 'denied' | 'unknown'
 */
export function evaluateSquid(config: SquidConfig, flow: Flow): Verdict {
  // Looked up once per flow, not once per ACL reference.
  const state = compiled(config)
  const request = toRequest(flow, state)
  if ('unknown' in request) return { verdict: 'unknown', reason: request.unknown }
  // Lines that may match, in order; most flows meet none, so the list is made on demand.
  let pending: { line: SquidAccessRule; reason: string }[] | undefined
  let last: SquidAccessRule | undefined
  for (const line of config.httpAccess) {
    if (line.kind === 'opaque')
      return {
        verdict: 'unknown',
        decidedBy: { rule: line.text, file: line.location.file, line: line.location.line },
        reason: `${line.reason}; it may decide ${describeFlow(flow)}`,
      }
    last = line
    const result = lineMatch({ state, line, request })
    if (result === true)
      return conclude({
        config,
        pending,
        action: line.action,
        decidedBy: line,
        reason: `${compiledLine(state, line).where} is the first line that matches ${request.method} ${request.host}:${request.port}`,
      })
    if (result !== false) {
      pending ??= []
      pending.push({ line, reason: result.unknown })
    }
  }
  if (!last)
    return conclude({
      config,
      pending,
      action: 'deny',
      reason: 'no http_access line: Squid denies every request',
    })
  return conclude({
    config,
    pending,
    action: last.action === 'allow' ? 'deny' : 'allow',
    reason: `no http_access line matches, so Squid does the opposite of the last line (${where(last)})`,
  })
}

/** The verdict once a line (or the default) decides, given the lines before it that may match. */
function conclude(input: {
  config: SquidConfig
  pending: readonly { line: SquidAccessRule; reason: string }[] | undefined
  action: 'allow' | 'deny'
  decidedBy?: SquidAccessRule
  reason: string
}): Verdict {
  const conflicting = input.pending?.find((p) => p.line.action !== input.action)
  if (conflicting)
    return {
      verdict: 'unknown',
      decidedBy: {
        rule: conflicting.line.text,
        file: conflicting.line.location.file,
        line: conflicting.line.location.line,
      },
      reason: `${where(conflicting.line)} may match (${conflicting.reason}); if not, ${input.reason}`,
    }
  const verdict: Verdict = {
    verdict: input.action === 'allow' ? 'allowed' : 'denied',
    reason: input.reason,
  }
  if (input.decidedBy)
    verdict.decidedBy = {
      rule: input.decidedBy.text,
      file: input.decidedBy.location.file,
      line: input.decidedBy.location.line,
    }
  const later = input.config.laterChecks[0]
  if (verdict.verdict === 'allowed' && later)
    return {
      ...verdict,
      verdict: 'unknown',
      reason: `${input.reason}, but ${later.directive} at ${later.location.file}:${later.location.line} may still refuse it`,
    }
  return verdict
}
