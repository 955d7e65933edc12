/**
 * Workspaces → rule sets. The user-defined rules of most workspaces are the same (Python packages,
 * VS Code, Hugging Face are the same for every workspace; some rules differ by region or HBI), so
 * workspaces that need the same rules share one rule set, rendered once and applied to each of
 * them. A rule only one workspace of the plan needs (a private endpoint to its own storage
 * account, its own endpoint) is that workspace's own: it stays in the set's files, scoped to that
 * workspace, and does not split the set. Output then grows with the number of distinct rule sets,
 * not with the number of workspaces.
 */
import { compareOrdinal, mergePortRanges } from '@aml-egress/core'
import type { OutboundRule } from './model'
import { fingerprint, ruleName } from './names'
import { parsePortRanges, portRangesText } from './portRanges'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** A user-defined rule without its name, and the workspaces it is for (empty: every one). */
export type RuleEntry = {
  rule: DistributiveOmit<OutboundRule, 'name'>
  workspaces: readonly string[]
}

/** Rules rendered once for several workspaces, and the rules of one workspace alone. */
export type RuleSet = {
  /** The directory: the workspace id for a set of one, `rule-set-<hash>` for more. */
  name: string
  /** Workspace ids, sorted; empty when no rule of the plan names a workspace: every workspace. */
  workspaces: string[]
  /** Rules of every workspace of the set, sorted by name. */
  rules: OutboundRule[]
  /** Rules only one workspace of the plan needs, by workspace (sorted), each list sorted by name. */
  ownRules: { workspace: string; rules: OutboundRule[] }[]
}

/** The directory of the one set written when no rule names a workspace. */
export const ALL_WORKSPACES = 'all-workspaces'
const SET_PREFIX = 'rule-set-'

function entryKey(entry: RuleEntry): string {
  const { rule } = entry
  switch (rule.type) {
    case 'FQDN':
      return `fqdn\u0000${rule.destination}`
    case 'ServiceTag':
      return `tag\u0000${rule.serviceTag}\u0000${rule.protocol}`
    case 'PrivateEndpoint':
      return `pe\u0000${rule.serviceResourceId.toLowerCase()}\u0000${rule.subresourceTarget}`
  }
}

function nameOf(rule: RuleEntry['rule']): string {
  switch (rule.type) {
    case 'FQDN':
      return ruleName('fqdn', rule.destination)
    case 'ServiceTag':
      return ruleName('tag', `${rule.serviceTag}-${rule.protocol === '*' ? 'any' : rule.protocol}`)
    case 'PrivateEndpoint':
      return ruleName(
        'pe',
        `${rule.serviceResourceId.split('/').at(-1) ?? ''}-${rule.subresourceTarget}`,
      )
  }
}

/** A rule as a line of text, name and values: equal rules, equal text. */
function ruleText(rule: OutboundRule): string {
  switch (rule.type) {
    case 'FQDN':
      return `${rule.name}\u0000fqdn\u0000${rule.destination}`
    case 'ServiceTag':
      return `${rule.name}\u0000tag\u0000${rule.serviceTag}\u0000${rule.protocol}\u0000${rule.portRanges}`
    case 'PrivateEndpoint':
      return `${rule.name}\u0000pe\u0000${rule.serviceResourceId}\u0000${rule.subresourceTarget}\u0000${rule.sparkEnabled}`
  }
}

/** One workspace's rules: its entries merged by destination (service tag ports joined). */
function workspaceRules(entries: readonly RuleEntry[]): OutboundRule[] {
  const byKey = new Map<string, RuleEntry['rule']>()
  for (const entry of entries) {
    const key = entryKey(entry)
    const known = byKey.get(key)
    if (known?.type === 'ServiceTag' && entry.rule.type === 'ServiceTag') {
      const ports = mergePortRanges([
        ...(parsePortRanges(known.portRanges) ?? []),
        ...(parsePortRanges(entry.rule.portRanges) ?? []),
      ])
      byKey.set(key, { ...known, portRanges: portRangesText(ports) })
    } else if (!known) byKey.set(key, entry.rule)
  }
  return [...byKey.values()]
    .map((rule) => ({ ...rule, name: nameOf(rule) }) as OutboundRule)
    .sort((a, b) => compareOrdinal(a.name, b.name))
}

/** Workspaces whose entries are the same (those for every workspace and the same own ones). */
type Profile = { workspaces: string[]; rules: OutboundRule[] }

/**
 * Workspaces grouped by the entries that name them: each group's rules are computed once, so a
 * fleet whose workspaces all need the same rules merges them once, not once per workspace.
 */
