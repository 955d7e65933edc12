import {
  type Flow,
  type PlanRule,
  parseProfile,
  planFlows,
  resolvePlan,
  rulesAllowingFlow,
} from '@aml-egress/core'
import { scenarios } from '@aml-egress/test-matrix'
import { fleetProfile } from '@aml-egress/test-matrix/bench'
import { describe, expect, it } from 'vitest'
import { plan, rule, schemaErrors, toHost } from '../test/helpers'
import { ruleCollectionGroupBytes } from './arm'
import { buildFirewallPolicy } from './build'
import { evaluateAzureFirewall } from './evaluate'
import { firewallLimits } from './model'
import { readAzureFirewall } from './read'
import { renderAzureFirewall } from './render'
import { validatePolicy } from './validate'

function isTemplate(path: string): boolean {
  return /\/azuredeploy(-\d+)?\.json$/.test(path)
}

/** Every RCG resource in the rendered files: the plain files and each template resource. */
function groupResources(files: { path: string; contents: string }[]): unknown[] {
  return files.flatMap((file) => {
    const json = JSON.parse(file.contents) as { resources?: unknown[] }
    return isTemplate(file.path) ? (json.resources ?? []) : [json]
  })
}

/**
 * A synthetic fleet shaped like resolvePlan output: per workspace, its storage accounts on HTTPS
 * and SMB, its key vault and registry, and the shared regional rules once per region.
 */
function fleetPlan(workspaces: number) {
  const regions = ['westeurope', 'northeurope', 'eastus', 'eastus2', 'swedencentral']
  const rules: PlanRule[] = []
  for (const region of regions)
    rules.push(
      rule({
        id: `tundra-${region}`,
        destination: { kind: 'fqdn', fqdn: `*.tundra.${region}.api.azureml.ms` },
        protocol: 'UDP',
        ports: [{ from: 5831, to: 5831 }],
        serviceTagFallbacks: ['AzureMachineLearning'],
        scenarios: ['microsoft-hosts-compute'],
      }),
    )
  for (let index = 0; index < workspaces; index++) {
    const ws = `ws${String(index).padStart(5, '0')}`
    const shared = { workspaces: [ws], scenarios: ['microsoft-hosts-azureml'] }
    rules.push(
      rule({
        id: `${ws}-blob`,
        destination: { kind: 'fqdn', fqdn: `${ws}sa.blob.core.windows.net` },
        ...shared,
      }),
      rule({
        id: `${ws}-file`,
        destination: { kind: 'fqdn', fqdn: `${ws}sa.file.core.windows.net` },
        ports: [
          { from: 443, to: 443 },
          { from: 445, to: 445 },
        ],
        serviceTagFallbacks: ['Storage.WestEurope'],
        ...shared,
      }),
      rule({
        id: `${ws}-kv`,
        destination: { kind: 'fqdn', fqdn: `${ws}kv.vault.azure.net` },
        ...shared,
      }),
      rule({
        id: `${ws}-acr`,
        destination: { kind: 'fqdn', fqdn: `${ws}acr.azurecr.io` },
        ...shared,
      }),
    )
  }
  return plan(rules)
}

function changedLines(a: string, b: string): number {
  const left = a.split('\n')
  const right = new Set(b.split('\n'))
  const leftSet = new Set(left)
  return (
    left.filter((line) => !right.has(line)).length +
    b.split('\n').filter((line) => !leftSet.has(line)).length
  )
}

