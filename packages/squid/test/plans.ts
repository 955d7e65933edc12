import type { Plan, PlanRule, PortRange } from '@aml-egress/core'

/** Test-only builders for hand-made plans (the shared matrix uses real resolved plans). */

const SOURCES = ['10.10.0.0/24']

/** An outbound TCP host rule with sensible defaults; override what the test is about. */
export function hostRule(input: {
  fqdn: string
  ports?: PortRange[]
  protocol?: PlanRule['protocol']
  requirementIds?: string[]
  urlPath?: string
  sources?: string[]
  serviceTagFallbacks?: string[]
  websocket?: boolean
}): PlanRule {
  const ports = input.ports ?? [{ from: 443, to: 443 }]
  const protocol = input.protocol ?? 'TCP'
  return {
    id: `outbound/${protocol.toLowerCase()}/${input.fqdn}${input.urlPath ?? ''}`,
    direction: 'outbound',
    source: { kind: 'addresses', addresses: input.sources ?? SOURCES },
    destination: {
      kind: 'fqdn',
      fqdn: input.fqdn,
      ...(input.urlPath === undefined ? {} : { urlPath: input.urlPath }),
    },
    protocol,
    ports,
    applicationProtocols: [
      ...(ports.some((p) => p.from <= 80 && 80 <= p.to) ? (['Http'] as const) : []),
      ...(ports.some((p) => p.from <= 443 && 443 <= p.to) ? (['Https'] as const) : []),
    ],
    websocket: input.websocket ?? false,
    level: 'required',
    serviceTagFallbacks: input.serviceTagFallbacks ?? [],
    requirementIds: input.requirementIds ?? [`req-${input.fqdn.replace('*.', 'wild-')}`],
    scenarios: ['test'],
    workspaces: [],
    risks: [],
    subsumes: [],
  }
}

/** Any rule, for the kinds a proxy cannot carry. */
export function otherRule(
  input: Pick<PlanRule, 'id' | 'direction' | 'source' | 'destination' | 'protocol' | 'ports'>,
): PlanRule {
  return {
    ...input,
    applicationProtocols: [],
    websocket: false,
    level: 'required',
    serviceTagFallbacks: [],
    requirementIds: [`req-${input.id}`],
    scenarios: ['test'],
    workspaces: [],
    risks: [],
    subsumes: [],
  }
}

export function plan(rules: PlanRule[], sourceAddresses: string[] = SOURCES): Plan {
  return {
    catalog: { version: '2026.3.0-test', docDate: '2026-03-19' },
    cloud: 'public',
    destinationStyle: 'hosts',
    sourceAddresses,
    rules,
    advisories: [],
  }
}

const p = (port: number): PortRange => ({ from: port, to: port })

/**
 * A plan with the shapes that matter for Squid: exact and wildcard hosts, a wildcard whose apex is
 * also listed, a child of a wildcard (collapsed), HTTP and HTTPS, and rules a proxy cannot carry.
 */
export function fixturePlan(sources: string[] = SOURCES): Plan {
  return plan(
    [
      hostRule({ fqdn: 'ml.azure.com', sources }),
      hostRule({ fqdn: '*.blob.core.windows.net', sources }),
      hostRule({
        fqdn: 'contoso.blob.core.windows.net',
        sources,
        requirementIds: ['req-own-storage'],
      }),
      hostRule({ fqdn: 'pypi.org', ports: [p(80), p(443)], sources }),
      hostRule({ fqdn: '*.pytorch.org', sources }),
      hostRule({ fqdn: 'pytorch.org', sources }),
      hostRule({
        fqdn: '*.instances.azureml.ms',
        ports: [p(443), p(8787), p(18881)],
        sources,
        websocket: true,
      }),
      hostRule({
        fqdn: 'contoso.file.core.windows.net',
        ports: [p(443), p(445)],
        sources,
        serviceTagFallbacks: ['Storage.WestEurope'],
      }),
      hostRule({
        fqdn: 'westeurope.tundra.azureml.ms',
        ports: [p(5831)],
        protocol: 'UDP',
        sources,
        serviceTagFallbacks: ['AzureMachineLearning'],
      }),
      hostRule({
        fqdn: 'github.com',
        sources,
        urlPath: '/microsoft/vscode-tools-for-ai/tree/master/azureml_remote_websocket_server/*',
      }),
      hostRule({ fqdn: 'archive.ubuntu.com', ports: [p(80)], sources }),
      otherRule({
        id: 'outbound/tcp/tag:AzureMachineLearning',
        direction: 'outbound',
        source: { kind: 'addresses', addresses: sources },
        destination: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
        protocol: 'TCP',
        ports: [p(443)],
      }),
      otherRule({
        id: 'inbound/tcp/tag:AzureMachineLearning',
        direction: 'inbound',
        source: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
        destination: { kind: 'addresses', addresses: sources },
        protocol: 'TCP',
        ports: [p(44224)],
      }),
      otherRule({
        id: 'inCluster/tcp/pods:azureml->apiserver',
        direction: 'inCluster',
        source: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
        destination: { kind: 'apiServer', addresses: ['10.0.0.1/32'] },
        protocol: 'TCP',
        ports: [p(443)],
      }),
    ],
    sources,
  )
}
