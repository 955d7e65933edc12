/**
 * `az ml` commands in a shell script: `az ml workspace outbound-rule set` adds (or replaces) a rule,
 * `outbound-rule remove` drops it, `az ml workspace update --managed-network MODE` sets the mode.
 * Words are split as a POSIX shell splits them (quotes, backslashes, `\` line continuations); a
 * value that depends on a variable or command makes its rule opaque, never a guess.
 */
import type { RenderedFile } from '@aml-egress/core'
import type { RuleLocation } from './model'
import {
  addRule,
  emptyContents,
  type FileContents,
  isolationModeOf,
  readDiagnostic,
} from './readShapes'

/** A shell word: its text once quotes are removed, and whether it expands something. */
type Word = { text: string; dynamic: boolean }

type Scanner = { line: string; i: number; word: Word; words: Word[]; started: boolean }

function doubleQuoted(scanner: Scanner): void {
  const { line } = scanner
  scanner.i++
  while (scanner.i < line.length && line[scanner.i] !== '"') {
    const char = line[scanner.i] ?? ''
    if (char === '\\' && '"\\$`'.includes(line[scanner.i + 1] ?? '')) {
      scanner.word.text += line[scanner.i + 1]
      scanner.i += 2
      continue
    }
    if (char === '$' || char === '`') scanner.word.dynamic = true
    scanner.word.text += char
    scanner.i++
  }
  scanner.i++
}

function endWord(scanner: Scanner): void {
  if (scanner.started) scanner.words.push(scanner.word)
  scanner.word = { text: '', dynamic: false }
  scanner.started = false
}

/** The words of one logical line, up to a `#` comment or `;`, `&&`, `|` (later commands dropped). */
function shellWords(line: string): Word[] {
  const scanner: Scanner = {
    line,
    i: 0,
    word: { text: '', dynamic: false },
    words: [],
    started: false,
  }
  while (scanner.i < line.length) {
    const char = line[scanner.i] ?? ''
    if (/\s/.test(char)) {
      endWord(scanner)
      scanner.i++
      continue
    }
    if ((char === '#' && !scanner.started) || ';&|'.includes(char)) break
    scanner.started = true
    if (char === "'") {
      const end = line.indexOf("'", scanner.i + 1)
      scanner.word.text += line.slice(scanner.i + 1, end < 0 ? line.length : end)
      scanner.i = end < 0 ? line.length : end + 1
    } else if (char === '"') doubleQuoted(scanner)
    else if (char === '\\') {
      scanner.word.text += line[scanner.i + 1] ?? ''
      scanner.i += 2
    } else {
      if (char === '$' || char === '`') scanner.word.dynamic = true
      scanner.word.text += char
      scanner.i++
    }
  }
  endWord(scanner)
  return scanner.words
}

/** `--flag value` and `--flag=value` pairs; a flag without a value (`--spark-enabled`) is `true`. */
function flags(words: readonly Word[]): Map<string, Word> {
  const result = new Map<string, Word>()
  for (let i = 0; i < words.length; i++) {
    const word = words[i]
    if (!word?.text.startsWith('--')) continue
    const [name = '', inline] = word.text.slice(2).split(/=(.*)/s)
    const next = words[i + 1]
    if (inline !== undefined) result.set(name, { text: inline, dynamic: word.dynamic })
    else if (next && !next.text.startsWith('--')) {
      result.set(name, next)
      i++
    } else result.set(name, { text: 'true', dynamic: false })
  }
  return result
}

const RULE_FLAGS: Record<string, string> = {
  rule: 'name',
  type: 'type',
  destination: 'destination',
  'service-tag': 'service_tag',
  protocol: 'protocol',
  'port-ranges': 'port_ranges',
  'address-prefixes': 'address_prefixes',
  'service-resource-id': 'service_resource_id',
  'subresource-target': 'subresource_target',
  'spark-enabled': 'spark_enabled',
  fqdns: 'fqdns',
}

/** Where a command is: the workspace of the `case` branch it is in (absent: every workspace). */
type Scope = { workspace?: string | undefined }

function setRule(
  contents: FileContents,
  words: readonly Word[],
  location: RuleLocation,
  scope: Scope,
): void {
  const raw: Record<string, unknown> = {}
  const destination: Record<string, unknown> = {}
  for (const [flag, word] of flags(words)) {
    const key = RULE_FLAGS[flag]
    if (!key) continue
    if (word.dynamic) {
      contents.opaque.push(location)
      contents.diagnostics.push(
        readDiagnostic(
          'AML_EGRESS_READ_UNSUPPORTED',
          `--${flag} depends on a shell expansion`,
          location,
        ),
      )
      return
    }
    if (key === 'name' || key === 'type' || key === 'fqdns') raw[key] = word.text
    else destination[key] = key === 'spark_enabled' ? word.text === 'true' : word.text
  }
  raw.destination =
    typeof destination.destination === 'string' ? destination.destination : destination
  const { workspace } = scope
  contents.rules = contents.rules.filter(
    (rule) => rule.name !== raw.name || rule.workspace !== workspace,
  )
  const count = contents.rules.length
  addRule(contents, raw, location)
  for (const rule of contents.rules.slice(count)) if (workspace) rule.workspace = workspace
}

