import type { EgressFormat } from '@aml-egress/core'
import type { LogReader } from '@aml-egress/core/log-readers'

/** A format's render options, by option key, as the CLI builds them from the format's flags. */
export type RenderOptionValues = Readonly<Record<string, unknown>>

/**
 * A format object as the CLI, fuzzing and the bench hold it: config and option types erased. Its
 * descriptor (`title`, `fileExtensions`, `renderOptions`, …) is everything the CLI knows about it.
 */
export type RegisteredFormat = EgressFormat<unknown, RenderOptionValues>

/** name → loader. Each loader imports its package only when called, so startup stays fast. */
export type FormatRegistry = Readonly<Record<string, () => Promise<RegisteredFormat>>>

/**
 * Every format the CLI ships, one line each, loaded lazily: `--version`, `list` and `explain` load
 * no format package, and a one-format render loads the others only when it left rules out of its
 * scope, to name the formats that carry them. A new format is one line here.
 */
export const formatRegistry: FormatRegistry = {
  'aml-managed-network': () =>
    import('@aml-egress/aml-managed-network').then((m) => m.amlManagedNetworkFormat),
  'azure-firewall': () => import('@aml-egress/azure-firewall').then((m) => m.azureFirewallFormat),
  cilium: () => import('@aml-egress/network-policy').then((m) => m.ciliumFormat),
  'network-policy': () => import('@aml-egress/network-policy').then((m) => m.networkPolicyFormat),
  squid: () => import('@aml-egress/squid').then((m) => m.squidFormat),
  terraform: () => import('@aml-egress/terraform').then((m) => m.terraformFormat),
}

/**
 * Registered names, sorted.
 * @example formatNames() // ['azure-firewall', 'cilium', …]
 */
export function formatNames(registry: FormatRegistry = formatRegistry): string[] {
  return Object.keys(registry).sort()
}

/**
 * Loads formats by name (default: every registered one), in the order given.
 * @example const formats = await loadFormats() // every format object, sorted by name
 */
export async function loadFormats(
  registry: FormatRegistry = formatRegistry,
  names: readonly string[] = formatNames(registry),
): Promise<RegisteredFormat[]> {
  return Promise.all(
    names.map((name) => {
      const load = registry[name]
      if (!load) throw new Error(`no format '${name}' in the registry`)
      return load()
    }),
  )
}

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
