import {
  compareOrdinal,
  createDiagnostic,
  type Diagnostic,
  type FileReference,
  type ReadResult,
  type RenderedFile,
} from '@aml-egress/core'
import { DomainSet } from './domains'
import type {
  SquidAccessLine,
  SquidAcl,
  SquidAclValue,
  SquidConfig,
  SquidLaterCheck,
  SquidLocation,
} from './model'

const FORMAT = 'squid'
/** Squid refuses deeper include nesting; it also stops include cycles. */
const MAX_INCLUDE_DEPTH = 16

/** ACL types whose values the evaluator understands. */
export const MODELLED_ACL_TYPES = [
  'dst',
  'dstdom_regex',
  'dstdomain',
  'method',
  'port',
  'src',
  'ssl::server_name',
  'ssl::server_name_regex',
] as const

const MODELLED_TYPES: ReadonlySet<string> = new Set(MODELLED_ACL_TYPES)
const DOMAIN_TYPES = new Set(['dstdomain', 'ssl::server_name'])
const ACL_NAME = /^[A-Za-z0-9_.:-]+$/

/** `-i`, `-n`, …: a dash and a letter, as Squid's ACL options start. */
function isOption(token: string): boolean {
  const letter = token.charCodeAt(1) | 0x20
  return token.charCodeAt(0) === 45 && letter >= 97 && letter <= 122
}
const REGEX_TYPES = new Set([
  'dstdom_regex',
  'ssl::server_name_regex',
  'url_regex',
  'urlpath_regex',
  'srcdom_regex',
  'browser',
  'referer_regex',
])

/** Directives that can refuse a request after `http_access` allowed it. */
const LATER_CHECKS = new Set(['adapted_http_access', 'miss_access', 'url_rewrite_program'])

/** Prefix of the unknown reason for values in a file the reader was not given. */
export const MISSING_FILE_REASON = 'values from a file that was not given:'
/** Prefix of the unknown reason for a definition inside `if … endif`. */
export const CONDITIONAL_REASON = 'defined inside an if block'

/**
 * Built-in ACLs of Squid 5 (verified: `http_access deny X` alone passes `squid -k parse` for these
 * and fails for `to_linklocal`, `localnet`, `SSL_ports`). `manager` never matches a flow.
 */
function predefinedAcls(): SquidAcl[] {
  const location: SquidLocation = { file: '<built-in>', line: 0 }
  const acl = (name: string, type: string, values: string[]): SquidAcl => ({
    name,
    type,
    flags: [],
    values: values.map((value) => ({ value, ignoreCase: false, location })),
    predefined: true,
    locations: [location],
    unknownReasons: [],
  })
  return [
    acl('all', 'src', ['all']),
    acl('localhost', 'src', ['127.0.0.1/32', '::1']),
    acl('CONNECT', 'method', ['CONNECT']),
    acl('manager', 'manager', []),
    acl('to_localhost', 'dst', ['127.0.0.0/8', '0.0.0.0/32', '::1']),
  ]
}

/**
 * One logical line (continuations joined, trimmed, never blank or a comment), split into tokens
 * only when read: tokens kept for a whole 100,000-line config outlive many collections.
 */
type Directive = { text: string; location: SquidLocation }

const WHITESPACE = /\s+/

function tokenize(line: string): string[] {
  // Without quotes the tokens are the runs between whitespace: a split, not a match per token.
  const words = line.includes('"')
    ? Array.from(line.matchAll(/"[^"]*"|\S+/g), (match) => match[0])
    : line.split(WHITESPACE)
  const tokens: string[] = []
  for (const token of words) {
    if (token === '') continue
    // Squid treats a token that starts with # as the start of a comment.
    if (token.startsWith('#')) break
    tokens.push(token)
  }
  return tokens
}

/** True for the whitespace a comment line usually starts with (trim() knows more). */
function isPlainSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13)
}

