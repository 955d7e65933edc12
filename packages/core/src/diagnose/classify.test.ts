import { describe, expect, it } from 'vitest'
import { parseProfile } from '../profile'
import { resolvePlan } from '../resolve'
import { createAddressTagIndex } from './addresses'
import { createFlowAggregator, type FlowFilters } from './aggregate'
import { createFlowClassifier } from './classify'
import type { DeniedRecord, DiagnosedFlow, LogReader } from './model'
import { buildDiagnoseReport } from './report'

const reader: LogReader = {
  name: 'test-log',
  title: 'records written by the test',
  fixFormat: 'none',
  detect: () => false,
  read: async () => undefined,
}

// Compute clusters in West Europe with one storage account and SMB to storage through the firewall.
const profile = parseProfile({
  workspaces: [
    {
      id: '3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d1e55',
      region: 'westeurope',
      storageAccounts: ['amlstore01'],
    },
  ],
  compute: ['computeCluster'],
  features: { storageFirewall: true },
  sourceAddresses: ['10.20.1.0/24'],
})
const plan = resolvePlan(profile)

const tags = createAddressTagIndex([
  { name: 'Storage', prefixes: ['13.69.40.16/28', '20.60.0.0/16'] },
  { name: 'Storage.WestEurope', prefixes: ['13.69.40.16/28'] },
  { name: 'Storage.EastUS', prefixes: ['20.60.128.0/23'] },
])

const host = (
  name: string,
  port: number | undefined,
  extra: Partial<DeniedRecord> = {},
): DeniedRecord => ({
  time: Date.UTC(2025, 5, 2, 9, 0, 0),
  source: '10.20.1.4',
  destination: { kind: 'host', host: name },
  port,
  protocol: 'TCP',
  ...extra,
})

function diagnose(records: readonly DeniedRecord[], filters: FlowFilters = {}, withTags = true) {
  const aggregator = createFlowAggregator(filters)
  const sink = aggregator.sinkFor('test.log', reader)
  for (const record of records) sink.denied(record)
  const classifier = createFlowClassifier({
    profile,
    plan,
    tags: withTags ? tags : undefined,
    renderFix: ({ rules }) => ({ fix: rules.map((rule) => rule.id).join('\n'), format: 'none' }),
  })
  return buildDiagnoseReport({ aggregator, classify: classifier.classify })
}

const byDestination = (flows: readonly DiagnosedFlow[], destination: string) =>
  flows.find((flow) => flow.destination === destination)

