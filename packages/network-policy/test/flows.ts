import type { Flow } from '@aml-egress/core'
import type { NetworkPolicyConfig } from '../src/model'
import { readNetworkPolicy } from '../src/read'

/** Reads hand-written YAML the way `read` does. */
export async function configOf(
  contents: string,
  extra: { path: string; contents: string }[] = [],
): Promise<NetworkPolicyConfig> {
  return (await readNetworkPolicy([{ path: 'policies.yaml', contents }, ...extra])).config
}

type Pod = { namespace: string; labels?: Record<string, string> }

/** Pod to pod. */
export function podFlow(from: Pod, to: Pod, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): Flow {
  return {
    direction: 'inCluster',
    source: { kind: 'pod', namespace: from.namespace, labels: from.labels ?? {} },
    destination: { kind: 'pod', namespace: to.namespace, labels: to.labels ?? {} },
    protocol,
    port,
  }
}

/** Pod to an external address. */
export function toAddress(from: Pod, address: string, port: number): Flow {
  return {
    direction: 'outbound',
    source: { kind: 'pod', namespace: from.namespace, labels: from.labels ?? {} },
    destination: { kind: 'address', address },
    protocol: 'TCP',
    port,
  }
}

/** Pod to a host name, optionally with the service tags whose ranges hold it. */
export function toHost(from: Pod, host: string, port: number, serviceTags: string[] = []): Flow {
  return {
    direction: 'outbound',
    source: { kind: 'pod', namespace: from.namespace, labels: from.labels ?? {} },
    destination: { kind: 'host', host, serviceTags },
    protocol: 'TCP',
    port,
  }
}

/** Pod to the Kubernetes API server. */
export function toApiServer(from: Pod, port: number, address?: string): Flow {
  return {
    direction: 'inCluster',
    source: { kind: 'pod', namespace: from.namespace, labels: from.labels ?? {} },
    destination: address ? { kind: 'apiServer', address } : { kind: 'apiServer' },
    protocol: 'TCP',
    port,
  }
}
