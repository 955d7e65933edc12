import { readFileSync } from 'node:fs'
import type { Flow, Plan, PlanRule, RenderedFile } from '@aml-egress/core'
import { createPlan, createPlanRule } from '@aml-egress/test-matrix'
import Ajv from 'ajv-draft-04'

/** The compute subnet every fixture uses. */
export const SUBNET = '10.0.0.0/24'
/** An address inside SUBNET. */
export const COMPUTE = '10.0.0.4'

/** A plan rule with outbound defaults; tests set only what they are about. */
export function rule(input: Partial<PlanRule> & Pick<PlanRule, 'id' | 'destination'>): PlanRule {
  return createPlanRule({
    direction: 'outbound',
    source: { kind: 'addresses', addresses: [SUBNET] },
    ports: [{ from: 443, to: 443 }],
    scenarios: ['basic-configuration'],
    ...input,
  })
}

/** A plan around the given rules. */
export function plan(rules: PlanRule[]): Plan {
  return createPlan({ sourceAddresses: [SUBNET], rules })
}

/** An outbound flow from the compute subnet to a host. */
export function toHost(
  host: string,
  port: number,
  options: { udp?: boolean; serviceTags?: string[] } = {},
): Flow {
  return {
    direction: 'outbound',
    source: { kind: 'address', address: COMPUTE },
    destination: { kind: 'host', host, serviceTags: options.serviceTags ?? [] },
    protocol: options.udp ? 'UDP' : 'TCP',
    port,
  }
}

/** An outbound flow from the compute subnet to a service tag. */
export function toTag(tag: string, port: number, options: { udp?: boolean } = {}): Flow {
  return {
    direction: 'outbound',
    source: { kind: 'address', address: COMPUTE },
    destination: { kind: 'serviceTag', tag },
    protocol: options.udp ? 'UDP' : 'TCP',
    port,
  }
}

/** A JSON file for the reader. */
export function jsonFile(path: string, value: unknown): RenderedFile {
  return { path, contents: `${JSON.stringify(value, null, 2)}\n` }
}

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8')) as object
}

const ajv = new Ajv({ allErrors: true, strict: false })
const validators = {
  official: ajv.compile(
    loadSchema('arm-2025-07-01-firewallPolicies_ruleCollectionGroups.schema.json'),
  ),
  strict: ajv.compile(
    loadSchema('arm-2025-07-01-firewallPolicies_ruleCollectionGroups.strict.schema.json'),
  ),
}

/** Every rule collection group resource in rendered ARM files: plain files and template resources. */
export function armResources(files: readonly RenderedFile[]): unknown[] {
  return files.flatMap((file) => {
    const json = JSON.parse(file.contents) as { resources?: unknown[] }
    return /\/azuredeploy(-\d+)?\.json$/.test(file.path) ? (json.resources ?? []) : [json]
  })
}

/** Schema errors of one RCG resource against the official and strict ARM schemas (empty: valid). */
export function schemaErrors(resource: unknown): string[] {
  const errors: string[] = []
  for (const [name, validate] of Object.entries(validators))
    if (!validate(resource))
      for (const error of validate.errors ?? [])
        errors.push(`${name} ${error.instancePath} ${error.keyword} ${error.message ?? ''}`)
  return errors
}
