import { describe, expect, it } from 'vitest'
import { requirementDetails } from '../catalogDetails'
import { diagnosticCodes } from '../diagnostics'
import { canonicalHost } from '../fqdn'
import { catalog, findRequirement } from './catalog'
import { conditions } from './conditions'
import { decisions } from './decisions'
import { requirementDetailRecords } from './details.generated'
import { RequirementSchema } from './schema'
import { serviceTagForHost } from './serviceTagEquivalents'

/** Source ids without the suffix of records the importer splits (`mvnet-req-02#udp`). */
const sourceIds = (status: string) =>
  new Set(catalog.requirements.filter((r) => r.status === status).map((r) => r.id.split('#')[0]))

describe('catalog', () => {
  it('holds all 268 current records of the reference, 3 conflicting and 9 historical', () => {
    const transcribed = (id: string) =>
      /^aks-(core-(usgov|china)|gpu)-/.test(id) || id.includes('@')
    const fromReference = (status: string) =>
      [...sourceIds(status)].filter((id) => id !== undefined && !transcribed(id)).length
    expect([
      fromReference('current'),
      fromReference('conflicting'),
      fromReference('historical'),
    ]).toStrictEqual([268, 3, 9])
  })

  it('adds the AKS rows the reference leaves out (12 US Government, 14 21Vianet, 3 GPU) and 6 sovereign storage rows (D26)', () => {
    const ids = catalog.requirements.map((r) => r.id)
    const count = (pattern: RegExp) => ids.filter((id) => pattern.test(id)).length
    expect([
      count(/^aks-core-usgov-/),
      count(/^aks-core-china-/),
      count(/^aks-gpu-/),
      count(/@(usgov|china)$/),
    ]).toStrictEqual([12, 14, 3, 6])
    for (const id of ids.filter((id) => /^aks-(core-(usgov|china)|gpu)-/.test(id)))
      expect(findRequirement(id)?.provenance, id).toMatchObject({
        repo: 'MicrosoftDocs/azure-aks-docs',
        path: 'articles/aks/outbound-rules-control-egress.md',
        commit: '126786f03e562aca0dde65db199893cb8f04a5a1',
        docDate: '2023-06-13',
      })
  })

  it('holds records that RequirementSchema accepts unchanged (the data is JSON text, unchecked by tsc)', () => {
    for (const requirement of catalog.requirements)
      expect(RequirementSchema.strict().parse(requirement), requirement.id).toStrictEqual(
        requirement,
      )
  })

  it('spells every host pattern canonically (lower case, no final dot), as resolve assumes', () => {
    // resolvePlan fills patterns with lower-cased names and ARM region names and compares the
    // hosts as they are; a pattern spelled otherwise would hide a cover.
    const patterns = catalog.requirements.flatMap((r) =>
      r.destination.kind === 'fqdn' ? [r.destination.pattern.replace(/\{[A-Za-z]+\}/g, 'x')] : [],
    )
    expect(patterns.length).toBeGreaterThan(100)
    expect(patterns.filter((pattern) => pattern !== canonicalHost(pattern))).toStrictEqual([])
  })

  it('gives every record a provenance with a repository, path and doc date', () => {
    for (const requirement of catalog.requirements) {
      expect(requirement.provenance.repo).toMatch(/^MicrosoftDocs\//)
      expect(requirement.provenance.path).toMatch(/\.md$/)
      expect(requirement.provenance.docDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    }
  })

  it('dates itself with the newest source page', () => {
    const newest = catalog.requirements
      .map((r) => r.provenance.docDate)
      .sort()
      .at(-1)
    expect(catalog.docDate).toBe(newest)
  })

  it('references only decisions that exist, and every decision names existing records', () => {
    const decisionIds = new Set(decisions.map((decision) => decision.id))
    for (const requirement of catalog.requirements)
      for (const id of requirement.decisions) expect(decisionIds, requirement.id).toContain(id)
    for (const decision of decisions)
      for (const id of decision.records)
        expect(findRequirement(id), `${decision.id} → ${id}`).toBeDefined()
  })

  it('has unique decision ids in order', () => {
    const ids = decisions.map((decision) => decision.id)
    expect(ids).toStrictEqual([...ids].sort())
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('maps every condition a current record uses to the profile', () => {
    const used = new Set(
      catalog.requirements
        .filter((r) => r.status === 'current')
        .map((r) => r.applicability.condition),
    )
    for (const condition of used) expect(conditions[condition]?.title).toBeTruthy()
  })

  it('documents every diagnostic code with a title, cause and fix', () => {
    for (const [code, doc] of Object.entries(diagnosticCodes)) {
      expect(code).toMatch(/^AML_EGRESS_[A-Z_]+$/)
      expect([doc.title, doc.cause, doc.fix].every((text) => text.length > 10)).toBe(true)
    }
  })

  it('pairs the documented hosts with their service tags', () => {
    expect(serviceTagForHost('{storageAccount}.file.core.windows.net')?.tag).toBe('Storage')
    expect(serviceTagForHost('*.tundra.{region}.api.azureml.ms')?.tag).toBe('AzureMachineLearning')
    expect(serviceTagForHost('*.{region}.batch.azure.com')).toStrictEqual({
      tag: 'BatchNodeManagement',
      regional: true,
      alsoCovers: [],
    })
    // vscode.blob.core.windows.net is a Microsoft-wide account, not a regional Storage need.
    expect(serviceTagForHost('vscode.blob.core.windows.net')).toBeUndefined()
    expect(serviceTagForHost('pypi.org')).toBeUndefined()
  })
})

describe('catalog details', () => {
  it('has details only for catalog records, and nothing for an unknown or inherited key', () => {
    const ids = new Set(catalog.requirements.map((r) => r.id))
    for (const id of Object.keys(requirementDetailRecords)) expect(ids).toContain(id)
    expect(requirementDetails('no-such-record')).toStrictEqual({ alsoListedIn: [] })
    expect(requirementDetails('__proto__')).toStrictEqual({ alsoListedIn: [] })
    expect(requirementDetails('constructor')).toStrictEqual({ alsoListedIn: [] })
  })

  it('keeps prose out of the records the resolver reads', () => {
    for (const requirement of catalog.requirements) {
      expect(requirement).not.toHaveProperty('note')
      expect(requirement).not.toHaveProperty('alsoListedIn')
    }
    // The reference lists basic-in-01 in the training-VNet article as well.
    expect(requirementDetails('basic-in-01').alsoListedIn.map((p) => p.path)).toContain(
      'articles/machine-learning/how-to-secure-training-vnet.md',
    )
  })
})
