import { compareOrdinal } from '../order'

/** IPv4 and IPv6 addresses as numbers, for the source filter and the service-tag lookup. */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/** `10.1.2.3` → its 32-bit value; undefined for anything else. */
export function parseIpv4(text: string): number | undefined {
  if (!IPV4.test(text)) return undefined
  let value = 0
  for (const octet of text.split('.')) value = value * 256 + Number(octet)
  return value
}

const HEXTET = /^[0-9a-f]{1,4}$/i

function hextets(part: string): number[] | undefined {
  if (part === '') return []
  const groups: number[] = []
  const pieces = part.split(':')
  for (const [index, piece] of pieces.entries()) {
    if (index === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIpv4(piece)
      if (v4 === undefined) return undefined
      groups.push(Math.floor(v4 / 65536), v4 % 65536)
    } else if (HEXTET.test(piece)) groups.push(Number.parseInt(piece, 16))
    else return undefined
  }
  return groups
}

/** `2001:db8::1` (a zone `%eth0` is ignored) → its 128-bit value; undefined for anything else. */
export function parseIpv6(text: string): bigint | undefined {
  const address = text.split('%', 1)[0] ?? ''
  if (!address.includes(':')) return undefined
  const halves = address.split('::')
  if (halves.length > 2) return undefined
  const head = hextets(halves[0] ?? '')
  const tail = halves.length === 2 ? hextets(halves[1] ?? '') : []
  if (!head || !tail) return undefined
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  let value = 0n
  for (const group of [...head, ...new Array<number>(missing).fill(0), ...tail])
    value = (value << 16n) | BigInt(group)
  return value
}

const MAPPED_PREFIX = 0xffffn << 32n

/** An address in one family: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) counts as IPv4. */
export type ParsedAddress = { family: 4; value: number } | { family: 6; value: bigint }

/** Parses an IPv4 or IPv6 address (brackets allowed); undefined for anything else. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  const v4 = parseIpv4(bare)
  if (v4 !== undefined) return { family: 4, value: v4 }
  const v6 = parseIpv6(bare)
  if (v6 === undefined) return undefined
  if (v6 >> 32n === MAPPED_PREFIX >> 32n) return { family: 4, value: Number(v6 & 0xffffffffn) }
  return { family: 6, value: v6 }
}

/** An IPv4 or IPv6 block as its first and last address. */
export type ParsedCidr =
  | { family: 4; first: number; last: number }
  | { family: 6; first: bigint; last: bigint }

/** `10.0.0.0/8`, `2001:db8::/32` or a bare address (host bits may be set); undefined if invalid. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const [address = '', bits, ...rest] = text.trim().split('/')
  if (rest.length > 0) return undefined
  const parsed = parseAddress(address)
  if (!parsed) return undefined
  const width = parsed.family === 4 ? 32 : 128
  const length = bits === undefined ? width : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN
  if (!(length >= 0 && length <= width)) return undefined
  if (parsed.family === 4) {
    const size = 2 ** (32 - length)
    const first = Math.floor(parsed.value / size) * size
    return { family: 4, first, last: first + size - 1 }
  }
  const hostBits = BigInt(128 - length)
  const first = (parsed.value >> hostBits) << hostBits
  return { family: 6, first, last: first + (1n << hostBits) - 1n }
}

/** Is the address inside the block? Both parsed; families must agree. */
export function cidrHolds(cidr: ParsedCidr, address: ParsedAddress): boolean {
  if (cidr.family === 4)
    return address.family === 4 && cidr.first <= address.value && address.value <= cidr.last
  return address.family === 6 && cidr.first <= address.value && address.value <= cidr.last
}

/** Named address prefixes: one service tag and its `addressPrefixes`. */
export type NamedPrefixes = { name: string; prefixes: readonly string[] }

