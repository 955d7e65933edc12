import {
  type DeniedRecord,
  forEachLine,
  type LogChunks,
  type LogProtocol,
  type LogReader,
  type LogSink,
  parseCsvLine,
  peekFirstLine,
  readJsonLog,
} from '@aml-egress/core/log-readers'

/**
 * Azure Firewall logs as a deny log: the resource-specific tables `AZFWApplicationRule` and
 * `AZFWNetworkRule` (diagnostic-setting exports as JSON Lines or `{"records":[…]}`, the rows
 * `az monitor log-analytics query` prints, a Log Analytics CSV export), and the legacy
 * `AzureFirewallApplicationRule` / `AzureFirewallNetworkRule` categories whose `msg` is free text
 * ("HTTPS request from 10.1.0.4:53210 to pypi.org:443. Action: Deny. …"). Other categories (NAT,
 * DNS, IDPS, threat intelligence, flow trace) are ignored: they are not allow-list decisions.
 */

type Row = Readonly<Record<string, unknown>>

const APPLICATION = new Set(['azfwapplicationrule'])
const NETWORK = new Set(['azfwnetworkrule'])
const LEGACY = new Set(['azurefirewallapplicationrule', 'azurefirewallnetworkrule'])

const DETECT =
  /"(category|Category|Type)"\s*:\s*"(AZFW(Application|Network)Rule|AzureFirewall(Application|Network)Rule)"/
const CSV_HEADER = /^[^{[].*\bSourceIp\b.*\b(Fqdn|DestinationIp)\b|^[^{[].*\bmsg_s\b/

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  return undefined
}

function port(value: unknown): number | undefined {
  const parsed = typeof value === 'number' ? value : Number(text(value))
  return Number.isInteger(parsed) && parsed >= 1 && parsed <= 65535 ? parsed : undefined
}

/** `HTTPS` and `HTTP` are application rules over TCP; `TCP`, `UDP`, `ICMP` as they are. */
function protocolOf(value: string | undefined): LogProtocol | undefined {
  switch (value?.toUpperCase()) {
    case 'HTTP':
    case 'HTTPS':
    case 'MSSQL':
    case 'TCP':
      return 'TCP'
    case 'UDP':
      return 'UDP'
    case 'ICMP':
      return 'ICMP'
    default:
      return undefined
  }
}

const LOCAL_TIME =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))? ?([AP]M)?$/i

/** ISO 8601, or the portal's CSV spelling `6/2/2025, 9:14:03.118 AM` (UTC column). */
export function firewallTime(value: unknown): number | undefined {
  const raw = text(value)?.trim()
  if (!raw) return undefined
  if (raw.charCodeAt(4) === 45 && raw.charCodeAt(10) === 84) return isoTime(raw)
  const local = LOCAL_TIME.exec(raw)
  if (local) {
    const [, month, day, year, hour, minute, second, fraction = '0', half] = local
    let hours = Number(hour) % (half ? 12 : 24)
    if (half?.toUpperCase() === 'PM') hours += 12
    const ms = Math.round(Number(`0.${fraction}`) * 1000)
    return Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      hours,
      Number(minute),
      Number(second),
      ms,
    )
  }
  return undefined
}

/** `2025-06-02T09:14:03.1180000Z`: JavaScript reads at most milliseconds, Azure writes seven digits. */
function isoTime(raw: string): number | undefined {
  const dot = raw.indexOf('.', 19)
  let trimmed = raw
  if (dot !== -1) {
    let end = dot + 1
    while (end < raw.length && raw.charCodeAt(end) >= 48 && raw.charCodeAt(end) <= 57) end++
    if (end - dot > 4) trimmed = raw.slice(0, dot + 4) + raw.slice(end)
  }
  const parsed = Date.parse(trimmed)
  return Number.isNaN(parsed) ? undefined : parsed
}

