import type { DeniedRecord, LogReader } from '@aml-egress/core/log-readers'

/** What a deny-log reader reported for one input: every denied record, counts, malformed records. */
export type ReadLogResult = {
  denied: DeniedRecord[]
  ignored: number
  malformed: { at: number; reason: string }[]
}

/** The input as chunks of the given size, so records and characters span chunk boundaries. */
async function* chunked(
  text: string | Uint8Array,
  size: number,
): AsyncGenerator<string | Uint8Array> {
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size)
}

/**
 * Runs a deny-log reader on a text (or bytes) and collects what it reports: the one way the
 * readers' tests and the fuzz properties drive them. `chunkSize` splits the input.
 * @example const { denied } = await readLogText(squidAccessLog, line)
 */
export async function readLogText(
  reader: Pick<LogReader, 'read'>,
  text: string | Uint8Array,
  chunkSize = 4096,
): Promise<ReadLogResult> {
  const result: ReadLogResult = { denied: [], ignored: 0, malformed: [] }
  await reader.read(chunked(text, chunkSize), {
    denied: (record) => result.denied.push(record),
    ignored: () => {
      result.ignored++
    },
    malformed: (at, _text, reason) => result.malformed.push({ at, reason }),
  })
  return result
}

/** `host:443/TCP`, `20.60.128.4:445/TCP`, `pod:models/app=x:5001/TCP`: one line per denied record. */
export function deniedSummary(record: DeniedRecord): string {
  const { destination } = record
  const where =
    destination.kind === 'host'
      ? destination.host
      : destination.kind === 'address'
        ? destination.address
        : destination.kind === 'pod'
          ? `pod:${destination.namespace}/${Object.entries(destination.labels)
              .map(([key, value]) => `${key}=${value}`)
              .join(',')}`
          : `apiserver${destination.address ? `:${destination.address}` : ''}`
  return `${where}:${record.port ?? '-'}/${record.protocol}`
}
