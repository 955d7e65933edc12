import { type Plan, type PlanRule, parseProfile, resolvePlan } from '@aml-egress/core'
import { createPlan, createPlanRule } from '@aml-egress/test-matrix'

/** A plan rule with the defaults of an outbound HTTPS host rule; `overrides` change the rest. */
export function planRule(overrides: Partial<PlanRule> & Pick<PlanRule, 'id'>): PlanRule {
  return createPlanRule({
    direction: 'outbound',
    source: { kind: 'addresses', addresses: ['10.10.0.0/24'] },
    destination: { kind: 'fqdn', fqdn: 'example.invalid' },
    ports: [{ from: 443, to: 443 }],
    applicationProtocols: ['Https'],
    requirementIds: ['test-01'],
    scenarios: ['basic-configuration'],
    ...overrides,
  })
}

/** A hand-built plan: one of each kind of flow the probe must sort. */
export function handPlan(rules: PlanRule[]): Plan {
  return createPlan({
    catalog: { version: 'test', docDate: '2026-01-01' },
    sourceAddresses: ['10.10.0.0/24'],
    rules,
  })
}

/**
 * A real resolved plan: compute instance and cluster in West Europe with SMB to storage, so it has
 * exact hosts, wildcards with and without folded hosts, HTTP on 80, SMB 445, UDP and a service tag.
 * `sourceAddresses` is loopback so a Squid rendered from it accepts the test's requests.
 */
export function contosoPlan(): Plan {
  return resolvePlan(
    parseProfile({
      cloud: 'public',
      workspaces: [
        {
          id: '3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d1e55',
          name: 'contoso-ml',
          region: 'westeurope',
          storageAccounts: ['contosomlstore'],
          containerRegistries: ['contosomlacr'],
        },
      ],
      compute: ['computeInstance', 'computeCluster'],
      features: { storageFirewall: true },
      sourceAddresses: ['127.0.0.0/8'],
    }),
  )
}
