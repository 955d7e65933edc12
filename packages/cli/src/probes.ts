import {
  cloudSuffixes,
  type Flow,
  type Plan,
  type Profile,
  regionalTag,
  regions,
  rulesAllowingFlow,
  sampleAddress,
} from '@aml-egress/core'

/** A flow no AML plan needs; a config that allows it is broader than Azure Machine Learning asks. */
export type OverBroadProbe = {
  id: string
  flow: Flow
  /** What allowing it means, for the finding. */
  meaning: string
}

/** A storage account name no estate uses (24 is the longest valid name). */
export const FOREIGN_STORAGE_ACCOUNT = 'z'.repeat(24)

/**
 * The probes `check` sends through a config's evaluator: any host, any address, another tenant's
 * storage in the estate's regions and elsewhere, the global `Storage` tag, and for every wildcard
 * of the plan the same suffix without its dot (`*pytorch.org` also matches `evilpytorch.org`).
 * Probes the plan itself allows are left out: they are what the profile asked for.
 */
export function overBroadProbes(input: { plan: Plan; profile: Profile }): OverBroadProbe[] {
  const { plan, profile } = input
  const source: Flow['source'] = {
    kind: 'address',
    address: sampleAddress(plan.sourceAddresses[0] ?? '10.0.0.0/24'),
  }
  const outbound = (destination: Flow['destination'], port = 443): Flow => ({
    direction: 'outbound',
    source,
    destination,
    protocol: 'TCP',
    port,
  })
  const storage = `${FOREIGN_STORAGE_ACCOUNT}.blob.${cloudSuffixes[profile.cloud].storage}`
  const estateRegions = [...new Set(profile.workspaces.map((workspace) => workspace.region))].sort()
  const otherRegion = regions.find(
    (region) => region.cloud === profile.cloud && !estateRegions.includes(region.name),
  )
  const probes: OverBroadProbe[] = [
    {
      id: 'any-host',
      flow: outbound({ kind: 'host', host: 'exfil-probe.example.com', serviceTags: [] }),
      meaning: 'any host name is allowed (a `*` target FQDN or a catch-all rule)',
    },
    {
      id: 'any-address',
      flow: outbound({ kind: 'address', address: '203.0.113.50' }),
      meaning: 'any IP address is allowed (destination `*` or 0.0.0.0/0)',
    },
    ...estateRegions.map(
      (region): OverBroadProbe => ({
        id: `foreign-storage-${region}`,
        flow: outbound({
          kind: 'host',
          host: storage,
          serviceTags: [regionalTag('Storage', region), 'Storage'],
        }),
        meaning: `storage accounts of other tenants in ${region} are reachable (${storage}); list your accounts by name, or use a service endpoint policy`,
      }),
    ),
    ...(otherRegion
      ? [
          {
            id: 'foreign-storage-other-region',
            flow: outbound({
              kind: 'host',
              host: storage,
              serviceTags: [regionalTag('Storage', otherRegion.name), 'Storage'],
            }),
            meaning: `storage in regions you do not use (${otherRegion.name}) is reachable: a global \`Storage\` tag or a storage wildcard; use \`Storage.<region>\` or your account names`,
          },
        ]
      : []),
    {
      id: 'global-storage-tag',
      flow: outbound({ kind: 'serviceTag', tag: 'Storage' }),
      meaning: 'the global `Storage` tag is allowed where the regional one suffices',
    },
  ]
  const suffixes = new Set<string>()
  for (const rule of plan.rules)
    if (rule.destination.kind === 'fqdn' && rule.destination.fqdn.startsWith('*.'))
      suffixes.add(rule.destination.fqdn.slice(2))
  for (const suffix of [...suffixes].sort())
    probes.push({
      id: `dotless-wildcard-${suffix}`,
      flow: outbound({ kind: 'host', host: `evil${suffix}`, serviceTags: [] }),
      meaning: `a wildcard without a dot (\`*${suffix}\`) also matches evil${suffix}; write \`*.${suffix}\``,
    })
  return probes.filter((probe) => rulesAllowingFlow(plan, probe.flow).length === 0)
}
