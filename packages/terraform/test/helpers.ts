import { readFileSync } from 'node:fs'
import type { Flow, Plan, PlanRule, RenderedFile } from '@aml-egress/core'
import { createPlan, createPlanRule } from '@aml-egress/test-matrix'
import { parse } from '@cdktf/hcl2json'
import Ajv from 'ajv'

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

/** An outbound flow from `from` (default: the compute subnet) to a host. */
export function toHost(
  host: string,
  port: number,
  options: { udp?: boolean; serviceTags?: string[]; from?: string } = {},
): Flow {
  return {
    direction: 'outbound',
    source: { kind: 'address', address: options.from ?? COMPUTE },
    destination: { kind: 'host', host, serviceTags: options.serviceTags ?? [] },
    protocol: options.udp ? 'UDP' : 'TCP',
    port,
  }
}

/** An outbound flow to a service tag. */
export function toTag(
  tag: string,
  port: number,
  options: { udp?: boolean; from?: string } = {},
): Flow {
  return {
    direction: 'outbound',
    source: { kind: 'address', address: options.from ?? COMPUTE },
    destination: { kind: 'serviceTag', tag },
    protocol: options.udp ? 'UDP' : 'TCP',
    port,
  }
}

/** An inbound flow from a service tag to the compute subnet. */
export function fromTag(tag: string, port: number, options: { to?: string } = {}): Flow {
  return {
    direction: 'inbound',
    source: { kind: 'serviceTag', tag },
    destination: { kind: 'address', address: options.to ?? COMPUTE },
    protocol: 'TCP',
    port,
  }
}

/** A .tf file for the reader; the text is dedented so fixtures read naturally. */
export function tf(path: string, text: string): RenderedFile {
  const lines = text.replace(/^\n/, '').split('\n')
  const indent = Math.min(
    ...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0),
  )
  return { path, contents: lines.map((line) => line.slice(indent)).join('\n') }
}

const schema = JSON.parse(
  readFileSync(
    new URL('../schemas/tf-azurerm-subset.hcl2json.schema.json', import.meta.url),
    'utf8',
  ),
) as object
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)

/** Parses a file with HashiCorp's parser and validates it against the azurerm subset schema. */
export async function schemaErrors(file: RenderedFile): Promise<string[]> {
  const json: unknown = await parse(file.path, file.contents)
  if (validate(json)) return []
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`)
}
