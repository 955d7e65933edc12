import {
  createDiagnostic,
  type Diagnostic,
  type DiagnosticInput,
  diagnosticCodes,
} from './diagnostics'
import type { Capability } from './format'

/**
 * How a render reports its plan rules' diagnostics: `summary` (the default) gives one diagnostic
 * per finding, code × requirement list, with a `count` and `exampleRuleIds`; `every` gives one per
 * rule, as `check`, the shared matrix and `--verbose` need.
 */
export type DiagnosticDetail = 'summary' | 'every'

/** The render option every format takes, whatever its own options are. */
export type DiagnosticDetailOption = {
  /** Default `summary`: a fleet of 10,000 workspaces gives a few dozen diagnostics, not 80,000. */
  diagnostics?: DiagnosticDetail
}

/** A diagnostic about a plan rule; the message may be a function, called only when it is kept. */
export type RuleDiagnosticInput = Omit<DiagnosticInput, 'message' | 'rule' | 'index'> & {
  /** The message, or a function that makes it: a summary builds only its first rule's. */
  message: string | (() => string)
  rule: { id: string; requirementIds: readonly string[] }
  index: number
}

/** The rule a diagnostic is about: its id and requirements. */
export type DiagnosticRule = { id: string; requirementIds: readonly string[] }

/**
 * What the rules of one finding share, made once (e.g. per rule shape), for `addFinding`: every
 * field of the diagnostic but the rule, and its message made from the rule.
 */
export type RuleFinding<Rule extends DiagnosticRule> = Omit<
  RuleDiagnosticInput,
  'message' | 'rule' | 'index'
> & {
  /** The message for one rule: called only for the rules whose diagnostics are kept. */
  message: (rule: Rule) => string
}

/** Rule ids a summarised diagnostic lists, the first included. */
const EXAMPLE_RULES = 3

/** One finding so far: the first rule's input, and the diagnostic that stands for them all. */
type Finding = { input: RuleDiagnosticInput; diagnostic: Diagnostic }

/**
 * Where a render puts its diagnostics. Rule diagnostics (`add`) are kept one per rule or folded
 * into one per finding, by the detail asked for; others (`push`) are always kept as they are.
 * `list` returns them in the order they first came, as a new array.
 */
export type DiagnosticSink = {
  /** A diagnostic about one plan rule: kept, or counted in its finding's. */
  add(input: RuleDiagnosticInput): void
  /**
   * The same as `add`, for a finding made once and given rule after rule: a rule whose finding
   * and requirement list came before is counted without building anything.
   */
  addFinding<Rule extends DiagnosticRule>(
    finding: RuleFinding<Rule>,
    rule: Rule,
    index: number,
  ): void
  /** A diagnostic kept as it is (about the render, a limit, an option). */
  push(diagnostic: Diagnostic): void
  /** Everything so far, in the order first met. */
  list(): Diagnostic[]
}

function createdFrom(input: RuleDiagnosticInput): Diagnostic {
  const message = typeof input.message === 'string' ? input.message : input.message()
  return createDiagnostic({ ...input, message })
}

/** Severity, code, format, capability and requirement list: what makes rules one finding. */
function sameFinding(a: RuleDiagnosticInput, b: RuleDiagnosticInput): boolean {
  return (
    a.code === b.code &&
    a.severity === b.severity &&
    a.format === b.format &&
    a.lacks === b.lacks &&
    a.help === b.help &&
    sameList(a.needs, b.needs) &&
    sameList(a.rule.requirementIds, b.rule.requirementIds)
  )
}

function sameList(
  a: readonly (string | Capability)[] | undefined,
  b: readonly (string | Capability)[] | undefined,
): boolean {
  if (a === b) return true
  if (!a || !b || a.length !== b.length) return false
  return a.every((item, at) => item === b[at])
}

function findingKey(input: RuleDiagnosticInput): string {
  const severity = input.severity ?? diagnosticCodes[input.code].severity
  return [
    severity,
    input.code,
    input.format ?? '',
    input.lacks ?? '',
    input.help ?? '',
    (input.needs ?? []).join(' '),
    input.rule.requirementIds.join(' '),
  ].join('\u0000')
}

function countIn(diagnostic: Diagnostic, ruleId: string): void {
  diagnostic.count = (diagnostic.count ?? 1) + 1
  if (!diagnostic.exampleRuleIds) diagnostic.exampleRuleIds = [diagnostic.ruleId ?? '']
  if (diagnostic.exampleRuleIds.length < EXAMPLE_RULES) diagnostic.exampleRuleIds.push(ruleId)
}

/**
 * A sink for one render. In `summary` the rules of one finding share one diagnostic: the first
 * rule's, with `count` and `exampleRuleIds`; messages of the others are never built.
 * @example const sink = createDiagnosticSink(options.diagnostics); sink.add({ code, message, format, rule, index })
 */
export function createDiagnosticSink(detail: DiagnosticDetail = 'summary'): DiagnosticSink {
  const kept: Diagnostic[] = []
  const findings = new Map<string, Finding>()
  const byShared = new Map<object, Map<readonly string[], Finding>>()
  let last: Finding | undefined
  const fold = (input: RuleDiagnosticInput): Finding => {
    if (last && sameFinding(last.input, input)) {
      countIn(last.diagnostic, input.rule.id)
      return last
    }
    const key = findingKey(input)
    let finding = findings.get(key)
    if (finding) countIn(finding.diagnostic, input.rule.id)
    else {
      finding = { input, diagnostic: createdFrom(input) }
      findings.set(key, finding)
      kept.push(finding.diagnostic)
    }
    last = finding
    return finding
  }
  const every = (input: RuleDiagnosticInput): void => {
    kept.push(createdFrom(input))
  }
  const inputOf = <Rule extends DiagnosticRule>(
    finding: RuleFinding<Rule>,
    rule: Rule,
    index: number,
  ): RuleDiagnosticInput => ({ ...finding, message: () => finding.message(rule), rule, index })
  return {
    add:
      detail === 'every'
        ? every
        : (input) => {
            fold(input)
          },
    addFinding: (finding, rule, index) => {
      if (detail === 'every') return every(inputOf(finding, rule, index))
      let byList = byShared.get(finding)
      const known = byList?.get(rule.requirementIds)
      if (known) return countIn(known.diagnostic, rule.id)
      if (!byList) {
        byList = new Map()
        byShared.set(finding, byList)
      }
      byList.set(rule.requirementIds, fold(inputOf(finding, rule, index)))
    },
    push: (diagnostic) => {
      kept.push(diagnostic)
    },
    list: () => kept.slice(),
  }
}
