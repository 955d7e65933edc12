import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Cloud, ProfileInput, RenderedFile } from '@aml-egress/core'
import type { Scenario } from './scenario'

const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/service-tags/${name}`, import.meta.url))

type NamesDocument = {
  clouds: Record<Cloud, { file: string; changeNumber: number; tags: [string, string, string][] }>
}

let namesDocument: NamesDocument | undefined

/** The published-names fixture (`fixtures/service-tags/service-tag-names.json`), read once. */
export function publishedNamesDocument(): NamesDocument {
  namesDocument ??= JSON.parse(readFileSync(fixture('service-tag-names.json'), 'utf8'))
  return namesDocument as NamesDocument
}

/**
 * Every tag name a cloud publishes, as written in its file, plus the default tags NSGs and Azure
 * Firewall define in every cloud without listing them in the files.
 */
export function publishedServiceTags(cloud: Cloud): ReadonlySet<string> {
  const names = publishedNamesDocument().clouds[cloud].tags.map(([name]) => name)
  return new Set([...names, 'VirtualNetwork', 'AzureLoadBalancer', 'Internet'])
}

/** A whole published file of the fixtures (`ServiceTags_AzureGovernment_20260720.json`). */
export function publishedServiceTagsFile(name: string): unknown {
  return JSON.parse(readFileSync(fixture(name), 'utf8'))
}

/**
 * The regions the tag checks render every scenario in: short-form `AzureCloud` regions, a region
 * the US Government and China files spell in their own way, one of each sovereign cloud.
 */
export const tagCheckRegions: readonly { cloud: Cloud; region: string }[] = [
  { cloud: 'public', region: 'francecentral' },
  { cloud: 'public', region: 'germanywestcentral' },
  { cloud: 'public', region: 'norwayeast' },
  { cloud: 'public', region: 'switzerlandnorth' },
  { cloud: 'public', region: 'brazilsouth' },
  { cloud: 'public', region: 'westeurope' },
  { cloud: 'usgov', region: 'usgovarizona' },
  { cloud: 'usgov', region: 'usgovvirginia' },
  { cloud: 'china', region: 'chinanorth3' },
  { cloud: 'china', region: 'chinaeast2' },
]

/** A scenario's profile moved to one cloud and region, in one destination style. */
export function profileVariant(
  scenario: Scenario,
  variant: { cloud: Cloud; region: string; destinationStyle: 'hosts' | 'serviceTags' },
): ProfileInput {
  const { profile } = scenario
  return {
    ...profile,
    cloud: variant.cloud,
    destinationStyle: variant.destinationStyle,
    // The legacy tunnel names `AzureCloud.<region>`, the family with the short region forms.
    kubernetes: { ...profile.kubernetes, legacyNodeEgress: true },
    workspaces: profile.workspaces.map((workspace) => ({ ...workspace, region: variant.region })),
  }
}

/** The families of a cloud's tags (`AzureCloud`, `Storage`, …), longest first for the pattern. */
function familyPattern(cloud: Cloud): RegExp {
  const families = [...new Set([...publishedServiceTags(cloud)].map((name) => name.split('.')[0]))]
  families.sort((a, b) => (b?.length ?? 0) - (a?.length ?? 0))
  return new RegExp(`(?<![\\w.-])(?:${families.join('|')})(?:\\.[A-Za-z0-9{}]+)*(?![\\w{}])`, 'g')
}

/**
 * Every word of the rendered files that names a tag of a family the cloud publishes
 * (`AzureCloud.germanywc`, `AzureFrontDoor.FirstParty`) and is not one of its published names.
 */
export function unpublishedTagsIn(files: readonly RenderedFile[], cloud: Cloud): string[] {
  const published = publishedServiceTags(cloud)
  const found = new Set<string>()
  for (const file of files)
    for (const match of file.contents.matchAll(familyPattern(cloud)))
      if (!published.has(match[0])) found.add(`${match[0]} in ${file.path}`)
  return [...found].sort()
}
