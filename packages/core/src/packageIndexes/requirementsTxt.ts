import { addUrl, createScan, type EnvironmentFileScan, reportLine, usesDefaultIndex } from './scan'

/**
 * pip's requirements file format (https://pip.pypa.io/en/stable/reference/requirements-file-format/):
 * one requirement or option per line, `\` continues a line, `#` after whitespace starts a comment.
 */

/** `#` at the start or after whitespace, to the end of the line (pip's COMMENT_RE). */
const COMMENT = /(^|\s+)#.*$/
const URL_START = /^[a-z][a-z0-9+.-]*:\/\//i
const VCS = /^(git|hg|svn|bzr)\+/i
/** A PEP 508 project name. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/
/** What may follow a name: extras, version specifiers, an environment marker. */
const AFTER_NAME =
  /^\s*(\[\s*[A-Za-z0-9._,\s-]*\])?\s*(\(?\s*(~=|===|==|!=|<=|>=|<|>)\s*[^;]*)?\s*(;.*)?$/
/** A direct reference after a name: `name[extras] @ URL`. */
const DIRECT_REFERENCE = /^\s*(\[[^\]]*\])?\s*@\s*(\S+)/

/** Options that name no host: pip accepts them in a requirements file. */
const PLAIN_OPTIONS: Readonly<Record<string, boolean>> = {
  '--pre': false,
  '--prefer-binary': false,
  '--require-hashes': false,
  '--only-binary': true,
  '--no-binary': true,
  '--trusted-host': true,
  '--use-feature': true,
  '--hash': true,
  '--config-settings': true,
  '--global-option': true,
}

/** Options a requirement line may carry after the requirement. */
const REQUIREMENT_OPTIONS = new Set(['--hash', '--config-settings', '--global-option'])

/** pip's logical lines: continuations joined, comments dropped, each with its first line number. */
export function logicalLines(text: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = []
  let pending: string[] = []
  let start = 0
  text.split(/\r?\n/).forEach((raw, index) => {
    const continues = raw.endsWith('\\') && !COMMENT.test(raw)
    if (pending.length === 0) start = index + 1
    if (continues) {
      pending.push(raw.slice(0, -1))
      return
    }
    pending.push(raw)
    lines.push({ line: start, text: pending.join('').replace(COMMENT, '').trim() })
    pending = []
  })
  if (pending.length > 0)
    lines.push({ line: start, text: pending.join('').replace(COMMENT, '').trim() })
  return lines.filter((line) => line.text !== '')
}

/** A local path (`.`, `./pkg`, `../x.whl`, `/wheels/a.whl`): no host. */
function isLocalPath(text: string): boolean {
  return /^(\.|\/|~|[A-Za-z]:\\)/.test(text) || (/[/\\]/.test(text) && !URL_START.test(text))
}

/** One requirement: a name (default index), `name @ URL`, a URL, or a local path. */
export function scanRequirement(scan: EnvironmentFileScan, text: string, line: number): void {
  const requirement = text.trim()
  if (URL_START.test(requirement)) {
    const url = requirement.split(/\s+;/)[0] ?? requirement
    addUrl(scan, { text: url, line, kind: VCS.test(url) ? 'vcs' : 'directUrl' })
    return
  }
  const name = NAME.exec(requirement)?.[0]
  const rest = name === undefined ? '' : requirement.slice(name.length)
  const direct = DIRECT_REFERENCE.exec(rest)?.[2]
  if (name !== undefined && direct !== undefined) {
    if (URL_START.test(direct))
      addUrl(scan, { text: direct, line, kind: VCS.test(direct) ? 'vcs' : 'directUrl' })
    else if (!isLocalPath(direct)) reportLine(scan, line, `'${clip(direct)}' is not a URL`)
    return
  }
  if (isLocalPath(requirement)) return
  if (name === undefined || !AFTER_NAME.test(rest)) {
    reportLine(scan, line, `'${clip(requirement)}' is not a requirement pip reads`)
    return
  }
  usesDefaultIndex(scan, line)
}

/** At most 80 characters of an input, for messages. */
function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

