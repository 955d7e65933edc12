import {
  type DeniedRecord,
  type LogChunks,
  type LogProtocol,
  type LogReader,
  type LogSink,
  readJsonLog,
} from '@aml-egress/core/log-readers'

/**
 * Azure NSG flow logs (version 1 and 2) and VNet flow logs as a deny log: every denied outbound
 * tuple. They carry addresses only, never host names: with a service-tags file, `diagnose` maps
 * the address to its tags and the tags to requirements. This reader lives with the terraform
 * format because NSG rules are rendered there (`azurerm_network_security_rule`), so the fix for
 * a flow an NSG denied is that format's output.
 */

type Json = Readonly<Record<string, unknown>>

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

const NSG_PROTOCOLS: Readonly<Record<string, LogProtocol>> = { T: 'TCP', U: 'UDP' }
const IANA_PROTOCOLS: Readonly<Record<string, LogProtocol>> = {
  '6': 'TCP',
  '17': 'UDP',
  '1': 'ICMP',
  '58': 'ICMP',
}

/** Seconds in NSG logs; VNet flow logs say "epoch" but their samples are milliseconds: by size. */
function epochMs(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{9,13}$/.test(text)) return undefined
  const value = Number(text)
  return value >= 1e12 ? value : value * 1000
}

function tuplePort(text: string | undefined): number | undefined {
  const value = Number(text)
  return text !== undefined && /^\d{1,5}$/.test(text) && value >= 1 && value <= 65535
    ? value
    : undefined
}

/**
 * One flow tuple: `time,src,dst,sport,dport,proto,direction,decision[,state,…]` (NSG: T/U and A/D)
 * or `time,src,dst,sport,dport,proto,direction,state,encryption,…` (VNet: IANA numbers, state D).
 * `ignored` for allowed and inbound tuples.
 */
export function parseFlowTuple(tuple: string, vnet: boolean): DeniedRecord | 'ignored' | undefined {
  const fields = tuple.split(',')
  if (fields.length < 8) return undefined
  const [time, source, destination, , destinationPort, protocolText, direction, decision] = fields
  const protocol = (vnet ? IANA_PROTOCOLS : NSG_PROTOCOLS)[protocolText as string]
  if (!source || !destination || (direction !== 'I' && direction !== 'O')) return undefined
  if (decision !== 'D' || direction !== 'O') return 'ignored'
  const port = tuplePort(destinationPort)
  if (!protocol || (protocol !== 'ICMP' && port === undefined)) return undefined
  return {
    time: epochMs(time),
    source,
    destination: { kind: 'address', address: destination },
    port: protocol === 'ICMP' ? undefined : port,
    protocol,
  }
}

/** The tuple lists of a record: `properties.flows[].flows[].flowTuples` or `flowRecords.flows[].flowGroups[].flowTuples`. */
function tupleLists(record: Json): { vnet: boolean; tuples: unknown[] } | undefined {
  const vnetFlows = object(record.flowRecords)?.flows
  if (Array.isArray(vnetFlows))
    return {
      vnet: true,
      tuples: vnetFlows.flatMap((flow) =>
        list(object(flow)?.flowGroups).flatMap((group) => list(object(group)?.flowTuples)),
      ),
    }
  const nsgFlows = object(record.properties)?.flows
  if (Array.isArray(nsgFlows))
    return {
      vnet: false,
      tuples: nsgFlows.flatMap((flow) =>
        list(object(flow)?.flows).flatMap((mac) => list(object(mac)?.flowTuples)),
      ),
    }
  return undefined
}

/** One record of a flow-log blob into the sink: a denied flow per denied outbound tuple. */
export function readFlowLogRecord(value: unknown, at: number, sink: LogSink): void {
  const record = object(value)
  const lists = record ? tupleLists(record) : undefined
  if (!record || !lists) {
    sink.malformed(
      at,
      JSON.stringify(value)?.slice(0, 200) ?? '',
      'not a flow-log record (no flowRecords or properties.flows)',
    )
    return
  }
  for (const tuple of lists.tuples) {
    const result = typeof tuple === 'string' ? parseFlowTuple(tuple, lists.vnet) : undefined
    if (result === 'ignored') sink.ignored()
    else if (result) sink.denied(result)
    else
      sink.malformed(
        at,
        String(tuple).slice(0, 200),
        'a flow tuple needs time, addresses, ports, protocol, direction and decision',
      )
  }
}

/**
 * The NSG and VNet flow-log reader for `diagnose` (the `PT1H.json` blobs, `{"records":[…]}`).
 * @example await flowLog.read(createReadStream('PT1H.json'), sink)
 */
export const flowLog: LogReader = {
  name: 'flow-log',
  title: 'Azure NSG flow logs (v1, v2) and VNet flow logs (PT1H.json)',
  fixFormat: 'terraform',
  fixFile: 'terraform/main.tf',
  detect(head) {
    return /"category"\s*:\s*"(NetworkSecurityGroupFlowEvent|FlowLogFlowEvent)"|"flowLogVersion"\s*:/.test(
      head,
    )
  },
  async read(chunks: LogChunks, sink: LogSink): Promise<void> {
    await readJsonLog(chunks, sink, readFlowLogRecord)
  },
}
