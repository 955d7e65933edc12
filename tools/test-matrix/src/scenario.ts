import type { Flow, ProfileInput } from '@aml-egress/core'

/** A flow with the reason it must be allowed or denied, written from the docs. */
export type ScenarioFlow = Flow & {
  /** Why: the doc row it comes from, or the near miss it guards. */
  why: string
}

/** A profile and the flows the docs say it must allow and must not allow. */
export type Scenario = {
  /** Kebab-case; equals the file name under `scenarios/` and the golden directory name. */
  id: string
  title: string
  profile: ProfileInput
  mustAllow: readonly ScenarioFlow[]
  mustDeny: readonly ScenarioFlow[]
}

/**
 * Identity helper that types a scenario literal.
 * @example export default-free: export const hbiWorkspace = defineScenario({ id: 'hbi-workspace', … })
 */
export function defineScenario(scenario: Scenario): Scenario {
  return scenario
}

/** The compute subnet every scenario uses, and an address inside it. */
export const SUBNET = '10.10.0.0/24'
export const COMPUTE_ADDRESS = '10.10.0.4'
/** An address outside every scenario's subnets (TEST-NET-1). */
export const FOREIGN_ADDRESS = '192.0.2.10'

type FlowOptions = { udp?: boolean; serviceTags?: string[]; from?: string }

function outbound(
  destination: ScenarioFlow['destination'],
  port: number,
  why: string,
  options: FlowOptions,
): ScenarioFlow {
  return {
    direction: 'outbound',
    source: { kind: 'address', address: options.from ?? COMPUTE_ADDRESS },
    destination,
    protocol: options.udp ? 'UDP' : 'TCP',
    port,
    why,
  }
}

/** Outbound from the compute subnet to a host. */
export function toHost(
  host: string,
  port: number,
  why: string,
  options: FlowOptions = {},
): ScenarioFlow {
  return outbound(
    { kind: 'host', host, serviceTags: options.serviceTags ?? [] },
    port,
    why,
    options,
  )
}

/** Outbound from the compute subnet to a service tag's ranges (no host name known). */
export function toTag(
  tag: string,
  port: number,
  why: string,
  options: FlowOptions = {},
): ScenarioFlow {
  return outbound({ kind: 'serviceTag', tag }, port, why, options)
}

/** Outbound from the compute subnet to an IPv4 address (no host name). */
export function toAddress(
  address: string,
  port: number,
  why: string,
  options: FlowOptions = {},
): ScenarioFlow {
  return outbound({ kind: 'address', address }, port, why, options)
}

/** Inbound over TCP from an IPv4 address outside to compute in the subnet. */
export function fromAddress(address: string, port: number, why: string): ScenarioFlow {
  return {
    direction: 'inbound',
    source: { kind: 'address', address },
    destination: { kind: 'address', address: COMPUTE_ADDRESS },
    protocol: 'TCP',
    port,
    why,
  }
}

/** Inbound from a service tag to compute in the subnet. */
export function fromTag(tag: string, port: number, why: string): ScenarioFlow {
  return {
    direction: 'inbound',
    source: { kind: 'serviceTag', tag },
    destination: { kind: 'address', address: COMPUTE_ADDRESS },
    protocol: 'TCP',
    port,
    why,
  }
}

type Pod = { namespace: string; labels?: Record<string, string> }

/** Pod to pod inside the cluster. */
export function podToPod(
  from: Pod,
  to: Pod,
  port: number,
  why: string,
  options: FlowOptions = {},
): ScenarioFlow {
  return {
    direction: 'inCluster',
    source: { kind: 'pod', namespace: from.namespace, labels: from.labels ?? {} },
    destination: { kind: 'pod', namespace: to.namespace, labels: to.labels ?? {} },
    protocol: options.udp ? 'UDP' : 'TCP',
    port,
    why,
  }
}

/** Pod to the Kubernetes API server. */
export function podToApiServer(
  from: Pod,
  address: string,
  port: number,
  why: string,
): ScenarioFlow {
  return {
    direction: 'inCluster',
    source: { kind: 'pod', namespace: from.namespace, labels: from.labels ?? {} },
    destination: { kind: 'apiServer', address },
    protocol: 'TCP',
    port,
    why,
  }
}
