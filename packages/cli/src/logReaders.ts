import type { LogReader } from '@aml-egress/core'

/** name → loader of a deny-log reader; each lives in the package of the engine that writes it. */
export type LogReaderRegistry = Readonly<Record<string, () => Promise<LogReader>>>

/**
 * Every log family `diagnose` reads, one line each, loaded lazily. A new family is one line here
 * (and its reader in the engine's package).
 */
export const logReaderRegistry: LogReaderRegistry = {
  'azure-firewall': () => import('@aml-egress/azure-firewall').then((m) => m.azureFirewallLog),
  'flow-log': () => import('@aml-egress/terraform').then((m) => m.flowLog),
  hubble: () => import('@aml-egress/network-policy').then((m) => m.hubbleFlowLog),
  squid: () => import('@aml-egress/squid').then((m) => m.squidAccessLog),
}

/** Every reader, in the ordinal order of their names (detection asks them in this order). */
export async function loadLogReaders(
  registry: LogReaderRegistry = logReaderRegistry,
): Promise<LogReader[]> {
  return Promise.all(
    Object.keys(registry)
      .sort()
      .map((name) => (registry[name] as () => Promise<LogReader>)()),
  )
}