/**
 * Every tag whose prefixes contain an address, for any address: built once from all prefixes of
 * a service-tags file, answered by a binary search over disjoint intervals (each interval holds
 * the tags covering it), so a lookup costs O(log n) whatever the number of prefixes.
 */
export type AddressTagIndex = {
  /** Tags that contain the address (sorted); empty for none or for text that is not an address. */
  tagsOf(address: string): string[]
  /** Prefixes indexed (IPv4 and IPv6). */
  prefixCount: number
}

type Interval<T> = { starts: T[]; sets: number[] }

/**
 * Sweeps prefix boundaries in order: after the events at each position, the active tags hold until
 * the next position. Equal tag sets are stored once.
 */
function buildIntervals<T extends number | bigint>(
  events: { at: T; tag: number; delta: 1 | -1 }[],
  tagSets: { keys: Map<string, number>; lists: string[][] },
  names: readonly string[],
): Interval<T> {
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  const active = new Map<number, number>()
  const starts: T[] = []
  const sets: number[] = []
  let index = 0
  while (index < events.length) {
    const at = (events[index] as { at: T }).at
    for (; index < events.length && (events[index] as { at: T }).at === at; index++) {
      const { tag, delta } = events[index] as { tag: number; delta: 1 | -1 }
      const count = (active.get(tag) ?? 0) + delta
      if (count === 0) active.delete(tag)
      else active.set(tag, count)
    }
    const list = [...new Set([...active.keys()].map((tag) => names[tag] as string))].sort(
      compareOrdinal,
    )
    const key = list.join('\n')
    let id = tagSets.keys.get(key)
    if (id === undefined) {
      id = tagSets.lists.length
      tagSets.lists.push(list)
      tagSets.keys.set(key, id)
    }
    starts.push(at)
    sets.push(id)
  }
  return { starts, sets }
}

function lookup<T extends number | bigint>(intervals: Interval<T>, value: T): number | undefined {
  let low = 0
  let high = intervals.starts.length - 1
  let found = -1
  while (low <= high) {
    const middle = (low + high) >> 1
    if ((intervals.starts[middle] as T) <= value) {
      found = middle
      low = middle + 1
    } else high = middle - 1
  }
  return found === -1 ? undefined : intervals.sets[found]
}

/**
 * Indexes named prefixes (a service-tags file's `values`) for `tagsOf`. Prefixes that are not
 * IPv4 or IPv6 blocks are skipped.
 * @example createAddressTagIndex([{ name: 'Storage.WestEurope', prefixes: ['20.60.0.0/16'] }]).tagsOf('20.60.1.2') // ['Storage.WestEurope']
 */
export function createAddressTagIndex(entries: Iterable<NamedPrefixes>): AddressTagIndex {
  const names: string[] = []
  const v4: { at: number; tag: number; delta: 1 | -1 }[] = []
  const v6: { at: bigint; tag: number; delta: 1 | -1 }[] = []
  for (const entry of entries) {
    const tag = names.push(entry.name) - 1
    for (const prefix of entry.prefixes) {
      const block = parseCidr(prefix)
      if (block?.family === 4)
        v4.push({ at: block.first, tag, delta: 1 }, { at: block.last + 1, tag, delta: -1 })
      else if (block?.family === 6)
        v6.push({ at: block.first, tag, delta: 1 }, { at: block.last + 1n, tag, delta: -1 })
    }
  }
  const prefixCount = (v4.length + v6.length) / 2
  const tagSets = { keys: new Map<string, number>(), lists: [] as string[][] }
  const ipv4 = buildIntervals(v4, tagSets, names)
  const ipv6 = buildIntervals(v6, tagSets, names)
  return {
    prefixCount,
    tagsOf(address) {
      const parsed = parseAddress(address)
      if (!parsed) return []
      const set = parsed.family === 4 ? lookup(ipv4, parsed.value) : lookup(ipv6, parsed.value)
      return set === undefined ? [] : [...(tagSets.lists[set] ?? [])]
    },
  }
}
