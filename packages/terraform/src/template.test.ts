import { describe, expect, it } from 'vitest'
import { type JsonValue, parseTemplate, resolveValue, type Scope } from './template'

const scope: Scope = {
  variables: new Map<string, JsonValue>([
    ['base', 500],
    ['subnets', ['10.0.0.0/24']],
    ['literal', '$${not.an.expression}'],
  ]),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
  locals: new Map<string, JsonValue>([['first', '${var.subnets[0]}']]),
}

describe('format: terraform — templates', () => {
  it('returns literal text when hcl2json escapes template introducers', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
    expect(parseTemplate('a$${b}%%{c}')).toStrictEqual({ kind: 'literal', value: 'a${b}%{c}' })
  })

  it('returns resolved values when references use variables, locals and arithmetic', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
    expect(resolveValue('${var.base + 10}', scope)).toStrictEqual({ ok: true, value: 510 })
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
    expect(resolveValue('${local.first}', scope)).toStrictEqual({ ok: true, value: '10.0.0.0/24' })
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
    expect(resolveValue('rcg-${var.base}', scope)).toStrictEqual({ ok: true, value: 'rcg-500' })
    // a variable whose value is literal text stays literal
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
    expect(resolveValue('${var.literal}', scope)).toStrictEqual({
      ok: true,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
      value: '${not.an.expression}',
    })
  })

  it('returns unresolved when an expression calls functions or reads resources', () => {
    for (const text of [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
      '${cidrsubnet(var.x, 8, 1)}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
      '${azurerm_subnet.compute.address_prefixes}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
      '${var.missing}',
      '%{ if true }x%{ endif }',
    ])
      expect(resolveValue(text, scope).ok).toBe(false)
  })
})