/** `--name=value` or `--name value` / `-x value`: the option, its value, the tokens used. */
function splitOption(tokens: readonly string[]): { name: string; value?: string; used: number } {
  const first = tokens[0] ?? ''
  const equals = first.indexOf('=')
  if (first.startsWith('--') && equals > 0)
    return { name: first.slice(0, equals), value: first.slice(equals + 1), used: 1 }
  if (/^-[a-z]./i.test(first) && !first.startsWith('--'))
    return { name: first.slice(0, 2), value: first.slice(2), used: 1 }
  const value = tokens[1]
  return value === undefined ? { name: first, used: 1 } : { name: first, value, used: 2 }
}

const OPTION_ALIASES: Readonly<Record<string, string>> = {
  '-i': '--index-url',
  '-f': '--find-links',
  '-r': '--requirement',
  '-c': '--constraint',
  '-e': '--editable',
}

/** An option line: index options, includes, editables, and the options that name no host. */
function scanOption(scan: EnvironmentFileScan, tokens: readonly string[], line: number): void {
  const option = splitOption(tokens)
  const name = OPTION_ALIASES[option.name] ?? option.name
  const value = option.value
  if (name === '--no-index') {
    scan.replacesDefaultIndex = true
    return
  }
  const plain = PLAIN_OPTIONS[name]
  if (plain !== undefined) {
    if (plain && value === undefined) reportLine(scan, line, `${name} needs a value`)
    return
  }
  if (value === undefined) {
    reportLine(scan, line, `'${clip(option.name)}' is not an option aml-egress reads`)
    return
  }
  scanOptionValue(scan, { name, value, line, given: option.name })
}

function scanOptionValue(
  scan: EnvironmentFileScan,
  input: { name: string; value: string; line: number; given: string },
): void {
  const { name, value, line } = input
  switch (name) {
    case '--index-url':
      scan.replacesDefaultIndex = true
      addUrl(scan, { text: value, line, kind: 'index' })
      return
    case '--extra-index-url':
      addUrl(scan, { text: value, line, kind: 'extraIndex' })
      return
    case '--find-links':
      if (URL_START.test(value)) addUrl(scan, { text: value, line, kind: 'findLinks' })
      return
    case '--requirement':
    case '--constraint':
      if (!URL_START.test(value)) scan.includes.push({ path: value, line })
      else if (addUrl(scan, { text: value, line, kind: 'requirementsUrl' }))
        reportLine(
          scan,
          line,
          'a requirements file fetched from a URL: its host is allowed, but its contents are not read here',
        )
      return
    case '--editable':
      scanRequirement(scan, value, line)
      return
    default:
      reportLine(scan, line, `'${clip(input.given)}' is not an option aml-egress reads`)
  }
}

/** Scans one logical line of a requirements file (also an item of a conda `pip:` section). */
export function scanRequirementsLine(scan: EnvironmentFileScan, text: string, line: number): void {
  const tokens = text.split(/\s+/).filter((token) => token !== '')
  if (tokens[0]?.startsWith('-')) {
    scanOption(scan, tokens, line)
    return
  }
  const optionAt = tokens.findIndex((token) => token.startsWith('--'))
  const requirement = optionAt === -1 ? tokens : tokens.slice(0, optionAt)
  for (const token of optionAt === -1 ? [] : tokens.slice(optionAt))
    if (token.startsWith('--') && !REQUIREMENT_OPTIONS.has(token.split('=')[0] ?? ''))
      reportLine(scan, line, `'${clip(token)}' is not an option of a requirement line`)
  scanRequirement(scan, requirement.join(' '), line)
}

/**
 * Reads a requirements file (`requirements.txt`, `constraints.txt`, `requirements.in`): its indexes
 * (`--index-url`, `--extra-index-url`, `--find-links`), direct and VCS URLs, the default index when
 * a package comes from it, and its `-r`/`-c` includes (read by the caller, bounded).
 */
export function scanRequirementsTxt(input: {
  path: string
  text: string
  root?: string
}): EnvironmentFileScan {
  const scan = createScan(input.path, 'requirements', input.root)
  for (const { line, text } of logicalLines(input.text)) scanRequirementsLine(scan, text, line)
  return scan
}
