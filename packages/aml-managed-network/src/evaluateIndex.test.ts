/**
 * The indexed evaluator answers exactly as asking every workspace about every rule does: the
 * reference below is that walk, written out plainly (every set, every workspace in order, every
 * rule of the set and of `managed-by-aml.json`), on a rendered Kubernetes fleet and on hand-made
 * configs with every mode, own rules, Deny and Inactive rules and workspaces only the manifest
 * names.
 */
import {
  type Flow,
  parseProfile,
  planFlows,
  resolvePlan,
  rulesAllowingFlow,
  type Verdict,
} from '@aml-egress/core'
import { kubernetesFleetProfile } from '@aml-egress/test-matrix/bench'
import { describe, expect, it } from 'vitest'
import { evaluateManagedNetwork } from './evaluate'
import {
  amlRuleAllows,
  fromComputeSubnets,
  memberVerdict,
  modeOf,
  type RuleMatch,
  ruleMatch,
  setName,
} from './memberVerdict'
import type { AmlManagedRule, ManagedNetworkConfig, OutboundRule } from './model'
import { readManagedNetwork } from './read'
import { renderManagedNetwork } from './render'

/** Every workspace asked in order: the first allowed answer, else the first unknown, else the first. */
function referenceVerdict(config: ManagedNetworkConfig, flow: Flow): Verdict {
  if (flow.direction !== 'outbound' || flow.source.kind !== 'address')
    return evaluateManagedNetwork(config, flow)
  const list = config.amlManaged
  const allowing =
    list && fromComputeSubnets(list, flow) ? list.rules.filter((r) => amlRuleAllows(r, flow)) : []
  const lookup = (id: string): AmlManagedRule | undefined =>
    allowing.find((rule) => rule.workspaces.length === 0 || rule.workspaces.includes(id))
  const verdicts: Verdict[] = []
  const seen = new Set<string>()
  for (const set of config.workspaces) {
    const ids = set.workspaces?.length ? set.workspaces : [setName(set)]
    const setMatches = set.rules.flatMap((rule): RuleMatch[] => {
      const match = ruleMatch(rule, flow)
      return match ? [{ rule, match }] : []
    })
    for (const id of ids) {
      seen.add(id)
      const matches = setMatches.filter((m) => !m.rule.workspace || m.rule.workspace === id)
      const member = {
        id,
        set,
        mode: modeOf({ set, ...(list ? { list } : {}) }),
        ...(list ? { list } : {}),
      }
      verdicts.push(memberVerdict(member, matches, lookup))
    }
  }
  for (const id of list?.workspaces ?? [])
    if (list && !seen.has(id))
      verdicts.push(memberVerdict({ id, list, mode: modeOf({ list }) }, [], lookup))
  return (
    verdicts.find((v) => v.verdict === 'allowed') ??
    verdicts.find((v) => v.verdict === 'unknown') ??
    verdicts[0] ?? { verdict: 'unknown', reason: 'no managed network configuration was read.' }
  )
}

/** A source outside the fleet's compute subnets. */
const OUTSIDE = '192.0.2.7'

/** Flows the plan does not ask for, next to each one it does. */
function probes(flow: Flow): Flow[] {
  const { destination } = flow
  const variants: Flow[] = [
    { ...flow, port: flow.port === 8443 ? 8444 : 8443 },
    { ...flow, protocol: flow.protocol === 'UDP' ? 'TCP' : 'UDP' },
    { ...flow, source: { kind: 'address', address: OUTSIDE } },
  ]
  if (destination.kind === 'host') {
    const [first = '', ...parent] = destination.host.split('.')
    variants.push({
      ...flow,
      destination: { ...destination, host: `x${first}.${parent.join('.')}` },
    })
    if (parent.length > 1)
      variants.push({ ...flow, destination: { ...destination, host: parent.join('.') } })
    variants.push({ ...flow, destination: { ...destination, host: `deeper.${destination.host}` } })
  }
  if (destination.kind === 'serviceTag')
    variants.push({
      ...flow,
      destination: { kind: 'serviceTag', tag: destination.tag.split('.')[0] ?? '' },
    })
  return variants
}

