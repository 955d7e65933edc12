/** IPv4 addresses and CIDR blocks, as unsigned 32-bit integers. */

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`)

/** True for a dotted-quad IPv4 address without leading zeros. */
export function isIpv4Address(text: string): boolean {
  return IPV4.test(text)
}

/** True for `a.b.c.d/n` (0 ≤ n ≤ 32) or a bare address. Host bits may be set, as Azure allows. */
export function isIpv4Cidr(text: string): boolean {
  const [address, bits, ...rest] = text.split('/')
  if (rest.length > 0 || address === undefined || !isIpv4Address(address)) return false
  return bits === undefined || (/^\d{1,2}$/.test(bits) && Number(bits) <= 32)
}

function toNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0)
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
}

/** The first and last address of a block, as numbers. */
export function cidrRange(cidr: string): { first: number; last: number } {
  const [address = '', bits = '32'] = cidr.split('/')
  const size = 2 ** (32 - Number(bits))
  const first = Math.floor(toNumber(address) / size) * size
  return { first, last: first + size - 1 }
}

/**
 * Orders IPv4 CIDRs by address, then prefix length, as numbers: `9.0.0.0/8` before `10.0.0.0/8`.
 * @example ['10.0.0.0/8', '9.0.0.0/8'].sort(compareCidrs) // ['9.0.0.0/8', '10.0.0.0/8']
 */
export function compareCidrs(a: string, b: string): number {
  const [addressA = '', bitsA = '32'] = a.split('/')
  const [addressB = '', bitsB = '32'] = b.split('/')
  return toNumber(addressA) - toNumber(addressB) || Number(bitsA) - Number(bitsB)
}

/** True when `address` (or every address of a block) lies inside `cidr`. */
export function cidrContains(cidr: string, addressOrCidr: string): boolean {
  if (!isIpv4Cidr(cidr) || !isIpv4Cidr(addressOrCidr)) return false
  const outer = cidrRange(cidr)
  const inner = cidrRange(addressOrCidr)
  return outer.first <= inner.first && inner.last <= outer.last
}

/** An address inside the block to stand for it in flows: the first usable host. */
export function sampleAddress(cidr: string): string {
  const { first, last } = cidrRange(cidr)
  return toAddress(last - first >= 2 ? first + 1 : first)
}

/**
 * Canonical form `a.b.c.d/n` with host bits cleared and the prefix length without leading zeros
 * (`/08` is `/8`); a bare address becomes `/32`.
 */
export function canonicalCidr(cidr: string): string {
  const bits = cidr.includes('/') ? Number(cidr.split('/')[1]) : 32
  return `${toAddress(cidrRange(cidr).first)}/${bits}`
}

/**
 * What is wrong with a CIDR a user wrote, or undefined when nothing is. Host bits set
 * (`10.0.0.5/24`) are an error, not silently cleared: Azure's network API refuses such a subnet
 * prefix too (InvalidCIDRNotation), and clearing them could widen a single address to a block.
 * A prefix length with leading zeros (`/08`) is no error; `canonicalCidr` drops the zeros.
 * @example cidrProblem('10.0.0.5/24') // 'host bits are set: …'
 */
export function cidrProblem(text: string): string | undefined {
  if (!text.includes('/')) return undefined
  const canonical = canonicalCidr(text)
  const [address = ''] = text.split('/')
  if (canonical.split('/')[0] === address) return undefined
  return `host bits are set: ${address}/${canonical.split('/')[1]} is inside the block ${canonical}; write ${canonical} for the block, or ${address}/32 for the one address`
}