function command(
  contents: FileContents,
  words: readonly Word[],
  location: RuleLocation,
  scope: Scope = {},
): void {
  const text = words.slice(0, 5).map((word) => word.text)
  if (text[0] !== 'az' || text[1] !== 'ml' || text[2] !== 'workspace') return
  if (text[3] === 'update') {
    const mode = flags(words).get('managed-network')
    if (mode && !mode.dynamic) {
      contents.isolationMode = isolationModeOf(mode.text)
      contents.modeLocation = location
    }
    return
  }
  if (text[3] !== 'outbound-rule' || text[4] === 'list' || text[4] === 'show') return
  if (text[4] === 'set') setRule(contents, words, location, scope)
  else if (text[4] === 'remove') {
    const name = flags(words).get('rule')?.text
    contents.rules = contents.rules.filter(
      (rule) => rule.name !== name || rule.workspace !== scope.workspace,
    )
  } else
    contents.diagnostics.push(
      readDiagnostic(
        'AML_EGRESS_READ_UNSUPPORTED',
        `az ml workspace outbound-rule ${text[4] ?? ''}`,
        location,
      ),
    )
}

/** A shell function's commands, and where it is called: `*` for every workspace. */
type ShellFunction = { contents: FileContents; callers: Set<string> }

/** A script as read so far: its rules, functions, the `case` branch a line is in, its workspaces. */
type ScriptState = {
  contents: FileContents
  functions: Map<string, ShellFunction>
  inFunction?: ShellFunction | undefined
  branch?: string | undefined
  workspaces: Set<string>
}

const FUNCTION_START = /^\s*([A-Za-z_]\w*)\s*\(\)\s*\{\s*$/
const FUNCTION_END = /^\s*\}\s*$/
/** A `case` branch of one workspace, `'<id>')`, or of every one, `*)`, and the command after it. */
const BRANCH = /^\s*(?:'([^']*)'|(\*))\)\s*(.*)$/
const EVERY = '*'

/** One logical line: a function's start or end, a `case` branch, a call, or a command. */
function scriptLine(state: ScriptState, text: string, location: RuleLocation): void {
  const start = FUNCTION_START.exec(text)
  if (start) {
    state.inFunction = { contents: emptyContents(), callers: new Set() }
    state.functions.set(start[1] ?? '', state.inFunction)
    return
  }
  if (state.inFunction && FUNCTION_END.test(text)) {
    state.inFunction = undefined
    return
  }
  let rest = text
  const branch = state.inFunction ? null : BRANCH.exec(text)
  if (branch) {
    state.branch = branch[1] ?? EVERY
    if (branch[1] !== undefined) state.workspaces.add(branch[1])
    rest = branch[3] ?? ''
  }
  const words = shellWords(rest)
  if (words[0]?.text === 'esac') state.branch = undefined
  const called = state.functions.get(words[0]?.text ?? '')
  if (called && !state.inFunction) called.callers.add(state.branch ?? EVERY)
  else if (state.inFunction) command(state.inFunction.contents, words, location)
  else
    command(state.contents, words, location, {
      workspace: state.branch === EVERY ? undefined : state.branch,
    })
}

/**
 * A function's rules go where it is called: for every workspace when it is called outside a
 * branch, in a `*)` branch or in every workspace's branch; else for each calling workspace.
 */
function applyFunctions(state: ScriptState): void {
  const { contents } = state
  for (const { contents: body, callers } of state.functions.values()) {
    contents.diagnostics.push(...body.diagnostics)
    if (body.isolationMode && callers.size > 0) {
      contents.isolationMode = body.isolationMode
      contents.modeLocation = body.modeLocation
    }
    const everywhere = callers.has(EVERY) || [...state.workspaces].every((id) => callers.has(id))
    const scopes = callers.size === 0 ? [] : everywhere ? [undefined] : [...callers]
    for (const workspace of scopes) {
      contents.opaque.push(...body.opaque)
      contents.rules.push(...body.rules.map((rule) => (workspace ? { ...rule, workspace } : rule)))
    }
  }
}

/**
 * The outbound rules and mode a script sets, and the workspaces of its `case` branches: the
 * renderer's script applies a function of the set's rules in each workspace's branch, and a
 * workspace's own rules in its branch alone.
 * @example readScript({ path: 'rules.sh', contents: "az ml workspace outbound-rule set --rule 'x' …" })
 */
export function readScript(file: RenderedFile): FileContents {
  const state: ScriptState = {
    contents: emptyContents(),
    functions: new Map(),
    workspaces: new Set(),
  }
  const lines = file.contents.split('\n')
  for (let start = 0; start < lines.length; start++) {
    let text = lines[start] ?? ''
    let end = start
    while (text.endsWith('\\') && end + 1 < lines.length) {
      end++
      text = `${text.slice(0, -1)} ${lines[end] ?? ''}`
    }
    scriptLine(state, text, { file: file.path, line: start + 1 })
    start = end
  }
  applyFunctions(state)
  if (state.workspaces.size > 0) state.contents.workspaces = [...state.workspaces]
  return state.contents
}
