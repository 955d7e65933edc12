import * as z from 'zod'
import { findRequirement } from './catalog/catalog'
import { isIpv4Cidr } from './cidr'
import { type Cloud, clouds, regions } from './clouds'
import { isValidHostName } from './fqdn'
import type { PortRange } from './ports'
import { bundledServiceTagNames } from './serviceTags/snapshot'

/** An `extraRequirements` id: what plan rules, `explain` and every rendered comment name. */
const REQUIREMENT_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
/** `Storage`, `AzureFrontDoor.FirstParty`, `Storage.WestEurope`: letters and digits, dot-separated. */
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*){0,2}$/
/** Tags that stand for every destination: a firewall rule to them allows everything. */
const UNBOUNDED_TAGS: ReadonlySet<string> = new Set(['internet', 'azurecloud', '*'])
const PORT_RANGE = /^(\d{1,5})-(\d{1,5})$/

/** True when the text has a C0 control character or DEL (a line break, an escape sequence). */
export function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

/**
 * A tag of a family the bundled names hold that this cloud does not publish: the published
 * spelling to use instead, or undefined when the tag is fine or its family is not bundled (the
 * bundled names cover the families Azure Machine Learning uses; others are checked for syntax).
 */
function unpublishedTag(cloud: Cloud, name: string): { suggestion?: string } | undefined {
  const names = bundledServiceTagNames(cloud)
  if (names.published(name)) return undefined
  if (clouds.some((other) => bundledServiceTagNames(other).published(name))) return {}
  const [family = name, region] = name.split('.')
  const cloudRegions = regions.filter((r) => r.cloud === cloud)
  // Only families the bundled names hold per region can be judged.
  if (!cloudRegions.some((r) => names.regional(family, r.name))) return undefined
  if (region === undefined) return {}
  const arm = cloudRegions.find((r) => r.name === region.toLowerCase())
  const suggestion = arm ? names.regional(family, arm.name) : undefined
  return suggestion ? { suggestion } : {}
}

/**
 * Is `name` a service tag a rule may name in this cloud? Letters and digits, up to three
 * dot-separated parts, none of the tags that mean "everything", and for the families the bundled
 * published names hold, a name this cloud publishes. Returns the problem, or undefined.
 * @example validateServiceTagName('public', 'Storage.WestEurope') // undefined
 */
export function validateServiceTagName(cloud: Cloud, name: string): string | undefined {
  if (!SERVICE_TAG.test(name))
    return `'${name}' is not a service tag name (letters and digits, e.g. tag:AzureMonitor or tag:Storage.WestEurope)`
  if (UNBOUNDED_TAGS.has(name.split('.')[0]?.toLowerCase() ?? ''))
    return `tag:${name} stands for every address of the Internet or of Azure; name the service's own tag`
  const unpublished = unpublishedTag(cloud, name)
  if (unpublished)
    return `tag:${name} is not a service tag the ${cloud} cloud publishes${unpublished.suggestion ? `; did you mean tag:${unpublished.suggestion}?` : ''}`
  return undefined
}

/** A destination of an `extraRequirements` entry, parsed. */
export type ExtraDestination =
  | { kind: 'fqdn'; pattern: string }
  | { kind: 'serviceTag'; tag: string }
  | { kind: 'addresses'; cidr: string }

/**
 * `tag:Name`, an IPv4 address or CIDR, `*.suffix` or a host. Hosts are lower-cased; nothing else
 * is checked here (`destinationProblem` does that).
 */
export function parseExtraDestination(text: string): ExtraDestination {
  if (text.startsWith('tag:')) return { kind: 'serviceTag', tag: text.slice(4) }
  if (/^[\d./]+$/.test(text)) return { kind: 'addresses', cidr: text }
  return { kind: 'fqdn', pattern: text.toLowerCase() }
}

