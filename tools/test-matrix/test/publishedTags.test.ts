import { describe, expect, it } from 'vitest'
import { publishedServiceTags, unpublishedTagsIn } from '../src/publishedTags'

describe('the published-tags check of the matrix', () => {
  it('finds the names the issue found in renderings: spelled from the region, or of another cloud', () => {
    const files = [
      {
        path: 'a.json',
        contents:
          '"AzureCloud.FranceCentral", "AzureCloud.centralfrance", "AzureFrontDoor.FrontEnd", "Storage", "VirtualNetwork"',
      },
    ]
    expect(unpublishedTagsIn(files, 'public')).toStrictEqual([
      'AzureCloud.FranceCentral in a.json',
      'AzureFrontDoor.FrontEnd in a.json',
    ])
    const government = [{ path: 'main.tf', contents: 'destination = "AzureFrontDoor.FirstParty"' }]
    expect(unpublishedTagsIn(government, 'usgov')).toStrictEqual([
      'AzureFrontDoor.FirstParty in main.tf',
    ])
    // Terraform identifiers and prose are not tags.
    const prose = [{ path: 'x', contents: 'aml_out_azurefrontdoor_firstparty_tcp StorageAccount' }]
    expect(unpublishedTagsIn(prose, 'usgov')).toStrictEqual([])
  })

  it('reads each cloud’s names from the copied published files', () => {
    expect(publishedServiceTags('public').has('AzureFrontDoor.FirstParty')).toBe(true)
    expect(publishedServiceTags('china').has('AzureFrontDoor.FirstParty')).toBe(false)
  })
})
