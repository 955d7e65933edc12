import type { RenderedFile } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { plan, rule, toHost, toTag } from '../test/helpers'
import { evaluateManagedNetwork } from './evaluate'
import type { ManagedNetworkConfig, OutboundRule } from './model'
import { readManagedNetwork } from './read'
import { renderManagedNetwork } from './render'

const [A, B, C] = ['a', 'b', 'c'].map((x) => `${x.repeat(8)}-0000-4000-8000-000000000000`) as [
  string,
  string,
  string,
]
const DATA_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/contosodata'

/** Three workspaces that need pypi.org; B alone a private endpoint to its storage account. */
const { files } = renderManagedNetwork(
  plan([
    rule({ id: 'pypi', destination: { kind: 'fqdn', fqdn: 'pypi.org' }, workspaces: [A, B, C] }),
    rule({
      id: 'data',
      destination: { kind: 'fqdn', fqdn: 'contosodata.blob.core.windows.net' },
      scenarios: ['custom'],
      workspaces: [B],
    }),
  ]),
  { privateEndpoints: { contosodata: DATA_ID } },
)

const shapes: Record<string, (file: RenderedFile) => boolean> = {
  ARM: (file) => file.path.endsWith('outbound-rules.json'),
  YAML: (file) => file.path.endsWith('.yaml'),
  Terraform: (file) => file.path.endsWith('.tf'),
  script: (file) => file.path.endsWith('.sh'),
}

describe('reading rule sets', () => {
  it('renders one set for the three workspaces, B with its own YAML', () => {
    expect(files.map((file) => file.path.replace(/rule-set-[0-9a-f]{8}/, 'SET'))).toStrictEqual([
      'aml-managed-network/managed-by-aml.json',
      'aml-managed-network/SET/outbound-rules.json',
      'aml-managed-network/SET/outbound-rules.sh',
      'aml-managed-network/SET/outbound-rules.tf',
      `aml-managed-network/SET/workspace-${B}.yaml`,
      'aml-managed-network/SET/workspace.yaml',
    ])
  })

  for (const [shape, select] of Object.entries(shapes))
    it(`${shape} alone: the set's workspaces, its rules for each, B's endpoint for B alone`, async () => {
      const { config, diagnostics } = await readManagedNetwork(files.filter(select))
      expect(diagnostics).toStrictEqual([])
      expect(config.workspaces.map((set) => set.workspaces)).toStrictEqual([[A, B, C]])
      const own = config.workspaces[0]?.rules.filter((r) => r.workspace).map((r) => r.workspace)
      // The YAML of B repeats the set's rules: each of its rules is B's.
      expect(new Set(own)).toStrictEqual(new Set([B]))
      expect(evaluateManagedNetwork(config, toHost('pypi.org', 443)).reason).toMatch(
        /rule fqdn-pypi-org of (rule-set-[0-9a-f]{8} \(the rule set of 3 workspaces\)|workspace [abc]{8}-)/,
      )
      expect(
        evaluateManagedNetwork(config, toHost('contosodata.blob.core.windows.net', 8443)),
      ).toMatchObject({
        verdict: 'allowed',
        reason: expect.stringContaining(`of workspace ${B} (its own, in rule-set-`),
      })
      expect(evaluateManagedNetwork(config, toHost('example.com', 443)).verdict).toBe('denied')
    })
})

