import { buildFirewallPolicy } from '@aml-egress/azure-firewall'
import { parseProfile, resolvePlan } from '@aml-egress/core'
import { scenarios } from '@aml-egress/test-matrix'
import { describe, expect, it } from 'vitest'
import { terraformFormat } from '../src/index'
import { schemaErrors } from './helpers'

// Validity is an opt-in layer on top of the matrix: HashiCorp's HCL parser (via hcl2json) plus
// the azurerm subset schema derived from the provider source (see schemas/README.md).
describe('format: terraform — validity', () => {
  for (const scenario of scenarios)
    it(`returns files the HCL parser and the azurerm schema accept for ${scenario.id}`, async () => {
      const { files } = terraformFormat.render(resolvePlan(parseProfile(scenario.profile)))
      const errors = await Promise.all(
        files.map(async (file) => [file.path, await schemaErrors(file)]),
      )
      expect(errors).toStrictEqual(files.map((file) => [file.path, []]))
    })

  for (const scenario of scenarios)
    it(`returns the same firewall model after a round trip for ${scenario.id}`, async () => {
      const plan = resolvePlan(parseProfile(scenario.profile))
      const { files } = terraformFormat.render(plan)
      const { config, diagnostics } = await terraformFormat.read(files)
      const rendered = JSON.parse(
        JSON.stringify(config.firewallPolicy.ruleCollectionGroups, (key, value) =>
          key === 'origin' ? undefined : value,
        ),
      )
      expect(diagnostics).toStrictEqual([])
      expect(rendered).toStrictEqual(
        buildFirewallPolicy(plan, { groupName: 'aml-egress', basePriority: 500 }).policy
          .ruleCollectionGroups,
      )
    })
})
