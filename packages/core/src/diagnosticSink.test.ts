import { describe, expect, it } from 'vitest'
import { createDiagnosticSink, type RuleDiagnosticInput, type RuleFinding } from './diagnosticSink'
import { createDiagnostic, formatDiagnostics } from './diagnostics'
import { summariseDiagnostics } from './summary'

const STORAGE = ['storage-smb']

function fallback(id: string, requirementIds: readonly string[] = STORAGE): RuleDiagnosticInput {
  return {
    code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
    message: `${id}.file.core.windows.net is rendered as Storage.WestEurope`,
    format: 'firewall',
    rule: { id, requirementIds },
    index: Number(id.replace(/\D/g, '')),
  }
}

describe('createDiagnosticSink', () => {
  it('returns one diagnostic per rule with the every detail, as createDiagnostic builds it', () => {
    // GIVEN three rules of one requirement
    const sink = createDiagnosticSink('every')
    // WHEN each gets a diagnostic
    for (const id of ['r0', 'r1', 'r2']) sink.add(fallback(id))
    // THEN each is kept whole, with no count
    expect(sink.list()).toStrictEqual(
      ['r0', 'r1', 'r2'].map((id) =>
        createDiagnostic(fallback(id) as Parameters<typeof createDiagnostic>[0]),
      ),
    )
  })

  it('returns the rules of one requirement as one diagnostic with their count and first three ids', () => {
    // GIVEN five rules of one requirement, whose messages are built on demand
    const sink = createDiagnosticSink()
    const built: string[] = []
    for (const id of ['r0', 'r1', 'r2', 'r3', 'r4'])
      sink.add({
        ...fallback(id),
        message: () => {
          built.push(id)
          return `${id} message`
        },
      })
    // WHEN listed
    const [only, ...rest] = sink.list()
    // THEN one diagnostic stands for the five: the first rule's, counted
    expect(rest).toStrictEqual([])
    expect(only).toMatchObject({
      code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
      message: 'r0 message',
      ruleId: 'r0',
      path: ['rules', 0],
      requirementIds: STORAGE,
      count: 5,
      exampleRuleIds: ['r0', 'r1', 'r2'],
    })
    // AND only the first rule's message was ever built
    expect(built).toStrictEqual(['r0'])
  })

  it('returns findings apart by requirement list, capability and code, matching lists by content', () => {
    // GIVEN rules of two requirement lists (one list given twice as equal copies), one rule
    // out of scope for another capability, and one of another code
    const sink = createDiagnosticSink('summary')
    sink.add(fallback('r0', ['a']))
    sink.add(fallback('r1', ['b']))
    sink.add(fallback('r2', ['a']))
    const scope = { code: 'AML_EGRESS_OUT_OF_SCOPE', format: 'proxy', message: 'left out' } as const
    sink.add({ ...scope, rule: { id: 'r3', requirementIds: ['a'] }, index: 3, lacks: 'udp' })
    sink.add({ ...scope, rule: { id: 'r4', requirementIds: ['a'] }, index: 4, lacks: 'cidr' })
    sink.add({ ...scope, rule: { id: 'r5', requirementIds: ['a'] }, index: 5, lacks: 'udp' })
    // WHEN listed
    const listed = sink.list().map((d) => [d.code, d.ruleId, d.lacks, d.count])
    // THEN in the order first met: a (2 rules), b, udp (2 rules), cidr
    expect(listed).toStrictEqual([
      ['AML_EGRESS_SERVICE_TAG_FALLBACK', 'r0', undefined, 2],
      ['AML_EGRESS_SERVICE_TAG_FALLBACK', 'r1', undefined, undefined],
      ['AML_EGRESS_OUT_OF_SCOPE', 'r3', 'udp', 2],
      ['AML_EGRESS_OUT_OF_SCOPE', 'r4', 'cidr', undefined],
    ])
  })

  it('returns diagnostics that name no rule as they came, between the rule findings', () => {
    // GIVEN a rule finding, a diagnostic about the whole render, and the finding again
    const sink = createDiagnosticSink()
    sink.add(fallback('r0'))
    const split = createDiagnostic({
      code: 'AML_EGRESS_LIMIT_SPLIT',
      message: 'split in two',
      format: 'firewall',
    })
    sink.push(split)
    sink.add(fallback('r1'))
    // WHEN listed
    // THEN the whole-render diagnostic keeps its place; the finding counts both rules
    expect(sink.list().map((d) => [d.code, d.count])).toStrictEqual([
      ['AML_EGRESS_SERVICE_TAG_FALLBACK', 2],
      ['AML_EGRESS_LIMIT_SPLIT', undefined],
    ])
  })

  it('returns a summary and a text line that count every rule a diagnostic stands for', () => {
    // GIVEN 1,000 rules of one requirement and 2 of another, summarised at the source
    const sink = createDiagnosticSink()
    for (let index = 0; index < 1000; index++) sink.add(fallback(`r${index}`))
    sink.add(fallback('s0', ['other']))
    sink.add(fallback('s1', ['other']))
    // WHEN summarised as a CLI does, and printed as lines
    const [summary] = summariseDiagnostics(sink.list())
    const lines = formatDiagnostics(sink.list()).split('\n')
    // THEN the summary counts 1,002 rules; the lines say how many more each stands for
    expect(summary?.count).toBe(1002)
    expect(lines.filter((line) => !line.startsWith('    fix:'))).toStrictEqual([
      'warning AML_EGRESS_SERVICE_TAG_FALLBACK [firewall] (r0 and 999 more): r0.file.core.windows.net is rendered as Storage.WestEurope',
      'warning AML_EGRESS_SERVICE_TAG_FALLBACK [firewall] (s0 and 1 more): s0.file.core.windows.net is rendered as Storage.WestEurope',
    ])
  })

  it('returns the same diagnostics from addFinding as from add, building one message per finding', () => {
    // GIVEN one finding made once, and rules of two requirement lists given to it in turn
    const built: string[] = []
    const finding: RuleFinding<{ id: string; requirementIds: readonly string[] }> = {
      code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
      format: 'firewall',
      message: (rule) => {
        built.push(rule.id)
        return `${rule.id}.file.core.windows.net is rendered as Storage.WestEurope`
      },
    }
    const other = ['other']
    const rules = [
      { id: 'r0', requirementIds: STORAGE },
      { id: 's0', requirementIds: other },
      { id: 'r1', requirementIds: STORAGE },
      { id: 'r2', requirementIds: STORAGE },
    ]
    const viaFinding = createDiagnosticSink()
    const viaAdd = createDiagnosticSink()
    const every = createDiagnosticSink('every')
    rules.forEach((rule, index) => {
      viaFinding.addFinding(finding, rule, index)
    })
    const builtBySummary = [...built]
    rules.forEach((rule, index) => {
      every.addFinding(finding, rule, index)
      viaAdd.add({ ...fallback(rule.id, rule.requirementIds), index })
    })
    // WHEN listed
    // THEN the summaries are the same: r0 for three rules, s0 alone; one message per finding
    expect(viaFinding.list()).toStrictEqual(viaAdd.list())
    expect(viaFinding.list().map((d) => [d.ruleId, d.count])).toStrictEqual([
      ['r0', 3],
      ['s0', undefined],
    ])
    expect(builtBySummary).toStrictEqual(['r0', 's0'])
    // AND the every detail keeps each rule, in order
    expect(every.list().map((d) => d.ruleId)).toStrictEqual(['r0', 's0', 'r1', 'r2'])
  })
})
