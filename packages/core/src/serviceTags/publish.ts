import type { PlanRequirement as Requirement } from '../catalog/schema'
import { createDiagnostic, type Diagnostic } from '../diagnostics'
import type { RuleEndpoint } from '../plan'
import type { ServiceTagNames, ServiceTagSource } from './snapshot'

/**
 * D25: a tag the docs name that a cloud does not publish, and the documented hosts that stand for
 * it there. The exfiltration page allows "MicrosoftContainerRegistry and AzureFrontDoor.FirstParty,
 * or the FQDNs"; the US Government and China files have no `AzureFrontDoor.FirstParty`.
 */
const SUBSTITUTE_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'azurefrontdoor.firstparty': ['mcr.microsoft.com', '*.data.mcr.microsoft.com'],
}

/** Can a plan name this tag in this cloud: published, or replaced by its documented hosts? */
export function canNameTag(names: ServiceTagNames, tag: string): boolean {
  return names.published(tag) !== undefined || tag.toLowerCase() in SUBSTITUTE_HOSTS
}

/**
 * A regional tag the cloud does not publish for the region: a name no file can hold (braces), so
 * that host and tag drafts still pair up in `chooseForm`, and `publishServiceTags` reports it.
 */
export function unpublishedRegionalTag(family: string, region: string): string {
  return `${family}.{${region}}`
}

/** `ServiceTags_Public_20250728.json (2025-07-28, change 364)`. */
export function describeServiceTagSource(source: ServiceTagSource): string {
  const facts = [
    source.date,
    source.changeNumber === undefined ? undefined : `change ${source.changeNumber}`,
  ].filter((fact) => fact !== undefined)
  return `${source.file}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`
}

/** What a draft must have for the tag pass: its ends, fallbacks and requirement. */
type TagDraft = {
  requirement: Requirement
  source: RuleEndpoint
  destination: RuleEndpoint
  serviceTagFallbacks: string[]
}

function unpublished(tag: string, names: ServiceTagNames, requirement: Requirement): Diagnostic {
  const regional = /^([^.]+)\.\{(.+)\}$/.exec(tag)
  const what = regional
    ? `${regional[1]} has no regional tag for ${regional[2]}`
    : `there is no service tag ${tag}`
  return createDiagnostic({
    code: 'AML_EGRESS_UNPUBLISHED_SERVICE_TAG',
    message: `${requirement.id} (${requirement.docValue}) left out: in the ${names.cloud} cloud ${what} (names of ${describeServiceTagSource(names.source)}).`,
    requirementIds: [requirement.id],
  })
}

/**
 * Every tag the drafts name, looked up in the cloud's published names: spelled as published
 * (`AzureFrontDoor.Frontend`), replaced by its documented hosts (D25), or left out with an error
 * diagnostic. Fallback tags a cloud lacks are dropped from host drafts. Never a made-up name.
 */
export function publishServiceTags<D extends TagDraft>(input: {
  drafts: readonly D[]
  names: ServiceTagNames
  /** The draft with its tag end replaced by a host (same requirement, protocol and ports). */
  withHost(draft: D, fqdn: string): D
  diagnostics: Diagnostic[]
}): D[] {
  const { names } = input
  // Fallback lists are shared per requirement and region: look each list up once.
  const fallbackLists = new Map<readonly string[], string[]>()
  const publishedList = (tags: string[]): string[] => {
    let list = fallbackLists.get(tags)
    if (!list) {
      const found = tags.map((tag) => names.published(tag))
      const exact = found.every((name, index) => name === tags[index])
      list = exact ? tags : found.filter((name) => name !== undefined)
      fallbackLists.set(tags, list)
    }
    return list
  }
  const kept: D[] = []
  for (const draft of input.drafts) {
    if (draft.serviceTagFallbacks.length > 0)
      draft.serviceTagFallbacks = publishedList(draft.serviceTagFallbacks)
    const end = draft.destination.kind === 'serviceTag' ? 'destination' : 'source'
    const endpoint = draft[end]
    if (endpoint.kind !== 'serviceTag') {
      kept.push(draft)
      continue
    }
    const published = names.published(endpoint.tag)
    if (published !== undefined) {
      if (published !== endpoint.tag) draft[end] = { kind: 'serviceTag', tag: published }
      kept.push(draft)
      continue
    }
    const hosts = SUBSTITUTE_HOSTS[endpoint.tag.toLowerCase()]
    if (hosts && end === 'destination') {
      for (const host of hosts) kept.push(input.withHost(draft, host))
      input.diagnostics.push(
        createDiagnostic({
          code: 'AML_EGRESS_SERVICE_TAG_SUBSTITUTED',
          message: `${endpoint.tag} is not a service tag of the ${names.cloud} cloud (${describeServiceTagSource(names.source)}): its documented hosts ${hosts.join(', ')} stand for it (D25).`,
          requirementIds: [draft.requirement.id],
        }),
      )
    } else input.diagnostics.push(unpublished(endpoint.tag, names, draft.requirement))
  }
  return kept
}
