import * as z from 'zod'
import { sortInPlace } from './order'

/** An inclusive port range; a single port has `from === to`. */
export const PortRangeSchema = z
  .object({
    /** First port of the range (1–65535). */
    from: z.number().int().min(1).max(65535),
    /** Last port of the range, inclusive. */
    to: z.number().int().min(1).max(65535),
  })
  .refine((range) => range.from <= range.to, { message: 'from must not be greater than to' })

/** An inclusive port range, `{ from, to }`. */
export type PortRange = z.infer<typeof PortRangeSchema>

/** Transport protocols a rule can name. `ANY` is what the docs write for Azure Batch (TCP and UDP). */
export const ProtocolSchema = z.enum(['TCP', 'UDP', 'ANY'])
/** The protocol of a rule: `TCP`, `UDP` or `ANY`. */
export type Protocol = z.infer<typeof ProtocolSchema>

/** The transport of one concrete flow. */
export const FlowProtocolSchema = z.enum(['TCP', 'UDP'])
/** The protocol of a concrete flow: `TCP` or `UDP`. */
export type FlowProtocol = z.infer<typeof FlowProtocolSchema>

/**
 * Sorts, merges overlapping and adjacent ranges.
 * @example mergePortRanges([{ from: 443, to: 443 }, { from: 80, to: 80 }, { from: 444, to: 445 }])
 * // → [{ from: 80, to: 80 }, { from: 443, to: 445 }]
 */
export function mergePortRanges(ranges: readonly PortRange[]): PortRange[] {
  // Most rules have one range: no sort, no second pass (this runs once per plan rule).
  if (ranges.length < 2) return ranges.map((range) => ({ from: range.from, to: range.to }))
  const sorted = sortInPlace([...ranges], (a, b) => a.from - b.from || a.to - b.to)
  const merged: PortRange[] = []
  for (const range of sorted) {
    const last = merged.at(-1)
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to)
    else merged.push({ ...range })
  }
  return merged
}

/** True when every port of `inner` is in `outer`. An empty list means "all ports". */
export function portRangesCover(outer: readonly PortRange[], inner: readonly PortRange[]): boolean {
  if (outer.length === 0) return true
  if (inner.length === 0) return false
  const merged = outer.length === 1 ? outer : mergePortRanges(outer)
  return inner.every((range) => merged.some((o) => o.from <= range.from && range.to <= o.to))
}

/** True when `port` is inside one of the ranges. An empty list means "all ports". */
export function portInRanges(port: number, ranges: readonly PortRange[]): boolean {
  return ranges.length === 0 || ranges.some((range) => range.from <= port && port <= range.to)
}

/** `443`, `8704-8710`; an empty list is `*`. */
export function formatPortRanges(ranges: readonly PortRange[]): string[] {
  if (ranges.length === 0) return ['*']
  return ranges.map((range) =>
    range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`,
  )
}

/** True when a rule protocol carries a flow protocol. */
export function protocolCarries(ruleProtocol: Protocol, flowProtocol: FlowProtocol): boolean {
  return ruleProtocol === 'ANY' || ruleProtocol === flowProtocol
}
