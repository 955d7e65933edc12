import { describe, expect, it } from 'vitest'
import { fromTag, tf, toHost, toTag } from '../test/helpers'
import { terraformFormat } from './format'

// A hand-written config in the shape teams write it, with the usual mistakes:
// an FQDN in a network rule's destination_addresses, the global Storage tag, UDP 5831 missing,
// and the subnets taken from a variable that has no value.
const handWritten = tf(
  'firewall.tf',
  `
  variable "aml_subnets" {
    type = list(string)
  }

  locals {
    compute = ["10.1.0.0/24"]
  }

  resource "azurerm_firewall_policy_rule_collection_group" "aml" {
    name               = "aml"
    firewall_policy_id = azurerm_firewall_policy.hub.id
    priority           = 300

    network_rule_collection {
      name     = "aml-net"
      priority = 100
      action   = "Allow"

      rule {
        name                  = "aml-service"
        protocols             = ["TCP"]
        source_addresses      = local.compute
        destination_addresses = ["AzureMachineLearning"]
        destination_ports     = ["443", "8787", "18881"]
      }

      rule {
        name                  = "storage"
        protocols             = ["TCP"]
        source_addresses      = local.compute
        destination_addresses = ["Storage"]
        destination_ports     = ["443", "445"]
      }

      rule {
        name                  = "mcr-by-name"
        protocols             = ["TCP"]
        source_addresses      = local.compute
        destination_addresses = ["mcr.microsoft.com"]
        destination_ports     = ["443"]
      }
    }

    application_rule_collection {
      name     = "aml-app"
      priority = 200
      action   = "Allow"

      rule {
        name              = "workspace"
        source_addresses  = var.aml_subnets
        destination_fqdns = ["ml.azure.com", "*.azureml.ms"]
        protocols {
          type = "Https"
          port = 443
        }
      }
    }
  }
  `,
)

const FROM = { from: '10.1.0.4' }

