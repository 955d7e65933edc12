import { parseProfileText, resolvePlan } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { clusterProfileText, createMemoryIo } from '../../test/helpers'
import { catalogPatternMatches, explainQuery, runExplain } from './explain'

describe('cli: explain', () => {
  it('returns the catalog requirements a host matches, with placeholders matched generically', () => {
    const explanation = explainQuery({ query: 'contosostore.blob.core.windows.net' })
    expect(explanation?.kind).toBe('host')
    const ids =
      explanation?.kind === 'host' ? explanation.requirements.map((m) => m.requirement.id) : []
    // `<your storage account name>.blob.core.windows.net` (§7.2) and `*.blob.core.windows.net` (§9.4)
    expect(ids).toStrictEqual(expect.arrayContaining(['k8s-out-06', 'host-compute-08']))
  })

  it('returns no match for the apex of a wildcard', () => {
    expect(
      catalogPatternMatches({ host: 'blob.core.windows.net', pattern: '*.blob.core.windows.net' }),
    ).toBe(false)
  })

  it('returns a match only for the profile value when the profile names it', () => {
    const values = { storageAccount: ['contosostore'] }
    const pattern = '{storageAccount}.blob.core.windows.net'
    expect(
      catalogPatternMatches({ host: 'contosostore.blob.core.windows.net', pattern, values }),
    ).toBe(true)
    expect(
      catalogPatternMatches({ host: 'otherstore.blob.core.windows.net', pattern, values }),
    ).toBe(false)
  })

  it('returns the dotted tags the catalog names, and says which clouds publish them (regression: #17)', () => {
    const firstParty = explainQuery({ query: 'AzureFrontDoor.FirstParty' })
    expect(firstParty).toMatchObject({
      kind: 'serviceTag',
      tag: 'AzureFrontDoor.FirstParty',
      publishedIn: ['public'],
    })
    const ids =
      firstParty?.kind === 'serviceTag' ? firstParty.requirements.map((m) => m.requirement.id) : []
    expect(ids).toEqual(expect.arrayContaining(['basic-out-09', 'rec-out-02', 'mvnet-req-06']))
    expect(explainQuery({ query: 'azurefrontdoor.frontend' })).toMatchObject({
      tag: 'AzureFrontDoor.Frontend',
      publishedIn: ['public', 'usgov', 'china'],
    })
  })

  it('returns the regional tags a rendering names in their published short forms', () => {
    for (const [query, tag] of [
      ['AzureCloud.centralfrance', 'AzureCloud.centralfrance'],
      ['AzureCloud.germanywc', 'AzureCloud.germanywc'],
      ['AzureCloud.norwayeast', 'AzureCloud.norwaye'],
      ['AzureCloud.usgovarizona', 'AzureCloud.usgovarizona'],
      ['BatchNodeManagement.ChinaNorth3', 'BatchNodeManagement.ChinaNorth3'],
    ] as const) {
      const explanation = explainQuery({ query })
      expect(explanation, query).toMatchObject({ kind: 'serviceTag', tag })
      const ids =
        explanation?.kind === 'serviceTag'
          ? explanation.requirements.map((m) => m.requirement.id)
          : []
      expect(ids.length, query).toBeGreaterThan(0)
    }
  })

  it('returns the requirements using a service tag, for its regional form too', () => {
    const explanation = explainQuery({ query: 'storage.westeurope' })
    expect(explanation).toMatchObject({ kind: 'serviceTag', tag: 'Storage.WestEurope' })
    const ids =
      explanation?.kind === 'serviceTag'
        ? explanation.requirements.map((m) => m.requirement.id)
        : []
    // §2.2 basic configuration row `Storage.<region>` 443.
    expect(ids).toContain('basic-out-06')
  })

  it('returns the full record and its decisions for a requirement id', () => {
    const explanation = explainQuery({ query: 'basic-out-06' })
    expect(explanation).toMatchObject({
      kind: 'requirement',
      requirement: { id: 'basic-out-06', provenance: { repo: 'MicrosoftDocs/azure-ai-docs' } },
    })
  })

  it('returns title, cause and fix for a diagnostic code, with or without the prefix', () => {
    expect(explainQuery({ query: 'over_broad_rule' })).toMatchObject({
      kind: 'diagnosticCode',
      code: 'AML_EGRESS_OVER_BROAD_RULE',
    })
  })

  it('returns exit 1 and a did-you-mean for an unknown query', async () => {
    const { io, stderr } = createMemoryIo()
    expect(await runExplain({ query: 'pypy.org' }, { io })).toBe(1)
    expect(stderr()).toContain("did you mean 'pypi.org'?")
  })

  it('returns provenance with repo, path, commit, doc date and section in text output', async () => {
    const { io, stdout } = createMemoryIo()
    expect(await runExplain({ query: 'pypi.org' }, { io })).toBe(0)
    expect(stdout()).toContain(
      'MicrosoftDocs/azure-ai-docs articles/machine-learning/how-to-access-azureml-behind-firewall.md@00bb554 (2026-03-19) § Scenario: Use Kubernetes compute',
    )
  })

  it('prints the other pages listing a requirement and its note, loaded from the catalog details', async () => {
    const { io, stdout } = createMemoryIo()
    expect(await runExplain({ query: 'basic-in-01' }, { io })).toBe(0)
    // The reference lists basic-in-01 in the training-VNet article too, with a note on public IPs.
    expect(stdout()).toMatch(/also listed.*how-to-secure-training-vnet\.md/)
    expect(stdout()).toContain('note')
    expect(stdout()).toContain('public IP')
  })

  it('returns the requirements of your own that name a service tag, with their profile entry', () => {
    const profile = parseProfileText(
      `${clusterProfileText}extraRequirements:\n  - id: contoso-cosmos\n    description: Feature store\n    destination: tag:AzureCosmosDB\n    ports: [443]\n`,
    )
    const explanation = explainQuery({
      query: 'azurecosmosdb',
      profile,
      plan: resolvePlan(profile),
    })
    expect(explanation).toMatchObject({
      kind: 'serviceTag',
      requirements: [
        {
          requirement: { id: 'contoso-cosmos', provenance: { origin: 'profile' } },
          via: 'destination AzureCosmosDB',
        },
      ],
    })
    // Without the profile the tag is unknown: the catalog does not use it.
    expect(explainQuery({ query: 'azurecosmosdb' })).toBeUndefined()
  })
})