describe('the indexed evaluator', () => {
  it('answers every flow of a rendered 60-workspace Kubernetes fleet, and probes around them, as the walk over every workspace does', async () => {
    const plan = resolvePlan(parseProfile(kubernetesFleetProfile(60)))
    const { files } = renderManagedNetwork(plan)
    const { config } = await readManagedNetwork(files)
    expect(config.evaluationIndex).toBeDefined()
    const flows = planFlows(plan)
    const all = [...flows, ...flows.flatMap(probes)]
    expect(all.length).toBeGreaterThan(4000)
    const kinds = new Set<string>()
    for (const flow of all) {
      const verdict = evaluateManagedNetwork(config, flow)
      kinds.add(verdict.verdict)
      expect(verdict, JSON.stringify(flow)).toStrictEqual(referenceVerdict(config, flow))
      // A rendering never allows what the plan does not. Left out: port 80 (FQDN rules carry 80
      // and 443) and other sources (a user-defined rule applies to the whole managed network).
      const outside = flow.source.kind === 'address' && flow.source.address === OUTSIDE
      if (verdict.verdict === 'allowed' && flow.port !== 80 && !outside)
        expect(rulesAllowingFlow(plan, flow), JSON.stringify(flow)).not.toStrictEqual([])
    }
    expect([...kinds].sort()).toStrictEqual(['allowed', 'denied', 'unknown'])
  })

  it('answers as the walk does with every mode, own, Deny, Inactive and unreadable rules, in any set order', () => {
    const flows = mixedFlows().flatMap((flow) => [flow, ...probes(flow)])
    const full = mixedConfig()
    // Fewer kinds of sets, so that unknown and denied answers decide: without the internet-outbound
    // set (it allows every flow), with the allow-only-approved ones alone, with set-a alone.
    const approved = full.workspaces.filter(
      (set) => set.isolationMode === 'AllowOnlyApprovedOutbound',
    )
    const subsets = [
      full.workspaces,
      full.workspaces.filter((set) => set.isolationMode !== 'AllowInternetOutbound'),
      approved,
      approved.slice(0, 1),
    ]
    const answers = new Set<string>()
    for (const sets of subsets)
      for (let rotation = 0; rotation < sets.length; rotation++) {
        const workspaces = [...sets.slice(rotation), ...sets.slice(0, rotation)]
        for (const config of [{ ...full, workspaces }, { workspaces }])
          for (const flow of flows) {
            const verdict = evaluateManagedNetwork(config, flow)
            answers.add(`${verdict.verdict} ${verdict.decidedBy?.rule ?? ''}`)
            expect(verdict, `${rotation} ${JSON.stringify(flow)}`).toStrictEqual(
              referenceVerdict(config, flow),
            )
          }
      }
    // Every kind of answer came up: a workspace's own rule, Azure ML's for one workspace, the mode.
    for (const answer of [
      'allowed a1/azure-ml:r0',
      'allowed set-a/blob-a2',
      'allowed set-a/keyvault',
      'allowed c1/isolation_mode',
      'unknown set-a/deny-storage-a3',
      'unknown set-a/off',
      'unknown set-a/odd-a3',
      'denied ',
    ])
      expect([...answers].join('; ')).toContain(answer)
  })
})

const fqdn = (name: string, destination: string, extra: Partial<OutboundRule> = {}): OutboundRule =>
  ({ type: 'FQDN', name, destination, ...extra }) as OutboundRule
const tag = (name: string, serviceTag: string, extra: Partial<OutboundRule> = {}): OutboundRule =>
  ({
    type: 'ServiceTag',
    name,
    serviceTag,
    protocol: 'TCP',
    portRanges: '443,445',
    ...extra,
  }) as OutboundRule

