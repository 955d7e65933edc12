import { isIpv4Address } from '../cidr'
import { createDiagnostic, type Diagnostic } from '../diagnostics'
import { isValidHostName } from '../fqdn'
import { type DocumentedHosts, indexFileHosts, schemePorts } from './hosts'

/** The kinds of environment file aml-egress reads. */
export type EnvironmentFileKind = 'requirements' | 'conda' | 'pyproject' | 'pixi' | 'pipfile'

/** How a file names a package source. */
export type PackageSourceKind =
  | 'defaultIndex'
  | 'index'
  | 'extraIndex'
  | 'findLinks'
  | 'condaChannel'
  | 'directUrl'
  | 'vcs'
  | 'requirementsUrl'

/** One host an environment file needs, and the line that names it. */
export type PackageSource = {
  kind: PackageSourceKind
  /** 1-based line of the file. */
  line: number
  /** Lower-case host name, or an IPv4 address. */
  host: string
  port: number
  /** What names it, never with credentials: the kind and the scheme and host of a URL, a channel. */
  via: string
  /** Where the host of a name (a conda channel, PyPI) is documented. */
  documentation?: readonly string[]
}

/** What one environment file says about package sources. Holds no credentials. */
export type EnvironmentFileScan = {
  /** The file as the profile (or the including file) names it. */
  path: string
  kind: EnvironmentFileKind
  /** The top-level file whose `-r` includes led here; the file itself when named directly. */
  root: string
  sources: PackageSource[]
  /** Requirement files it includes (`-r`, `-c`), as paths relative to this file. */
  includes: { path: string; line: number }[]
  /** The first line that installs a package from the default index (PyPI unless replaced). */
  defaultIndexLine: number | undefined
  /** The default index is replaced or turned off (`--index-url`, `--no-index`, a primary source). */
  replacesDefaultIndex: boolean
  diagnostics: Diagnostic[]
}

/** A scan being filled by a parser. */
export function createScan(
  path: string,
  kind: EnvironmentFileKind,
  root = path,
): EnvironmentFileScan {
  return {
    path,
    kind,
    root,
    sources: [],
    includes: [],
    defaultIndexLine: undefined,
    replacesDefaultIndex: false,
    diagnostics: [],
  }
}

/** Reports a line that was not understood: its hosts are never guessed. */
export function reportLine(scan: EnvironmentFileScan, line: number, message: string): void {
  scan.diagnostics.push(
    createDiagnostic({
      code: 'AML_EGRESS_ENVIRONMENT_FILE_LINE',
      message,
      location: { file: scan.path, line },
    }),
  )
}

/** Notes that a line installs a package from the default index. */
export function usesDefaultIndex(scan: EnvironmentFileScan, line: number): void {
  scan.defaultIndexLine ??= line
}

/** Adds the documented hosts of a name (PyPI, a conda channel). */
export function addDocumentedHosts(
  scan: EnvironmentFileScan,
  input: { kind: PackageSourceKind; line: number; via: string; documented: DocumentedHosts },
): void {
  for (const host of input.documented.hosts)
    scan.sources.push({
      kind: input.kind,
      line: input.line,
      host,
      port: 443,
      via: input.via,
      documentation: input.documented.sources,
    })
}

/** Where a value first appears at or after a line: the YAML and TOML parsers give no positions. */
export function lineFinder(text: string): (value: string, from?: number) => number {
  const lines = text.split(/\r?\n/)
  return (value, from = 1) => {
    for (let index = Math.max(0, from - 1); index < lines.length; index++)
      if (lines[index]?.includes(value)) return index + 1
    return from
  }
}

/** How each kind of source reads in a requirement's summary. */
const KIND_LABELS: Readonly<Record<PackageSourceKind, string>> = {
  defaultIndex: 'default index',
  index: 'index',
  extraIndex: 'extra index',
  findLinks: 'find-links page',
  condaChannel: 'conda channel',
  directUrl: 'direct URL',
  vcs: 'VCS URL',
  requirementsUrl: 'requirements file at',
}

const VARIABLE = /\$\{[^}]*\}|\$[A-Za-z_]\w*/

/** `scheme://authority` → the authority's host part (after any user info). */
function hostPart(text: string): string {
  const authority = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0] ?? ''
  return authority.slice(authority.lastIndexOf('@') + 1)
}

function reportCredentials(scan: EnvironmentFileScan, line: number, host: string): void {
  scan.diagnostics.push(
    createDiagnostic({
      code: 'AML_EGRESS_CREDENTIALS_IN_URL',
      message: `the URL of ${host} carries credentials; only the host is used, and the credentials are written nowhere`,
      location: { file: scan.path, line },
    }),
  )
}

/** A URL's host and port, or the reason it has none aml-egress can use. */
function endpointOf(url: URL): { host: string; port: number } | string {
  const scheme = url.protocol.replace(/^[a-z]+\+/, '')
  const port = url.port === '' ? schemePorts[scheme] : Number(url.port)
  if (port === undefined)
    return `the scheme ${url.protocol} is not one aml-egress knows (https, http, ssh, git)`
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (host.startsWith('['))
    return `${host} is an IPv6 address; rules here are IPv4: allow it with extraRequirements`
  if (isIpv4Address(host)) return { host, port }
  if (!isValidHostName(host) || !host.includes('.'))
    return `'${host}' is not a fully qualified host name`
  return { host, port }
}

/**
 * Adds the host of a URL an environment file names: credentials (user info, conda's `/t/<token>/`)
 * are dropped with a warning, a query is never kept, an environment variable in the host makes the
 * line unknown. `file:` URLs are local and add nothing. Returns whether a host was added.
 */
export function addUrl(
  scan: EnvironmentFileScan,
  input: { text: string; line: number; kind: PackageSourceKind },
): boolean {
  const { line } = input
  const text = input.text.trim()
  if (VARIABLE.test(hostPart(text)) || VARIABLE.test(text.split('://')[0] ?? '')) {
    reportLine(scan, line, 'the host is an environment variable, whose value is not known here')
    return false
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    reportLine(scan, line, 'not a URL aml-egress can read')
    return false
  }
  if (url.protocol === 'file:') return false
  const endpoint = endpointOf(url)
  if (typeof endpoint === 'string') {
    reportLine(scan, line, endpoint)
    return false
  }
  const sshUser = url.protocol.endsWith('ssh:') && url.password === ''
  const tokenPath = /^\/t\/[^/]+/.test(url.pathname)
  if ((url.username !== '' && !sshUser) || url.password !== '' || tokenPath)
    reportCredentials(scan, line, endpoint.host)
  // Scheme and host only: some indexes take a token in the path (`https://host/<token>/simple`).
  const via = `${KIND_LABELS[input.kind]} ${url.protocol}//${url.host}`
  scan.sources.push({ kind: input.kind, line, ...endpoint, via })
  const files = indexFileHosts[endpoint.host]
  if (files && (input.kind === 'index' || input.kind === 'extraIndex'))
    addDocumentedHosts(scan, {
      kind: input.kind,
      line,
      via: `${via} (its files)`,
      documented: files,
    })
  return true
}
