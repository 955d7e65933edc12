import type { Cloud } from '../clouds'
import { indexServiceTagNames, type ServiceTagNames } from './snapshot'

/**
 * Azure's published "IP Ranges and Service Tags" JSON (`ServiceTags_Public_<date>.json` and the
 * US Government and China files), the parts aml-egress reads.
 */
export type ServiceTagsFile = {
  changeNumber?: number
  /** `Public`, `AzureGovernment` or `China`. */
  cloud?: string
  values: {
    /** e.g. `Storage.WestEurope`. */
    name: string
    id?: string
    properties: { addressPrefixes: string[]; region?: string; changeNumber?: number }
  }[]
}

/** The `cloud` field of each published file. */
const FILE_CLOUDS: Readonly<Record<string, Cloud>> = {
  Public: 'public',
  AzureGovernment: 'usgov',
  China: 'china',
}

/** True for a value with the shape of Azure's `ServiceTags_Public.json`. */
export function isServiceTagsFile(value: unknown): value is ServiceTagsFile {
  if (typeof value !== 'object' || value === null) return false
  const values = (value as { values?: unknown }).values
  return (
    Array.isArray(values) &&
    values.every((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null) return false
      const { name, properties } = entry as { name?: unknown; properties?: unknown }
      if (typeof name !== 'string' || typeof properties !== 'object' || properties === null)
        return false
      const { addressPrefixes, region } = properties as {
        addressPrefixes?: unknown
        region?: unknown
      }
      return (
        Array.isArray(addressPrefixes) &&
        addressPrefixes.every((prefix) => typeof prefix === 'string') &&
        (region === undefined || typeof region === 'string')
      )
    })
  )
}

/** The cloud a file is for, from its `cloud` field; undefined when absent or unknown. */
export function serviceTagsFileCloud(file: ServiceTagsFile): Cloud | undefined {
  return file.cloud === undefined ? undefined : FILE_CLOUDS[file.cloud]
}

/**
 * The names of a service-tags file a user downloaded, to resolve against instead of the bundled
 * snapshot. `fileName` is how messages name it; a `…_YYYYMMDD.json` name gives the date.
 * @throws Error when the value is not a service-tags file or names no cloud aml-egress knows.
 * @example resolvePlan(profile, { serviceTags: serviceTagNamesFromFile(json, 'ServiceTags_Public_20260803.json') })
 */
export function serviceTagNamesFromFile(
  file: unknown,
  fileName = 'service tags file',
): ServiceTagNames {
  if (!isServiceTagsFile(file))
    throw new Error(
      `${fileName} is not an Azure service-tags file: expected { "cloud", "values": [{ "name", "properties": { "addressPrefixes" } }] }`,
    )
  const cloud = serviceTagsFileCloud(file)
  if (!cloud)
    throw new Error(
      `${fileName} has cloud ${JSON.stringify(file.cloud ?? null)}; expected one of ${Object.keys(FILE_CLOUDS).join(', ')}`,
    )
  const digits = /_(\d{4})(\d{2})(\d{2})\.json$/.exec(fileName)
  return indexServiceTagNames({
    cloud,
    source: {
      file: fileName.split(/[\\/]/).at(-1) ?? fileName,
      ...(digits ? { date: `${digits[1]}-${digits[2]}-${digits[3]}` } : {}),
      ...(file.changeNumber !== undefined ? { changeNumber: file.changeNumber } : {}),
      bundled: false,
    },
    entries: file.values.map((value) => [value.name, value.properties.region ?? '']),
  })
}
