import { parseProfile, resolvePlan } from '@aml-egress/core'
import { scenarios } from '@aml-egress/test-matrix'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Document, isMap, isSeq, type Node, parseDocument } from 'yaml'
import { renderCilium, renderNetworkPolicy } from './render'
import {
  type PolicyYamlInput,
  printPolicyYaml,
  writeCiliumEgressItem,
  writePolicyYaml,
} from './yamlWriter'

/**
 * What the library writes for the same input with its yaml-1.1 schema (which quotes what a YAML
 * 1.1 reader would misread): the reference the writer must equal.
 */
function libraryYaml(input: {
  document: object
  comment: string
  itemComments: readonly (string | undefined)[]
}): string {
  const doc = new Document(input.document, { schema: 'yaml-1.1' })
  doc.commentBefore = ` ${input.comment}`
  const spec = doc.get('spec', true)
  if (isMap(spec)) {
    const list = spec.get('egress', true) ?? spec.get('ingress', true)
    if (isSeq(list))
      list.items.forEach((item, i) => {
        const text = input.itemComments[i]
        if (text) (item as Node).commentBefore = ` ${text}`
      })
  }
  return doc.toString({ lineWidth: 0 })
}

/** What the printer writes, or undefined when it leaves the document to the library. */
function printed(input: PolicyYamlInput): string | undefined {
  const out: string[] = []
  return printPolicyYaml(input, out) ? out.join('') : undefined
}

/** Each rendered document (the text after a `---` line) as the writer's input, read back. */
function documentsOf(contents: string) {
  return contents
    .split(/^---\n/m)
    .slice(1)
    .map((text) => {
      const doc = parseDocument(text)
      const spec = doc.get('spec', true)
      const list = isMap(spec) ? (spec.get('egress', true) ?? spec.get('ingress', true)) : undefined
      return {
        text,
        input: {
          document: doc.toJS() as object,
          comment: (doc.commentBefore ?? '').trim(),
          // The parser hangs the first item's comment on the list itself.
          itemComments: isSeq(list)
            ? list.items.map(
                (item, i) =>
                  (
                    (item as Node).commentBefore ?? (i === 0 ? list.commentBefore : undefined)
                  )?.trim() || undefined,
              )
            : [],
        },
      }
    })
}

describe('format: network-policy yaml writer', () => {
  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))(
    'returns every rendered document of %s exactly as the library writes it',
    (_id, scenario) => {
      // GIVEN the documents of both renderings, read back with their comments
      const plan = resolvePlan(parseProfile(scenario.profile))
      const files = [
        ...renderCilium(plan).files,
        ...renderNetworkPolicy(plan, { defaultDeny: true }).files,
      ]
      for (const file of files)
        for (const { text, input } of documentsOf(file.contents)) {
          // WHEN written directly THEN the printer handles it (no fallback) with the same bytes
          expect(printed(input)).toBe(text)
          expect(libraryYaml(input)).toBe(text)
        }
    },
  )

  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))(
    'returns the same document for %s with its items written by the Cilium item writer',
    (_id, scenario) => {
      // GIVEN the rendered documents, read back
      const plan = resolvePlan(parseProfile(scenario.profile))
      const files = [
        ...renderCilium(plan).files,
        ...renderNetworkPolicy(plan, { defaultDeny: true }).files,
      ]
      // WHEN written with the direct item writer THEN the bytes are the same
      for (const file of files)
        for (const { text, input } of documentsOf(file.contents))
          expect(printed({ ...input, writeItem: writeCiliumEgressItem })).toBe(text)
    },
  )

  it('returns the generic text from the Cilium item writer for every shape', () => {
    // GIVEN rules it reads field by field, and rules it leaves to the generic writer
    const ports = [{ ports: [{ port: '80', endPort: 90, protocol: 'TCP' as const }] }]
    const rules = [
      {
        toFQDNs: [{ matchName: 'a.example.com' }, { matchPattern: '*.example.com' }],
        toPorts: ports,
      },
      { toPorts: ports, toEntities: ['kube-apiserver', 'world'] },
      { toFQDNs: [{ matchName: 'true' }], toPorts: ports },
      { toFQDNs: [{ matchName: '1e5' }] },
      { toEntities: [] },
      { toPorts: [{ ports: [{ port: '53' }], rules: { dns: [{ matchPattern: '*' }] } }] },
      { toPorts: [{ ports: [] }] },
      // Written up to a part it leaves to the generic writer, which then writes all of it.
      { toFQDNs: [{ matchName: 'a.example.com' }], toPorts: [{ ports: [] }] },
      { toCIDRSet: [{ cidr: '10.0.0.0/8' }] },
      {},
    ]
    for (const rule of rules) {
      // WHEN a document holding it is written with and without the item writer
      const input = {
        document: { spec: { egress: [rule] } },
        comment: 'c',
        itemComments: ['rule'],
      }
      // THEN the text (or the fallback) is the same
      expect(printed({ ...input, writeItem: writeCiliumEgressItem })).toBe(printed(input))
    }
  })

  it('returns undefined for values only the library knows how to write', () => {
    // GIVEN a boolean, a string with a space and a float
    const inputs = [
      { spec: { flag: true } },
      { metadata: { name: 'two words' } },
      { spec: { ratio: 0.5 } },
    ]
    // WHEN printed THEN each one is left to the library
    for (const document of inputs)
      expect(printed({ document, comment: 'c', itemComments: [] })).toBeUndefined()
  })

  it('returns the library text, anchors included, for a document that holds an object twice', () => {
    // GIVEN a document whose two entries are one object, as the caller declares
    const shared = { a: 'b' }
    const input = {
      document: { spec: { first: shared, second: shared } },
      comment: 'c',
      itemComments: [],
      sharesObjects: true,
    }
    // WHEN written THEN the library writes it, with an anchor and an alias
    const out: string[] = []
    writePolicyYaml(input, out)
    expect(out.join('')).toBe(libraryYaml(input))
    expect(out.join('')).toContain('*a1')
  })

  it('returns the library output whenever it writes anything (random documents)', () => {
    const text = fc.oneof(
      fc.constantFrom(
        '*',
        '*.a.b',
        '53',
        '0x1F',
        '1.5',
        'true',
        'null',
        '~',
        '',
        'a b',
        'a:',
        'x:y',
      ),
      fc.stringMatching(/^[A-Za-z0-9*.:,/_ -]{1,12}$/),
    )
    const key = fc.oneof(fc.constantFrom('spec', 'egress', 'ingress', 'a', 'k8s:app'), text)
    const value = fc.letrec((tie) => ({
      scalar: fc.oneof(text, fc.integer({ min: -5, max: 70000 }), fc.boolean(), fc.constant(null)),
      map: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      list: fc.array(tie('value'), { maxLength: 3 }),
      value: fc.oneof({ depthSize: 'small' }, tie('scalar'), tie('map'), tie('list')),
    }))
    fc.assert(
      fc.property(
        fc.dictionary(key, value.value, { minKeys: 1, maxKeys: 4 }),
        fc.array(fc.option(fc.constantFrom('rule one', 'x [a, b]'), { nil: undefined })),
        (document, itemComments) => {
          const input = { document, comment: 'doc', itemComments }
          const written = printed(input)
          if (written !== undefined) expect(written).toBe(libraryYaml(input))
        },
      ),
      { numRuns: 2000 },
    )
  })
})
