/**
 * The bounds of a profile. Generous for real estates (the bench fleet, 10,000 workspaces with two
 * storage accounts and a registry each, is well inside), small enough that a hostile or mistaken
 * file is refused in well under a second instead of taking minutes and gigabytes to render.
 * Documented in docs/profile.md; `aml-egress schema` carries the per-field ones.
 */
export const profileLimits = {
  /** Size of the profile text (YAML or JSON), in UTF-16 code units (about bytes). */
  textLength: 16 * 1024 * 1024,
  /**
   * Values (objects, lists, scalars) in the profile once YAML aliases are expanded: an alias is
   * counted each time it is used, so nested anchors ("billion laughs") are refused early.
   */
  expandedValues: 2_000_000,
  workspaces: 20_000,
  /** Azure's default is 250 storage accounts per region and subscription. */
  storageAccountsPerWorkspace: 250,
  containerRegistriesPerWorkspace: 100,
  /** Across every workspace of the profile. */
  storageAccounts: 50_000,
  /** Across every workspace of the profile. */
  containerRegistries: 50_000,
  sourceAddresses: 1_000,
  apiServerAddresses: 100,
  customDnsServers: 100,
  modelNamespaces: 1_000,
  /** Entries of `extraRequirements`: your own endpoints, not a second catalog. */
  extraRequirements: 1_000,
  /** Labels in one selector (`kubernetes.labels.<component>`). */
  labelsPerSelector: 64,
  /** Longest `$schema` reference. */
  schemaReferenceLength: 2_048,
} as const

/**
 * True when `value` holds more than `limit` values once shared references (YAML aliases) are
 * counted at each use. Stops counting at the limit, so the cost is bounded by it.
 */
export function exceedsExpandedValues(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value]
  let count = 0
  while (stack.length > 0) {
    const current = stack.pop()
    count += 1
    if (count > limit) return true
    if (Array.isArray(current)) for (const item of current) stack.push(item)
    else if (typeof current === 'object' && current !== null)
      for (const item of Object.values(current)) stack.push(item)
  }
  return false
}
