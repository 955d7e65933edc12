import {
  bundledServiceTagNames,
  type Cloud,
  catalog,
  clouds,
  compareOrdinal,
  conditions,
  describeServiceTagSource,
  diagnosticCodes,
  excerpt,
  findRequirement,
  formatPortRanges,
  hostMatchesPattern,
  isCustomRequirement,
  isValidHostName,
  type Plan,
  type PlanRequirement,
  type PlanRule,
  type Profile,
  type Provenance,
  planRequirement,
  regions,
  serviceTagForHost,
} from '@aml-egress/core'
import {
  type Decision,
  decisions,
  type RequirementDetails,
  requirementDetails,
} from '@aml-egress/core/catalog-details'
import { createPaint, type Paint } from '../color'
import { defineCliCommand } from '../command'
import { portColumn } from '../docRows'
import type { Io } from '../io'
import { describeDocProvenance, describeRequirementSource } from '../ownRequirements'
import { loadProfile } from '../profile'
import { suggest } from '../suggest'

/** A requirement found for a query, with how it relates. */
export type RequirementMatch = {
  requirement: PlanRequirement
  /** How the query relates: the host pattern it matched, or the tag's role. */
  via: string
}

/** What `explain` found: data, printed as text or JSON. */
export type Explanation =
  | {
      kind: 'diagnosticCode'
      code: string
      title: string
      cause: string
      fix: string
    }
  | { kind: 'decision'; decision: Decision; requirements: string[] }
  | {
      kind: 'requirement'
      requirement: PlanRequirement
      /** Other pages listing it and the reference's note. */
      details: RequirementDetails
      condition: string
      decisions: Decision[]
    }
  | {
      kind: 'serviceTag'
      /** As the query named it, in its published spelling where a cloud publishes it. */
      tag: string
      /** The clouds whose bundled service-tag names have it (AzureFrontDoor.FirstParty: public only). */
      publishedIn: Cloud[]
      requirements: RequirementMatch[]
    }
  | {
      kind: 'host'
      host: string
      requirements: RequirementMatch[]
      /** With a profile: the plan rules whose destination matches the host. */
      planRules?: {
        id: string
        protocol: string
        ports: string[]
        requirementIds: readonly string[]
      }[]
    }

