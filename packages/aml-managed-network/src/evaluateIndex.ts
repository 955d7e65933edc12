/**
 * A managed network config prepared for evaluating many flows. A fleet's rule set is shared by
 * thousands of workspaces and `managed-by-aml.json` lists rules for each of them: asking every
 * workspace about every flow is O(workspaces × flows). The index lists the workspaces in the
 * evaluator's order, grouped by rule set, and files every rule under the host names, `*.`
 * suffixes and service tags it can match, so a flow looks up only the rules that may match it.
 */
import { canonicalHost, type Flow, type Verdict } from '@aml-egress/core'
import {
  type AmlLookup,
  memberVerdict,
  modeOf,
  privateEndpointHosts,
  setName,
} from './memberVerdict'
import type { AmlManagedList, IsolationMode, ManagedNetworkConfig, OutboundRule } from './model'
import { parsePortRanges } from './portRanges'

/** Workspaces that share a rule set (or `managed-by-aml.json` alone), in evaluation order. */
export type MemberGroup = {
  /** Index into `config.workspaces`; absent for the workspaces only `managed-by-aml.json` names. */
  readonly set?: number
  readonly ids: readonly string[]
  /** The position of its first workspace in the evaluation order. */
  readonly start: number
  readonly mode: IsolationMode | undefined
}

/**
 * Rules filed by what they can match, as positions in one ordered list. A rule a flow's look-up
 * leaves out cannot match that flow.
 */
export type RuleSlots = {
  readonly exact: ReadonlyMap<string, readonly number[]>
  /** `*.suffix` patterns by `suffix`. */
  readonly suffix: ReadonlyMap<string, readonly number[]>
  /** Service tags, lower case: a rule's tag covers the flow's tag or its regional tags. */
  readonly tag: ReadonlyMap<string, readonly number[]>
  /** Rules with address prefixes: asked about flows to an address. */
  readonly address: readonly number[]
  /** Rules asked about every flow (port ranges that cannot be read match any destination). */
  readonly always: readonly number[]
}

/** Where a rule of a rule set is: its group and its position in the set's rules. */
export type SetRuleRef = { readonly group: number; readonly rule: number }

/** The verdict a workspace that no rule matches gets, by whether Azure ML's own rules allow it. */
type PlainVerdicts = Readonly<
  Record<'withAml' | 'withoutAml', Record<Verdict['verdict'], number[]>>
>

/** The config prepared for evaluation; built once by the reader. Treat the config as read-only. */
export type ManagedNetworkEvaluationIndex = {
  /** What it was built from: a config whose lists were replaced is indexed again. */
  readonly workspaces: ManagedNetworkConfig['workspaces']
  readonly amlManaged: AmlManagedList | undefined
  readonly groups: readonly MemberGroup[]
  /** The group of each position of the evaluation order. */
  readonly groupAt: readonly number[]
  readonly positions: ReadonlyMap<string, readonly number[]>
  /** Groups, in order, whose workspaces get that verdict when no rule of theirs matches. */
  readonly plainVerdicts: PlainVerdicts
  readonly setRules: readonly SetRuleRef[]
  readonly setRuleSlots: RuleSlots
  readonly amlRuleSlots: RuleSlots
}

type SlotsBuilder = {
  exact: Map<string, number[]>
  suffix: Map<string, number[]>
  tag: Map<string, number[]>
  address: number[]
  always: number[]
}

function emptySlots(): SlotsBuilder {
  return { exact: new Map(), suffix: new Map(), tag: new Map(), address: [], always: [] }
}

function addTo(map: Map<string, number[]>, key: string, slot: number): void {
  const slots = map.get(key)
  if (slots) slots.push(slot)
  else map.set(key, [slot])
}

/** Files a host pattern as `hostMatchesPattern` reads it: `*.suffix` by suffix, else exact. */
function addHostPattern(slots: SlotsBuilder, pattern: string, slot: number): void {
  const wanted = canonicalHost(pattern)
  if (wanted.startsWith('*.')) addTo(slots.suffix, wanted.slice(2), slot)
  else addTo(slots.exact, wanted, slot)
}

function addSetRule(slots: SlotsBuilder, rule: OutboundRule, slot: number): void {
  if (rule.type === 'FQDN') addHostPattern(slots, rule.destination, slot)
  else if (rule.type === 'PrivateEndpoint')
    for (const host of privateEndpointHosts(rule)) addHostPattern(slots, host, slot)
  // Unreadable port ranges make the rule `unreadable` for any destination.
  else if (!parsePortRanges(rule.portRanges)) slots.always.push(slot)
  else if (rule.addressPrefixes?.length) slots.address.push(slot)
  else addTo(slots.tag, rule.serviceTag.toLowerCase(), slot)
}

function amlRuleSlots(list: AmlManagedList | undefined): RuleSlots {
  const slots = emptySlots()
  list?.rules.forEach((rule, slot) => {
    if ('fqdn' in rule.destination) addHostPattern(slots, rule.destination.fqdn, slot)
    else addTo(slots.tag, rule.destination.serviceTag.toLowerCase(), slot)
  })
  return slots
}

