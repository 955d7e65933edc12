/**
 * Azure clouds and their regions. Region names are the ARM `location` values; `tagSuffix` is how
 * regional service tags spell the region (`Storage.WestEurope`), as in Azure's published
 * ServiceTags JSON files.
 */

export const clouds = ['public', 'usgov', 'china'] as const
/** An Azure cloud: `public`, `usgov` or `china`. */
export type Cloud = (typeof clouds)[number]

/** Per-cloud domain suffixes, as the firewall article's host tables list them. */
export const cloudSuffixes = {
  public: {
    title: 'Azure public',
    storage: 'core.windows.net',
    keyVault: 'vault.azure.net',
    management: 'management.azure.com',
  },
  usgov: {
    title: 'Azure Government',
    storage: 'core.usgovcloudapi.net',
    keyVault: 'vault.usgovcloudapi.net',
    management: 'management.usgovcloudapi.net',
  },
  china: {
    title: 'Microsoft Azure operated by 21Vianet',
    storage: 'core.chinacloudapi.cn',
    keyVault: 'vault.azure.cn',
    management: 'management.chinacloudapi.cn',
  },
} as const satisfies Record<Cloud, Record<string, string>>

type RegionEntry = readonly [name: string, tagSuffix: string, cloud: Cloud]

const regionTable: readonly RegionEntry[] = [
  ['australiacentral', 'AustraliaCentral', 'public'],
  ['australiacentral2', 'AustraliaCentral2', 'public'],
  ['australiaeast', 'AustraliaEast', 'public'],
  ['australiasoutheast', 'AustraliaSoutheast', 'public'],
  ['austriaeast', 'AustriaEast', 'public'],
  ['belgiumcentral', 'BelgiumCentral', 'public'],
  ['brazilsouth', 'BrazilSouth', 'public'],
  ['brazilsoutheast', 'BrazilSoutheast', 'public'],
  ['canadacentral', 'CanadaCentral', 'public'],
  ['canadaeast', 'CanadaEast', 'public'],
  ['centralindia', 'CentralIndia', 'public'],
  ['centralus', 'CentralUS', 'public'],
  ['chilecentral', 'ChileCentral', 'public'],
  ['denmarkeast', 'DenmarkEast', 'public'],
  ['eastasia', 'EastAsia', 'public'],
  ['eastus', 'EastUS', 'public'],
  ['eastus2', 'EastUS2', 'public'],
  ['francecentral', 'FranceCentral', 'public'],
  ['francesouth', 'FranceSouth', 'public'],
  ['germanynorth', 'GermanyNorth', 'public'],
  ['germanywestcentral', 'GermanyWestCentral', 'public'],
  ['indonesiacentral', 'IndonesiaCentral', 'public'],
  ['israelcentral', 'IsraelCentral', 'public'],
  ['italynorth', 'ItalyNorth', 'public'],
  ['japaneast', 'JapanEast', 'public'],
  ['japanwest', 'JapanWest', 'public'],
  ['jioindiacentral', 'JioIndiaCentral', 'public'],
  ['jioindiawest', 'JioIndiaWest', 'public'],
  ['koreacentral', 'KoreaCentral', 'public'],
  ['koreasouth', 'KoreaSouth', 'public'],
  ['malaysiawest', 'MalaysiaWest', 'public'],
  ['mexicocentral', 'MexicoCentral', 'public'],
  ['newzealandnorth', 'NewZealandNorth', 'public'],
  ['northcentralus', 'NorthCentralUS', 'public'],
  ['northeurope', 'NorthEurope', 'public'],
  ['norwayeast', 'NorwayEast', 'public'],
  ['norwaywest', 'NorwayWest', 'public'],
  ['polandcentral', 'PolandCentral', 'public'],
  ['qatarcentral', 'QatarCentral', 'public'],
  ['southafricanorth', 'SouthAfricaNorth', 'public'],
  ['southafricawest', 'SouthAfricaWest', 'public'],
  ['southcentralus', 'SouthCentralUS', 'public'],
  ['southeastasia', 'SoutheastAsia', 'public'],
  ['southindia', 'SouthIndia', 'public'],
  ['spaincentral', 'SpainCentral', 'public'],
  ['swedencentral', 'SwedenCentral', 'public'],
  ['swedensouth', 'SwedenSouth', 'public'],
  ['switzerlandnorth', 'SwitzerlandNorth', 'public'],
  ['switzerlandwest', 'SwitzerlandWest', 'public'],
  ['uaecentral', 'UAECentral', 'public'],
  ['uaenorth', 'UAENorth', 'public'],
  ['uksouth', 'UKSouth', 'public'],
  ['ukwest', 'UKWest', 'public'],
  ['westcentralus', 'WestCentralUS', 'public'],
  ['westeurope', 'WestEurope', 'public'],
  ['westindia', 'WestIndia', 'public'],
  ['westus', 'WestUS', 'public'],
  ['westus2', 'WestUS2', 'public'],
  ['westus3', 'WestUS3', 'public'],
  ['usgovarizona', 'USGovArizona', 'usgov'],
  ['usgovtexas', 'USGovTexas', 'usgov'],
  ['usgovvirginia', 'USGovVirginia', 'usgov'],
  ['usdodcentral', 'USDoDCentral', 'usgov'],
  ['usdodeast', 'USDoDEast', 'usgov'],
  ['chinaeast', 'ChinaEast', 'china'],
  ['chinaeast2', 'ChinaEast2', 'china'],
  ['chinaeast3', 'ChinaEast3', 'china'],
  ['chinanorth', 'ChinaNorth', 'china'],
  ['chinanorth2', 'ChinaNorth2', 'china'],
  ['chinanorth3', 'ChinaNorth3', 'china'],
]

/** One Azure region. */
export type Region = {
  /** ARM location name, e.g. `westeurope`. */
  name: string
  /** Spelling in regional service tags, e.g. `WestEurope`. */
  tagSuffix: string
  cloud: Cloud
}

/** Every known region, sorted by name. */
export const regions: readonly Region[] = regionTable.map(([name, tagSuffix, cloud]) => ({
  name,
  tagSuffix,
  cloud,
}))

const regionsByName = new Map(regions.map((region) => [region.name, region]))

/** Looks a region up by ARM name (case- and space-insensitive: `West Europe` works). */
export function findRegion(name: string): Region | undefined {
  // The ARM name itself (every validated profile's spelling) needs no normalising.
  return regionsByName.get(name) ?? regionsByName.get(name.toLowerCase().replace(/\s+/g, ''))
}

/**
 * The regional spelling of a service tag.
 * @example regionalTag('Storage', 'westeurope') // 'Storage.WestEurope'
 */
export function regionalTag(tag: string, regionName: string): string {
  const region = findRegion(regionName)
  return `${tag}.${region ? region.tagSuffix : regionName}`
}
