import {
  type DeniedRecord,
  type LogChunks,
  type LogDestination,
  type LogPod,
  type LogProtocol,
  type LogReader,
  type LogSink,
  readJsonLog,
} from '@aml-egress/core/log-readers'

/**
 * Cilium Hubble flows as a deny log: `hubble observe -o jsonpb` (`{"flow":{…}}`, also the
 * exporter file) and the legacy `-o json` bare Flow. A flow counts when Cilium dropped it for
 * policy (`POLICY_DENIED`, `POLICY_DENY`), or when its DNS proxy refused a name (an L7 DNS
 * request `DROPPED`: the denied host is the query). Field names follow flow.proto's JSON.
 */

type Json = Readonly<Record<string, unknown>>

const POLICY_DROPS = new Set(['POLICY_DENIED', 'POLICY_DENY'])

/** Labels that change with every rollout or name the namespace again: not part of a pod's identity. */
const VOLATILE_LABEL =
  /^(io\.kubernetes\.|io\.cilium\.|pod-template-hash$|controller-revision-hash$|pod-template-generation$|statefulset\.kubernetes\.io\/pod-name$|batch\.kubernetes\.io\/|job-name$|controller-uid$)/

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/** `["k8s:app=x", "reserved:world"]` → `{ app: 'x' }`: Kubernetes labels only, stable ones. */
export function podLabels(labels: unknown): Record<string, string> {
  const result: Record<string, string> = {}
  if (!Array.isArray(labels)) return result
  for (const label of labels) {
    if (typeof label !== 'string' || !label.startsWith('k8s:')) continue
    const equals = label.indexOf('=')
    const key = equals === -1 ? label.slice(4) : label.slice(4, equals)
    if (!VOLATILE_LABEL.test(key)) result[key] = equals === -1 ? '' : label.slice(equals + 1)
  }
  return result
}

function podOf(endpoint: Json | undefined): LogPod | undefined {
  const namespace = string(endpoint?.namespace)
  return namespace === undefined ? undefined : { namespace, labels: podLabels(endpoint?.labels) }
}

function hasLabel(endpoint: Json | undefined, label: string): boolean {
  const labels = endpoint?.labels
  return Array.isArray(labels) && labels.includes(label)
}

/** Transport and destination port from `l4`; undefined for what Cilium logs that is neither. */
function layer4(flow: Json): { protocol: LogProtocol; port: number | undefined } | undefined {
  const l4 = object(flow.l4)
  for (const [key, protocol] of [
    ['TCP', 'TCP'],
    ['UDP', 'UDP'],
  ] as const) {
    const ports = object(l4?.[key])
    if (ports) {
      const port = ports.destination_port
      return {
        protocol,
        port: typeof port === 'number' && port >= 1 && port <= 65535 ? port : undefined,
      }
    }
  }
  if (l4?.ICMPv4 !== undefined || l4?.ICMPv6 !== undefined)
    return { protocol: 'ICMP', port: undefined }
  return undefined
}

function dnsQuery(flow: Json): string | undefined {
  return string(object(object(flow.l7)?.dns)?.query)
}

function destinationOf(flow: Json): LogDestination | undefined {
  const destination = object(flow.destination)
  const address = string(object(flow.IP)?.destination)
  const names = flow.destination_names
  const name = Array.isArray(names) ? string(names[0]) : undefined
  if (name !== undefined) return { kind: 'host', host: name }
  if (hasLabel(destination, 'reserved:kube-apiserver')) return { kind: 'apiServer', address }
  const pod = podOf(destination)
  if (pod) return { kind: 'pod', ...pod }
  return address === undefined ? undefined : { kind: 'address', address }
}

/** RFC 3339 with nanoseconds → epoch ms. */
function hubbleTime(value: unknown): number | undefined {
  const text = string(value)
  if (text === undefined) return undefined
  const parsed = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'))
  return Number.isNaN(parsed) ? undefined : parsed
}

/** A denied flow from one Flow object; `ignored` for forwarded flows and non-policy drops. */
export function hubbleDeniedFlow(flow: Json): DeniedRecord | 'ignored' | undefined {
  if (flow.verdict !== 'DROPPED') return typeof flow.verdict === 'string' ? 'ignored' : undefined
  const query = flow.Type === 'L7' ? dnsQuery(flow) : undefined
  const policy = POLICY_DROPS.has(String(flow.drop_reason_desc))
  if (!policy && query === undefined) return 'ignored'
  const source = object(flow.source)
  const base = {
    time: hubbleTime(flow.time),
    source: string(object(flow.IP)?.source),
    sourcePod: podOf(source),
  }
  // The DNS proxy refused the name: the host is the query, the port of the later connection unknown.
  if (query !== undefined)
    return { ...base, destination: { kind: 'host', host: query }, port: undefined, protocol: 'TCP' }
  const transport = layer4(flow)
  const destination = destinationOf(flow)
  if (!transport || !destination || (transport.protocol !== 'ICMP' && transport.port === undefined))
    return undefined
  return { ...base, destination, port: transport.port, protocol: transport.protocol }
}

/** One JSON record: the jsonpb wrapper `{"flow":…}` or a bare Flow. */
export function readHubbleRecord(value: unknown, at: number, sink: LogSink): void {
  const record = object(value)
  const flow = object(record?.flow) ?? (record && 'verdict' in record ? record : undefined)
  if (!flow) {
    // Other GetFlowsResponse messages (node status, lost events) carry no flow.
    if (record && (record.node_status !== undefined || record.lost_events !== undefined))
      sink.ignored()
    else
      sink.malformed(
        at,
        JSON.stringify(value)?.slice(0, 200) ?? '',
        'not a Hubble flow (no flow or verdict)',
      )
    return
  }
  const result = hubbleDeniedFlow(flow)
  if (result === 'ignored') sink.ignored()
  else if (result) sink.denied(result)
  else
    sink.malformed(
      at,
      JSON.stringify(value).slice(0, 200),
      'a dropped flow without destination, protocol or port',
    )
}

/**
 * The Hubble reader for `diagnose`: policy drops with the destination's name (`destination_names`,
 * from Cilium's DNS cache), pod (namespace and labels), the API server, or the bare address.
 * @example await hubbleFlowLog.read(createReadStream('flows.json'), sink)
 */
export const hubbleFlowLog: LogReader = {
  name: 'hubble',
  title: 'Cilium Hubble flows (hubble observe -o jsonpb / json, exporter file)',
  fixFormat: 'cilium',
  detect(head) {
    const first = head.trimStart()
    return (
      first.startsWith('{"flow":{') || /^\{"time":"[^"]*"(,"uuid":"[^"]*")?,"verdict":/.test(first)
    )
  },
  async read(chunks: LogChunks, sink: LogSink): Promise<void> {
    await readJsonLog(chunks, sink, readHubbleRecord)
  },
}
