import { publishedNamesDocument, publishedServiceTagsFile } from '@aml-egress/test-matrix'
import { describe, expect, it } from 'vitest'
import { clouds } from '../clouds'
import type { PlanRule } from '../plan'
import { type ProfileInput, parseProfile } from '../profile'
import { resolvePlan } from '../resolve'
import { serviceTagNamesFromFile } from './file'
import { bundledServiceTagNames } from './snapshot'

// The families core bundles: every global name, and the regional names of the regional ones.
const BUNDLED = new Set([
  'AzureActiveDirectory',
  'AzureCloud',
  'AzureContainerRegistry',
  'AzureFrontDoor',
  'AzureKeyVault',
  'AzureMachineLearning',
  'AzureMonitor',
  'AzureResourceManager',
  'BatchNodeManagement',
  'MicrosoftContainerRegistry',
  'Storage',
])
const REGIONAL = new Set([
  'AzureCloud',
  'AzureContainerRegistry',
  'AzureKeyVault',
  'BatchNodeManagement',
  'Storage',
])

const WORKSPACE = '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c'

function plan(input: Partial<ProfileInput> & { region: string }, options = {}) {
  const { region, ...rest } = input
  return resolvePlan(
    parseProfile({
      workspaces: [{ id: WORKSPACE, region, storageAccounts: ['contosomlsa'] }],
      compute: ['computeInstance', 'computeCluster'],
      sourceAddresses: ['10.10.0.0/24'],
      ...rest,
    }),
    options,
  )
}

const tagsOf = (rules: readonly PlanRule[]) =>
  rules.flatMap((rule) => (rule.destination.kind === 'serviceTag' ? [rule.destination.tag] : []))
const hostsOf = (rules: readonly PlanRule[]) =>
  rules.flatMap((rule) => (rule.destination.kind === 'fqdn' ? [rule.destination.fqdn] : []))

describe('bundled service tag names', () => {
  it.each(clouds.map((cloud) => [cloud]))(
    'holds every published name of the bundled families for %s, with the source file',
    (cloud) => {
      const published = publishedNamesDocument().clouds[cloud]
      const names = bundledServiceTagNames(cloud)
      const expected = published.tags.filter(([name, region]) => {
        const family = name.split('.')[0] ?? name
        return BUNDLED.has(family) && (region === '' || REGIONAL.has(family))
      })
      for (const [name] of expected) expect(names.published(name.toLowerCase()), name).toBe(name)
      expect(names.source.file).toBe(published.file)
      expect(names.source.changeNumber).toBe(published.changeNumber)
      // Names of other families are not bundled: the table stays small.
      expect(names.published('ActionGroup')).toBeUndefined()
    },
  )

  it('spells each regional tag as its family publishes it, never from the region name', () => {
    const publicNames = bundledServiceTagNames('public')
    expect(
      [
        'francecentral',
        'germanywestcentral',
        'norwayeast',
        'switzerlandnorth',
        'brazilsoutheast',
        'chilecentral',
        'westeurope',
      ].map((region) => publicNames.regional('AzureCloud', region)),
    ).toStrictEqual([
      'AzureCloud.centralfrance',
      'AzureCloud.germanywc',
      'AzureCloud.norwaye',
      'AzureCloud.switzerlandn',
      'AzureCloud.brazilse',
      'AzureCloud.chilec',
      'AzureCloud.westeurope',
    ])
    expect(publicNames.regional('Storage', 'francecentral')).toBe('Storage.FranceCentral')
    // Storage.EastUS2Stage shares the region id: the region's own tag is the answer.
    expect(publicNames.regional('Storage', 'eastus2')).toBe('Storage.EastUS2')
    expect(bundledServiceTagNames('usgov').regional('AzureCloud', 'usgovarizona')).toBe(
      'AzureCloud.usgovarizona',
    )
    expect(bundledServiceTagNames('china').regional('Storage', 'chinanorth3')).toBe(
      'Storage.ChinaNorth3',
    )
  })

  it('has no tag where the file has none: a new region, a tag of another cloud', () => {
    expect(bundledServiceTagNames('public').regional('Storage', 'belgiumcentral')).toBeUndefined()
    expect(bundledServiceTagNames('public').published('AzureFrontDoor.FirstParty')).toBe(
      'AzureFrontDoor.FirstParty',
    )
    for (const cloud of ['usgov', 'china'] as const)
      expect(bundledServiceTagNames(cloud).published('AzureFrontDoor.FirstParty')).toBeUndefined()
    expect(bundledServiceTagNames('public').published('AzureFrontDoor.FrontEnd')).toBe(
      'AzureFrontDoor.Frontend',
    )
    expect(bundledServiceTagNames('usgov').published('VirtualNetwork')).toBe('VirtualNetwork')
  })
})

