// Each rule is checked on a known violation first, so a rule that finds nothing cannot pass vacuously.
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { localeComparisons, longFunctions, maxFunctionLines, moduleState } from './rules'
import { packageSources } from './sourceFiles'

function parsed(text: string) {
  return [{ path: 'x.ts', source: ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true) }]
}

describe('the checks find what they look for', () => {
  it('finds a long function and lets a long table through', () => {
    const body = Array.from({ length: maxFunctionLines }, (_, i) => `  a += ${i}`).join('\n')
    const table = Array.from({ length: maxFunctionLines }, (_, i) => `    k${i}: ${i},`).join('\n')
    const text = `function long() {\n  let a = 0\n${body}\n  return a\n}\nfunction table() {\n  return {\n${table}\n  }\n}\n`
    expect(longFunctions(parsed(text))).toStrictEqual([
      `x.ts:1 long (${maxFunctionLines + 4} lines)`,
    ])
  })

  it('finds localeCompare', () => {
    expect(
      localeComparisons(parsed("['b', 'a'].sort((a, b) => a.localeCompare(b))")),
    ).toStrictEqual(['x.ts:1 localeCompare'])
  })

  it('finds module-level lets and containers, not constant tables', () => {
    const text =
      "let n = 0\nconst cache = new Map()\nconst table = { a: 1 }\nconst names = new Set(['a'])\n"
    expect(moduleState(parsed(text))).toStrictEqual(['x.ts:1 n', 'x.ts:2 cache'])
  })
})

describe('packages/*/src', () => {
  it(`has no function over ${maxFunctionLines} lines`, () => {
    expect(longFunctions(packageSources())).toStrictEqual([])
  })

  it('orders strings ordinally (no localeCompare)', () => {
    expect(localeComparisons(packageSources())).toStrictEqual([])
  })

  it('keeps no module-level mutable state in the format packages', () => {
    const formats = ['azure-firewall', 'network-policy', 'squid', 'terraform']
    expect(moduleState(packageSources(formats))).toStrictEqual([])
  })
})