function directives(file: RenderedFile): Directive[] {
  const out: Directive[] = []
  const { contents } = file
  let pending: { text: string; line: number } | undefined
  // Line by line with indexOf: comment lines (half of a rendered file) are never copied out.
  let lineNumber = 0
  for (let start = 0; start <= contents.length; ) {
    const newline = contents.indexOf('\n', start)
    const end = newline === -1 ? contents.length : newline
    const lineStart = start
    start = end + 1
    lineNumber++
    let first = lineStart
    while (first < end && isPlainSpace(contents.charCodeAt(first))) first++
    if (first === end || contents.charCodeAt(first) === 35 /* # */) continue
    // Trimming also removes the \r of a \r\n line end.
    const trimmed = contents.slice(first, end).trim()
    // Blank and comment lines are skipped, also between continued lines.
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const text = pending ? `${pending.text} ${trimmed}` : trimmed
    const line = pending ? pending.line : lineNumber
    if (text.endsWith('\\')) {
      pending = { text: text.slice(0, -1), line }
      continue
    }
    pending = undefined
    out.push({ text, location: { file: file.path, line } })
  }
  if (pending) out.push({ text: pending.text, location: { file: file.path, line: pending.line } })
  return out
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => {
      if (ch === '*') return '[^/]*'
      if (ch === '?') return '[^/]'
      return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    })
    .join('')
  return new RegExp(`^${body}$`)
}

