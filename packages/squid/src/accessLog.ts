import {
  type DeniedRecord,
  forEachLine,
  type LogChunks,
  type LogReader,
  type LogSink,
} from '@aml-egress/core/log-readers'

/**
 * Squid's access.log as a deny log: the native `squid` logformat
 * (`%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt`) and `common`/`combined`
 * (`%>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st [referer agent] %Ss:%Sh`). Only
 * `TCP_DENIED/403` is a policy deny: `NONE_NONE/5xx` is an allowed request whose upstream failed,
 * and `TCP_DENIED/407` asks the client to authenticate.
 */

const NATIVE = /^\d{9,11}\.\d{3} +\d+ \S+ [A-Z_]+\/\d{3} /
const NATIVE_START = /^\d+\.\d{3} /
const COMMON = /^\S+ \S+ \S+ \[\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "/

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  ftp: 21,
  ws: 80,
  wss: 443,
}

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
}

/** `host:port`, `[v6]:port` or a bare host; undefined when the port is not a port. */
function splitAuthority(
  authority: string,
  defaultPort: number | undefined,
): { host: string; port: number | undefined } | undefined {
  const at = authority.lastIndexOf('@')
  const hostPort = at === -1 ? authority : authority.slice(at + 1)
  const bracket = hostPort.startsWith('[') ? hostPort.indexOf(']') : -1
  const colon = hostPort.lastIndexOf(':')
  const hasPort = colon > bracket && (bracket !== -1 || hostPort.indexOf(':') === colon)
  const written = hasPort ? hostPort.slice(0, colon) : hostPort
  // `[2001:db8::1]`: the brackets only delimit the address.
  const host = bracket > 0 ? written.slice(1, -1) : written
  if (host.length === 0) return undefined
  if (!hasPort) return { host, port: defaultPort }
  const portText = hostPort.slice(colon + 1)
  const port = Number(portText)
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return undefined
  return { host, port }
}

/** Where a request went: `CONNECT host:port`, or the host and port of an absolute URL. */
export function requestTarget(
  method: string,
  url: string,
): { host: string; port: number | undefined } | undefined {
  if (method === 'CONNECT') return splitAuthority(url, undefined)
  const scheme = url.indexOf('://')
  if (scheme === -1) return undefined
  const rest = url.slice(scheme + 3)
  const end = rest.search(/[/?#]/)
  return splitAuthority(
    end === -1 ? rest : rest.slice(0, end),
    DEFAULT_PORTS[url.slice(0, scheme).toLowerCase()],
  )
}

/** `07/Dec/2026:01:05:57 +0000` → epoch ms. */
function commonTime(text: string): number | undefined {
  const found =
    /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text)
  const month = found ? MONTHS[found[2] as string] : undefined
  if (!found || month === undefined) return undefined
  const offset = (Number(found[8]) * 60 + Number(found[9])) * 60_000 * (found[7] === '-' ? -1 : 1)
  const [, day, , year, hour, minute, second] = found.map(Number) as number[]
  return Date.UTC(year as number, month, day, hour, minute, second) - offset
}

function deniedRecord(input: {
  time: number | undefined
  client: string
  method: string
  url: string
}): DeniedRecord | undefined {
  const target = requestTarget(input.method, input.url)
  if (!target || target.port === undefined) return undefined
  return {
    time: input.time,
    source: input.client,
    destination: { kind: 'host', host: target.host },
    port: target.port,
    protocol: 'TCP',
  }
}

/** The start of the field after the one at `from` (fields are separated by runs of spaces). */
function nextField(line: string, from: number): number {
  let index = line.indexOf(' ', from)
  if (index === -1) return -1
  while (line.charCodeAt(index) === 32) index++
  return index
}

/** The field that starts at `from`, up to the next space. */
function fieldAt(line: string, from: number): string {
  const end = line.indexOf(' ', from)
  return end === -1 ? line.slice(from) : line.slice(from, end)
}

/**
 * A native line: `time elapsed client result bytes method url …`. Fields are found by position
 * (no split per line: a busy proxy writes millions), and only a deny is read further.
 */
function readNative(line: string, at: number, sink: LogSink): void {
  const client = nextField(line, nextField(line, 0))
  const result = client === -1 ? -1 : nextField(line, client)
  if (result === -1 || !NATIVE.test(line)) {
    sink.malformed(at, line, 'not a Squid access.log line (native squid logformat)')
    return
  }
  if (!line.startsWith('TCP_DENIED/403 ', result)) {
    sink.ignored()
    return
  }
  const method = nextField(line, nextField(line, result))
  const url = method === -1 ? -1 : nextField(line, method)
  const record =
    url === -1
      ? undefined
      : deniedRecord({
          time: Math.round(Number(line.slice(0, line.indexOf(' '))) * 1000),
          client: fieldAt(line, client),
          method: fieldAt(line, method),
          url: fieldAt(line, url),
        })
  if (record) sink.denied(record)
  else sink.malformed(at, line, 'a TCP_DENIED line without a readable method and URL')
}

function readCommon(line: string, at: number, sink: LogSink): void {
  const open = line.indexOf(' [')
  const close = line.indexOf('] "', open)
  const quote = close === -1 ? -1 : close + 2
  const endQuote = quote === -1 ? -1 : line.indexOf('"', quote + 1)
  if (!COMMON.test(line) || endQuote === -1) {
    sink.malformed(at, line, 'not a Squid access.log line (common or combined logformat)')
    return
  }
  const tail = line.slice(line.lastIndexOf(' ') + 1)
  const status = line.slice(endQuote + 2, line.indexOf(' ', endQuote + 2))
  if (!tail.startsWith('TCP_DENIED:') || status !== '403') {
    sink.ignored()
    return
  }
  const [method = '', url = ''] = line.slice(quote + 1, endQuote).split(' ')
  const record = deniedRecord({
    time: commonTime(line.slice(open + 2, close)),
    client: line.slice(0, line.indexOf(' ')),
    method,
    url,
  })
  if (record) sink.denied(record)
  else sink.malformed(at, line, 'a TCP_DENIED line without a readable method and URL')
}

/** One line of either logformat: native lines start with the epoch time, the others with the client. */
export function readSquidAccessLine(line: string, at: number, sink: LogSink): void {
  if (NATIVE_START.test(line)) readNative(line, at, sink)
  else readCommon(line, at, sink)
}

/**
 * The Squid access.log reader for `diagnose`: every `TCP_DENIED/403` as a denied flow (CONNECT
 * host:port, or the host and port of a plain-HTTP URL); other lines ignored, unreadable ones
 * counted as malformed. Streams: memory does not grow with the file.
 * @example await squidAccessLog.read(createReadStream('access.log'), sink)
 */
export const squidAccessLog: LogReader = {
  name: 'squid',
  title: 'Squid access.log (logformat squid, common or combined)',
  fixFormat: 'squid',
  detect(head) {
    const lines = head.split('\n', 4).filter((line) => line.trim().length > 0)
    const first = lines[0]?.replace(/\r$/, '')
    return first !== undefined && (NATIVE.test(first) || COMMON.test(first))
  },
  async read(chunks: LogChunks, sink: LogSink): Promise<void> {
    await forEachLine(
      chunks,
      (line, at) => readSquidAccessLine(line, at, sink),
      (at) => sink.malformed(at, '', 'line longer than the reader accepts'),
    )
  },
}