describe('format: terraform — read', () => {
  it('returns verdicts from Azure Firewall semantics when a hand-written config has mistakes', async () => {
    // GIVEN the hand-written config without a value for var.aml_subnets
    const { config, diagnostics } = await terraformFormat.read([handWritten])
    const verdict = (flow: Parameters<typeof terraformFormat.evaluate>[1]) =>
      terraformFormat.evaluate(config, flow).verdict
    // THEN the tag rule allows TCP 443, but nothing carries UDP 5831 (default deny)
    expect(verdict(toTag('AzureMachineLearning', 443, FROM))).toBe('allowed')
    expect(verdict(toTag('AzureMachineLearning', 5831, { ...FROM, udp: true }))).toBe('denied')
    // the global Storage tag covers every region's storage, including other tenants' accounts
    expect(
      verdict(
        toHost('other.file.core.windows.net', 445, { ...FROM, serviceTags: ['Storage.EastUS'] }),
      ),
    ).toBe('allowed')
    // a host name in destination_addresses matches no traffic: MCR is denied, and we say why
    expect(
      verdict(
        toHost('mcr.microsoft.com', 443, { ...FROM, serviceTags: ['MicrosoftContainerRegistry'] }),
      ),
    ).toBe('denied')
    expect(diagnostics.map((d) => [d.code, d.location?.line])).toContainEqual([
      'AML_EGRESS_INVALID_INPUT',
      expect.any(Number),
    ])
    // the application rule's sources are a variable without a value: unknown, never allowed
    const unknown = terraformFormat.evaluate(config, toHost('ml.azure.com', 443, FROM))
    expect(unknown.verdict).toBe('unknown')
    expect(unknown.decidedBy).toStrictEqual({
      rule: 'aml/aml-app/workspace',
      file: 'firewall.tf',
      line: 50,
    })
  })

  it('returns resolved verdicts when a tfvars file gives the variable its value', async () => {
    // GIVEN the same config and a terraform.tfvars
    const tfvars = { path: 'terraform.tfvars', contents: 'aml_subnets = ["10.1.0.0/24"]\n' }
    const { config } = await terraformFormat.read([handWritten, tfvars])
    const verdict = (flow: Parameters<typeof terraformFormat.evaluate>[1]) =>
      terraformFormat.evaluate(config, flow).verdict
    // THEN the host is allowed, the apex of the wildcard is not, another subnet is not
    expect(verdict(toHost('ml.azure.com', 443, FROM))).toBe('allowed')
    expect(verdict(toHost('eastus.api.azureml.ms', 443, FROM))).toBe('allowed')
    expect(verdict(toHost('azureml.ms', 443, FROM))).toBe('denied')
    expect(verdict(toHost('ml.azure.com', 443, { from: '10.2.0.4' }))).toBe('denied')
  })

  it('returns later tfvars values when auto.tfvars overrides terraform.tfvars and a default', async () => {
    // GIVEN a default, terraform.tfvars and an .auto.tfvars for the same variable
    const files = [
      tf(
        'main.tf',
        `
        variable "subnets" {
          default = ["10.7.0.0/24"]
        }
        resource "azurerm_firewall_policy_rule_collection_group" "g" {
          name               = "g"
          firewall_policy_id = "x"
          priority           = 100
          network_rule_collection {
            name     = "n"
            priority = 100
            action   = "Allow"
            rule {
              name                  = "r"
              protocols             = ["TCP"]
              source_addresses      = var.subnets
              destination_addresses = ["AzureMachineLearning"]
              destination_ports     = ["443"]
            }
          }
        }
        `,
      ),
      { path: 'z.auto.tfvars', contents: 'subnets = ["10.9.0.0/24"]\n' },
      { path: 'terraform.tfvars', contents: 'subnets = ["10.8.0.0/24"]\n' },
    ]
    const { config } = await terraformFormat.read(files)
    // THEN Terraform's precedence holds: *.auto.tfvars wins over terraform.tfvars over the default
    const at = (from: string) =>
      terraformFormat.evaluate(config, toTag('AzureMachineLearning', 443, { from })).verdict
    expect([at('10.7.0.4'), at('10.8.0.4'), at('10.9.0.4')]).toStrictEqual([
      'denied',
      'denied',
      'allowed',
    ])
  })

  it('returns expanded rules when a dynamic block iterates a known list, unknown when it cannot', async () => {
    // GIVEN one dynamic rule block over a variable default and one over a data source
    const files = [
      tf(
        'dynamic.tf',
        `
        variable "hosts" {
          default = ["pypi.org", "files.pythonhosted.org"]
        }
        resource "azurerm_firewall_policy_rule_collection_group" "g" {
          name               = "g"
          firewall_policy_id = "x"
          priority           = 100
          application_rule_collection {
            name     = "packages"
            priority = 100
            action   = "Allow"
            dynamic "rule" {
              for_each = var.hosts
              content {
                name              = "host-\${rule.key}"
                source_addresses  = ["10.0.0.0/24"]
                destination_fqdns = [rule.value]
                protocols {
                  type = "Https"
                  port = 443
                }
              }
            }
          }
          application_rule_collection {
            name     = "blocklist"
            priority = 50
            action   = "Deny"
            dynamic "rule" {
              for_each = data.external.blocked.result
              content {
                name              = rule.key
                source_addresses  = ["*"]
                destination_fqdns = [rule.value]
              }
            }
          }
        }
        `,
      ),
    ]
    const { config, diagnostics } = await terraformFormat.read(files)
    // THEN the rules were expanded, but the unexpandable deny list makes the verdicts unknown
    const packages = config.firewallPolicy.ruleCollectionGroups[0]?.ruleCollections.find(
      (c) => c.name === 'packages',
    )
    expect(packages?.rules.map((r) => r.name)).toStrictEqual(['host-0', 'host-1'])
    expect(terraformFormat.evaluate(config, toHost('pypi.org', 443)).verdict).toBe('unknown')
    expect(diagnostics.map((d) => d.code)).toContain('AML_EGRESS_READ_UNSUPPORTED')
    // AND without the deny list the expanded rules decide
    const allowOnly = {
      ...config,
      firewallPolicy: {
        ...config.firewallPolicy,
        ruleCollectionGroups: config.firewallPolicy.ruleCollectionGroups.map((g) => ({
          ...g,
          ruleCollections: g.ruleCollections.filter((c) => c.name === 'packages'),
        })),
      },
    }
    expect(terraformFormat.evaluate(allowOnly, toHost('files.pythonhosted.org', 443)).verdict).toBe(
      'allowed',
    )
    expect(terraformFormat.evaluate(allowOnly, toHost('evil.example', 443)).verdict).toBe('denied')
  })

  it('returns an NSG verdict when inline security rules and defaults decide', async () => {
    // GIVEN an NSG that admits 44224 from AzureMachineLearning and denies outbound Internet
    const files = [
      tf(
        'nsg.tf',
        `
        resource "azurerm_network_security_group" "compute" {
          name                = "nsg-compute"
          location            = "westeurope"
          resource_group_name = "rg"

          security_rule {
            name                       = "aml-44224"
            priority                   = 100
            direction                  = "Inbound"
            access                     = "Allow"
            protocol                   = "Tcp"
            source_port_range          = "*"
            destination_port_range     = "44224"
            source_address_prefix      = "AzureMachineLearning"
            destination_address_prefix = "VirtualNetwork"
          }

          security_rule {
            name                       = "aml-out"
            priority                   = 200
            direction                  = "Outbound"
            access                     = "Allow"
            protocol                   = "*"
            source_port_range          = "*"
            destination_port_ranges    = ["443", "5831"]
            source_address_prefix      = "VirtualNetwork"
            destination_address_prefix = "AzureMachineLearning"
          }

          security_rule {
            name                       = "deny-internet"
            priority                   = 4000
            direction                  = "Outbound"
            access                     = "Deny"
            protocol                   = "*"
            source_port_range          = "*"
            destination_port_range     = "*"
            source_address_prefix      = "*"
            destination_address_prefix = "Internet"
          }
        }
        `,
      ),
    ]
    const { config } = await terraformFormat.read(files)
    const verdict = (flow: Parameters<typeof terraformFormat.evaluate>[1]) =>
      terraformFormat.evaluate(config, flow)
    // THEN inbound 44224 passes; other inbound hits DenyAllInBound
    expect(verdict(fromTag('AzureMachineLearning', 44224)).verdict).toBe('allowed')
    expect(verdict(fromTag('AzureMachineLearning', 44224)).decidedBy).toStrictEqual({
      rule: 'azurerm_network_security_group.compute.security_rule[0]',
      file: 'nsg.tf',
      line: 7,
    })
    expect(verdict(fromTag('BatchNodeManagement', 29876)).verdict).toBe('denied')
    // outbound: UDP 5831 to the tag passes (protocol *), storage hits the Internet deny first
    expect(verdict(toTag('AzureMachineLearning', 5831, { udp: true })).verdict).toBe('allowed')
    expect(verdict(toTag('Storage.WestEurope', 443)).verdict).toBe('denied')
  })

  it('returns a syntax diagnostic with file and line when a file does not parse', async () => {
    const { diagnostics } = await terraformFormat.read([
      { path: 'bad.tf', contents: 'resource "a" "b" {\n  x = [1 2]\n}\n' },
    ])
    expect(diagnostics.map((d) => [d.code, d.location])).toStrictEqual([
      ['AML_EGRESS_READ_SYNTAX', { file: 'bad.tf', line: 2 }],
    ])
  })

  it('returns unknown when a module call or an unresolved count may change the answer', async () => {
    const rcg = (count: string) =>
      tf(
        'main.tf',
        `
        resource "azurerm_firewall_policy_rule_collection_group" "g" {
          count              = ${count}
          name               = "g"
          firewall_policy_id = "x"
          priority           = 100
          network_rule_collection {
            name     = "n"
            priority = 100
            action   = "Allow"
            rule {
              name                  = "r"
              protocols             = ["TCP"]
              source_addresses      = ["*"]
              destination_addresses = ["AzureMachineLearning"]
              destination_ports     = ["443"]
            }
          }
        }
        `,
      )
    const flow = toTag('AzureMachineLearning', 443)
    const evaluate = async (files: Parameters<typeof terraformFormat.read>[0]) =>
      terraformFormat.evaluate((await terraformFormat.read(files)).config, flow).verdict
    // GIVEN count = 1, count = 0, count from a resource attribute, and a module call
    expect(await evaluate([rcg('1')])).toBe('allowed')
    expect(await evaluate([rcg('0')])).toBe('denied')
    expect(await evaluate([rcg('var.enabled ? 1 : 0')])).toBe('unknown')
    expect(
      await evaluate([
        rcg('1'),
        { path: 'mod.tf', contents: 'module "hub" {\n  source = "./hub"\n}\n' },
      ]),
    ).toBe('unknown')
  })

  it('returns unknown when a network rule spells a protocol the provider rejects', async () => {
    // GIVEN protocols = ["Tcp"] (azurerm wants TCP): terraform plan fails, so nothing is deployed
    const { config, diagnostics } = await terraformFormat.read([
      tf(
        'main.tf',
        `
        resource "azurerm_firewall_policy_rule_collection_group" "g" {
          name               = "g"
          firewall_policy_id = "x"
          priority           = 100
          network_rule_collection {
            name     = "n"
            priority = 100
            action   = "Allow"
            rule {
              name                  = "r"
              protocols             = ["Tcp"]
              source_addresses      = ["*"]
              destination_addresses = ["AzureMachineLearning"]
              destination_ports     = ["443"]
            }
          }
        }
        `,
      ),
    ])
    expect(terraformFormat.evaluate(config, toTag('AzureMachineLearning', 443)).verdict).toBe(
      'unknown',
    )
    expect(diagnostics.map((d) => d.code)).toStrictEqual(['AML_EGRESS_INVALID_INPUT'])
  })

  it('returns verdicts for JSON syntax files and IP group references', async () => {
    // GIVEN a .tf.json rule collection group whose sources are an azurerm_ip_group
    const json = {
      resource: {
        azurerm_ip_group: { compute: { name: 'compute', cidrs: ['10.3.0.0/24'] } },
        azurerm_firewall_policy_rule_collection_group: {
          g: {
            name: 'g',
            firewall_policy_id: 'x',
            priority: 100,
            network_rule_collection: {
              name: 'n',
              priority: 100,
              action: 'Allow',
              rule: [
                {
                  name: 'aml',
                  protocols: ['UDP'],
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform JSON syntax
                  source_ip_groups: ['${azurerm_ip_group.compute.id}'],
                  destination_addresses: ['AzureMachineLearning'],
                  destination_ports: ['5831'],
                },
              ],
            },
          },
        },
      },
    }
    const { config } = await terraformFormat.read([
      { path: 'main.tf.json', contents: JSON.stringify(json) },
    ])
    const at = (from: string) =>
      terraformFormat.evaluate(config, toTag('AzureMachineLearning', 5831, { udp: true, from }))
        .verdict
    // THEN members of the IP group pass, others do not
    expect([at('10.3.0.9'), at('10.4.0.9')]).toStrictEqual(['allowed', 'denied'])
  })

  it('returns unknown when the policy inherits rules from a parent policy', async () => {
    const { config } = await terraformFormat.read([
      tf(
        'policy.tf',
        `
        resource "azurerm_firewall_policy" "child" {
          name                = "child"
          resource_group_name = "rg"
          location            = "westeurope"
          base_policy_id      = azurerm_firewall_policy.parent.id
        }
        resource "azurerm_firewall_policy_rule_collection_group" "g" {
          name               = "g"
          firewall_policy_id = azurerm_firewall_policy.child.id
          priority           = 100
        }
        `,
      ),
    ])
    // Parent rules run first and are not in the files: even a flow nothing here allows is unknown.
    expect(terraformFormat.evaluate(config, toTag('AzureMachineLearning', 443)).verdict).toBe(
      'unknown',
    )
  })
})
