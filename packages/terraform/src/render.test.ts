import { buildFirewallPolicy } from '@aml-egress/azure-firewall'
import { type Plan, type PlanRule, triagePlan } from '@aml-egress/core'
import { parse } from '@cdktf/hcl2json'
import { describe, expect, it } from 'vitest'
import { fromTag, plan, rule, SUBNET, schemaErrors, toHost, toTag } from '../test/helpers'
import { terraformFormat } from './format'
import { buildNsgRules } from './nsg'

/** The NSG rules of the rules the format renders, as `renderTerraform` builds them. */
function nsgRulesOf(input: Plan, basePriority: number) {
  return buildNsgRules({ rules: triagePlan(input, terraformFormat).rules, basePriority })
}

const richPlan = plan([
  rule({
    id: 'ml',
    destination: { kind: 'fqdn', fqdn: 'ml.azure.com' },
    ports: [{ from: 443, to: 443 }],
  }),
  rule({
    id: 'blob',
    destination: { kind: 'fqdn', fqdn: '*.blob.core.windows.net' },
    serviceTagFallbacks: ['Storage.WestEurope'],
  }),
  rule({
    id: 'tundra',
    destination: { kind: 'fqdn', fqdn: '*.tundra.westeurope.api.azureml.ms' },
    protocol: 'UDP',
    ports: [{ from: 5831, to: 5831 }],
    serviceTagFallbacks: ['AzureMachineLearning'],
    scenarios: ['compute-instance'],
  }),
  rule({
    id: 'aml-tag',
    destination: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
    ports: [
      { from: 443, to: 443 },
      { from: 8787, to: 8787 },
      { from: 18881, to: 18881 },
    ],
  }),
  rule({
    id: 'batch',
    destination: { kind: 'serviceTag', tag: 'BatchNodeManagement.WestEurope' },
    protocol: 'ANY',
    ports: [],
  }),
  rule({
    id: 'inbound-44224',
    direction: 'inbound',
    source: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
    destination: { kind: 'addresses', addresses: [SUBNET] },
    ports: [{ from: 44224, to: 44224 }],
  }),
])

function withoutOrigin<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, item) => (key === 'origin' ? undefined : item)),
  ) as T
}

