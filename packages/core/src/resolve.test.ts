import { describe, expect, it } from 'vitest'
import { catalog } from './catalog/catalog'
import type { Plan, PlanRule } from './plan'
import { type ProfileInput, parseProfile } from './profile'
import { resolvePlan } from './resolve'

const WORKSPACE = '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c'

function plan(input: Partial<ProfileInput> = {}): Plan {
  return resolvePlan(
    parseProfile({
      workspaces: [{ id: WORKSPACE, region: 'westeurope', storageAccounts: ['contosomlsa'] }],
      compute: ['computeCluster'],
      sourceAddresses: ['10.10.0.0/24'],
      ...input,
    }),
  )
}

function rule(from: Plan, id: string): PlanRule {
  const found = from.rules.find((candidate) => candidate.id === id)
  if (!found) throw new Error(`no rule ${id} in ${from.rules.map((r) => r.id).join('\n')}`)
  return found
}

describe('resolvePlan', () => {
  it('keeps each source block once, without one that another source block contains', () => {
    const sources = ['10.1.0.0/16', '10.0.0.0/8', '192.168.1.7', '192.168.1.7/32', '172.16.0.0/24']
    expect(plan({ sourceAddresses: sources }).sourceAddresses).toStrictEqual([
      '10.0.0.0/8',
      '192.168.1.7/32',
      '172.16.0.0/24',
    ])
  })

  it('fills the storage account into the doc pattern and keeps 443 and 445 together', () => {
    const found = rule(plan(), 'outbound/tcp/contosomlsa.file.core.windows.net')
    expect(found.ports).toStrictEqual([
      { from: 443, to: 443 },
      { from: 445, to: 445 },
    ])
    expect(found.requirementIds).toStrictEqual(['host-aml-06', 'host-compute-11'])
    expect(found.serviceTagFallbacks).toStrictEqual(['Storage.WestEurope'])
    expect(found.workspaces).toStrictEqual([WORKSPACE])
  })

  it('folds exact hosts into a wildcard with the same ports and keeps their provenance', () => {
    const blob = rule(plan(), 'outbound/tcp/*.blob.core.windows.net')
    expect(blob.subsumes).toStrictEqual([
      {
        fqdn: 'contosomlsa.blob.core.windows.net',
        requirementIds: ['host-aml-08', 'host-compute-12'],
      },
    ])
    expect(
      plan().rules.some((r) => r.id === 'outbound/tcp/contosomlsa.blob.core.windows.net'),
    ).toBe(false)
  })

  it('never folds an apex into its wildcard', () => {
    const packages = plan({ features: { pythonPackages: true } })
    expect(rule(packages, 'outbound/tcp/pytorch.org').subsumes).toStrictEqual([])
    expect(rule(packages, 'outbound/tcp/*.pytorch.org').subsumes).toStrictEqual([])
  })

  it('drops service tags that documented hosts cover in the default hosts style (D21)', () => {
    const ids = plan().rules.map((r) => r.id)
    expect(ids).not.toContain('outbound/tcp/tag:Storage.WestEurope')
    expect(ids).not.toContain('outbound/tcp/tag:AzureActiveDirectory')
    // No host form exists for VirtualNetwork; the tag stays.
    expect(ids).toContain('outbound/tcp/tag:VirtualNetwork')
  })

  it('drops hosts that chosen tags cover in the serviceTags style (D21)', () => {
    const tags = plan({ destinationStyle: 'serviceTags', features: { storageFirewall: true } })
    const ids = tags.rules.map((r) => r.id)
    expect(ids).toContain('outbound/tcp/tag:Storage.WestEurope')
    expect(rule(tags, 'outbound/tcp/tag:Storage.WestEurope').ports).toStrictEqual([
      { from: 443, to: 443 },
      { from: 445, to: 445 },
    ])
    expect(ids).not.toContain('outbound/tcp/contosomlsa.file.core.windows.net')
    expect(ids).not.toContain('outbound/tcp/login.microsoftonline.com')
    expect(
      rule(tags, 'outbound/tcp/tag:Storage.WestEurope').risks.map((risk) => risk.code),
    ).toStrictEqual(['exfiltration'])
  })

  it('names regional tags and hosts per workspace region in a fleet', () => {
    const fleet = plan({
      workspaces: [
        { id: WORKSPACE, region: 'westeurope', storageAccounts: ['contosoweu'] },
        {
          id: '0d3e5f7a-9b1c-4d2e-8f3a-5b7c9d1e3f5a',
          region: 'eastus',
          storageAccounts: ['contosoeus'],
        },
      ],
    })
    const batch = fleet.rules.filter((r) => r.id.includes('batch.azure.com')).map((r) => r.id)
    expect(batch).toStrictEqual([
      'outbound/any/*.eastus.batch.azure.com',
      'outbound/any/*.eastus.service.batch.azure.com',
      'outbound/any/*.westeurope.service.batch.azure.com',
      'outbound/any/*.westeurope.batch.azure.com',
    ])
    expect(rule(fleet, 'outbound/tcp/*.queue.core.windows.net').serviceTagFallbacks).toStrictEqual([
      'Storage.EastUS',
      'Storage.WestEurope',
    ])
  })

  it('returns an unresolved-address diagnostic instead of a rule when storage accounts are missing', () => {
    const missing = plan({ workspaces: [{ id: WORKSPACE, region: 'westeurope' }] })
    expect(missing.rules.some((r) => r.id.includes('{storageAccount}'))).toBe(false)
    expect(
      missing.advisories
        .filter((d) => d.code === 'AML_EGRESS_UNRESOLVED_ADDRESS')
        .map((d) => d.path),
    ).toContainEqual(['workspaces', '0', 'storageAccounts'])
  })

  it("fills each workspace's own names, lower-cased, into its hosts only, region by region", () => {
    // GIVEN two workspaces of one region with their own storage account and registry (one spelled
    // in capitals), and a third workspace in another region that lists neither
    const other = '0d3e5f7a-9b1c-4d2e-8f3a-5b7c9d1e3f5a'
    const third = '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e'
    const fleet = plan({
      workspaces: [
        {
          id: WORKSPACE,
          region: 'westeurope',
          storageAccounts: ['contosoa'],
          containerRegistries: ['ContosoAcrA'],
        },
        {
          id: other,
          region: 'westeurope',
          storageAccounts: ['contosob'],
          containerRegistries: ['contosoacrb'],
        },
        { id: third, region: 'eastus' },
      ],
      compute: ['computeCluster', 'kubernetes'],
    })
    // THEN each host of the doc patterns ({storageAccount}.file.core.windows.net,
    // {containerRegistry}.azurecr.io, {containerRegistry}.{region}.data.azurecr.io) names its
    // own workspace
    const own = (host: string) => rule(fleet, `outbound/tcp/${host}`).workspaces
    expect(own('contosoa.file.core.windows.net')).toStrictEqual([WORKSPACE])
    expect(own('contosob.file.core.windows.net')).toStrictEqual([other])
    expect(own('contosoacra.azurecr.io')).toStrictEqual([WORKSPACE])
    expect(own('contosoacrb.azurecr.io')).toStrictEqual([other])
    expect(own('contosoacra.westeurope.data.azurecr.io')).toStrictEqual([WORKSPACE])
    expect(own('contosoacrb.westeurope.data.azurecr.io')).toStrictEqual([other])
    // AND the third workspace's id fills its own region's host ({workspaceId}.workspace.{region}
    // .api.azureml.ms, folded into a wildcard), while its empty lists are named by its index
    const folded = fleet.rules.flatMap((r) => r.subsumes.map((s) => s.fqdn))
    expect(folded).toContain(`${third}.workspace.eastus.api.azureml.ms`)
    expect(folded.filter((host) => host.startsWith(third))).toHaveLength(1)
    const paths = fleet.advisories
      .filter((d) => d.code === 'AML_EGRESS_UNRESOLVED_ADDRESS' && d.path?.[0] === 'workspaces')
      .map((d) => d.path?.join('.'))
    expect(new Set(paths)).toStrictEqual(
      new Set(['workspaces.2.storageAccounts', 'workspaces.2.containerRegistries']),
    )
  })

  it('reports a host of your own covered by the first covering record in catalog order', () => {
    // GIVEN a host of your own that the wildcard *.kusto.windows.net (k8s-out-01) and the exact
    // ingest-vienna{region}.kusto.windows.net (k8s-fe-06) both cover, the wildcard listed first
    const order = ['k8s-out-01', 'k8s-fe-06'].map((id) =>
      catalog.requirements.findIndex((r) => r.id === id),
    )
    expect(order[0]).toBeLessThan(order[1] as number)
    const covered = plan({
      compute: ['kubernetes'],
      workloads: ['inference'],
      extraRequirements: [
        {
          id: 'own-kusto',
          description: 'telemetry',
          destination: 'ingest-viennawesteurope.kusto.windows.net',
          protocol: 'TCP',
          ports: [443],
        },
      ],
    })
    // THEN it is reported covered by the wildcard's record, and not rendered twice
    const duplicates = covered.advisories.filter(
      (d) => d.code === 'AML_EGRESS_DUPLICATE_REQUIREMENT',
    )
    expect(duplicates.map((d) => d.requirementIds)).toStrictEqual([['own-kusto', 'k8s-out-01']])
    expect(covered.rules.some((r) => r.requirementIds.includes('own-kusto'))).toBe(false)
  })

  it('adds the hbi key vault only for hbi workspaces (D02)', () => {
    expect(plan().rules.some((r) => r.id === 'outbound/tcp/*.vault.azure.net')).toBe(false)
    const hbi = plan({
      workspaces: [
        {
          id: WORKSPACE,
          region: 'westeurope',
          storageAccounts: ['contosomlsa'],
          hbiWorkspace: true,
        },
      ],
    })
    expect(rule(hbi, 'outbound/tcp/*.vault.azure.net').serviceTagFallbacks).toStrictEqual([
      'AzureKeyVault.WestEurope',
    ])
  })

  it('resolves in-cluster DNS to UDP and TCP 53 and model pods to the profile namespaces', () => {
    const kubernetes = plan({
      compute: ['kubernetes'],
      kubernetes: { modelNamespaces: ['scoring', 'batch'] },
    })
    const dns = kubernetes.rules
      .filter((r) => r.id.includes('kube-dns'))
      .map((r) => [r.source.kind === 'pods' && r.source.namespaces, r.protocol, r.ports])
    // D24: the model namespaces need DNS too once their egress is isolated.
    const port53 = [{ from: 53, to: 53 }]
    expect(dns).toStrictEqual([
      [['azureml'], 'TCP', port53],
      [['batch', 'scoring'], 'TCP', port53],
      [['azureml'], 'UDP', port53],
      [['batch', 'scoring'], 'UDP', port53],
    ])
    const fe = rule(kubernetes, 'inCluster/tcp/pods:azureml{app=azureml-fe}->pods:batch,scoring{}')
    expect(fe.ports).toStrictEqual([{ from: 5001, to: 5001 }])
  })

  it('names a model namespace listed twice once (found rendering Cilium: a duplicate became a YAML alias)', () => {
    const kubernetes = plan({
      compute: ['kubernetes'],
      kubernetes: { modelNamespaces: ['scoring', 'batch', 'scoring'] },
    })
    expect(
      rule(kubernetes, 'inCluster/tcp/pods:azureml{app=azureml-fe}->pods:batch,scoring{}').ports,
    ).toStrictEqual([{ from: 5001, to: 5001 }])
  })

  it('lists each source address once, in the profile order, whatever its spelling', () => {
    const twice = plan({
      sourceAddresses: ['10.9.0.0/16', '10.1.0.4', '10.9.0.0/16', '10.1.0.4/32'],
    })
    expect(twice.sourceAddresses).toStrictEqual(['10.9.0.0/16', '10.1.0.4/32'])
    for (const rule of twice.rules)
      if (rule.direction === 'outbound' && rule.source.kind === 'addresses')
        expect(rule.source.addresses).toStrictEqual(['10.9.0.0/16', '10.1.0.4/32'])
  })

  it('keeps historical and conflicting records out of every plan', () => {
    const everything = plan({
      compute: ['computeInstance', 'computeCluster', 'serverless', 'kubernetes', 'attachedVm'],
      features: { publicIpCompute: true, vscode: true, storageFirewall: true },
    })
    const ids = everything.rules.flatMap((r) => r.requirementIds)
    for (const excluded of ['hist-01', 'hist-09', 'exfil-02', 'flow-in-01', 'hbi-02'])
      expect(ids).not.toContain(excluded)
  })

  it('sorts a wildcard right before its apex (same reversed labels, `*` before letters)', () => {
    const ids = plan({ features: { pythonPackages: true } }).rules.map((r) => r.id)
    expect(ids.indexOf('outbound/tcp/anaconda.com')).toBe(
      ids.indexOf('outbound/tcp/*.anaconda.com') + 1,
    )
  })
  it('shares equal lists between rules of one requirement (plans are read-only)', () => {
    // GIVEN two storage accounts: their dfs hosts come from one requirement
    const shared = plan({
      workspaces: [
        { id: WORKSPACE, region: 'westeurope', storageAccounts: ['contosomlsa', 'contosodata'] },
      ],
    })
    // WHEN the plan is resolved
    const first = rule(shared, 'outbound/tcp/contosomlsa.dfs.core.windows.net')
    const second = rule(shared, 'outbound/tcp/contosodata.dfs.core.windows.net')
    // THEN both rules hold one list object for their requirement ids, ports and fallbacks
    expect(second.requirementIds).toBe(first.requirementIds)
    expect(second.ports).toBe(first.ports)
    expect(second.serviceTagFallbacks).toBe(first.serviceTagFallbacks)
    expect(first.requirementIds).toStrictEqual(['host-aml-07'])
  })
})