function profiles(entries: readonly RuleEntry[], workspaces: readonly string[]): Profile[] {
  const shared = entries.filter((entry) => entry.workspaces.length === 0)
  const own = new Map<string, number[]>(workspaces.map((id) => [id, []]))
  entries.forEach((entry, index) => {
    for (const id of entry.workspaces) own.get(id)?.push(index)
  })
  const bySignature = new Map<string, Profile>()
  for (const id of workspaces) {
    const indexes = own.get(id) ?? []
    const signature = indexes.join(',')
    const known = bySignature.get(signature)
    if (known) known.workspaces.push(id)
    else {
      const named = indexes.map((index) => entries[index] as RuleEntry)
      bySignature.set(signature, {
        workspaces: [id],
        rules: workspaceRules([...shared, ...named]),
      })
    }
  }
  return [...bySignature.values()]
}

type Draft = { workspaces: string[]; rules: OutboundRule[]; ownRules: RuleSet['ownRules'] }

/** Set names: a set of one is named by its workspace; others by a hash of their rules. */
function named(drafts: readonly (Draft & { key: string })[]): RuleSet[] {
  const taken = new Set(drafts.flatMap((d) => (d.workspaces.length === 1 ? d.workspaces : [])))
  return drafts.map(({ key, ...draft }) => {
    const [only] = draft.workspaces
    if (draft.workspaces.length === 1 && only !== undefined) return { name: only, ...draft }
    const base = `${SET_PREFIX}${fingerprint(key)}`
    let name = base
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`
    taken.add(name)
    return { name, ...draft }
  })
}

/**
 * The rule sets of a plan's workspaces: workspaces that need the same rules (apart from rules only
 * one of them needs) share a set. Sets are in the order of their first workspace.
 * @example ruleSets(entries, ['ws-a', 'ws-b']) // one set when both need the same rules
 */
export function ruleSets(entries: readonly RuleEntry[], workspaces: readonly string[]): RuleSet[] {
  if (workspaces.length === 0)
    return [{ name: ALL_WORKSPACES, workspaces: [], rules: workspaceRules(entries), ownRules: [] }]
  const groups = profiles(entries, workspaces)
  // How many workspaces need each rule: one alone (of two or more) makes it that workspace's own.
  const needs = new Map<string, number>()
  for (const group of groups)
    for (const rule of group.rules) {
      const text = ruleText(rule)
      needs.set(text, (needs.get(text) ?? 0) + group.workspaces.length)
    }
  const isOwn = (rule: OutboundRule) => workspaces.length > 1 && needs.get(ruleText(rule)) === 1
  const byKey = new Map<string, Draft & { key: string }>()
  const ownNames = new Map<string, Set<string>>()
  for (const group of groups) {
    const rules = group.rules.filter((rule) => !isOwn(rule))
    const own = group.rules.filter(isOwn)
    // Two own rules of one name (a service tag on other ports) cannot share an ARM template.
    let key = rules.map(ruleText).join('\n')
    while (own.some((rule) => ownNames.get(key)?.has(rule.name))) key += '\u0001'
    const draft = byKey.get(key) ?? { key, workspaces: [], rules, ownRules: [] }
    byKey.set(key, draft)
    draft.workspaces.push(...group.workspaces)
    // A workspace with own rules is a group of its own: its rules are needed once.
    if (own.length === 0) continue
    draft.ownRules.push({ workspace: group.workspaces[0] ?? '', rules: own })
    const names = ownNames.get(key) ?? new Set()
    ownNames.set(key, names)
    for (const rule of own) names.add(rule.name)
  }
  const drafts = [...byKey.values()]
  for (const draft of drafts) {
    draft.workspaces.sort(compareOrdinal)
    draft.ownRules.sort((a, b) => compareOrdinal(a.workspace, b.workspace))
  }
  return named(drafts.sort((a, b) => compareOrdinal(a.workspaces[0] ?? '', b.workspaces[0] ?? '')))
}

/**
 * Whose managed networks a file is for, for its header.
 * @example networksOf('rule-set-1a2b3c4d', ids) // 'managed virtual networks of the 3 workspaces of rule-set-1a2b3c4d'
 */
export function networksOf(name: string, workspaces: readonly string[]): string {
  const [only] = workspaces
  if (workspaces.length === 1 && only !== undefined)
    return `managed virtual network of workspace ${only}`
  if (workspaces.length === 0) return 'managed virtual networks of every workspace'
  return `managed virtual networks of the ${workspaces.length} workspaces of ${name}`
}