describe('format: azure-firewall', () => {
  describe('renderAzureFirewall on the shared scenarios', () => {
    for (const scenario of scenarios)
      it(`returns schema-valid, Azure-valid groups for ${scenario.id}`, () => {
        const scenarioPlan = resolvePlan(parseProfile(scenario.profile))
        const { files } = renderAzureFirewall(scenarioPlan)
        const resources = groupResources(files)
        expect(resources.length).toBeGreaterThan(0)
        for (const resource of resources) expect(schemaErrors(resource)).toStrictEqual([])
        expect(validatePolicy(buildFirewallPolicy(scenarioPlan).policy)).toStrictEqual([])
      })
  })

  describe('renderAzureFirewall round trip', () => {
    it('returns every plan flow allowed after reading the template back', async () => {
      // GIVEN a realistic plan with every routing case
      const input = resolvePlan(
        parseProfile({
          workspaces: [
            {
              id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
              region: 'westeurope',
              storageAccounts: ['contosomlsa'],
            },
          ],
          compute: ['computeInstance', 'computeCluster'],
          features: { storageFirewall: true, vscode: true, rstudio: true, pythonPackages: true },
          sourceAddresses: ['10.0.0.0/24'],
        }),
      )
      // WHEN rendered and only the ARM template is read back (parameters from their defaults)
      const { files, diagnostics } = renderAzureFirewall(input)
      const template = files.filter((file) => file.path.endsWith('azuredeploy.json'))
      const { config } = await readAzureFirewall(template)
      // THEN every flow the plan allows is allowed, unless a diagnostic says the rule was not rendered
      const notRendered = new Set(
        diagnostics
          .filter(
            (d) =>
              d.code === 'AML_EGRESS_UNSUPPORTED_FEATURE' ||
              d.code === 'AML_EGRESS_OUT_OF_SCOPE' ||
              d.code === 'AML_EGRESS_NOT_EGRESS',
          )
          .map((d) => d.ruleId),
      )
      const failures = planFlows(input)
        .filter((flow) => !notRendered.has(flow.ruleId))
        .filter((flow) => evaluateAzureFirewall(config, flow).verdict !== 'allowed')
      expect(failures).toStrictEqual([])
    })

    it('returns one policy when the template and the plain group files are read together', async () => {
      const { files } = renderAzureFirewall(
        plan([rule({ id: 'ml', destination: { kind: 'fqdn', fqdn: 'ml.azure.com' } })]),
      )
      const { config, diagnostics } = await readAzureFirewall(files)
      expect(config.ruleCollectionGroups.map((g) => [g.name, g.priority])).toStrictEqual([
        ['aml-egress', 1000],
      ])
      expect(diagnostics).toStrictEqual([])
    })

    it('returns a rendering that never allows what the plan denies (apex, port, other host)', async () => {
      const input = plan([
        rule({ id: 'blob', destination: { kind: 'fqdn', fqdn: '*.blob.core.windows.net' } }),
        rule({
          id: 'tundra',
          destination: { kind: 'fqdn', fqdn: '*.tundra.westeurope.api.azureml.ms' },
          protocol: 'UDP',
          ports: [{ from: 5831, to: 5831 }],
          serviceTagFallbacks: ['AzureMachineLearning'],
        }),
      ])
      const { config } = await readAzureFirewall(renderAzureFirewall(input).files)
      const probes: Flow[] = [
        toHost('blob.core.windows.net', 443),
        toHost('a.blob.core.windows.net', 80),
        toHost('a.file.core.windows.net', 443),
        toHost('a.tundra.westeurope.api.azureml.ms', 5831),
        toHost('a.tundra.eastus.api.azureml.ms', 5831, { udp: true }),
      ]
      for (const probe of probes) expect(rulesAllowingFlow(input, probe)).toStrictEqual([])
      expect(probes.map((probe) => evaluateAzureFirewall(config, probe).verdict)).toStrictEqual([
        'denied',
        'denied',
        'denied',
        'denied',
        'denied',
      ])
    })
  })

  describe('renderAzureFirewall determinism', () => {
    it('returns byte-identical files for the same plan', () => {
      expect(renderAzureFirewall(fleetPlan(20))).toStrictEqual(renderAzureFirewall(fleetPlan(20)))
    })

    it('returns a small diff when one workspace is added', () => {
      // GIVEN a 50-workspace fleet and the same fleet with one more workspace
      const before = renderAzureFirewall(fleetPlan(50), { files: 'groups' }).files
      const after = renderAzureFirewall(fleetPlan(51), { files: 'groups' }).files
      // THEN the plain group file changes only by the new workspace's rules (5 rules, ~20 lines each)
      const path = 'azure-firewall/rule-collection-groups/aml-egress.json'
      const a = before.find((f) => f.path === path)?.contents ?? ''
      const b = after.find((f) => f.path === path)?.contents ?? ''
      expect(changedLines(a, b)).toBeGreaterThan(0)
      expect(changedLines(a, b)).toBeLessThan(120)
    })
  })

  describe('renderAzureFirewall on a resolved fleet', () => {
    const resolvedFleet = (size: number) => resolvePlan(parseProfile(fleetProfile(size)))

    it('returns the deployable shape the files option asks for, each group written once', () => {
      const fleet = resolvedFleet(2)
      const paths = (files?: 'template' | 'groups' | 'both') =>
        renderAzureFirewall(fleet, files ? { files } : {}).files.map((f) => f.path)
      const group = 'azure-firewall/rule-collection-groups/aml-egress.json'
      expect(paths()).toStrictEqual(['azure-firewall/azuredeploy.json'])
      expect(paths('groups')).toStrictEqual([group])
      expect(paths('both')).toStrictEqual(['azure-firewall/azuredeploy.json', group])
    })

    it('returns a small template diff when one workspace is added to a resolved fleet', () => {
      // GIVEN 50 and 51 workspaces of the bench fleet: the 51st adds 2 storage accounts and a
      // registry, whose hosts join the rules of their requirements
      const template = (size: number) =>
        renderAzureFirewall(resolvedFleet(size)).files.find((f) =>
          f.path.endsWith('azuredeploy.json'),
        )
      const before = template(50)?.contents ?? ''
      const after = template(51)?.contents ?? ''
      // THEN the diff is one line per new host plus one renamed line per rule that grew (the
      // count in its name) and its old name: well under 60 lines for about 12 hosts
      const changed = changedLines(before, after)
      expect(changed).toBeGreaterThan(0)
      expect(changed).toBeLessThan(60)
    })

    it('returns the same verdict as the plan for every host of a 20-workspace fleet', async () => {
      const fleet = resolvedFleet(20)
      const { files } = renderAzureFirewall(fleet)
      const { config } = await readAzureFirewall(files)
      const hosts = fleet.rules.flatMap((r) =>
        r.direction === 'outbound' &&
        r.destination.kind === 'fqdn' &&
        !r.destination.fqdn.startsWith('*')
          ? [r.destination.fqdn]
          : [],
      )
      expect(hosts.length).toBeGreaterThan(100)
      const verdicts = new Set(
        hosts.map((host) => evaluateAzureFirewall(config, toHost(host, 443)).verdict),
      )
      expect([...verdicts]).toStrictEqual(['allowed'])
      expect(evaluateAzureFirewall(config, toHost('example.com', 443)).verdict).toBe('denied')
    })
  })

  describe('renderAzureFirewall limits', () => {
    it('returns a 10,000-workspace fleet split across groups within every limit', async () => {
      // GIVEN 10,000 workspaces (40,005 plan rules)
      const fleet = fleetPlan(10_000)
      const started = performance.now()
      // WHEN rendered
      const { files, diagnostics } = renderAzureFirewall(fleet)
      const elapsed = performance.now() - started
      const { policy } = buildFirewallPolicy(fleet)
      // THEN every group is under 1 MB, valid against both schemas and Azure's cross-field rules
      expect(policy.ruleCollectionGroups.length).toBeGreaterThan(1)
      expect(policy.ruleCollectionGroups.length).toBeLessThanOrEqual(
        firewallLimits.maxGroupsPerPolicy,
      )
      for (const group of policy.ruleCollectionGroups)
        expect(ruleCollectionGroupBytes(group)).toBeLessThanOrEqual(firewallLimits.maxGroupBytes)
      expect(validatePolicy(policy)).toStrictEqual([])
      for (const resource of groupResources(files)) expect(schemaErrors(resource)).toStrictEqual([])
      // AND the split is reported, and so is the FQDN guidance for 10,000 SMB hosts
      const codes = new Set(diagnostics.map((d) => d.code))
      expect(codes.has('AML_EGRESS_LIMIT_SPLIT')).toBe(true)
      expect(
        diagnostics.some(
          (d) => d.code === 'AML_EGRESS_LIMIT_EXCEEDED' && d.message.includes('distinct FQDNs'),
        ),
      ).toBe(true)
      expect(diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([])
      // AND every ARM template stays under the 4 MB template limit, and together they deploy every group
      const templates = files.filter((file) => isTemplate(file.path))
      expect(templates.length).toBeGreaterThan(1)
      for (const template of templates)
        expect(new TextEncoder().encode(template.contents).length).toBeLessThan(4_000_000)
      const { config } = await readAzureFirewall(templates)
      expect(
        config.ruleCollectionGroups
          .map((g) => [g.name, g.priority] as const)
          .sort((a, b) => a[1] - b[1]),
      ).toStrictEqual(policy.ruleCollectionGroups.map((g) => [g.name, g.priority]))
      expect(
        [
          toHost('ws09999sa.file.core.windows.net', 445),
          toHost('ws00000kv.vault.azure.net', 443),
          toHost('ws10000kv.vault.azure.net', 443),
        ].map((flow) => evaluateAzureFirewall(config, flow).verdict),
      ).toStrictEqual(['allowed', 'allowed', 'denied'])
      // AND it stays fast enough for a CLI (measured ~2-4 s here; the bound is generous)
      expect(elapsed).toBeLessThan(30_000)
    }, 120_000)

    it('returns collections split at the rule limit with a limit-split diagnostic', () => {
      const { policy, diagnostics } = buildFirewallPolicy(fleetPlan(30), {
        maxRulesPerCollection: 25,
      })
      const sizes = policy.ruleCollectionGroups.flatMap((g) =>
        g.ruleCollections.map((c) => [c.name, c.rules.length]),
      )
      expect(sizes).toStrictEqual([
        ['aml-app-microsoft-hosts-azureml', 25],
        ['aml-app-microsoft-hosts-azureml-2', 25],
        ['aml-app-microsoft-hosts-azureml-3', 25],
        ['aml-app-microsoft-hosts-azureml-4', 25],
        ['aml-app-microsoft-hosts-azureml-5', 20],
        ['aml-net-microsoft-hosts-azureml', 25],
        ['aml-net-microsoft-hosts-azureml-2', 5],
        ['aml-net-microsoft-hosts-compute', 5],
      ])
      expect(diagnostics.filter((d) => d.code === 'AML_EGRESS_LIMIT_SPLIT')).toHaveLength(2)
      expect(validatePolicy(policy)).toStrictEqual([])
    })
  })
})
