import type { Cloud } from '../clouds'
import { serviceTagSnapshotData } from './names.generated'

/**
 * One cloud's bundled names in compact form: the tags without a region, the files' region ids,
 * and per family one cell per region (published suffixes, `,`-joined; `-` for none).
 */
export type ServiceTagSnapshotData = {
  /** The published file the names were read from (`ServiceTags_Public_20250728.json`). */
  file: string
  date: string
  changeNumber: number
  global: string
  regions: string
  families: Readonly<Record<string, string>>
}

/** The published file whose names a plan was checked against. */
export type ServiceTagSource = {
  /** File name (`ServiceTags_Public_20250728.json`), or what the caller called it. */
  file: string
  /** `YYYY-MM-DD`, when the file name carries it (Microsoft's files have no date field). */
  date?: string
  changeNumber?: number
  /** True for the snapshot bundled with this package; false for a file the user passed. */
  bundled: boolean
}

/** The service tag names one cloud publishes, looked up as Azure does (case-insensitively). */
export type ServiceTagNames = {
  cloud: Cloud
  source: ServiceTagSource
  /** The published spelling of a tag, if the cloud has it (`AzureFrontDoor.Frontend`). */
  published(name: string): string | undefined
  /** A family's published tag for an ARM region (`AzureCloud.centralfrance`), if there is one. */
  regional(family: string, region: string): string | undefined
}

/**
 * Tags every cloud defines for NSGs and firewalls that the downloadable files do not list
 * (service tags overview: "default tags").
 */
const DEFAULT_TAGS = ['VirtualNetwork', 'AzureLoadBalancer', 'Internet']

/** A file's tag with its region id (`['AzureCloud.centralfrance', 'centralfrance']`). */
type NameEntry = readonly [name: string, regionId: string]

const familyKey = (name: string) => (name.split('.')[0] ?? name).toLowerCase()

/**
 * Indexes published names. A region id is found through a tag whose suffix is the ARM name (any
 * case: `Storage.FranceCentral` → `centralfrance`); the family's tag of that region id is the
 * answer (`AzureCloud.centralfrance`). Nothing is spelled from the region name.
 */
export function indexServiceTagNames(input: {
  cloud: Cloud
  source: ServiceTagSource
  entries: readonly NameEntry[]
}): ServiceTagNames {
  const byName = new Map(DEFAULT_TAGS.map((name) => [name.toLowerCase(), name]))
  const regionIds = new Map<string, string>()
  const byFamilyRegion = new Map<string, string[]>()
  for (const [name, regionId] of input.entries) {
    byName.set(name.toLowerCase(), name)
    if (regionId === '' || !name.includes('.')) continue
    const suffix = name.slice(name.indexOf('.') + 1).toLowerCase()
    if (!regionIds.has(suffix)) regionIds.set(suffix, regionId)
    const key = `${familyKey(name)}|${regionId}`
    byFamilyRegion.set(key, [...(byFamilyRegion.get(key) ?? []), name])
  }
  return {
    cloud: input.cloud,
    source: input.source,
    published: (name) => byName.get(name.toLowerCase()),
    regional(family, region) {
      const arm = region.toLowerCase()
      const regionId = regionIds.get(arm)
      if (regionId === undefined) return undefined
      const candidates = byFamilyRegion.get(`${family.toLowerCase()}|${regionId}`) ?? []
      // `Storage.EastUS2` and `Storage.EastUS2Stage` share a region id: take the region's own.
      const own = candidates.find((name) => name.slice(family.length + 1).toLowerCase() === arm)
      return own ?? (candidates.length === 1 ? candidates[0] : undefined)
    },
  }
}

/** The bundled snapshot's names as entries, each name copied from the data. */
function bundledEntries(data: ServiceTagSnapshotData): NameEntry[] {
  const entries: NameEntry[] = data.global.split(' ').map((name) => [name, ''])
  const regions = data.regions.split(' ')
  for (const [family, cells] of Object.entries(data.families))
    cells.split(' ').forEach((cell, row) => {
      if (cell === '-') return
      for (const suffix of cell.split(','))
        entries.push([`${family}.${suffix}`, regions[row] ?? ''])
    })
  return entries
}

const bundledIndexes = new Map<Cloud, ServiceTagNames>()

/**
 * The names bundled with this package for a cloud (the tag families AML uses), with the file and
 * date they were read from.
 * @example bundledServiceTagNames('public').regional('AzureCloud', 'francecentral') // 'AzureCloud.centralfrance'
 */
export function bundledServiceTagNames(cloud: Cloud): ServiceTagNames {
  let names = bundledIndexes.get(cloud)
  if (!names) {
    const data = serviceTagSnapshotData[cloud]
    names = indexServiceTagNames({
      cloud,
      source: { file: data.file, date: data.date, changeNumber: data.changeNumber, bundled: true },
      entries: bundledEntries(data),
    })
    bundledIndexes.set(cloud, names)
  }
  return names
}