/** `10.0.0.4:5000` → `10.0.0.4`; `[2001:db8::1]:5000` → `2001:db8::1`; a bare address as it is. */
function withoutPort(endpoint: string): string {
  if (endpoint.startsWith('[')) return endpoint.slice(1, endpoint.indexOf(']'))
  const colon = endpoint.lastIndexOf(':')
  return colon !== -1 && endpoint.indexOf(':') === colon ? endpoint.slice(0, colon) : endpoint
}

function hostAndPort(endpoint: string): { host: string; port: number | undefined } {
  if (endpoint.startsWith('[')) {
    const close = endpoint.indexOf(']')
    return { host: endpoint.slice(1, close), port: port(endpoint.slice(close + 2)) }
  }
  const colon = endpoint.lastIndexOf(':')
  if (colon === -1 || endpoint.indexOf(':') !== colon) return { host: endpoint, port: undefined }
  return { host: endpoint.slice(0, colon), port: port(endpoint.slice(colon + 1)) }
}

const LEGACY_FIRST =
  /^([A-Za-z]+)(?: Type=\d+)? request from (\S+?)(?: to (\S+?))?(?: was DNAT'ed .*)?$/

/**
 * A legacy `msg`: its first sentence names protocol, source and destination; `Action: X` decides.
 * Returns `ignored` for allowed, NAT, IDS and threat-intelligence messages.
 */
export function parseFirewallMessage(
  message: string,
  time: number | undefined,
): DeniedRecord | 'ignored' | undefined {
  const sentences = message.replace(/ {2,}/g, ' ').trim().split('. ')
  const first = LEGACY_FIRST.exec((sentences[0] ?? '').replace(/\.$/, ''))
  if (!first) return undefined
  const action = sentences.find((sentence) => sentence.startsWith('Action: '))
  const denied = action?.slice(8).replace(/\.$/, '').trim() === 'Deny'
  if (
    !denied ||
    sentences.some((s) => s.startsWith('ThreatIntel: ') || s.startsWith('Signature: '))
  )
    return 'ignored'
  const protocol = protocolOf(first[1])
  const target = first[3] === undefined ? undefined : hostAndPort(first[3])
  // "SNI TLS extension was missing": a deny that names no destination.
  if (!protocol || !target) return 'ignored'
  const isAddress = /^[\d.]+$|:/.test(target.host)
  return {
    time,
    source: withoutPort(first[2] as string),
    destination: isAddress
      ? { kind: 'address', address: target.host }
      : { kind: 'host', host: target.host },
    port: protocol === 'ICMP' ? undefined : target.port,
    protocol,
  }
}

/** The columns of a row: under `properties` in exports, at the top in query results and CSV. */
function columnsOf(row: Row): Row {
  const properties = row.properties
  return typeof properties === 'object' && properties !== null ? (properties as Row) : row
}

/** The table or category of a row; for a CSV without one, read off its columns. */
function categoryOf(row: Row, columns: Row): string | undefined {
  const named = text(row.category ?? row.Category ?? row.Type ?? columns.Type)
  if (named) return named.toLowerCase()
  if (columns.msg_s !== undefined || columns.msg !== undefined)
    return 'azurefirewallapplicationrule'
  if (columns.Fqdn !== undefined) return 'azfwapplicationrule'
  if (columns.DestinationIp !== undefined) return 'azfwnetworkrule'
  return undefined
}

function structuredRecord(
  category: string,
  columns: Row,
  time: number | undefined,
): DeniedRecord | 'ignored' | undefined {
  if (text(columns.Action)?.toLowerCase() !== 'deny') return 'ignored'
  const protocol = protocolOf(text(columns.Protocol))
  const application = APPLICATION.has(category)
  const destination = text(application ? columns.Fqdn : columns.DestinationIp)?.trim()
  if (!protocol || !destination) return undefined
  const destinationPort = port(columns.DestinationPort)
  if (protocol !== 'ICMP' && destinationPort === undefined) return undefined
  return {
    time,
    source: text(columns.SourceIp),
    destination: application
      ? { kind: 'host', host: destination }
      : { kind: 'address', address: destination },
    port: protocol === 'ICMP' ? undefined : destinationPort,
    protocol,
  }
}

/**
 * A JSON line that is an allowed AZFW record, told without parsing it: most of a firewall's log is
 * allowed traffic, and parsing only the rest is what keeps a million-record export fast. A line
 * that holds several records is parsed.
 */
export function isAllowedRecord(line: string): boolean {
  // One record per line only: a `{"records":[…]}` or array line may mix allows and denies.
  if (line.charCodeAt(0) !== 123 || line.startsWith('{"records"')) return false
  const action = line.indexOf('"Action":"')
  return (
    action !== -1 &&
    line.startsWith('Allow"', action + 10) &&
    line.indexOf('"Action":"', action + 10) === -1
  )
}

/** One record (an export record, a query row or a CSV row) into the sink. */
export function readFirewallRecord(value: unknown, at: number, sink: LogSink): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    sink.malformed(
      at,
      JSON.stringify(value)?.slice(0, 200) ?? '',
      'not a log record (a JSON object)',
    )
    return
  }
  const row = value as Row
  const columns = columnsOf(row)
  const category = categoryOf(row, columns)
  if (!category || !(APPLICATION.has(category) || NETWORK.has(category) || LEGACY.has(category))) {
    if (category) sink.ignored()
    else
      sink.malformed(at, JSON.stringify(value).slice(0, 200), 'no category, Type or known columns')
    return
  }
  // Allowed structured records end here, before their time is parsed.
  if (!LEGACY.has(category) && text(columns.Action)?.toLowerCase() !== 'deny') {
    sink.ignored()
    return
  }
  const time = firewallTime(row.time ?? row.TimeGenerated ?? columns.TimeGenerated)
  const message = text(columns.msg ?? columns.msg_s)
  const result = LEGACY.has(category)
    ? message === undefined
      ? undefined
      : parseFirewallMessage(message, time)
    : structuredRecord(category, columns, time)
  if (result === 'ignored') sink.ignored()
  else if (result) sink.denied(result)
  else
    sink.malformed(
      at,
      JSON.stringify(value).slice(0, 200),
      'a firewall record without protocol, destination or port',
    )
}