function hostProblem(host: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host))
    return `a host name, not a URL: write '${host.replace(/^[a-z][a-z0-9+.-]*:\/\/([^/:]*).*$/i, '$1')}' and put the port in ports`
  if (host.includes(':')) return 'a host name without a port: put the port in ports'
  const name = host.startsWith('*.') ? host.slice(2) : host
  if (name.includes('*'))
    return "a wildcard is '*.' followed by a domain, e.g. *.contoso.com (no other '*')"
  if (!isValidHostName(name.toLowerCase()))
    return 'must be a host name (letters, digits and inner hyphens in dot-separated labels), e.g. artifacts.contoso.com'
  if (!name.includes('.'))
    return host.startsWith('*.')
      ? `*.${name} would allow every host of a top-level domain; name your domain, e.g. *.contoso.com`
      : 'must be a fully qualified host name with a domain, e.g. artifacts.contoso.com'
  return undefined
}

/** What is wrong with a destination's syntax (service tags are checked with the cloud later). */
function destinationProblem(text: string): string | undefined {
  const destination = parseExtraDestination(text)
  switch (destination.kind) {
    case 'serviceTag':
      return destination.tag.length === 0
        ? "name the tag after 'tag:', e.g. tag:AzureMonitor"
        : undefined
    case 'addresses':
      if (!isIpv4Cidr(destination.cidr)) return 'must be an IPv4 address or CIDR, e.g. 10.20.0.0/16'
      return destination.cidr.endsWith('/0') ? '/0 is every address; name your network' : undefined
    case 'fqdn':
      return hostProblem(text)
  }
}

/** A port (`443`) or an inclusive range (`'8000-8100'`), as elsewhere in the profile. */
const PortSchema = z
  .union([z.number(), z.string()], {
    error: "ports are numbers or 'from-to' ranges, e.g. 443 or '8000-8100'",
  })
  .superRefine((value, context) => {
    const range = toPortRange(value)
    if (!range)
      context.addIssue({
        code: 'custom',
        message: "ports are 1–65535, and a range is 'from-to' with from ≤ to, e.g. '8000-8100'",
      })
  })
  .transform((value) => toPortRange(value) as PortRange)

function toPortRange(value: number | string): PortRange | undefined {
  const valid = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535
  if (typeof value === 'number') return valid(value) ? { from: value, to: value } : undefined
  const match = PORT_RANGE.exec(value)
  const from = Number(match ? match[1] : /^\d{1,5}$/.test(value) ? value : Number.NaN)
  const to = Number(match ? match[2] : from)
  return valid(from) && valid(to) && from <= to ? { from, to } : undefined
}

const EndpointTextSchema = z.string().superRefine((text, context) => {
  const problem = destinationProblem(text)
  if (problem) context.addIssue({ code: 'custom', message: problem })
})

/**
 * One requirement of your own, as the profile writes it (`compute` and `workloads` are added by
 * the profile schema, which owns those enums). Direction `inbound` names the far end as `source`.
 */
export const ExtraRequirementBaseSchema = z.strictObject({
  /** Unique, lowercase letters, digits and `-`; not a catalog id. */
  id: z
    .string()
    .regex(
      REQUIREMENT_ID,
      'ids are 1–63 lowercase letters, digits and inner hyphens, e.g. contoso-artifactory',
    ),
  /** What it is for, one line: shown by `list`, `explain` and `check`. */
  description: z
    .string()
    .min(1, 'describe what the endpoint is for')
    .max(200, 'at most 200 characters')
    .refine((text) => !hasControlCharacters(text), 'one line of text, without control characters'),
  /** A host, a `*.` wildcard, an IPv4 address or CIDR, or a service tag as `tag:Name`. */
  destination: EndpointTextSchema.optional(),
  /** For `direction: inbound`: who connects, a service tag (`tag:Name`) or an IPv4 CIDR. */
  source: EndpointTextSchema.optional(),
  protocol: z.enum(['TCP', 'UDP', 'ANY']).default('TCP'),
  ports: z.array(PortSchema).min(1, "list the ports, e.g. [443] or ['8000-8100']"),
  direction: z.enum(['outbound', 'inbound']).default('outbound'),
  /** Workspace ids (of this profile) the endpoint serves; recorded on its plan rules. */
  workspaces: z.array(z.string()).min(1).optional(),
  /** A page about the endpoint (your wiki, the vendor's docs). */
  link: z
    .string()
    .max(2000)
    .regex(/^https?:\/\/\S+$/, 'an http(s) URL, e.g. https://wiki.contoso.com/mirror')
    .refine((link) => !hasControlCharacters(link), 'an http(s) URL without control characters')
    .optional(),
})