describe('evaluating a rule set', () => {
  const allow: OutboundRule = {
    type: 'ServiceTag',
    name: 'allow-aml',
    serviceTag: 'AzureMachineLearning',
    protocol: 'TCP',
    portRanges: '443',
  }

  it("a workspace's own rule is its alone: a Deny of workspace a leaves b's allow standing", () => {
    const config: ManagedNetworkConfig = {
      workspaces: [
        {
          key: 'out/set',
          workspaces: ['a', 'b'],
          rules: [allow, { ...allow, name: 'deny-aml', action: 'Deny', workspace: 'a' }],
          opaque: [],
        },
      ],
    }
    expect(evaluateManagedNetwork(config, toTag('AzureMachineLearning', 443))).toMatchObject({
      verdict: 'allowed',
      decidedBy: { rule: 'set/allow-aml' },
      reason: 'ServiceTag rule allow-aml of set (the rule set of 2 workspaces) allows it.',
    })
    // For every workspace, the Deny makes it unknown (the order of Allow and Deny is not documented).
    const everywhere = structuredClone(config)
    for (const r of everywhere.workspaces[0]?.rules ?? []) delete r.workspace
    expect(evaluateManagedNetwork(everywhere, toTag('AzureMachineLearning', 443)).verdict).toBe(
      'unknown',
    )
  })

  it("managed-by-aml.json answers for a set's workspace by its id, not the directory", async () => {
    const manifest = {
      kind: 'aml-egress/managed-by-aml',
      isolationMode: 'AllowOnlyApprovedOutbound',
      sourceAddresses: [],
      workspaces: [A, B],
      rules: [
        {
          destination: { fqdn: '*.westeurope.batch.azure.com' },
          protocol: 'TCP',
          ports: '443',
          workspaces: [B],
          requirements: ['host-compute-06'],
        },
      ],
    }
    const set = files.filter(shapes.script as (file: RenderedFile) => boolean)
    const { config } = await readManagedNetwork([
      ...set,
      { path: 'aml-managed-network/managed-by-aml.json', contents: JSON.stringify(manifest) },
    ])
    expect(
      evaluateManagedNetwork(config, toHost('x.westeurope.batch.azure.com', 443)),
    ).toMatchObject({ verdict: 'allowed', decidedBy: { rule: `${B}/azure-ml:host-compute-06` } })
  })
})

describe('reading shapes the renderer does not write', () => {
  it('a function the script never calls sets no rule; one called in some branches, those', async () => {
    const script = [
      'unused() {',
      '  az ml workspace outbound-rule set -w "$1" -g "$2" --rule r1 --type fqdn --destination one.example.com',
      '}',
      'some() {',
      '  az ml workspace outbound-rule set -w "$1" -g "$2" --rule r2 --type fqdn --destination two.example.com',
      '}',
      'while read -r id name group _; do',
      '  case $id in',
      '  \'x\') some "$name" "$group" ;;',
      "  'y') ;;",
      '  esac',
      'done',
    ].join('\n')
    const { config } = await readManagedNetwork([{ path: 's/rules.sh', contents: script }])
    expect(config.workspaces[0]?.workspaces).toStrictEqual(['x', 'y'])
    expect(config.workspaces[0]?.rules.map((r) => `${r.name} ${r.workspace}`)).toStrictEqual([
      'r2 x',
    ])
  })

  it('an ARM rule on a condition it does not model, and Terraform for_each of its own, are opaque', async () => {
    const template = {
      resources: [
        {
          type: 'Microsoft.MachineLearningServices/workspaces/outboundRules',
          name: "[format('{0}/{1}', parameters('workspaceName'), 'fqdn-pypi-org')]",
          condition: "[parameters('withPypi')]",
          properties: { type: 'FQDN', destination: 'pypi.org' },
        },
      ],
    }
    const tf = [
      'resource "azurerm_machine_learning_workspace_network_outbound_rule_fqdn" "f" {',
      '  for_each         = var.workspaces',
      '  name             = "f"',
      '  workspace_id     = each.value',
      '  destination_fqdn = "github.com"',
      '}',
    ].join('\n')
    const { config, diagnostics } = await readManagedNetwork([
      { path: 'arm/t.json', contents: JSON.stringify(template) },
      { path: 'tf/main.tf', contents: tf },
    ])
    expect(diagnostics.map((d) => d.code)).toStrictEqual([
      'AML_EGRESS_READ_UNSUPPORTED',
      'AML_EGRESS_READ_UNSUPPORTED',
    ])
    expect(config.workspaces.map((set) => set.opaque.length)).toStrictEqual([1, 1])
    expect(evaluateManagedNetwork(config, toHost('pypi.org', 443)).verdict).toBe('unknown')
    expect(evaluateManagedNetwork(config, toHost('github.com', 443)).verdict).toBe('unknown')
  })
})