describe('diagnose classification', () => {
  it("returns a denied host of the plan as required, with the requirement, its section and the plan rule's fix", () => {
    const { flows } = diagnose([host('ml.azure.com', 443)])
    expect(flows[0]).toMatchObject({
      classification: 'required',
      requirementIds: ['host-aml-01'],
      ruleIds: ['outbound/tcp/ml.azure.com'],
      fix: 'outbound/tcp/ml.azure.com',
      scenarios: ['microsoft-hosts-azureml'],
    })
    expect(flows[0]?.sections[0]).toMatch(/^how-to-access-azureml-behind-firewall § /)
  })

  it('aggregates upper case, a trailing dot and repeats into one flow with count, times and distinct sources', () => {
    const { flows, summary } = diagnose([
      host('ML.Azure.com.', 443, { time: Date.UTC(2025, 5, 2, 9, 0, 5), source: '10.20.1.5' }),
      host('ml.azure.com', 443),
      host('ml.azure.com', 443),
    ])
    expect(flows).toHaveLength(1)
    expect(flows[0]).toMatchObject({
      destination: 'ml.azure.com',
      count: 3,
      firstSeen: '2025-06-02T09:00:00.000Z',
      lastSeen: '2025-06-02T09:00:05.000Z',
      sources: ['10.20.1.4', '10.20.1.5'],
      sourceCount: 2,
    })
    expect(summary).toMatchObject({ flows: 1, required: 1, deniedRecords: 3 })
  })

  it('returns a catalog host outside the profile with the settings that would add it', () => {
    const { flows } = diagnose([
      host('update.code.visualstudio.com', 443),
      host('ingest-viennanortheurope.kusto.windows.net', 443),
    ])
    expect(byDestination(flows, 'update.code.visualstudio.com')).toMatchObject({
      classification: 'aml-not-in-profile',
      profileChanges: [
        {
          requirementId: 'vscode-out-07',
          settings: ['compute: add computeInstance', 'condition: features.vscode'],
        },
      ],
    })
    const kusto = byDestination(flows, 'ingest-viennanortheurope.kusto.windows.net')
    // The inference router's Kusto host names the region; the profile has no workspace there.
    expect(kusto?.classification).toBe('aml-not-in-profile')
    expect(
      kusto?.profileChanges.find((change) => change.requirementId === 'k8s-fe-06')?.settings,
    ).toContain('workspaces[].region: a workspace in northeurope')
  })

  it('returns an unrelated host as unrelated, and says when the catalog has the host on other ports', () => {
    const { flows } = diagnose([host('www.example.com', 443), host('ml.azure.com', 8443)])
    expect(byDestination(flows, 'www.example.com')).toMatchObject({
      classification: 'unrelated',
      requirementIds: [],
      note: null,
    })
    expect(byDestination(flows, 'ml.azure.com')?.note).toContain('host-aml-01')
  })

  it('maps an address to its service tags: Storage.WestEurope on 445 is the storage-firewall requirement', () => {
    const address = (ip: string, port: number) => host(ip, port)
    const { flows } = diagnose([address('13.69.40.20', 445), address('20.60.128.4', 445)])
    expect(byDestination(flows, '13.69.40.20')).toMatchObject({
      classification: 'required',
      requirementIds: ['storage445-01'],
      serviceTags: ['Storage', 'Storage.WestEurope'],
    })
    expect(byDestination(flows, '20.60.128.4')).toMatchObject({
      classification: 'aml-not-in-profile',
      profileChanges: [
        {
          requirementId: 'storage445-01',
          settings: ['workspaces[].region: a workspace in eastus'],
        },
      ],
    })
  })

  it('says that a tag lookup would classify an address when no service-tags file is given', () => {
    const { flows } = diagnose([host('13.69.40.20', 445)], {}, false)
    expect(flows[0]).toMatchObject({ classification: 'unrelated', destination: '13.69.40.20' })
    expect(flows[0]?.note).toMatch(/--service-tags/)
  })

  it('leaves out denies outside --since/--until and --source, and counts them', () => {
    const { flows, summary } = diagnose(
      [
        host('ml.azure.com', 443, { time: Date.UTC(2025, 5, 1) }),
        host('ml.azure.com', 443, { source: '192.168.0.1' }),
        host('ml.azure.com', 443, { time: undefined }),
        host('ml.azure.com', 443),
      ],
      {
        since: Date.UTC(2025, 5, 2),
        until: Date.UTC(2025, 5, 3),
        sources: [{ family: 4, first: 0x0a140100, last: 0x0a1401ff }],
      },
    )
    expect(flows[0]?.count).toBe(1)
    expect(summary).toMatchObject({ deniedRecords: 1, filteredOut: 3 })
  })

  it('returns flows in a stable order: required, not in profile, unrelated; then most denied', () => {
    const { flows } = diagnose([
      host('www.example.com', 443),
      host('update.code.visualstudio.com', 443),
      host('ml.azure.com', 443),
      host('www.example.org', 443),
      host('www.example.org', 443),
    ])
    expect(flows.map((flow) => flow.destination)).toStrictEqual([
      'ml.azure.com',
      'update.code.visualstudio.com',
      'www.example.org',
      'www.example.com',
    ])
  })

  it('returns azureml-fe to a model pod on 5001 as the in-cluster requirement, from the pods only', () => {
    const kubernetes = parseProfile({
      workspaces: [{ id: '3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d1e55', region: 'westeurope' }],
      compute: ['kubernetes'],
      workloads: ['inference'],
      kubernetes: { modelNamespaces: ['models'] },
      sourceAddresses: ['10.244.0.0/16'],
    })
    const aggregator = createFlowAggregator()
    const sink = aggregator.sinkFor('flows.json', reader)
    const toModel = (from: Record<string, string>): DeniedRecord => ({
      time: undefined,
      source: '10.244.0.20',
      sourcePod: { namespace: 'azureml', labels: from },
      destination: { kind: 'pod', namespace: 'models', labels: { app: 'model-a' } },
      port: 5001,
      protocol: 'TCP',
    })
    sink.denied(toModel({ app: 'azureml-fe' }))
    const classifier = createFlowClassifier({ profile: kubernetes, plan: resolvePlan(kubernetes) })
    const [flow] = buildDiagnoseReport({ aggregator, classify: classifier.classify }).flows
    expect(flow).toMatchObject({
      destination: 'pod:models/app=model-a',
      classification: 'required',
    })
    expect(flow?.ruleIds.every((id) => id.startsWith('inCluster/'))).toBe(true)
    // The same destination from another pod of the namespace is no AML flow.
    const other = createFlowAggregator()
    other.sinkFor('flows.json', reader).denied(toModel({ app: 'something-else' }))
    expect(
      buildDiagnoseReport({ aggregator: other, classify: classifier.classify }).flows[0]
        ?.classification,
    ).toBe('unrelated')
  })
})
