import { describe, expect, it } from 'vitest'
import { tf, toTag } from '../test/helpers'
import { terraformFormat } from './format'
import { terraformReferences } from './references'

/** One network rule whose sources are `var.subnets`, declared with the given body. */
function subnetsRule(declaration: string) {
  return tf(
    'infra/main.tf',
    `
    variable "subnets" {
      ${declaration}
    }
    variable "unused" {
      type = string
    }
    resource "azurerm_firewall_policy_rule_collection_group" "g" {
      name               = "g"
      firewall_policy_id = var.unused
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
  )
}

const at = (from: string) => toTag('AzureMachineLearning', 443, { from })

describe('format: terraform, variable values (issue #18)', () => {
  it('returns the auto-loaded variable files of each directory a .tf file is in', () => {
    const files = [subnetsRule('type = list(string)'), { path: 'infra/x.tfvars', contents: '' }]
    expect(terraformReferences(files).map((reference) => reference.path)).toStrictEqual([
      'infra/terraform.tfvars',
      'infra/terraform.tfvars.json',
      'infra/*.auto.tfvars',
      'infra/*.auto.tfvars.json',
    ])
  })

  it('returns unknown and names var.subnets when no default or tfvars sets it', async () => {
    // GIVEN a variable Terraform would take from -var or TF_VAR_subnets
    const { config, diagnostics } = await terraformFormat.read([subnetsRule('type = list(string)')])
    // THEN flows its rule decides are unknown, and one warning says why; var.unused decides none
    expect(terraformFormat.evaluate(config, at('10.1.0.4')).verdict).toBe('unknown')
    expect(diagnostics.map((d) => [d.code, d.location?.line])).toStrictEqual([
      ['AML_EGRESS_READ_UNSUPPORTED', 1],
    ])
    expect(diagnostics[0]?.message).toMatch(/^var\.subnets: no default .* TF_VAR_subnets /)
  })

  it("returns Terraform's precedence over the JSON variants: later auto files win", async () => {
    // Terraform: the default, then terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars
    // and *.auto.tfvars.json in lexical order of their names; the last value wins.
    const files = [
      subnetsRule('default = ["10.1.0.0/24"]'),
      { path: 'infra/terraform.tfvars', contents: 'subnets = ["10.2.0.0/24"]\n' },
      { path: 'infra/terraform.tfvars.json', contents: '{"subnets": ["10.3.0.0/24"]}\n' },
      { path: 'infra/b.auto.tfvars', contents: 'subnets = ["10.5.0.0/24"]\n' },
      { path: 'infra/a.auto.tfvars.json', contents: '{"subnets": ["10.4.0.0/24"]}\n' },
    ]
    const { config } = await terraformFormat.read(files)
    const verdicts = ['10.1.0.4', '10.2.0.4', '10.3.0.4', '10.4.0.4', '10.5.0.4'].map(
      (from) => terraformFormat.evaluate(config, at(from)).verdict,
    )
    expect(verdicts).toStrictEqual(['denied', 'denied', 'denied', 'denied', 'allowed'])
  })
})
