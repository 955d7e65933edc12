import { describe, expect, it } from 'vitest'
import { fixture, toHost, toTag } from '../test/helpers'
import { evaluateManagedNetwork } from './evaluate'
import { readManagedNetwork } from './read'

const STORAGE_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdataexample'

describe('readManagedNetwork', () => {
  it('reads `az ml workspace outbound-rule list -o json` (snake_case destinations, PascalCase type)', async () => {
    // The shape of azure-ai-ml's `_to_dict()` per rule type, as the reference reconstructs it.
    const list = [
      {
        name: 'pytorch',
        type: 'FQDN',
        category: 'UserDefined',
        destination: '*.pytorch.org',
        status: 'Active',
      },
      {
        name: 'aml-tag',
        type: 'ServiceTag',
        category: 'Required',
        destination: {
          service_tag: 'AzureMachineLearning',
          protocol: 'TCP',
          port_ranges: '443, 18881',
          address_prefixes: null,
        },
        status: 'Active',
      },
      {
        name: 'pe-data',
        type: 'PrivateEndpoint',
        category: 'UserDefined',
        destination: {
          service_resource_id: STORAGE_ID,
          subresource_target: 'blob',
          spark_enabled: false,
        },
        fqdns: null,
        status: 'Inactive',
      },
    ]
    const { config, diagnostics } = await readManagedNetwork([
      { path: 'ws/rules.json', contents: JSON.stringify(list) },
    ])
    expect(diagnostics).toStrictEqual([])
    expect(evaluateManagedNetwork(config, toHost('download.pytorch.org', 443))).toMatchObject({
      verdict: 'allowed',
      decidedBy: { rule: 'ws/pytorch', file: 'ws/rules.json' },
    })
    expect(evaluateManagedNetwork(config, toTag('AzureMachineLearning', 18881)).verdict).toBe(
      'allowed',
    )
    // Inactive: the rule would allow it, but it is turned off or not provisioned yet.
    expect(
      evaluateManagedNetwork(config, toHost('stdataexample.blob.core.windows.net', 443)).verdict,
    ).toBe('unknown')
    // FQDN and service tag rules exist only in approved-only mode: the rest is denied.
    expect(evaluateManagedNetwork(config, toHost('pypi.org', 443)).verdict).toBe('denied')
  })

  it('reads an ARM managedNetwork object we did not write (the reference example)', async () => {
    const { config } = await readManagedNetwork([
      { path: 'mn.json', contents: fixture('arm-managed-network.json') },
    ])
    expect(config.workspaces[0]?.isolationMode).toBe('AllowOnlyApprovedOutbound')
    expect(config.workspaces[0]?.rules.map((r) => r.name).sort()).toStrictEqual([
      'allow-datafactory',
      'allow-pypi',
      'pe-data-blob',
    ])
    expect(evaluateManagedNetwork(config, toTag('DataFactory', 8085)).verdict).toBe('allowed')
    expect(evaluateManagedNetwork(config, toTag('DataFactory', 8090)).verdict).toBe('denied')
    expect(
      evaluateManagedNetwork(config, toHost('stdataexample.blob.core.windows.net', 8443)).verdict,
    ).toBe('allowed')
    expect(
      evaluateManagedNetwork(config, toHost('stdataexample.file.core.windows.net', 445)).verdict,
    ).toBe('denied')
  })

  it('reads the REST list envelope and the docs YAML (category is dump-only and ignored)', async () => {
    const rest = {
      value: [
        {
          id: '/x/outboundRules/r1',
          name: 'r1',
          type: 'workspace/outboundRules',
          properties: { type: 'FQDN', destination: 'contoso.com', category: 'Required' },
        },
      ],
    }
    const yaml = [
      'name: test-ws',
      'managed_network:',
      '  isolation_mode: allow_only_approved_outbound',
      '  outbound_rules:',
      '  - category: required',
      "    destination: 'contoso.org'",
      '    name: contosofqdn',
      '    type: fqdn',
      '  firewall_sku: basic',
    ].join('\n')
    const { config } = await readManagedNetwork([
      { path: 'a/rest.json', contents: JSON.stringify(rest) },
      { path: 'a/ws.yml', contents: yaml },
    ])
    expect(config.workspaces).toHaveLength(1)
    expect(evaluateManagedNetwork(config, toHost('contoso.com', 443)).verdict).toBe('allowed')
    expect(evaluateManagedNetwork(config, toHost('contoso.org', 80))).toMatchObject({
      verdict: 'allowed',
      decidedBy: { rule: 'a/contosofqdn', file: 'a/ws.yml', line: 5 },
    })
  })

  it('reads a script: quotes, continuations, remove; a value from a variable makes its rule opaque', async () => {
    const script = [
      'az ml workspace update -n ws -g rg --managed-network allow_only_approved_outbound',
      'az ml workspace outbound-rule set -w ws -g rg \\',
      "  --rule 'it'\\''s' --type fqdn --destination \"pypi.org\"",
      'az ml workspace outbound-rule set -w ws -g rg --rule gone --type fqdn --destination example.com',
      'az ml workspace outbound-rule remove -w ws -g rg --rule gone',
      'az ml workspace outbound-rule set -w ws -g rg --rule dyn --type fqdn --destination "$MIRROR"',
    ].join('\n')
    const { config, diagnostics } = await readManagedNetwork([
      { path: 's/rules.sh', contents: script },
    ])
    expect(config.workspaces[0]?.rules.map((r) => r.name)).toStrictEqual(["it's"])
    expect(diagnostics.map((d) => `${d.code} ${d.location?.line}`)).toStrictEqual([
      'AML_EGRESS_READ_UNSUPPORTED 6',
    ])
    expect(evaluateManagedNetwork(config, toHost('pypi.org', 443)).verdict).toBe('allowed')
    // Denied by nothing known, but the opaque rule might allow it.
    expect(evaluateManagedNetwork(config, toHost('example.com', 443)).verdict).toBe('unknown')
  })

  it("reads azurerm resources with HashiCorp's parser; an expression makes its rule opaque", async () => {
    const tf = [
      'resource "azurerm_machine_learning_workspace_network_outbound_rule_service_tag" "st" {',
      '  name         = "st"',
      '  workspace_id = azurerm_machine_learning_workspace.ws.id',
      '  service_tag  = "Storage"',
      '  protocol     = "TCP"',
      '  port_ranges  = "445"',
      '}',
      'resource "azurerm_machine_learning_workspace_network_outbound_rule_fqdn" "f" {',
      '  name             = "f"',
      '  workspace_id     = var.ws',
      '  destination_fqdn = var.host',
      '}',
    ].join('\n')
    const { config, diagnostics } = await readManagedNetwork([{ path: 't/main.tf', contents: tf }])
    expect(diagnostics.map((d) => `${d.code} ${d.location?.line}`)).toStrictEqual([
      'AML_EGRESS_READ_UNSUPPORTED 8',
    ])
    // A global tag covers its regional tags.
    expect(
      evaluateManagedNetwork(
        config,
        toHost('sa.file.core.windows.net', 445, { serviceTags: ['Storage.WestEurope'] }),
      ),
    ).toMatchObject({
      verdict: 'allowed',
      decidedBy: { rule: 't/st', file: 't/main.tf', line: 1 },
    })
    expect(evaluateManagedNetwork(config, toHost('pypi.org', 443)).verdict).toBe('unknown')
  })

  it('reports syntax errors with the file and line', async () => {
    const { diagnostics } = await readManagedNetwork([
      { path: 'bad.json', contents: '{"value": [' },
      { path: 'bad.tf', contents: 'resource "x" {\n  name = \n}' },
      { path: 'bad.yaml', contents: 'managed_network:\n  - a\n b: [' },
    ])
    expect(diagnostics.map((d) => `${d.code} ${d.location?.file}`)).toStrictEqual([
      'AML_EGRESS_READ_SYNTAX bad.json',
      'AML_EGRESS_READ_SYNTAX bad.tf',
      'AML_EGRESS_READ_SYNTAX bad.yaml',
    ])
  })
})
