import {
  azureFirewallFormat,
  firewallLimits,
  ruleCollectionGroupBytes,
  validatePolicy,
} from '@aml-egress/azure-firewall'
import { type BenchSection, bytes } from '@aml-egress/test-matrix/bench'
import { armResources, schemaErrors } from '../test/helpers'
import { fleetPolicy } from './fleet'

/**
 * A `workspaces` fleet rendered for Azure Firewall and checked as far as we can offline: group
 * count and bytes against Azure's limits, the package's cross-field `validatePolicy`, and every
 * group resource against the official and the strict ARM schema (`schemas/`, as the tests use).
 */
export function limitsSection(workspaces: number): BenchSection {
  const { plan, policy, rules } = fleetPolicy(workspaces)
  const rendered = azureFirewallFormat.render(plan)
  const groups = policy.ruleCollectionGroups.length
  const largestGroupBytes = Math.max(...policy.ruleCollectionGroups.map(ruleCollectionGroupBytes))
  const policyProblems = validatePolicy(policy).length
  const schemaErrorCount = armResources(rendered.files).flatMap(schemaErrors).length
  const errors = rendered.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')
  return {
    kind: 'table',
    title: `Azure Firewall limits, ${workspaces.toLocaleString('en-US')} workspaces`,
    header: [
      'rules',
      'groups',
      'largest group',
      'validatePolicy problems',
      'schema errors',
      'error diagnostics',
    ],
    rows: [
      [
        rules.toLocaleString('en-US'),
        `${groups} of ${firewallLimits.maxGroupsPerPolicy}`,
        `${bytes(largestGroupBytes)} of ${bytes(firewallLimits.maxGroupBytes)}`,
        String(policyProblems),
        String(schemaErrorCount),
        String(errors.length),
      ],
    ],
    targets: [
      {
        what: 'large fleet within Azure Firewall limits and schema-valid',
        met:
          groups <= firewallLimits.maxGroupsPerPolicy &&
          largestGroupBytes <= firewallLimits.maxGroupBytes &&
          policyProblems === 0 &&
          schemaErrorCount === 0,
        figure: `${groups} groups, ${policyProblems} problems, ${schemaErrorCount} schema errors`,
      },
    ],
  }
}
