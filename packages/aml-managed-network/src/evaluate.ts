/**
 * Does a workspace's managed network allow a flow? In `allow_only_approved_outbound` mode an
 * outbound flow passes when an outbound rule carries it: an FQDN rule (TCP 80 and 443 to its host
 * or `*.` pattern), a service tag rule (its protocol, ports and tag; a global tag covers its
 * regional tags; address prefixes replace the tag), a private endpoint rule (every TCP port of
 * the sub-resource's host), or a rule Azure ML applies itself (`managed-by-aml.json`). Anything
 * else is denied. `allow_internet_outbound` allows all outbound traffic; a disabled managed
 * network restricts nothing of its own. A rule set's rules are every one of its workspaces'
 * rules, and a workspace's own rules its alone: a flow from a workspace is allowed when its rule
 * set allows it. Several workspaces: the flow is allowed when one workspace's managed network
 * allows it (the verdict names the first such workspace and its rule set); otherwise the first
 * unknown answer, else the first workspace's.
 *
 * The workspaces of a rule set that neither a rule of their own nor one of Azure ML's own for them
 * matches all answer alike, so only the first of them is asked: a flow costs the rules it may
 * match (looked up in the config's index), not the fleet's size.
 */
import type { Flow, Verdict } from '@aml-egress/core'
import {
  currentIndex,
  type ManagedNetworkEvaluationIndex,
  type MemberGroup,
  slotsFor,
} from './evaluateIndex'
import {
  type AmlLookup,
  amlRuleAllows,
  fromComputeSubnets,
  memberVerdict,
  type RuleMatch,
  ruleMatch,
} from './memberVerdict'
import type { AmlManagedRule, ManagedNetworkConfig } from './model'

type AmlMatch = { rule: AmlManagedRule; index: number }

/**
 * The rules of `managed-by-aml.json` that allow the flow: the first in the file's order for every
 * workspace, and the first for each workspace it names.
 */
type AmlMatches = { every?: AmlMatch; own: Map<string, AmlMatch> }

/** Everything one flow's evaluation needs, worked out once for the flow. */
type FlowContext = {
  config: ManagedNetworkConfig
  index: ManagedNetworkEvaluationIndex
  /** The rules of each group's set that match the flow, in the set's order. */
  matches: ReadonlyMap<number, RuleMatch[]>
  aml: AmlMatches
  /** Workspaces a rule of their own or one of Azure ML's for them matches: each asked itself. */
  special: ReadonlySet<number>
}

function amlMatches(context: Pick<FlowContext, 'config' | 'index'>, flow: Flow): AmlMatches {
  const list = context.config.amlManaged
  const own = new Map<string, AmlMatch>()
  if (!list || !fromComputeSubnets(list, flow)) return { own }
  let every: AmlMatch | undefined
  for (const index of slotsFor(context.index.amlRuleSlots, flow)) {
    const rule = list.rules[index]
    if (!rule || !amlRuleAllows(rule, flow)) continue
    if (rule.workspaces.length === 0) every ??= { rule, index }
    for (const id of rule.workspaces) if (!own.has(id)) own.set(id, { rule, index })
  }
  return every ? { every, own } : { own }
}

function amlLookup(aml: AmlMatches): AmlLookup {
  return (workspace) => {
    const own = aml.own.get(workspace)
    if (!aml.every || (own && own.index < aml.every.index)) return own?.rule
    return aml.every.rule
  }
}

function setMatches(
  context: Pick<FlowContext, 'config' | 'index'>,
  flow: Flow,
): Map<number, RuleMatch[]> {
  const { config, index } = context
  const byGroup = new Map<number, RuleMatch[]>()
  for (const slot of slotsFor(index.setRuleSlots, flow)) {
    const ref = index.setRules[slot]
    const set = ref && config.workspaces[index.groups[ref.group]?.set ?? -1]
    const rule = ref && set?.rules[ref.rule]
    const match = rule && ruleMatch(rule, flow)
    if (!ref || !rule || !match) continue
    const list = byGroup.get(ref.group)
    if (list) list.push({ rule, match })
    else byGroup.set(ref.group, [{ rule, match }])
  }
  return byGroup
}