/** Sets of every kind; workspace `a1` is in two sets, `m1` and `m2` only in the manifest. */
function mixedConfig(): ManagedNetworkConfig {
  const approved = 'AllowOnlyApprovedOutbound' as const
  return {
    workspaces: [
      {
        key: 'out/set-a',
        workspaces: ['a1', 'a2', 'a3'],
        isolationMode: approved,
        rules: [
          fqdn('pypi', 'pypi.org'),
          fqdn('blob-a2', '*.blob.core.windows.net', { workspace: 'a2' }),
          tag('deny-storage-a3', 'Storage', { action: 'Deny', workspace: 'a3' }),
          fqdn('off', 'files.pythonhosted.org', { status: 'Inactive' }),
          tag('keyvault', 'AzureKeyVault'),
          tag('deny-keyvault-a1', 'AzureKeyVault', { action: 'Deny', workspace: 'a1' }),
          tag('odd-a3', 'AzureMonitor', { protocol: 'UDP', portRanges: 'https', workspace: 'a3' }),
        ],
        opaque: [],
      },
      { key: 'out/b-ws', isolationMode: 'Disabled', rules: [fqdn('pypi', 'pypi.org')], opaque: [] },
      {
        key: 'out/set-c',
        workspaces: ['c1', 'c2'],
        isolationMode: 'AllowInternetOutbound',
        rules: [],
        opaque: [],
      },
      {
        key: 'out/set-d',
        workspaces: ['d1', 'd2'],
        rules: [
          {
            type: 'PrivateEndpoint',
            name: 'pe-d1',
            serviceResourceId:
              '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/dsa',
            subresourceTarget: 'blob',
            sparkEnabled: false,
            workspace: 'd1',
          },
        ],
        opaque: [{ file: 'out/set-d/rules.sh', line: 3 }],
      },
      {
        key: 'out/set-e',
        workspaces: ['a1', 'e1'],
        isolationMode: approved,
        rules: [
          tag('storage-we', 'Storage.WestEurope'),
          tag('prefixes', 'Ignored', { addressPrefixes: ['192.0.2.0/24'] }),
          fqdn('anaconda', '*.anaconda.org', { workspace: 'e1' }),
        ],
        opaque: [{ file: 'out/set-e/rules.sh', line: 9 }],
      },
    ],
    amlManaged: {
      isolationMode: approved,
      sourceAddresses: ['10.0.0.0/24'],
      workspaces: ['m1', 'a1', 'm2', 'c1'],
      rules: [
        {
          destination: { serviceTag: 'AzureMonitor.WestEurope' },
          protocol: 'TCP',
          ports: [],
          workspaces: ['a1'],
          requirementIds: ['r0'],
        },
        {
          destination: { fqdn: '*.batch.azure.com' },
          protocol: 'TCP',
          ports: [{ from: 443, to: 443 }],
          workspaces: ['m2', 'a2'],
          requirementIds: ['r1'],
        },
        {
          destination: { serviceTag: 'AzureMonitor' },
          protocol: 'TCP',
          ports: [],
          workspaces: [],
          requirementIds: ['r2'],
        },
        {
          destination: { fqdn: 'pypi.org' },
          protocol: 'ANY',
          ports: [],
          workspaces: ['m1'],
          requirementIds: ['r3'],
        },
        {
          destination: { serviceTag: 'AzureMonitor.WestEurope' },
          protocol: 'TCP',
          ports: [],
          workspaces: ['e1'],
          requirementIds: ['r4'],
        },
      ],
      location: { file: 'out/managed-by-aml.json' },
    },
  }
}

function mixedFlows(): Flow[] {
  const from = { direction: 'outbound', source: { kind: 'address', address: '10.0.0.4' } } as const
  const host = (name: string, port = 443, serviceTags: string[] = []): Flow => ({
    ...from,
    destination: { kind: 'host', host: name, serviceTags },
    protocol: 'TCP',
    port,
  })
  const tagged = (name: string, port = 443): Flow => ({
    ...from,
    destination: { kind: 'serviceTag', tag: name },
    protocol: 'TCP',
    port,
  })
  return [
    host('pypi.org'),
    host('PyPI.org.', 80),
    host('x.blob.core.windows.net', 443, ['Storage.WestEurope']),
    host('dsa.blob.core.windows.net', 5000),
    host('files.pythonhosted.org'),
    host('conda.anaconda.org'),
    host('a.westeurope.batch.azure.com'),
    host('monitor.azure.com', 443, ['AzureMonitor.WestEurope']),
    tagged('Storage', 445),
    tagged('AzureKeyVault'),
    tagged('Storage.WestEurope', 445),
    tagged('AzureMonitor.WestEurope', 443),
    tagged('AzureMonitor', 8080),
    { ...from, destination: { kind: 'address', address: '192.0.2.9' }, protocol: 'TCP', port: 443 },
    {
      ...from,
      direction: 'inbound',
      destination: { kind: 'address', address: '10.0.0.4' },
      protocol: 'TCP',
      port: 44224,
    },
  ]
}