/** The fields of an entry the profile-level checks read. */
type CheckedEntry = {
  id: string
  destination?: string | undefined
  source?: string | undefined
  direction: 'outbound' | 'inbound'
  workspaces?: readonly string[] | undefined
}

type AddIssue = (issue: { path: (string | number)[]; message: string }) => void

function endpointIssues(entry: CheckedEntry, cloud: Cloud): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = []
  const inbound = entry.direction === 'inbound'
  const [wanted, unwanted] = inbound ? ['source', 'destination'] : ['destination', 'source']
  if (entry[wanted as 'source' | 'destination'] === undefined)
    issues.push({
      field: wanted,
      message: inbound
        ? 'an inbound requirement names who connects: source (tag:Name or an IPv4 CIDR)'
        : 'required: a host, *.domain, IPv4 CIDR or tag:Name',
    })
  if (entry[unwanted as 'source' | 'destination'] !== undefined)
    issues.push({
      field: unwanted,
      message: inbound
        ? 'an inbound requirement reaches the compute subnets: drop destination and name the peer in source'
        : 'source is for direction: inbound (outbound traffic comes from sourceAddresses)',
    })
  for (const field of ['destination', 'source'] as const) {
    const text = entry[field]
    if (text === undefined) continue
    const parsed = parseExtraDestination(text)
    if (parsed.kind === 'serviceTag') {
      const problem = validateServiceTagName(cloud, parsed.tag)
      if (problem) issues.push({ field, message: problem })
    } else if (field === 'source' && parsed.kind === 'fqdn')
      issues.push({
        field,
        message: 'inbound rules match addresses, not host names: use tag:Name or an IPv4 CIDR',
      })
  }
  return issues
}

/**
 * The checks that need the rest of the profile: unique ids that are no catalog id, service tags
 * of the profile's cloud, the right end named for the direction, workspaces of this profile.
 */
export function checkExtraRequirements(
  input: {
    entries: readonly CheckedEntry[]
    cloud: Cloud
    /** Read only when an entry names workspaces. */
    workspaceIds: Iterable<string>
    /** Ids already taken (the profile's own entries, when checking entries passed in code). */
    takenIds?: ReadonlyMap<string, string>
    field?: string
  },
  addIssue: AddIssue,
): void {
  const field = input.field ?? 'extraRequirements'
  const seen = new Map(input.takenIds ?? [])
  let workspaces: ReadonlySet<string> | undefined
  const isWorkspace = (id: string) => {
    workspaces ??= new Set(Array.from(input.workspaceIds, (known) => known.toLowerCase()))
    return workspaces.has(id.toLowerCase())
  }
  input.entries.forEach((entry, index) => {
    const at = (...path: (string | number)[]) => [field, index, ...path]
    const first = seen.get(entry.id)
    if (first !== undefined)
      addIssue({ path: at('id'), message: `duplicate requirement id (also ${first}.id)` })
    else if (findRequirement(entry.id))
      addIssue({
        path: at('id'),
        message: `'${entry.id}' is a catalog requirement id; choose an id of your own, e.g. contoso-${entry.id}`,
      })
    else seen.set(entry.id, `${field}[${index}]`)
    for (const issue of endpointIssues(entry, input.cloud))
      addIssue({ path: at(issue.field), message: issue.message })
    entry.workspaces?.forEach((id, position) => {
      if (!isWorkspace(id))
        addIssue({
          path: at('workspaces', position),
          message: `no workspace of this profile has id '${id}' (use an id from workspaces[].id)`,
        })
    })
  })
}