function specialPositions(context: Omit<FlowContext, 'special'>): Set<number> {
  const { index, matches, aml } = context
  const special = new Set<number>()
  for (const id of aml.own.keys()) for (const p of index.positions.get(id) ?? []) special.add(p)
  for (const [g, list] of matches) {
    const group = index.groups[g]
    if (!group) continue
    const end = group.start + group.ids.length
    for (const { rule } of list)
      for (const p of rule.workspace ? (index.positions.get(rule.workspace) ?? []) : [])
        if (p >= group.start && p < end) special.add(p)
  }
  return special
}

/** The first workspace of the group that is not special: it answers for all the others. */
function firstPlain(group: MemberGroup, special: ReadonlySet<number>): number | undefined {
  for (let p = group.start; p < group.start + group.ids.length; p++) if (!special.has(p)) return p
  return undefined
}

/**
 * The workspaces whose answers can decide: every special one, the first plain one of each group
 * a rule of the whole set matches, and of the other groups the first whose plain workspaces are
 * allowed and the first whose are unknown; the first workspace of all, whose answer is the last
 * resort. Ascending.
 */
function candidatePositions(context: FlowContext): number[] {
  const { index, matches, special } = context
  const candidates = new Set(special)
  if (index.groupAt.length > 0) candidates.add(0)
  const touched = new Set<number>()
  for (const [g, list] of matches) if (list.some((m) => !m.rule.workspace)) touched.add(g)
  for (const g of touched) {
    const group = index.groups[g]
    const p = group && firstPlain(group, special)
    if (p !== undefined) candidates.add(p)
  }
  const plain = context.aml.every ? index.plainVerdicts.withAml : index.plainVerdicts.withoutAml
  for (const kind of ['allowed', 'unknown'] as const)
    for (const g of plain[kind]) {
      const group = index.groups[g]
      const p = group && !touched.has(g) ? firstPlain(group, special) : undefined
      if (p === undefined) continue
      candidates.add(p)
      break
    }
  return [...candidates].sort((a, b) => a - b)
}

function verdictAt(context: FlowContext, position: number): Verdict {
  const { config, index } = context
  const g = index.groupAt[position] ?? -1
  const group = index.groups[g]
  const id = group?.ids[position - group.start] ?? ''
  const set = group?.set === undefined ? undefined : config.workspaces[group.set]
  const list = config.amlManaged
  const applicable = (context.matches.get(g) ?? []).filter(
    (m) => !m.rule.workspace || m.rule.workspace === id,
  )
  const member = { id, mode: group?.mode, ...(set ? { set } : {}), ...(list ? { list } : {}) }
  return memberVerdict(member, applicable, amlLookup(context.aml))
}

/**
 * Evaluates one flow against the managed networks read.
 * @example evaluateManagedNetwork(config, flow) // { verdict: 'allowed', decidedBy: { rule: '<ws>/fqdn-pypi-org', … } }
 */
export function evaluateManagedNetwork(config: ManagedNetworkConfig, flow: Flow): Verdict {
  if (flow.direction !== 'outbound')
    return {
      verdict: 'unknown',
      reason: `a managed network's outbound rules do not govern ${flow.direction} traffic.`,
    }
  if (flow.source.kind !== 'address')
    return { verdict: 'unknown', reason: 'the flow does not come from managed compute.' }
  const index = currentIndex(config)
  const base = { config, index }
  const partial = { ...base, matches: setMatches(base, flow), aml: amlMatches(base, flow) }
  const context: FlowContext = { ...partial, special: specialPositions(partial) }
  let first: Verdict | undefined
  let unknown: Verdict | undefined
  for (const position of candidatePositions(context)) {
    const verdict = verdictAt(context, position)
    if (verdict.verdict === 'allowed') return verdict
    if (verdict.verdict === 'unknown') unknown ??= verdict
    first ??= verdict
  }
  return (
    unknown ?? first ?? { verdict: 'unknown', reason: 'no managed network configuration was read.' }
  )
}
