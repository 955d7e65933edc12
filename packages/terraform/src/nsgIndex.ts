/**
 * A config's NSG rules prepared once for evaluating many flows: grouped by NSG (in name order),
 * each NSG's rules of each direction in priority order, every CIDR prefix parsed. Without it each
 * flow would group, sort and parse every rule again.
 */
import { compareOrdinal } from '@aml-egress/core'
import type { NsgRule, TerraformConfig } from './model'
import { type PrefixRanges, type PreparedNsg, prefixRanges, prepareNsg } from './nsgEvaluate'

/** One NSG, prepared for each direction. */
export type IndexedNsg = {
  readonly nsg: string
  readonly prepared: Readonly<Record<NsgRule['direction'], PreparedNsg>>
}

/** The NSG rules of a config, prepared; built once by the reader. Treat the config as read-only. */
export type NsgIndex = {
  /** The rules it was built from: a config whose rules list was replaced is indexed again. */
  readonly rules: readonly NsgRule[]
  readonly nsgs: readonly IndexedNsg[]
  readonly ranges: PrefixRanges
}

/** Prepares the rules; the reader attaches the result to the config it returns. */
export function indexNsgRules(rules: readonly NsgRule[]): NsgIndex {
  const byNsg = new Map<string, NsgRule[]>()
  for (const rule of rules) {
    const list = byNsg.get(rule.networkSecurityGroup)
    if (list) list.push(rule)
    else byNsg.set(rule.networkSecurityGroup, [rule])
  }
  const nsgs = [...byNsg.entries()]
    .sort(([a], [b]) => compareOrdinal(a, b))
    .map(([nsg, list]) => ({
      nsg,
      prepared: { Inbound: prepareNsg(list, 'Inbound'), Outbound: prepareNsg(list, 'Outbound') },
    }))
  return { rules, nsgs, ranges: prefixRanges(rules) }
}

/** The config's NSG index, or a new one when there is none or its rules list was replaced. */
export function currentNsgIndex(config: TerraformConfig): NsgIndex {
  const index = config.nsgIndex
  return index && index.rules === config.nsgRules ? index : indexNsgRules(config.nsgRules)
}