/** The groups in the order the evaluator asks them: rule sets, then the manifest's other ids. */
function memberGroups(config: ManagedNetworkConfig): MemberGroup[] {
  const list = config.amlManaged
  const groups: MemberGroup[] = []
  const seen = new Set<string>()
  let start = 0
  config.workspaces.forEach((set, index) => {
    const ids = set.workspaces?.length ? set.workspaces : [setName(set)]
    for (const id of ids) seen.add(id)
    groups.push({ set: index, ids, start, mode: modeOf({ set, ...(list ? { list } : {}) }) })
    start += ids.length
  })
  const others = (list?.workspaces ?? []).filter((id) => !seen.has(id))
  if (list && others.length > 0) groups.push({ ids: others, start, mode: modeOf({ list }) })
  return groups
}

/**
 * For each group, the verdict of a workspace no rule of its set matches, with and without a rule
 * of Azure ML's own that allows the flow: asked of `memberVerdict` itself, so it cannot drift.
 */
function plainVerdictsOf(
  config: ManagedNetworkConfig,
  groups: readonly MemberGroup[],
): PlainVerdicts {
  const list = config.amlManaged
  const verdicts: PlainVerdicts = {
    withAml: { allowed: [], denied: [], unknown: [] },
    withoutAml: { allowed: [], denied: [], unknown: [] },
  }
  // Which rule of Azure ML's allows the flow does not change the kind of answer: any stands in.
  const anyRule = list?.rules[0] ?? {
    destination: { fqdn: '' },
    protocol: 'ANY',
    ports: [],
    workspaces: [],
    requirementIds: [],
  }
  groups.forEach((group, index) => {
    const set = group.set === undefined ? undefined : config.workspaces[group.set]
    const member = {
      id: group.ids[0] ?? '',
      mode: group.mode,
      ...(set ? { set } : {}),
      ...(list ? { list } : {}),
    }
    const lookups: Record<keyof PlainVerdicts, AmlLookup> = {
      withAml: () => anyRule,
      withoutAml: () => undefined,
    }
    for (const key of ['withAml', 'withoutAml'] as const)
      verdicts[key][memberVerdict(member, [], lookups[key]).verdict].push(index)
  })
  return verdicts
}

function setRulesOf(config: ManagedNetworkConfig, groups: readonly MemberGroup[]): SetRuleRef[] {
  return groups.flatMap((group, index) => {
    const set = group.set === undefined ? undefined : config.workspaces[group.set]
    return (set?.rules ?? []).map((_, rule) => ({ group: index, rule }))
  })
}

function indexConfig(config: ManagedNetworkConfig): ManagedNetworkEvaluationIndex {
  const groups = memberGroups(config)
  const groupAt: number[] = []
  const positions = new Map<string, number[]>()
  groups.forEach((group, index) => {
    group.ids.forEach((id, offset) => {
      groupAt.push(index)
      addTo(positions, id, group.start + offset)
    })
  })
  const setRules = setRulesOf(config, groups)
  const setRuleSlots = emptySlots()
  setRules.forEach((ref, slot) => {
    const set = config.workspaces[groups[ref.group]?.set ?? -1]
    const rule = set?.rules[ref.rule]
    if (rule) addSetRule(setRuleSlots, rule, slot)
  })
  return {
    workspaces: config.workspaces,
    amlManaged: config.amlManaged,
    groups,
    groupAt,
    positions,
    plainVerdicts: plainVerdictsOf(config, groups),
    setRules,
    setRuleSlots,
    amlRuleSlots: amlRuleSlots(config.amlManaged),
  }
}

/**
 * The config with its evaluation index, as the reader returns it. Treat it as read-only.
 * @example const config = withEvaluationIndex({ workspaces: [{ key: 'ws', rules, opaque: [] }] })
 */
export function withEvaluationIndex(config: ManagedNetworkConfig): ManagedNetworkConfig {
  return { ...config, evaluationIndex: indexConfig(config) }
}

/** The config's index, or a new one when there is none or its lists were replaced. */
export function currentIndex(config: ManagedNetworkConfig): ManagedNetworkEvaluationIndex {
  const index = config.evaluationIndex
  return index && index.workspaces === config.workspaces && index.amlManaged === config.amlManaged
    ? index
    : indexConfig(config)
}

/** The service tags a flow's destination is in, and the global tags of regional ones. */
function tagKeys(flow: Flow): string[] {
  const { destination } = flow
  const tags =
    destination.kind === 'serviceTag'
      ? [destination.tag]
      : destination.kind === 'host'
        ? (destination.serviceTags ?? [])
        : []
  return tags.flatMap((tag) => {
    const lower = tag.toLowerCase()
    const keys = [lower]
    for (let dot = lower.indexOf('.'); dot !== -1; dot = lower.indexOf('.', dot + 1))
      keys.push(lower.slice(0, dot))
    return keys
  })
}

/** The slots whose rules may match the flow, ascending, each once. */
export function slotsFor(slots: RuleSlots, flow: Flow): number[] {
  const found = [...slots.always]
  const { destination } = flow
  if (destination.kind === 'address') found.push(...slots.address)
  if (destination.kind === 'host') {
    const name = canonicalHost(destination.host)
    found.push(...(slots.exact.get(name) ?? []))
    // Mirrors hostMatchesPattern: `*.suffix` needs a character before the dot.
    for (let dot = name.indexOf('.', 1); dot !== -1; dot = name.indexOf('.', dot + 1))
      found.push(...(slots.suffix.get(name.slice(dot + 1)) ?? []))
  }
  for (const key of tagKeys(flow)) found.push(...(slots.tag.get(key) ?? []))
  found.sort((a, b) => a - b)
  return found.filter((slot, i) => i === 0 || found[i - 1] !== slot)
}