describe('a service-tags file the user downloaded', () => {
  const government = publishedServiceTagsFile('ServiceTags_AzureGovernment_20260720.json')

  it('names its cloud, date and change number, and answers from its own names', () => {
    const names = serviceTagNamesFromFile(
      government,
      'downloads/ServiceTags_AzureGovernment_20260720.json',
    )
    expect(names.cloud).toBe('usgov')
    expect(names.source).toStrictEqual({
      file: 'ServiceTags_AzureGovernment_20260720.json',
      date: '2026-07-20',
      changeNumber: 402,
      bundled: false,
    })
    expect(names.regional('AzureCloud', 'usgovvirginia')).toBe('AzureCloud.usgovvirginia')
    expect(names.published('actiongroup')).toBe('ActionGroup')
  })

  it('throws naming the problem for something that is not a service-tags file', () => {
    expect(() => serviceTagNamesFromFile({ values: [{ name: 1 }] }, 'x.json')).toThrow(
      'x.json is not an Azure service-tags file',
    )
    expect(() => serviceTagNamesFromFile({ cloud: 'Mars', values: [] }, 'x.json')).toThrow(
      'x.json has cloud "Mars"; expected one of Public, AzureGovernment, China',
    )
  })

  it('is the authority of the plan: a tag the file lacks is left out with an error', () => {
    const file = {
      cloud: 'AzureGovernment',
      changeNumber: 7,
      values: (government as { values: { name: string }[] }).values.filter(
        (value) => value.name !== 'Storage.USGovVirginia',
      ),
    }
    const names = serviceTagNamesFromFile(file, 'ServiceTags_AzureGovernment_20991231.json')
    const result = plan(
      { cloud: 'usgov', region: 'usgovvirginia', destinationStyle: 'serviceTags' },
      { serviceTags: names },
    )
    expect(result.serviceTags?.file).toBe('ServiceTags_AzureGovernment_20991231.json')
    expect(tagsOf(result.rules)).not.toContain('Storage.USGovVirginia')
    expect(
      result.advisories.filter((d) => d.code === 'AML_EGRESS_UNPUBLISHED_SERVICE_TAG').length,
    ).toBeGreaterThan(0)
    expect(() => plan({ region: 'westeurope' }, { serviceTags: names })).toThrow(
      "is for the usgov cloud, but the profile's cloud is 'public'",
    )
  })
})

describe('resolving against the published names', () => {
  it('writes AzureCloud in its published short form for the legacy AKS tunnel (D20)', () => {
    for (const [region, tag] of [
      ['francecentral', 'AzureCloud.centralfrance'],
      ['germanywestcentral', 'AzureCloud.germanywc'],
      ['norwayeast', 'AzureCloud.norwaye'],
      ['switzerlandnorth', 'AzureCloud.switzerlandn'],
    ] as const) {
      const result = plan({
        region,
        compute: ['kubernetes'],
        kubernetes: { legacyNodeEgress: true },
      })
      expect(tagsOf(result.rules)).toContain(tag)
    }
  })

  it('puts the MCR hosts where US Government and China have no AzureFrontDoor.FirstParty (D25)', () => {
    for (const [cloud, region] of [
      ['usgov', 'usgovarizona'],
      ['china', 'chinanorth3'],
    ] as const) {
      const result = plan({ cloud, region, destinationStyle: 'serviceTags' })
      expect(tagsOf(result.rules)).not.toContain('AzureFrontDoor.FirstParty')
      expect(hostsOf(result.rules)).toEqual(
        expect.arrayContaining(['mcr.microsoft.com', '*.data.mcr.microsoft.com']),
      )
      expect(result.advisories.map((d) => d.code)).toContain('AML_EGRESS_SERVICE_TAG_SUBSTITUTED')
      for (const rule of result.rules)
        expect(rule.serviceTagFallbacks).not.toContain('AzureFrontDoor.FirstParty')
    }
    const publicPlan = plan({ region: 'westeurope', destinationStyle: 'serviceTags' })
    expect(tagsOf(publicPlan.rules)).toContain('AzureFrontDoor.FirstParty')
    expect(tagsOf(publicPlan.rules)).toContain('AzureFrontDoor.Frontend')
  })

  it('leaves out a regional tag the snapshot lacks with an error, and keeps its hosts', () => {
    const result = plan({ region: 'belgiumcentral', destinationStyle: 'serviceTags' })
    expect(tagsOf(result.rules).filter((tag) => tag.includes('{'))).toStrictEqual([])
    expect(tagsOf(result.rules).some((tag) => tag.startsWith('Storage.'))).toBe(false)
    // The hosts the tags stand for stay: storage and Batch need them without the regional tags.
    expect(hostsOf(result.rules)).toEqual(
      expect.arrayContaining(['*.blob.core.windows.net', '*.belgiumcentral.batch.azure.com']),
    )
    const errors = result.advisories.filter((d) => d.severity === 'error')
    expect(errors.map((d) => d.code)).toContain('AML_EGRESS_UNPUBLISHED_SERVICE_TAG')
    expect(errors.map((d) => d.message).join('\n')).toContain(
      'Storage has no regional tag for belgiumcentral (names of ServiceTags_Public_20250728.json (2025-07-28, change 364))',
    )
  })

  it('says which snapshot it used', () => {
    expect(plan({ region: 'westeurope' }).serviceTags).toStrictEqual({
      file: 'ServiceTags_Public_20250728.json',
      date: '2025-07-28',
      changeNumber: 364,
      bundled: true,
    })
  })
})