describe('format: terraform — render', () => {
  it('returns the module files with the catalog in every header when a plan is rendered', () => {
    // GIVEN a plan WHEN it is rendered
    const { files } = terraformFormat.render(richPlan)
    // THEN the module layout is complete and every file names the catalog version and doc date
    expect(files.map((file) => file.path)).toStrictEqual([
      'terraform/main.tf',
      'terraform/outputs.tf',
      'terraform/variables.tf',
      'terraform/versions.tf',
    ])
    for (const file of files)
      expect(file.contents).toMatch(/^# .*\n# Catalog 2026\.3\.0, .*2026-03-19/)
  })

  it('returns byte-identical output when the same plan is rendered twice', () => {
    expect(terraformFormat.render(richPlan)).toStrictEqual(terraformFormat.render(richPlan))
  })

  it('returns files that HashiCorp HCL parses and the azurerm subset schema accepts', async () => {
    // GIVEN application, network, fallback, ANY-protocol and inbound rules
    const { files } = terraformFormat.render(richPlan)
    // WHEN each file goes through hcl2json and ajv
    const errors = await Promise.all(files.map(schemaErrors))
    // THEN nothing is rejected
    expect(errors).toStrictEqual(files.map(() => []))
  })

  it('returns the same model when the rendered HCL is read back', async () => {
    // GIVEN the firewall model and the NSG rules the renderer serialises
    const expected = buildFirewallPolicy(richPlan, { groupName: 'aml-egress', basePriority: 500 })
    const nsg = nsgRulesOf(richPlan, 1000)
    // WHEN the HCL is parsed back into the model
    const { config, diagnostics } = await terraformFormat.read(
      terraformFormat.render(richPlan).files,
    )
    // THEN groups, collections, rules and NSG rules are unchanged (variables resolve to defaults)
    expect(diagnostics).toStrictEqual([])
    expect(withoutOrigin(config.firewallPolicy.ruleCollectionGroups)).toStrictEqual(
      expected.policy.ruleCollectionGroups,
    )
    expect(
      withoutOrigin(config.nsgRules).map((r) => ({ ...r, address: r.address.split('.')[1] })),
    ).toStrictEqual(
      nsg.rules.map(({ localName, ruleIds, requirementIds, ...r }) => ({
        ...r,
        address: localName,
      })),
    )
  })

  it('returns terraform spellings when rules carry protocols and ports', () => {
    // GIVEN TCP+UDP (ANY), HTTPS and multi-port rules
    const main = terraformFormat.render(richPlan).files[0]?.contents ?? ''
    // THEN network protocols are upper case lists, ports strings, app protocols blocks
    expect(main).toMatch(/protocols = \[\n\s+"TCP",\n\s+"UDP",\n\s+\]/)
    expect(main).toMatch(/destination_ports += \["1-65535"\]/)
    expect(main).toMatch(/destination_port_range += "\*"/)
    expect(main).toMatch(/protocols \{\n\s+type = "Https"\n\s+port = 443\n/)
    expect(main).toMatch(/destination_ports = \[\n\s+"443",\n\s+"8787",\n\s+"18881",\n/)
    // and no service tag ever lands in an application rule's destination_addresses
    const applicationBlocks =
      main.match(/ {2}application_rule_collection \{[\s\S]*?\n {2}\}\n/g) ?? []
    expect(applicationBlocks.length).toBeGreaterThan(0)
    for (const text of applicationBlocks) expect(text).not.toContain('destination_addresses')
  })

  it('returns an inbound NSG rule when public-IP compute needs 44224 from AzureMachineLearning', () => {
    // GIVEN the inbound rule WHEN rendered
    const result = terraformFormat.render(richPlan)
    const main = result.files[0]?.contents ?? ''
    // THEN the NSG allows it, and the firewall's not-egress note is gone since this format carries it
    expect(main).toContain(
      [
        'resource "azurerm_network_security_rule" "aml_in_azuremachinelearning_tcp" {',
        '  name                        = "aml-in-AzureMachineLearning-tcp"',
        '  resource_group_name         = var.resource_group_name',
        '  network_security_group_name = var.network_security_group_name',
        '  priority                    = var.nsg_base_priority',
        '  direction                   = "Inbound"',
        '  access                      = "Allow"',
        '  protocol                    = "Tcp"',
        '  source_port_range           = "*"',
        '  source_address_prefix       = "AzureMachineLearning"',
        '  destination_port_range      = "44224"',
        '  destination_address_prefix  = "10.0.0.0/24"',
      ].join('\n'),
    )
    expect(result.diagnostics.filter((d) => d.code === 'AML_EGRESS_NOT_EGRESS')).toStrictEqual([])
  })

  it('returns one standard diagnostic per rule no part of the module renders', () => {
    // GIVEN an in-cluster rule, and a host rule with a URL path next to the inbound rule
    const mixed = plan([
      ...richPlan.rules,
      rule({
        id: 'in-cluster',
        direction: 'inCluster',
        source: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
        destination: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
      }),
      rule({
        id: 'path',
        destination: { kind: 'fqdn', fqdn: 'github.com', urlPath: '/microsoft/tools/*' },
      }),
    ])
    // WHEN it is rendered
    const { diagnostics } = terraformFormat.render(mixed)
    const about = (ruleId: string) =>
      diagnostics.filter((d) => d.ruleId === ruleId).map((d) => [d.code, d.severity, d.help])
    // THEN core's triage reports each once, as terraform's, with this format's help for in-cluster
    // traffic (the firewall builder's own in-cluster and path diagnostics are not repeated); an
    // in-cluster flow never passes a firewall or NSG, so it is out of scope, an info (issue 20)
    expect(about('in-cluster')).toStrictEqual([
      ['AML_EGRESS_OUT_OF_SCOPE', 'info', terraformFormat.unsupportedHelp?.inCluster],
    ])
    expect(about('path').map(([code, severity]) => [code, severity])).toStrictEqual([
      ['AML_EGRESS_TLS_INSPECTION_REQUIRED', 'info'],
    ])
    // and the inbound rule the NSG renders gets no not-egress diagnostic
    expect(about('inbound-44224')).toStrictEqual([])
    expect(diagnostics.every((d) => d.format === 'terraform')).toBe(true)
  })

  it('returns NSG comments naming at most 20 plan rules, with a count of the rest', () => {
    // GIVEN 25 inbound rules from one tag to the subnet: one NSG rule stands for all of them
    const inbound = Array.from({ length: 25 }, (_, index) =>
      rule({
        id: `inbound-${String(index).padStart(2, '0')}`,
        direction: 'inbound',
        source: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
        destination: { kind: 'addresses', addresses: [SUBNET] },
        ports: [{ from: 40000 + index, to: 40000 + index }],
      }),
    )
    const main = terraformFormat.render(plan(inbound)).files[0]?.contents ?? ''
    // THEN the comment lists the first 20 and counts the other 5
    const comment = main.split('\n').find((line) => line.startsWith('# Plan rules: '))
    expect(comment).toContain('inbound-00, inbound-01')
    expect(comment).toContain('inbound-19 and 5 more')
    expect(comment).not.toContain('inbound-20')
  })

  it('returns no NSG rule when a host rule has no service tag equivalent', () => {
    // GIVEN an exact host without fallback
    const only = plan([rule({ id: 'ml', destination: { kind: 'fqdn', fqdn: 'ml.azure.com' } })])
    // THEN the NSG has nothing to say (no FQDNs in NSGs) and the firewall carries the host
    const { rules } = nsgRulesOf(only, 1000)
    expect(rules).toStrictEqual([])
    expect(terraformFormat.render(only).files[0]?.contents).toContain(
      'destination_fqdns = ["ml.azure.com"]',
    )
  })

  it('returns the same NSG rules when given a plan instead of triaged rules (deprecated form)', () => {
    expect(buildNsgRules({ plan: richPlan, basePriority: 1000 })).toStrictEqual(
      nsgRulesOf(richPlan, 1000),
    )
  })

  it('returns one NSG rule per tag with priorities inside 100-4096', () => {
    // GIVEN a host whose documented equivalent is two tags
    const mcr = plan([
      rule({
        id: 'mcr',
        destination: { kind: 'fqdn', fqdn: 'mcr.microsoft.com' },
        serviceTagFallbacks: ['MicrosoftContainerRegistry', 'AzureFrontDoor.FirstParty'],
      }),
    ])
    const { rules } = nsgRulesOf(mcr, 4090)
    // THEN an NSG rule holds one tag each (NSGs take no tag lists) and steps shrink to fit 4096
    expect(rules.map((r) => [r.destinationAddressPrefixes, r.priority])).toStrictEqual([
      [['AzureFrontDoor.FirstParty'], 4090],
      [['MicrosoftContainerRegistry'], 4091],
    ])
  })

  it('returns one NSG rule per tag and protocol, merging the ports and requirements of its rules', () => {
    // GIVEN host rules sharing one tag list (as the resolver shares them): TCP 443 and 445 of two
    // requirements, UDP 443, and TCP on every port
    const serviceTagFallbacks = ['Storage.WestEurope']
    const host = (id: string, more: Partial<PlanRule>) => ({
      ...rule({ id, destination: { kind: 'fqdn', fqdn: `${id}.example.com` } }),
      serviceTagFallbacks,
      ...more,
    })
    const tcp = [
      host('b', { requirementIds: ['req-2'], ports: [{ from: 445, to: 445 }] }),
      host('a', { requirementIds: ['req-1'], ports: [{ from: 443, to: 443 }] }),
    ]
    const udp = host('c', { requirementIds: ['req-1'], protocol: 'UDP' })
    const summary = (input: Plan) =>
      nsgRulesOf(input, 1000).rules.map((r) => [
        r.name,
        r.destinationPortRanges,
        r.ruleIds,
        r.requirementIds,
      ])
    // THEN TCP is one rule of both ports and both requirements, UDP another
    expect(summary(plan([...tcp, udp]))).toStrictEqual([
      ['aml-out-Storage.WestEurope-tcp', ['443', '445'], ['a', 'b'], ['req-1', 'req-2']],
      ['aml-out-Storage.WestEurope-udp', ['443'], ['c'], ['req-1']],
    ])
    // AND a TCP rule on every port makes the TCP rule every port
    const everyPort = host('d', { requirementIds: ['req-3'], ports: [] })
    expect(summary(plan([...tcp, everyPort]))).toStrictEqual([
      ['aml-out-Storage.WestEurope-tcp', ['*'], ['a', 'b', 'd'], ['req-1', 'req-2', 'req-3']],
    ])
  })

  it('returns NSG rules and notes by the far end of each rule when far ends start alike', () => {
    // GIVEN a host with one tag, the same tag as a destination, and a host with that tag and another
    const input = plan([
      rule({
        id: 'x',
        destination: { kind: 'fqdn', fqdn: 'x.example.com' },
        serviceTagFallbacks: ['AzureMonitor'],
      }),
      rule({ id: 'y', destination: { kind: 'serviceTag', tag: 'AzureMonitor' } }),
      rule({
        id: 'z',
        destination: { kind: 'fqdn', fqdn: 'z.example.com' },
        serviceTagFallbacks: ['AzureMonitor', 'AzureFrontDoor.FirstParty'],
      }),
    ])
    const { rules, diagnostics } = nsgRulesOf(input, 1000)
    // THEN the three share the AzureMonitor rule and only z adds AzureFrontDoor.FirstParty
    expect(rules.map((r) => [r.destinationAddressPrefixes, r.ruleIds])).toStrictEqual([
      [['AzureFrontDoor.FirstParty'], ['z']],
      [['AzureMonitor'], ['x', 'y', 'z']],
    ])
    // AND the hosts, not the tag rule, say that their NSG rules name tags
    expect(diagnostics.map((d) => [d.ruleId, d.message])).toStrictEqual([
      [
        'x',
        'NSG rules for x.example.com use its documented service tag AzureMonitor (NSGs have no FQDNs); the firewall rule still names the host.',
      ],
      [
        'z',
        'NSG rules for z.example.com use its documented service tags AzureMonitor, AzureFrontDoor.FirstParty (NSGs have no FQDNs); the firewall rule still names the host.',
      ],
    ])
  })

  it('returns literal strings when plan values hold HCL syntax', async () => {
    // GIVEN a plan whose tag and requirement ids try to inject an expression and a new line
    const hostile = plan([
      rule({
        id: 'x',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
        destination: { kind: 'serviceTag', tag: 'Tag"${file("/etc/passwd")}%{if true}' },
        requirementIds: ['req\n}\nresource "x" "y" {'],
      }),
    ])
    const { files } = terraformFormat.render(hostile)
    // WHEN parsed by HashiCorp's parser
    const json = await parse('main.tf', files[0]?.contents ?? '')
    const text = JSON.stringify(json)
    // THEN nothing was interpolated, no extra resource appeared, and the tag reads back literally
    expect(text).not.toMatch(/[^$]\$\{file/)
    expect(Object.keys(json.resource)).toStrictEqual([
      'azurerm_firewall_policy_rule_collection_group',
      'azurerm_network_security_rule',
    ])
    const { config } = await terraformFormat.read(files)
    expect(config.nsgRules[0]?.destinationAddressPrefixes).toStrictEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL syntax on purpose
      'Tag"${file("/etc/passwd")}%{if true}',
    ])
  })

  it('returns unchanged collections when one more host joins another collection', () => {
    // GIVEN a plan, and the same plan with one host added to a different scenario's collection
    const before = terraformFormat.render(richPlan).files[0]?.contents ?? ''
    const after =
      terraformFormat.render(
        plan([
          ...richPlan.rules,
          rule({
            id: 'new-store',
            destination: { kind: 'fqdn', fqdn: 'newstore.blob.core.windows.net' },
            scenarios: ['compute-instance'],
          }),
        ]),
      ).files[0]?.contents ?? ''
    // THEN the basic-configuration collection blocks are byte-identical (a small diff)
    const block = (text: string, name: string): string =>
      new RegExp(`  \\w+_rule_collection \\{\\n    name     = "${name}"[\\s\\S]*?\\n  \\}\\n`).exec(
        text,
      )?.[0] ?? 'missing'
    for (const name of ['aml-app-basic-configuration', 'aml-net-basic-configuration']) {
      expect(block(before, name)).toContain('rule {')
      expect(block(after, name)).toBe(block(before, name))
    }
    expect(after).toContain('newstore.blob.core.windows.net')
  })

  it('returns flows the plan allows as allowed and near misses as denied after a round trip', async () => {
    const { config } = await terraformFormat.read(terraformFormat.render(richPlan).files)
    const verdict = (flow: Parameters<typeof terraformFormat.evaluate>[1]) =>
      terraformFormat.evaluate(config, flow).verdict
    expect(verdict(toHost('ml.azure.com', 443))).toBe('allowed')
    expect(verdict(toHost('a.blob.core.windows.net', 443))).toBe('allowed')
    expect(verdict(toTag('AzureMachineLearning', 18881))).toBe('allowed')
    expect(verdict(fromTag('AzureMachineLearning', 44224))).toBe('allowed')
    // apex of a wildcard, wrong port, another source, inbound on another port
    expect(verdict(toHost('blob.core.windows.net', 443))).toBe('denied')
    expect(verdict(toHost('ml.azure.com', 80))).toBe('denied')
    expect(verdict(toHost('ml.azure.com', 443, { from: '10.9.0.4' }))).toBe('denied')
    expect(verdict(fromTag('AzureMachineLearning', 22))).toBe('denied')
  })

  it('returns service tags instead of network-rule FQDNs when the policy has no DNS proxy', () => {
    // GIVEN SMB 445 to one exact host, with a documented tag equivalent
    const smb = plan([
      rule({
        id: 'smb',
        destination: { kind: 'fqdn', fqdn: 'mystore.file.core.windows.net' },
        ports: [{ from: 445, to: 445 }],
        serviceTagFallbacks: ['Storage.WestEurope'],
      }),
    ])
    const main = (dnsProxy: boolean) =>
      terraformFormat.render(smb, { dnsProxy, directory: 'tf/aml' }).files[0]
    // THEN with the proxy the host is named, without it the tag is (network FQDNs need the proxy)
    expect(main(true)?.path).toBe('tf/aml/main.tf')
    expect(main(true)?.contents).toContain('destination_fqdns = ["mystore.file.core.windows.net"]')
    expect(main(false)?.contents).toContain('destination_addresses = ["Storage.WestEurope"]')
  })
})
