/**
 * A large fleet's Azure Firewall output checked against Azure's limits and the ARM schemas: group
 * count and bytes, the package's cross-field validation, and ajv against both schemas the
 * azure-firewall package's tests use (packages/azure-firewall/schemas).
 */
import { readFileSync } from 'node:fs'
import {
  azureFirewallFormat,
  buildFirewallPolicy,
  firewallLimits,
  ruleCollectionGroupBytes,
  validatePolicy,
} from '@aml-egress/azure-firewall'
import { parseProfile, resolvePlan } from '@aml-egress/core'
import Ajv from 'ajv-draft-04'
import { fleetProfile } from './fleet'

const schemaDir = new URL('../../../packages/azure-firewall/schemas/', import.meta.url)

function validator(name: string) {
  const ajv = new Ajv({ allErrors: true, strict: false })
  return ajv.compile(JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as object)
}

/** What `checkFirewallLimits` reports. */
export type FirewallLimitsReport = {
  workspaces: number
  rules: number
  groups: number
  maxGroups: number
  largestGroupBytes: number
  maxGroupBytes: number
  /** Problems from the package's `validatePolicy` (Azure's cross-field rules). */
  policyProblems: number
  /** ajv errors against the official and the strict ARM schema, over every group resource. */
  schemaErrors: number
  /** Error-severity render diagnostics. */
  errors: number
}

/**
 * Renders a `workspaces` fleet for Azure Firewall and checks it is deployable as far as we can
 * tell offline.
 * @example checkFirewallLimits(10_000).schemaErrors // 0
 */
export function checkFirewallLimits(workspaces: number): FirewallLimitsReport {
  const plan = resolvePlan(parseProfile(fleetProfile(workspaces)))
  const { policy } = buildFirewallPolicy(plan)
  const rendered = azureFirewallFormat.render(plan)
  const validators = [
    validator('arm-2025-07-01-firewallPolicies_ruleCollectionGroups.schema.json'),
    validator('arm-2025-07-01-firewallPolicies_ruleCollectionGroups.strict.schema.json'),
  ]
  let schemaErrors = 0
  for (const file of rendered.files) {
    const json = JSON.parse(file.contents) as { resources?: unknown[] }
    // Templates hold the groups as resources; the other files are one group resource each.
    const resources = /\/azuredeploy(-\d+)?\.json$/.test(file.path)
      ? (json.resources ?? [])
      : [json]
    for (const resource of resources)
      for (const validate of validators)
        if (!validate(resource)) schemaErrors += validate.errors?.length ?? 1
  }
  return {
    workspaces,
    rules: policy.ruleCollectionGroups
      .flatMap((group) => group.ruleCollections)
      .reduce((sum, collection) => sum + collection.rules.length, 0),
    groups: policy.ruleCollectionGroups.length,
    maxGroups: firewallLimits.maxGroupsPerPolicy,
    largestGroupBytes: Math.max(...policy.ruleCollectionGroups.map(ruleCollectionGroupBytes)),
    maxGroupBytes: firewallLimits.maxGroupBytes,
    policyProblems: validatePolicy(policy).length,
    schemaErrors,
    errors: rendered.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length,
  }
}
