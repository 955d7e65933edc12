import { parse } from '@cdktf/hcl2json'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatHcl, type HclItem, hclReference, hclString } from './hcl'
import { parseTemplate } from './template'

describe('format: terraform — HCL writer', () => {
  it('returns aligned attributes when consecutive single-line attributes share a block', () => {
    // GIVEN a block with attributes of different name lengths, a nested block and a blank line
    const text = formatHcl([
      {
        kind: 'block',
        type: 'resource',
        labels: ['azurerm_thing', 'x'],
        body: [
          { kind: 'attribute', name: 'name', value: 'a' },
          { kind: 'attribute', name: 'priority', value: 100 },
          { kind: 'blank' },
          { kind: 'attribute', name: 'id', value: hclReference('var.firewall_policy_id') },
          { kind: 'block', type: 'protocols', labels: [], body: [] },
          { kind: 'attribute', name: 'type', value: 'Http' },
          { kind: 'attribute', name: 'source_addresses', value: ['10.0.0.0/24', '10.0.1.0/24'] },
          { kind: 'attribute', name: 'ports', value: ['443'] },
        ],
      },
    ])
    // THEN `=` is aligned per run, as terraform fmt does; a line opening a multi-line list is not
    // padded and ends the run (hclwrite gives lines with unbalanced brackets no assign cell)
    expect(text).toBe(
      [
        'resource "azurerm_thing" "x" {',
        '  name     = "a"',
        '  priority = 100',
        '',
        '  id = var.firewall_policy_id',
        '  protocols {',
        '  }',
        '  type = "Http"',
        '  source_addresses = [',
        '    "10.0.0.0/24",',
        '    "10.0.1.0/24",',
        '  ]',
        '  ports = ["443"]',
        '}',
        '',
      ].join('\n'),
    )
  })

  it('returns terraform fmt layout when an attribute holds an object', () => {
    // GIVEN the required_providers shape of versions.tf
    const text = formatHcl([
      {
        kind: 'block',
        type: 'terraform',
        labels: [],
        body: [
          { kind: 'attribute', name: 'required_version', value: '>= 1.5' },
          {
            kind: 'block',
            type: 'required_providers',
            labels: [],
            body: [
              {
                kind: 'attribute',
                name: 'azurerm',
                value: {
                  kind: 'object',
                  entries: [
                    ['source', 'hashicorp/azurerm'],
                    ['version', '>= 4.0, < 6.0'],
                  ],
                },
              },
            ],
          },
        ],
      },
    ])
    // THEN the object's entries align among themselves, the opening line is not padded
    expect(text).toBe(
      [
        'terraform {',
        '  required_version = ">= 1.5"',
        '  required_providers {',
        '    azurerm = {',
        '      source  = "hashicorp/azurerm"',
        '      version = ">= 4.0, < 6.0"',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    )
  })

  it('returns escaped literals when strings hold quotes, backslashes and template introducers', () => {
    // GIVEN text that would be syntax or an expression if printed raw
    // WHEN it is written as an HCL string
    // THEN every introducer is doubled and every special character escaped
    expect(hclString('a"b\\c')).toBe('"a\\"b\\\\c"')
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
    expect(hclString('${var.x}')).toBe('"$${var.x}"')
    expect(hclString('%{if true}')).toBe('"%%{if true}"')
    expect(hclString('line\nnext\t\u0001')).toBe('"line\\nnext\\t\\u0001"')
    expect(hclString('$ and % alone')).toBe('"$ and % alone"')
  })

  it('returns escapes for every character that needs one, and plain text as it is', () => {
    // GIVEN each character of the first 0x2100 code points, and the line separators
    const codes = [...Array.from({ length: 0x2100 }, (_, code) => code), 0x2028, 0x2029, 0xd800]
    for (const code of codes) {
      const char = String.fromCharCode(code)
      // WHEN written as an HCL string
      const written = hclString(`a${char}b`)
      // THEN only backslash, quote and control characters are escaped
      const plain = code >= 0x20 && code !== 0x7f && code !== 0x2028 && code !== 0x2029
      if (plain && char !== '"' && char !== '\\') expect(written).toBe(`"a${char}b"`)
      else expect(written).not.toBe(`"a${char}b"`)
    }
  })

  it('returns the same text when a body spans many lines', () => {
    // GIVEN a block of 9,999 single-line attributes in runs of three, each run followed by a list
    const body: HclItem[] = []
    const expected: string[] = ['resource "a" "b" {']
    for (let index = 0; index < 9_999; index++) {
      body.push({ kind: 'attribute', name: index % 3 === 0 ? 'name' : 'priority', value: index })
      expected.push(index % 3 === 0 ? `  name     = ${index}` : `  priority = ${index}`)
      if (index % 3 === 2) {
        body.push({ kind: 'attribute', name: 'ports', value: ['1', '2'] })
        expected.push('  ports = [', '    "1",', '    "2",', '  ]')
      }
    }
    // WHEN it is printed
    const text = formatHcl([{ kind: 'block', type: 'resource', labels: ['a', 'b'], body }])
    // THEN every line is there, aligned per run
    expect(text).toBe(`${[...expected, '}'].join('\n')}\n`)
  })

  it('returns comments on one line when comment text holds newlines', () => {
    // GIVEN a comment whose text tries to start a new line of code
    const text = formatHcl([{ kind: 'comment', text: 'x\nresource "a" "b" {}' }])
    // THEN the newline is neutralised
    expect(text).toBe('# x resource "a" "b" {}\n')
  })

  it('rejects references that are not plain variable references', () => {
    expect(() => hclReference('var.x}${file("/etc/passwd")')).toThrow()
  })

  it('returns the original text when HashiCorp parser reads any written string back', async () => {
    // GIVEN arbitrary strings (including template introducers and control characters)
    // WHEN written with hclString and parsed by @cdktf/hcl2json
    // THEN the parsed value is a pure literal equal to the input
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.constantFrom('${', '%{', '$${', '\\', '"', '\n', '$', '%'),
        async (text, spice) => {
          const value = `${spice}${text}${spice}`
          const json = await parse('p.tf', `x = ${hclString(value)}\n`)
          const parsed = parseTemplate(json.x)
          // HCL normalises string literals to Unicode NFC; nothing else may change.
          expect(parsed).toStrictEqual({ kind: 'literal', value: value.normalize('NFC') })
        },
      ),
      { numRuns: 200 },
    )
  })
})