/** A Log Analytics CSV export: the header names the columns (`TimeGenerated [UTC]` → `TimeGenerated`). */
async function readCsv(
  header: string,
  chunks: AsyncIterable<string>,
  sink: LogSink,
): Promise<void> {
  const names = (parseCsvLine(header) ?? []).map((name) => name.replace(/ \[.*\]$/, '').trim())
  await forEachLine(
    chunks,
    (line, at) => {
      if (at === 1) return
      const cells = parseCsvLine(line)
      if (!cells || cells.length !== names.length) {
        sink.malformed(at, line, `a CSV row needs ${names.length} fields`)
        return
      }
      const row: Record<string, string> = {}
      names.forEach((name, index) => {
        row[name] = cells[index] as string
      })
      readFirewallRecord(row, at, sink)
    },
    (at) => sink.malformed(at, '', 'line longer than the reader accepts'),
  )
}

/**
 * The Azure Firewall reader for `diagnose`: each `Deny` of an application or network rule as a
 * denied flow (an application rule names the FQDN, a network rule only the address).
 * @example await azureFirewallLog.read(createReadStream('PT1H.json'), sink)
 */
export const azureFirewallLog: LogReader = {
  name: 'azure-firewall',
  title: 'Azure Firewall logs (AZFW tables: JSON, query rows, CSV; legacy msg categories)',
  fixFormat: 'azure-firewall',
  fixFile: 'azure-firewall/rule-collection-groups/aml-egress.json',
  detect(head) {
    const firstLine = head.split('\n', 1)[0] ?? ''
    return DETECT.test(head) || CSV_HEADER.test(firstLine)
  },
  async read(chunks: LogChunks, sink: LogSink): Promise<void> {
    const { firstLine, text: all } = await peekFirstLine(chunks)
    if (CSV_HEADER.test(firstLine)) await readCsv(firstLine, all, sink)
    else await readJsonLog(all, sink, readFirewallRecord, isAllowedRecord)
  },
}
