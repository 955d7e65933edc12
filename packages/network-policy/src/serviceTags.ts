import { canonicalCidr, compareCidrs, isIpv4Cidr, type ServiceTagsFile } from '@aml-egress/core'

/** The one reader of Azure's service-tags file shape is core's (the resolver reads it too). */
export { isServiceTagsFile } from '@aml-egress/core'

/** One tag's prefixes: IPv4 (canonical, sorted, deduplicated) and how many IPv6 were left out. */
export type TagPrefixes = { ipv4: string[]; ipv6Omitted: number }

/**
 * Looks a tag up (case-insensitive, as Azure treats tag names).
 * @example lookupServiceTag({ file, tag: 'Storage.WestEurope' }) // { ipv4: ['20.38.108.0/24', …], ipv6Omitted: 2 }
 */
export function lookupServiceTag({
  file,
  tag,
}: {
  file: ServiceTagsFile
  tag: string
}): TagPrefixes | undefined {
  const entry = file.values.find((value) => value.name.toLowerCase() === tag.toLowerCase())
  if (!entry) return undefined
  const ipv4 = entry.properties.addressPrefixes.filter(
    (prefix) => prefix.includes('/') && isIpv4Cidr(prefix),
  )
  return {
    ipv4: [...new Set(ipv4.map(canonicalCidr))].sort(compareCidrs),
    ipv6Omitted: entry.properties.addressPrefixes.filter((prefix) => prefix.includes(':')).length,
  }
}

/** Service tag name (lower case) → IPv4 prefixes, for the evaluator. */
export function indexServiceTags(file: ServiceTagsFile): Record<string, string[]> {
  const index: Record<string, string[]> = {}
  for (const value of file.values) {
    const prefixes = lookupServiceTag({ file, tag: value.name })
    if (prefixes) index[value.name.toLowerCase()] = prefixes.ipv4
  }
  return index
}
