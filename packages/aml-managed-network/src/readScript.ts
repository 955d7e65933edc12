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

function setRule(contents: FileContents, words: readonly Word[], location: RuleLocation): void {
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
  contents.rules = contents.rules.filter((rule) => rule.name !== raw.name)
  addRule(contents, raw, location)
}

function command(contents: FileContents, words: readonly Word[], location: RuleLocation): void {
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
  if (text[4] === 'set') setRule(contents, words, location)
  else if (text[4] === 'remove') {
    const name = flags(words).get('rule')?.text
    contents.rules = contents.rules.filter((rule) => rule.name !== name)
  } else
    contents.diagnostics.push(
      readDiagnostic(
        'AML_EGRESS_READ_UNSUPPORTED',
        `az ml workspace outbound-rule ${text[4] ?? ''}`,
        location,
      ),
    )
}

/**
 * The outbound rules and mode a script sets.
 * @example readScript({ path: 'rules.sh', contents: "az ml workspace outbound-rule set --rule 'x' …" })
 */
export function readScript(file: RenderedFile): FileContents {
  const contents = emptyContents()
  const lines = file.contents.split('\n')
  for (let start = 0; start < lines.length; start++) {
    let text = lines[start] ?? ''
    let end = start
    while (text.endsWith('\\') && end + 1 < lines.length) {
      end++
      text = `${text.slice(0, -1)} ${lines[end] ?? ''}`
    }
    command(contents, shellWords(text), { file: file.path, line: start + 1 })
    start = end
  }
  return contents
}