const PLACEHOLDER_SHAPES: Record<string, string> = {
  region: '[a-z0-9]+',
  storageAccount: '[a-z0-9]{3,24}',
  containerRegistry: '[a-z0-9]{5,50}',
  workspaceId: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  aksCluster: '[a-z0-9]([-a-z0-9]*[a-z0-9])?',
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The values a profile gives each placeholder (none: any value of the right shape). */
function profileValues(profile: Profile | undefined): Record<string, string[]> {
  if (!profile) return {}
  const workspaces = profile.workspaces
  return {
    region: workspaces.map((w) => w.region),
    storageAccount: workspaces.flatMap((w) => w.storageAccounts),
    containerRegistry: workspaces.flatMap((w) => w.containerRegistries),
    workspaceId: workspaces.map((w) => w.id.toLowerCase()),
    aksCluster: profile.kubernetes.clusterDnsPrefix ? [profile.kubernetes.clusterDnsPrefix] : [],
  }
}

/**
 * Does a catalog host pattern (with `{placeholders}` and a leading `*.`) match a concrete host?
 * Placeholders take the profile's values where it has some, else any value of their shape; the
 * wildcard follows the plan's semantics (one or more labels, never the apex).
 */
export function catalogPatternMatches(input: {
  host: string
  pattern: string
  values?: Record<string, readonly string[]>
}): boolean {
  const { pattern } = input
  if (!pattern.includes('{')) return hostMatchesPattern(input.host, pattern)
  const wildcard = pattern.startsWith('*.')
  const body = (wildcard ? pattern.slice(2) : pattern)
    .split(/(\{[a-zA-Z]+\})/)
    .map((part) => {
      const name = /^\{([a-zA-Z]+)\}$/.exec(part)?.[1]
      if (name === undefined) return escapeRegExp(part.toLowerCase())
      const values = input.values?.[name] ?? []
      return values.length > 0
        ? `(?:${values.map((value) => escapeRegExp(value.toLowerCase())).join('|')})`
        : `(?:${PLACEHOLDER_SHAPES[name] ?? '[a-z0-9-]+'})`
    })
    .join('')
  const regex = new RegExp(`^${wildcard ? '(?:[a-z0-9_-]+\\.)+' : ''}${body}$`)
  return regex.test(input.host.toLowerCase().replace(/\.$/, ''))
}

const knownTags = (): string[] => {
  const tags = new Set<string>()
  for (const requirement of catalog.requirements) {
    if (requirement.destination.kind === 'serviceTag') tags.add(requirement.destination.tag)
    if (requirement.source) tags.add(requirement.source.tag)
  }
  return [...tags].sort()
}

/** A query as a tag: the catalog tag it is a form of, and how to show it. */
type ParsedTag = { tag: string; regional: boolean; shown: string }

/** The published spelling of a tag in the first cloud that has it (`AzureCloud.centralfrance`). */
function publishedSpelling(name: string): string | undefined {
  for (const cloud of clouds) {
    const published = bundledServiceTagNames(cloud).published(name)
    if (published) return published
  }
  return undefined
}

/**
 * `AzureFrontDoor.FirstParty`, `Storage`, `Storage.WestEurope`, `AzureCloud.centralfrance` or
 * `storage.westeurope` → the catalog tag it is a form of. A dotted catalog tag is one tag; a
 * regional form is a published regional tag of any cloud, or the tag with an ARM region name.
 */
function parseTag(query: string): ParsedTag | undefined {
  const known = knownTags()
  const byName = (name: string) => known.find((tag) => tag.toLowerCase() === name.toLowerCase())
  const whole = byName(query)
  if (whole) return { tag: whole, regional: false, shown: publishedSpelling(whole) ?? whole }
  const dot = query.indexOf('.')
  const tag = dot > 0 ? byName(query.slice(0, dot)) : undefined
  if (!tag) return undefined
  const suffix = query.slice(dot + 1).toLowerCase()
  const regional = clouds.some((cloud) =>
    regions.some(
      (region) =>
        region.cloud === cloud &&
        bundledServiceTagNames(cloud).regional(tag, region.name)?.toLowerCase() ===
          query.toLowerCase(),
    ),
  )
  const region = regions.find((r) => r.name === suffix)
  if (regional) return { tag, regional, shown: publishedSpelling(query) ?? query }
  if (!region) return undefined
  const shown = bundledServiceTagNames(region.cloud).regional(tag, region.name)
  return { tag, regional: true, shown: shown ?? query }
}

function explainTag(parsed: ParsedTag): Extract<Explanation, { kind: 'serviceTag' }> {
  const { tag } = parsed
  const region = parsed.regional ? parsed.shown : undefined
  const matches: RequirementMatch[] = []
  for (const requirement of catalog.requirements) {
    const destination = requirement.destination
    if (destination.kind === 'serviceTag' && destination.tag.toLowerCase() === tag.toLowerCase())
      matches.push({
        requirement,
        via: destination.regional
          ? `destination ${tag}.<region>`
          : `destination ${tag}${region ? ' (the docs use the global tag)' : ''}`,
      })
    else if (requirement.source?.tag.toLowerCase() === tag.toLowerCase())
      matches.push({ requirement, via: `inbound from ${tag}` })
    else if (destination.kind === 'fqdn') {
      const equivalent = serviceTagForHost(destination.pattern)
      if (
        equivalent &&
        [equivalent.tag, ...equivalent.alsoCovers].some(
          (t) => t.toLowerCase() === tag.toLowerCase(),
        )
      )
        matches.push({
          requirement,
          via: `host ${requirement.docValue}, documented as covered by ${tag}`,
        })
    }
  }
  return {
    kind: 'serviceTag',
    tag: parsed.shown,
    publishedIn: clouds.filter((cloud) => bundledServiceTagNames(cloud).published(parsed.shown)),
    requirements: sortMatches(matches),
  }
}

function rulesForHost(plan: Plan, host: string): PlanRule[] {
  return plan.rules.filter(
    (rule) => rule.destination.kind === 'fqdn' && hostMatchesPattern(host, rule.destination.fqdn),
  )
}

/**
 * Looks a query up: diagnostic code, decision id, requirement id, service tag (global or
 * regional), or host name. Pure; `undefined` when nothing matches.
 * @example explainQuery({ query: 'pypi.org' })?.kind // 'host'
 */
export function explainQuery(input: {
  query: string
  profile?: Profile | undefined
  plan?: Plan | undefined
}): Explanation | undefined {
  const query = input.query.trim()
  const upper = query.toUpperCase()
  const code = upper.startsWith('AML_EGRESS_') ? upper : `AML_EGRESS_${upper}`
  if (Object.hasOwn(diagnosticCodes, code)) {
    const documentation = diagnosticCodes[code as keyof typeof diagnosticCodes]
    return { kind: 'diagnosticCode', code, ...documentation }
  }
  const decision = decisions.find((d) => d.id === upper)
  if (decision)
    return {
      kind: 'decision',
      decision,
      requirements: [
        ...new Set([
          ...decision.records,
          ...catalog.requirements
            .filter((requirement) => requirement.decisions.includes(decision.id))
            .map((requirement) => requirement.id),
        ]),
      ].sort(),
    }
  const requirement = input.plan
    ? planRequirement(input.plan, query.toLowerCase())
    : findRequirement(query.toLowerCase())
  if (requirement)
    return {
      kind: 'requirement',
      requirement,
      details: requirementDetails(requirement.id),
      condition: isCustomRequirement(requirement)
        ? requirement.provenance.origin === 'environmentFile'
          ? 'features.pythonPackages.from names it'
          : "the profile lists it (within the entry's compute and workloads)"
        : conditions[requirement.applicability.condition].title,
      decisions: decisions.filter((d) => requirement.decisions.includes(d.id)),
    }
  const own = ownTagMatches(input.plan, query)
  const tag = parseTag(query)
  if (tag) {
    const explanation = explainTag(tag)
    return { ...explanation, requirements: [...explanation.requirements, ...own] }
  }
  if (own.length > 0)
    return {
      kind: 'serviceTag',
      tag: query,
      publishedIn: clouds.filter((cloud) => bundledServiceTagNames(cloud).published(query)),
      requirements: own,
    }
  const host = query.toLowerCase().replace(/\.$/, '')
  if (host.includes('.') && isValidHostName(host)) {
    const values = profileValues(input.profile)
    const matches = [
      ...catalog.requirements.flatMap((r): RequirementMatch[] =>
        r.destination.kind === 'fqdn' &&
        catalogPatternMatches({ host, pattern: r.destination.pattern, values })
          ? [{ requirement: r, via: r.docValue }]
          : [],
      ),
      ...ownHostMatches(input.plan, host),
    ]
    const explanation: Explanation = { kind: 'host', host, requirements: sortMatches(matches) }
    if (input.plan)
      explanation.planRules = rulesForHost(input.plan, host).map((rule) => ({
        id: rule.id,
        protocol: rule.protocol,
        ports: formatPortRanges(rule.ports),
        requirementIds: rule.requirementIds,
      }))
    return matches.length > 0 || (explanation.planRules?.length ?? 0) > 0 ? explanation : undefined
  }
  return undefined
}

/** The plan's requirements of your own that name the tag, as destination or inbound source. */
function ownTagMatches(plan: Plan | undefined, query: string): RequirementMatch[] {
  const wanted = query.toLowerCase()
  return (plan?.customRequirements ?? []).flatMap((requirement): RequirementMatch[] => {
    const { destination, source } = requirement
    if (
      destination.kind === 'serviceTag' &&
      destination.tag.toLowerCase() === wanted &&
      requirement.direction === 'outbound'
    )
      return [
        { requirement: requirement as PlanRequirement, via: `destination ${destination.tag}` },
      ]
    if (source?.kind === 'serviceTag' && source.tag.toLowerCase() === wanted)
      return [{ requirement: requirement as PlanRequirement, via: `inbound from ${source.tag}` }]
    return []
  })
}

/** The plan's requirements of your own whose host or wildcard matches the host. */
function ownHostMatches(plan: Plan | undefined, host: string): RequirementMatch[] {
  return (plan?.customRequirements ?? []).flatMap((requirement): RequirementMatch[] =>
    requirement.destination.kind === 'fqdn' &&
    hostMatchesPattern(host, requirement.destination.pattern)
      ? [{ requirement: requirement as PlanRequirement, via: requirement.docValue }]
      : [],
  )
}

const STATUS_ORDER = { current: 0, conflicting: 1, historical: 2 } as const

function sortMatches(matches: RequirementMatch[]): RequirementMatch[] {
  return [...matches].sort(
    (a, b) =>
      STATUS_ORDER[a.requirement.status] - STATUS_ORDER[b.requirement.status] ||
      compareOrdinal(a.requirement.id, b.requirement.id),
  )
}

/** Everything `explain` knows by name, for did-you-mean. */
function explainCandidates(): string[] {
  return [
    ...Object.keys(diagnosticCodes),
    ...decisions.map((d) => d.id),
    ...catalog.requirements.map((r) => r.id),
    ...knownTags(),
    ...catalog.requirements.flatMap((r) =>
      r.destination.kind === 'fqdn' && !r.destination.pattern.includes('{')
        ? [r.destination.pattern.replace(/^\*\./, '')]
        : [],
    ),
  ]
}

/** `MicrosoftDocs/azure-ai-docs …/how-to-access-azureml-behind-firewall.md@00bb554 (2026-03-19) § Basic configuration`. */
export function describeProvenance(provenance: Provenance): string {
  return describeDocProvenance(provenance)
}

/** The doc page of a catalog record on GitHub; the `link` of a requirement of your own. */
function requirementUrl(requirement: PlanRequirement): string {
  if (isCustomRequirement(requirement)) return requirement.link ?? ''
  const provenance = requirement.provenance
  return `https://github.com/${provenance.repo}/blob/${provenance.commit ?? 'main'}/${provenance.path}`
}

function sourceText(requirement: PlanRequirement): string {
  const source = requirement.source
  if (!source) return ''
  return ` from ${source.kind === 'serviceTag' ? source.tag : source.addresses.join(', ')}`
}

function requirementLine(requirement: PlanRequirement): string {
  const status = requirement.status === 'current' ? '' : ` [${requirement.status}]`
  return `${requirement.id}${status}  ${requirement.docValue}  ${portColumn(requirement)}  (${requirement.scenario}): ${requirement.summary}`
}

type Field = (name: string, value: string) => string

function requirementText(
  explanation: Extract<Explanation, { kind: 'requirement' }>,
  paint: Paint,
  field: Field,
): string {
  const r = explanation.requirement
  const a = r.applicability
  const workloads = [a.training ? 'training' : '', a.inference ? 'inference' : '']
    .filter(Boolean)
    .join(', ')
  return [
    `${paint.bold(r.id)} (${r.status}, ${r.level}): ${r.summary}`,
    field('scenario', r.scenario),
    field('direction', r.direction + sourceText(r)),
    field('destination', `${r.docValue} (${r.destination.kind})`),
    field(
      'port',
      `${portColumn(r)}${r.portsStated ? '' : ' (not stated in the docs; see decisions)'}`,
    ),
    field(
      'applies to',
      `${a.computeKinds.join(', ')}; ${workloads || 'no workload'}; clouds ${a.clouds.join(', ')}`,
    ),
    field('when', explanation.condition),
    field('source', describeRequirementSource(r)),
    ...(requirementUrl(r) ? [field('', requirementUrl(r))] : []),
    ...explanation.details.alsoListedIn.map((p, i) =>
      field(i === 0 ? 'also listed' : '', describeProvenance(p)),
    ),
    ...explanation.decisions.map((d, i) =>
      field(i === 0 ? 'decisions' : '', `${d.id}: ${d.decision}`),
    ),
    ...r.risks.map((risk, i) => field(i === 0 ? 'risks' : '', risk.message)),
    ...(explanation.details.note ? [field('note', explanation.details.note)] : []),
  ].join('\n')
}

function hostText(explanation: Extract<Explanation, { kind: 'host' }>, paint: Paint): string {
  const lines = [
    `${paint.bold(explanation.host)}: matches ${explanation.requirements.length} catalog requirements`,
  ]
  for (const match of explanation.requirements) {
    const r = match.requirement
    lines.push(`  ${requirementLine(r)}`)
    lines.push(`      ${paint.dim('source')} ${describeRequirementSource(r)}`)
    for (const id of r.decisions) {
      const decision = decisions.find((d) => d.id === id)
      if (decision) lines.push(`      ${paint.dim(id)} ${decision.decision}`)
    }
  }
  if (explanation.planRules) {
    lines.push(
      explanation.planRules.length === 0
        ? `  ${paint.yellow('not in your plan')}: no rule of the profile allows this host`
        : `  in your plan: ${explanation.planRules.map((rule) => `${rule.id} (${rule.protocol} ${rule.ports.join(',')})`).join('; ')}`,
    )
  }
  return lines.join('\n')
}

function renderExplanation(explanation: Explanation, io: Io): string {
  const paint = createPaint(io)
  const field: Field = (name, value) => `  ${paint.dim(name.padEnd(12))} ${value}`
  switch (explanation.kind) {
    case 'diagnosticCode':
      return [
        `${paint.bold(explanation.code)}: ${explanation.title}`,
        field('cause', explanation.cause),
        field('fix', explanation.fix),
      ].join('\n')
    case 'decision':
      return [
        `${paint.bold(explanation.decision.id)}: ${explanation.decision.question}`,
        field('decision', explanation.decision.decision),
        field('why', explanation.decision.rationale),
        field('records', explanation.requirements.join(', ') || '(none in the catalog)'),
      ].join('\n')
    case 'requirement':
      return requirementText(explanation, paint, field)
    case 'serviceTag':
      return [
        `${paint.bold(explanation.tag)}: service tag used by ${explanation.requirements.length} catalog requirements`,
        field(
          'published in',
          explanation.publishedIn
            .map(
              (cloud) =>
                `${cloud} (${describeServiceTagSource(bundledServiceTagNames(cloud).source)})`,
            )
            .join('; ') || 'no cloud: a rendering never names it',
        ),
        ...explanation.requirements.map(
          (m) =>
            `  ${requirementLine(m.requirement)}\n      ${paint.dim(m.via)} — ${describeRequirementSource(m.requirement)}`,
        ),
      ].join('\n')
    case 'host':
      return hostText(explanation, paint)
  }
}

/** Options of `aml-egress explain`. */
export type ExplainCommandOptions = {
  query: string
  profile?: string | undefined
  json?: boolean | undefined
}

/** `aml-egress explain`: exit 0 when found, 1 (with a did-you-mean) when not. */
export async function runExplain(
  options: ExplainCommandOptions,
  context: { io: Io },
): Promise<number> {
  const { io } = context
  const loaded = options.profile ? await loadProfile({ path: options.profile, io }) : undefined
  const explanation = explainQuery({
    query: options.query,
    profile: loaded?.profile,
    plan: loaded?.plan,
  })
  if (!explanation) {
    const suggestion = suggest(options.query, explainCandidates())
    if (options.json)
      io.stdout(
        `${JSON.stringify({ kind: 'unknown', query: options.query, suggestion: suggestion ?? null }, null, 2)}\n`,
      )
    io.stderr(
      `nothing in the catalog matches '${excerpt(options.query)}'${suggestion ? `; did you mean '${suggestion}'?` : ''}\n  explain takes a host name, a service tag, a requirement id (basic-out-06), a decision (D05) or a diagnostic code\n`,
    )
    return 1
  }
  io.stdout(
    options.json
      ? `${JSON.stringify({ query: options.query, ...explanation }, null, 2)}\n`
      : `${renderExplanation(explanation, io)}\n`,
  )
  return 0
}

export const explainCommand = defineCliCommand({
  meta: {
    name: 'explain',
    description:
      'Explain a host, service tag, requirement id, decision or diagnostic code, with its doc source',
  },
  args: {
    query: {
      type: 'positional',
      description: 'pypi.org, Storage.WestEurope, basic-out-06, D05 or AML_EGRESS_OVER_BROAD_RULE',
      required: true,
    },
    profile: {
      type: 'string',
      alias: 'p',
      description: 'Fill placeholders from this profile and show the plan rules that match',
      valueHint: 'file',
    },
    json: { type: 'boolean', description: 'Machine-readable output' },
  },
  examples: [
    'aml-egress explain pypi.org',
    'aml-egress explain mystorage.blob.core.windows.net --profile aml-egress.yaml',
    'aml-egress explain Storage.WestEurope',
    'aml-egress explain basic-out-06',
    'aml-egress explain AML_EGRESS_OVER_BROAD_RULE',
  ],
  run: ({ args, io }) =>
    runExplain({ query: args.query, profile: args.profile, json: args.json === true }, { io }),
})
