import { parseProfile, resolvePlan } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { renderCilium, renderNetworkPolicy } from './render'

/** Label values (and keys) a YAML 1.1 reader resolves to a boolean, number, null or date. */
const tricky = {
  app: 'yes',
  tier: 'on',
  stage: 'NO',
  bits: '0b101',
  empty: 'null',
  exp: '1e3',
  hex: '0x1F',
  octal: '012',
  under: '1_000',
  date: '2001-12-14',
  float: '1.5',
  y: 'y',
  on: 'off',
}

const plan = () =>
  resolvePlan(
    parseProfile({
      workspaces: [{ id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c', region: 'westeurope' }],
      compute: ['kubernetes'],
      workloads: ['inference'],
      sourceAddresses: ['10.10.0.0/24'],
      kubernetes: { labels: { modelPods: tricky, azuremlFe: { app: 'True' } } },
    }),
  )

/** Every map under a `matchLabels` or `endpointSelector.matchLabels`, as a YAML 1.1 reader reads it. */
function matchLabelsOf(value: unknown, found: Record<string, unknown>[] = []) {
  if (Array.isArray(value)) for (const item of value) matchLabelsOf(item, found)
  else if (typeof value === 'object' && value !== null)
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'matchLabels') found.push(inner as Record<string, unknown>)
      else matchLabelsOf(inner, found)
    }
  return found
}

describe('format: network-policy and cilium, labels read by a YAML 1.1 reader', () => {
  for (const [name, render] of [
    ['network-policy', () => renderNetworkPolicy(plan())],
    ['cilium', () => renderCilium(plan())],
  ] as const)
    it(`returns ${name} documents whose every label key and value a YAML 1.1 reader reads back as the same string`, () => {
      const texts = render().files.map((file) => file.contents)
      const selectors = texts.flatMap((text) =>
        parseAllDocuments(text, { version: '1.1' }).flatMap((document) => {
          expect(document.errors).toStrictEqual([])
          return matchLabelsOf(document.toJS())
        }),
      )
      const withModelLabels = selectors.filter((labels) => 'hex' in labels)
      expect(withModelLabels.length).toBeGreaterThan(0)
      for (const labels of withModelLabels) expect(labels).toStrictEqual(tricky)
      expect(selectors.filter((labels) => labels.app === 'True').length).toBeGreaterThan(0)
      // Every annotation too: the doc date is a timestamp to a YAML 1.1 reader unless quoted.
      for (const text of texts)
        for (const document of parseAllDocuments(text, { version: '1.1' })) {
          const annotations = (document.toJS() as { metadata?: { annotations?: object } }).metadata
            ?.annotations
          for (const value of Object.values(annotations ?? {})) expect(typeof value).toBe('string')
        }
    })
})
