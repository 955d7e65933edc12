import { compareOrdinal } from '../order'
import { cidrHolds, type ParsedCidr, parseAddress } from './addresses'
import type {
  DeniedRecord,
  DiagnosedFile,
  LogDestination,
  LogPod,
  LogProtocol,
  LogReader,
  LogSink,
  MalformedRecord,
} from './model'

/** Distinct sources kept per flow; a flow with more says so instead of growing. */
export const SOURCE_LIMIT = 1000

/** Source pods kept per flow for matching in-cluster requirements. */
const SOURCE_POD_LIMIT = 16

/** Malformed records kept per file for the report (all are counted). */
const MALFORMED_EXAMPLES = 5

/** Denied records of one destination × port × protocol, as read from one log family. */
export type AggregatedFlow = {
  reader: Pick<LogReader, 'name' | 'fixFormat' | 'fixFile'>
  destinationKey: string
  destination: LogDestination
  port: number | undefined
  protocol: LogProtocol
  count: number
  first: number | undefined
  last: number | undefined
  sources: Set<string>
  /** More distinct sources were seen than `SOURCE_LIMIT`. */
  sourceOverflow: boolean
  sourcePods: Map<string, LogPod>
}

/** Which denied records count: a time window (epoch ms, inclusive) and source blocks. */
export type FlowFilters = {
  since?: number | undefined
  until?: number | undefined
  sources?: readonly ParsedCidr[] | undefined
}

/**
 * A copy of a string that does not share memory with the text it was cut from. Readers hand over
 * slices of a megabyte of log text; a slice kept as a flow's key or source would keep that whole
 * chunk alive, and memory would grow with the log instead of with its distinct flows.
 */
function detach(text: string): string {
  return ` ${text}`.slice(1)
}

/** `k=v,k2=v2`, sorted by key: one spelling for one label set. */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort(compareOrdinal)
    .map((key) => `${key}=${labels[key]}`)
    .join(',')
}

/** The destination as the report names it: host, address, `pod:<namespace>/<labels>`, `apiserver`. */
export function destinationKey(destination: LogDestination): string {
  switch (destination.kind) {
    case 'host': {
      let host = destination.host.toLowerCase()
      if (host.endsWith('.')) host = host.slice(0, -1)
      return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
    }
    case 'address':
      return destination.address.toLowerCase()
    case 'pod':
      return `pod:${destination.namespace}/${labelsKey(destination.labels)}`
    case 'apiServer':
      return 'apiserver'
  }
}

/** A host that is an address literal (`CONNECT 20.60.128.4:445`) is an address. */
function canonicalDestination(destination: LogDestination, key: string): LogDestination {
  if (destination.kind === 'host')
    return parseAddress(key) ? { kind: 'address', address: key } : { kind: 'host', host: key }
  if (destination.kind === 'address') return { kind: 'address', address: key }
  return destination
}

function sourceAllowed(filters: FlowFilters, source: string | undefined): boolean {
  const blocks = filters.sources
  if (!blocks || blocks.length === 0) return true
  const address = source === undefined ? undefined : parseAddress(source)
  return address !== undefined && blocks.some((block) => cidrHolds(block, address))
}

function inWindow(filters: FlowFilters, time: number | undefined): boolean {
  if (filters.since === undefined && filters.until === undefined) return true
  if (time === undefined) return false
  return (
    (filters.since === undefined || time >= filters.since) &&
    (filters.until === undefined || time <= filters.until)
  )
}

/** Counts one file's records and hands its denies over. */
function fileSink(input: {
  file: DiagnosedFile
  add: (record: DeniedRecord) => void
  malformed: MalformedRecord[]
}): LogSink {
  const { file } = input
  return {
    denied(record) {
      file.records++
      file.denied++
      input.add(record)
    },
    ignored() {
      file.records++
      file.ignored++
    },
    malformed(at, text, reason) {
      file.records++
      file.malformed++
      if (file.malformed <= MALFORMED_EXAMPLES)
        input.malformed.push({ path: file.path, at, reason, text: detach(text.slice(0, 200)) })
    },
  }
}

/**
 * Counts denied records into flows (destination × port × protocol, per log family): count, first
 * and last time, distinct sources. Memory grows with the number of distinct flows, never with the
 * number of records.
 */
export function createFlowAggregator(filters: FlowFilters = {}) {
  const flows = new Map<string, AggregatedFlow>()
  const files: DiagnosedFile[] = []
  const malformed: MalformedRecord[] = []
  let filteredOut = 0
  const add = (reader: AggregatedFlow['reader'], record: DeniedRecord): void => {
    const key = destinationKey(record.destination)
    const flowKey = `${reader.name}\n${key}\n${record.port ?? ''}\n${record.protocol}`
    let flow = flows.get(flowKey)
    if (!flow) {
      const kept = detach(key)
      flow = {
        reader,
        destinationKey: kept,
        destination: canonicalDestination(record.destination, kept),
        port: record.port,
        protocol: record.protocol,
        count: 0,
        first: undefined,
        last: undefined,
        sources: new Set(),
        sourceOverflow: false,
        sourcePods: new Map(),
      }
      flows.set(detach(flowKey), flow)
    }
    flow.count++
    const time = record.time
    if (time !== undefined) {
      if (flow.first === undefined || time < flow.first) flow.first = time
      if (flow.last === undefined || time > flow.last) flow.last = time
    }
    const source = record.source
    if (source !== undefined && !flow.sources.has(source)) {
      if (flow.sources.size < SOURCE_LIMIT) flow.sources.add(detach(source))
      else flow.sourceOverflow = true
    }
    const pod = record.sourcePod
    if (pod && flow.sourcePods.size < SOURCE_POD_LIMIT) {
      const podKey = `${pod.namespace}/${labelsKey(pod.labels)}`
      if (!flow.sourcePods.has(podKey)) flow.sourcePods.set(podKey, pod)
    }
  }
  return {
    /** A sink for one file read by `reader`; its counts join the report's `files`. */
    sinkFor(path: string, reader: LogReader): LogSink {
      const file: DiagnosedFile = {
        path,
        format: reader.name,
        records: 0,
        denied: 0,
        ignored: 0,
        malformed: 0,
      }
      files.push(file)
      const identity = { name: reader.name, fixFormat: reader.fixFormat, fixFile: reader.fixFile }
      return fileSink({
        file,
        add: (record) => {
          if (inWindow(filters, record.time) && sourceAllowed(filters, record.source))
            add(identity, record)
          else filteredOut++
        },
        malformed,
      })
    },
    /** The flows so far, in the order first seen. */
    flows: (): AggregatedFlow[] => [...flows.values()],
    /** What each file held: records, denies, ignored, malformed. */
    files: (): DiagnosedFile[] => files,
    /** The first malformed records of each file. */
    malformed: (): MalformedRecord[] => malformed,
    /** Denies left out by the time window or the source filter. */
    filteredOut: (): number => filteredOut,
  }
}

/** What `createFlowAggregator` returns. */
export type FlowAggregator = ReturnType<typeof createFlowAggregator>
