import { readFileSync } from 'node:fs'
import type { Flow, Plan, PlanRule } from '@aml-egress/core'
import { createPlan, createPlanRule } from '@aml-egress/test-matrix'
import Ajv from 'ajv-draft-04'

/** The compute subnet every fixture uses. */
export const SUBNET = '10.0.0.0/24'
/** An address inside SUBNET. */
export const COMPUTE = '10.0.0.4'
/** The workspace of the fixtures. */
export const WORKSPACE = '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c'

/** An outbound 443 rule of a user scenario (Python packages) unless `input` says otherwise. */
export function rule(input: Partial<PlanRule> & Pick<PlanRule, 'id' | 'destination'>): PlanRule {
  return createPlanRule({
    direction: 'outbound',
    source: { kind: 'addresses', addresses: [SUBNET] },
    ports: [{ from: 443, to: 443 }],
    scenarios: ['python-packages'],
    workspaces: [WORKSPACE],
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

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8')) as object
}

const ajv = new Ajv({ allErrors: true, strict: false })
const validateRule = ajv.compile(loadSchema('arm-2026-05-01-workspaces_outboundRules.schema.json'))
const validateNetwork = ajv.compile(
  loadSchema('arm-2026-05-01-workspaces_managedNetwork.schema.json'),
)

function errorsOf(valid: boolean, errors: typeof validateRule.errors): string[] {
  return valid ? [] : (errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${e.message ?? ''}`)
}

/** Schema errors of one outbound rule resource (empty: valid). */
export function ruleSchemaErrors(resource: unknown): string[] {
  return errorsOf(validateRule(resource), validateRule.errors)
}

/** Schema errors of a `managedNetwork` object (empty: valid). */
export function networkSchemaErrors(network: unknown): string[] {
  return errorsOf(validateNetwork(network), validateNetwork.errors)
}

/** A fixture file's text. */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
}