function dirname(path: string): string {
  const index = path.lastIndexOf('/')
  return index === -1 ? '' : path.slice(0, index)
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

function isPathSuffix(long: string, short: string): boolean {
  return short === '' || long === short || long.endsWith(`/${short}`)
}

/**
 * Finds the given files an absolute path or glob in a config refers to. Configs name deployed
 * paths (`/etc/squid/conf.d/*.conf`) while callers pass relative ones, so a file also matches by
 * trailing path segments, or by a unique base name.
 */
export function resolveReference(input: {
  reference: string
  files: readonly RenderedFile[]
  exclude?: ReadonlySet<string>
}): RenderedFile[] {
  const { reference, files } = input
  const candidates = files.filter((file) => !input.exclude?.has(file.path))
  const isGlob = /[*?[]/.test(reference)
  if (!isGlob) {
    const exact = candidates.filter((file) => file.path === reference)
    if (exact.length > 0) return exact
    const suffix = candidates.filter(
      (file) => isPathSuffix(reference, file.path) || isPathSuffix(file.path, reference),
    )
    if (suffix.length === 1) return suffix
    const byName = candidates.filter((file) => basename(file.path) === basename(reference))
    return byName.length === 1 ? byName : []
  }
  const full = globToRegExp(reference)
  const exact = candidates.filter((file) => full.test(file.path))
  const matched =
    exact.length > 0
      ? exact
      : candidates.filter(
          (file) =>
            globToRegExp(basename(reference)).test(basename(file.path)) &&
            isPathSuffix(dirname(reference), dirname(file.path)),
        )
  return [...matched].sort((a, b) => compareOrdinal(a.path, b.path))
}

/** Squid's whitespace between words (w_space): space, tab, CR, LF. */
const SQUID_SPACE = /[ \t\r\n]/
const IP_TYPES = new Set(['src', 'dst'])

/**
 * One line of an ACL values file as Squid reads it (`ConfigParser::strtokFile`): leading
 * whitespace skipped; the value runs to the end of the last word before a word that starts with
 * `#`, spaces inside kept, so `a.com b.com` is one value. Undefined for blank and comment lines.
 */
export function valuesFileLine(text: string): string | undefined {
  const skip = (from: number, space: boolean): number => {
    let at = from
    while (at < text.length && SQUID_SPACE.test(text.charAt(at)) === space) at++
    return at
  }
  const start = skip(0, true)
  if (start === text.length || text.charAt(start) === '#') return undefined
  let end = skip(start, false)
  for (let next = skip(end, true); next < text.length && text.charAt(next) !== '#'; ) {
    end = skip(next, false)
    next = skip(end, true)
  }
  return text.slice(start, end)
}

/** Does the path or glob `reference` name `path` itself (not only by trailing segments)? */
function namesExactly(reference: string, path: string): boolean {
  return /[*?[]/.test(reference) ? globToRegExp(reference).test(path) : reference === path
}

function unquote(token: string): string | undefined {
  // Almost every token is a plain value: no pattern to try.
  if (!token.startsWith('"') && !token.startsWith('parameters(')) return undefined
  const quoted = /^"(.*)"$/.exec(token)
  if (quoted) return quoted[1]
  const parameters = /^parameters\("(.*)"\)$/.exec(token)
  return parameters ? parameters[1] : undefined
}

class Reader {
  readonly diagnostics: Diagnostic[] = []
  readonly acls = new Map<string, SquidAcl>()
  readonly domainSets = new Map<SquidAcl, DomainSet>()
  readonly httpAccess: SquidAccessLine[] = []
  readonly laterChecks: SquidLaterCheck[] = []
  readonly read: string[] = []
  /** Depth of `if` blocks we are inside: their content may or may not apply. */
  private conditional = 0
  private quotedValues = false
  private readonly parsed = new Map<RenderedFile, Directive[]>()

  constructor(private readonly files: readonly RenderedFile[]) {
    for (const acl of predefinedAcls()) this.acls.set(acl.name.toLowerCase(), acl)
  }

  /** Something the reader does not model: flows that depend on it are unknown. */
  unsupported(message: string, location: { file: string; line?: number }): void {
    const code = 'AML_EGRESS_READ_UNSUPPORTED'
    this.diagnostics.push(createDiagnostic({ code, message, format: FORMAT, location }))
  }

  /** Something the reader models with a caveat that changes no verdict. */
  note(message: string, location: { file: string; line?: number }): void {
    const code = 'AML_EGRESS_READ_UNSUPPORTED'
    // The code also covers what makes verdicts unknown (a warning); this changes none.
    const severity = 'info'
    this.diagnostics.push(createDiagnostic({ code, severity, message, format: FORMAT, location }))
  }

  /** Something Squid refuses to start with. */
  syntax(message: string, location: SquidLocation): undefined {
    const code = 'AML_EGRESS_READ_SYNTAX'
    this.diagnostics.push(createDiagnostic({ code, message, format: FORMAT, location }))
    return undefined
  }

  readFile(file: RenderedFile, stack: readonly string[]): void {
    this.read.push(file.path)
    const inside = [...stack, file.path]
    for (const { text, location } of this.directivesOf(file)) {
      const tokens = tokenize(text)
      if (tokens.length > 0) this.directive(tokens, location, inside)
    }
  }

  /** Each file is split into directives once per read (finding the top-level files needs them too). */
  directivesOf(file: RenderedFile): Directive[] {
    let found = this.parsed.get(file)
    if (!found) {
      found = directives(file)
      this.parsed.set(file, found)
    }
    return found
  }

  private directive(tokens: readonly string[], location: SquidLocation, stack: readonly string[]) {
    const name = tokens[0] ?? ''
    // acl lines are most of a large config: they read their tokens in place, without a copy.
    if (name === 'acl') return this.acl(tokens, location)
    const args = tokens.slice(1)
    switch (name) {
      case 'http_access':
        return this.access(args, location)
      case 'include':
        return this.include(args, location, stack)
      case 'if':
        this.conditional++
        this.unsupported(
          `conditional "${tokens.join(' ')}": what it guards is treated as unknown`,
          location,
        )
        return
      case 'else':
        return
      case 'endif':
        if (this.conditional === 0) this.syntax('endif without if', location)
        else this.conditional--
        return
      case 'configuration_includes_quoted_values':
        this.quotedValues = args[0] === 'on'
        return
      case 'ssl_bump':
        if (args.some((arg) => arg === 'bump'))
          this.laterCheck('ssl_bump bump (decrypted requests pass http_access again)', location)
        return
      default:
        if (LATER_CHECKS.has(name)) this.laterCheck(name, location)
    }
  }

  private laterCheck(directive: string, location: SquidLocation): void {
    this.laterChecks.push({ directive, location })
    this.unsupported(
      `${directive} can refuse requests after http_access allowed them; such flows are reported unknown`,
      location,
    )
  }

  private include(args: string[], location: SquidLocation, stack: readonly string[]) {
    if (args.length === 0) return this.syntax('include without a path', location)
    // Squid reads the main file at depth 0 and refuses depth 17 (verified with squid -k parse).
    if (stack.length > MAX_INCLUDE_DEPTH)
      return this.syntax(
        `can't include ${args.join(' ')}: includes are nested too deeply (>${MAX_INCLUDE_DEPTH})`,
        location,
      )
    for (const reference of args) {
      const looping = stack.find((path) => namesExactly(reference, path))
      if (looping !== undefined) {
        // Squid follows the loop until its depth limit, then refuses to start.
        this.syntax(
          `include ${reference}: ${looping} includes itself (${[...stack, looping].join(' → ')}); Squid stops: includes are nested too deeply (>${MAX_INCLUDE_DEPTH})`,
          location,
        )
        continue
      }
      const found = resolveReference({ reference, files: this.files, exclude: new Set(stack) })
      if (found.length === 0) {
        this.unsupported(
          `include ${reference}: file not given; access rules in it are unknown`,
          location,
        )
        this.httpAccess.push({
          kind: 'opaque',
          text: `include ${reference}`,
          reason: `the included file ${reference} was not given to the reader`,
          location,
        })
        continue
      }
      for (const file of found) this.readFile(file, stack)
    }
  }

  /** `acl NAME TYPE [options] values…`: `tokens` is the whole directive. */
  private acl(tokens: readonly string[], location: SquidLocation) {
    const acl = this.aclDefinedBy(tokens, location)
    if (!acl) return
    const values = this.aclValues(acl, tokens, location)
    if (values.length === 0 && tokens.slice(3).every((token) => unquote(token) === undefined))
      this.syntax(`acl ${tokens[1]} ${acl.type} has no values`, location)
    for (const value of values) this.addValue(acl, value)
  }

  /**
   * The ACL an `acl` line defines or adds values to, with the line recorded; undefined when Squid
   * refuses the line or ignores it.
   */
  private aclDefinedBy(tokens: readonly string[], location: SquidLocation): SquidAcl | undefined {
    const [, name, type] = tokens
    if (!name || !type) return this.syntax('acl needs a name and a type', location)
    // Squid looks ACL names up case-insensitively (verified: `acl Foo …` then `deny foo`).
    const key = name.toLowerCase()
    const existing = this.acls.get(key)
    // A name spelt as an earlier definition was checked there (big lists repeat it per value).
    if (existing?.name !== name && !ACL_NAME.test(name))
      return this.syntax(`invalid ACL name ${JSON.stringify(name)}`, location)
    // Squid 4+ ignores redefinitions of its built-in manager ACL (old `proto cache_object`).
    if (existing?.predefined && key === 'manager') return undefined
    if (existing && existing.type !== type)
      return this.syntax(
        `ACL '${name}' already exists with type ${existing.type}, not ${type}`,
        location,
      )
    const acl: SquidAcl = existing ?? {
      name,
      type,
      flags: [],
      values: [],
      predefined: false,
      locations: [],
      unknownReasons: [],
    }
    if (!existing) this.acls.set(key, acl)
    acl.locations.push(location)
    if (this.conditional > 0)
      acl.unknownReasons.push(`${CONDITIONAL_REASON} at ${location.file}:${location.line}`)
    if (!MODELLED_TYPES.has(type) && acl.locations.length === 1 && !acl.predefined) {
      acl.unknownReasons.push(`ACL type '${type}' is not modelled`)
      this.unsupported(
        `acl ${name} ${type}: type not modelled; flows it decides are reported unknown`,
        location,
      )
    }
    return acl
  }

  /** The values of an `acl` line, read from files where it names them; options go to the ACL. */
  private aclValues(
    acl: SquidAcl,
    tokens: readonly string[],
    location: SquidLocation,
  ): SquidAclValue[] {
    const name = tokens[1] ?? acl.name
    const isRegex = REGEX_TYPES.has(acl.type)
    let ignoreCase = false
    let optionsDone = false
    const values: SquidAclValue[] = []
    for (const token of tokens.slice(3)) {
      if (isRegex && (token === '-i' || token === '+i')) {
        ignoreCase = token === '-i'
        continue
      }
      if (!optionsDone && token === '--') {
        optionsDone = true
        continue
      }
      if (!optionsDone && values.length === 0 && isOption(token)) {
        if (!acl.flags.includes(token)) acl.flags.push(token)
        if (MODELLED_TYPES.has(acl.type) && token !== '-n')
          acl.unknownReasons.push(`option ${token} of acl ${name} is not modelled`)
        continue
      }
      const file =
        this.quotedValues && !token.startsWith('parameters(') ? undefined : unquote(token)
      if (file === undefined) {
        const quoted = this.quotedValues ? /^"(.*)"$/.exec(token)?.[1] : undefined
        values.push({ value: quoted ?? token, ignoreCase, location })
      } else
        for (const value of this.valuesFile({ acl, name, file, ignoreCase, location }))
          values.push(value)
    }
    return values
  }

  /** The values in a file an `acl` line names, one per line; none when the file was not given. */
  private valuesFile(input: {
    acl: SquidAcl
    name: string
    file: string
    ignoreCase: boolean
    location: SquidLocation
  }): SquidAclValue[] {
    const { acl, name, file, ignoreCase } = input
    const source = resolveReference({ reference: file, files: this.files })[0]
    if (!source) {
      acl.unknownReasons.push(`${MISSING_FILE_REASON} ${file}`)
      this.unsupported(
        `acl ${name}: values file ${file} not given; flows it decides are unknown`,
        input.location,
      )
      return []
    }
    const values: SquidAclValue[] = []
    source.contents.split('\n').forEach((text, index) => {
      const line = valuesFileLine(text)
      if (line === undefined) return
      // Squid's address parser reads the first address of the line and ignores the rest
      // (verified live: `10.0.0.0/8 127.0.0.1/32` does not match 127.0.0.1).
      const value = IP_TYPES.has(acl.type) ? (line.split(WHITESPACE)[0] ?? line) : line
      values.push({ value, ignoreCase, location: { file: source.path, line: index + 1 } })
    })
    return values
  }

  private addValue(acl: SquidAcl, value: SquidAcl['values'][number]): void {
    if (acl.type === 'port') {
      const match = /^(\d+)(?:-(\d+))?$/.exec(value.value)
      const from = Number(match?.[1])
      const to = Number(match?.[2] ?? match?.[1])
      if (!match || from > 65535 || to > 65535 || from > to) {
        acl.invalidReason = `port value ${value.value} is not a port or range of ports`
        this.syntax(`acl ${acl.name}: ${acl.invalidReason}`, value.location)
        return
      }
    }
    if (DOMAIN_TYPES.has(acl.type)) {
      let set = this.domainSets.get(acl)
      if (!set) {
        set = new DomainSet()
        this.domainSets.set(acl, set)
      }
      const result = set.add(value.value)
      if (result.kind === 'fatal') {
        acl.invalidReason = `Squid 5 refuses this list: ${result.message}`
        this.syntax(`acl ${acl.name}: ${result.message} (squid -k parse fails)`, value.location)
      } else if (result.kind === 'warning')
        this.note(
          `acl ${acl.name}: ${result.message} (Squid warns; matching is unaffected)`,
          value.location,
        )
    }
    acl.values.push(value)
  }

  private access(args: string[], location: SquidLocation) {
    const [action, ...names] = args
    const text = ['http_access', ...args].join(' ')
    if (action !== 'allow' && action !== 'deny')
      return this.syntax(`http_access needs allow or deny: ${text}`, location)
    // Squid 5 accepts the line and skips it ("Access line contains no ACL's, skipping").
    if (names.length === 0) return this.note(`${text} names no ACL; Squid skips the line`, location)
    let unknownReason: string | undefined
    const acls = names.map((raw) => {
      const negated = raw.startsWith('!')
      const name = negated ? raw.slice(1) : raw
      if (!this.acls.has(name.toLowerCase())) {
        this.syntax(`ACL not found: ${name}`, location)
        unknownReason = `ACL ${name} is not defined before this line; Squid refuses to start`
      }
      return { name, negated }
    })
    if (this.conditional > 0 && !unknownReason)
      unknownReason = 'the line is inside an if block the reader does not evaluate'
    this.httpAccess.push({
      kind: 'rule',
      action,
      acls,
      text,
      location,
      ...(unknownReason ? { unknownReason } : {}),
    })
  }
}

function collectReferences(
  file: RenderedFile,
  input: { files: readonly RenderedFile[]; reader: Reader },
): Set<string> {
  const { files } = input
  const referenced = new Set<string>()
  for (const { text } of input.reader.directivesOf(file)) {
    // Only includes and acl lines with a quoted file name refer to files: split only those.
    const maybeFile = text.includes('"') || text.includes('parameters(')
    if (!text.startsWith('include') && !(text.startsWith('acl') && maybeFile)) continue
    const tokens = tokenize(text)
    const name = tokens[0]
    if (name === 'include')
      for (const reference of tokens.slice(1))
        for (const found of resolveReference({
          reference,
          files,
          exclude: new Set([file.path]),
        }))
          referenced.add(found.path)
    if (name === 'acl')
      for (let index = 3; index < tokens.length; index++) {
        const path = unquote(tokens[index] ?? '')
        if (path !== undefined)
          for (const found of resolveReference({ reference: path, files }))
            referenced.add(found.path)
      }
  }
  return referenced
}

/** A relative reference is read from the directory of the file naming it (Squid: its cwd). */
function fromFile(reference: string, file: string): string {
  const dir = dirname(file)
  return reference.startsWith('/') || dir === '' ? reference : `${dir}/${reference}`
}

/**
 * The includes and ACL values files the given files name that match none of them, with where
 * they are named: what a caller with a disk should read and pass too. Relative paths are taken
 * from the directory of the file naming them (Squid takes them from its working directory, which
 * a reader cannot know).
 * @example squidReferences([{ path: '/etc/squid/squid.conf', contents }]) // [{ path: '/etc/squid/conf.d/*.conf', … }]
 */
export function squidReferences(files: readonly RenderedFile[]): FileReference[] {
  const found: FileReference[] = []
  const seen = new Set<string>()
  for (const file of files)
    for (const { text, location } of directives(file)) {
      const isInclude = text.startsWith('include')
      if (!isInclude && !(text.startsWith('acl') && text.includes('"'))) continue
      const tokens = tokenize(text)
      const named = isInclude
        ? tokens[0] === 'include'
          ? tokens.slice(1)
          : []
        : tokens[0] === 'acl'
          ? tokens.slice(3).flatMap((token) => unquote(token) ?? [])
          : []
      for (const reference of named) {
        const exclude = isInclude ? new Set([file.path]) : undefined
        if (resolveReference({ reference, files, ...(exclude ? { exclude } : {}) }).length > 0)
          continue
        const path = fromFile(reference, file.path)
        if (seen.has(path)) continue
        seen.add(path)
        found.push({ path, required: true, location })
      }
    }
  return found
}

/**
 * `readSquid`, synchronously.
 * @deprecated Use `await readSquid(files)`: every format's reader is async. Kept for one release.
 */
export function readSquidSync(files: readonly RenderedFile[]): ReadResult<SquidConfig> {
  const reader = new Reader(files)
  const referenced = new Set<string>()
  for (const file of files)
    for (const path of collectReferences(file, { files, reader })) referenced.add(path)
  const unreferenced = files.filter((file) => !referenced.has(file.path))
  // Files that only include each other: start with the first one given.
  const roots = unreferenced.length === 0 && files[0] ? [files[0]] : unreferenced
  if (roots.length > 1)
    reader.note(
      `${roots.length} top-level files (${roots.map((f) => f.path).join(', ')}); read one after the other in the given order`,
      { file: roots[0]?.path ?? '' },
    )
  for (const root of roots) reader.readFile(root, [])
  return {
    config: {
      files: reader.read,
      acls: [...reader.acls.values()],
      httpAccess: reader.httpAccess,
      laterChecks: reader.laterChecks,
      matchers: {
        acls: reader.acls,
        domainSets: reader.domainSets,
        compiled: new Map(),
        lines: new Map(),
        clients: new Map(),
      },
    },
    diagnostics: reader.diagnostics,
  }
}

/**
 * Reads squid.conf files into the access model. Files that no other given file includes (or uses
 * as an ACL value list) are read as top-level configs, in the given order; includes are expanded
 * where they appear, matched to given files by path, trailing path segments or base name.
 * @example (await readSquid([{ path: 'squid.conf', contents }])).config.httpAccess
 */
export async function readSquid(files: readonly RenderedFile[]): Promise<ReadResult<SquidConfig>> {
  return readSquidSync(files)
}
