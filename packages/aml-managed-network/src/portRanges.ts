import { formatPortRanges, type PortRange } from '@aml-egress/core'

/**
 * A rule's ports as the managed network writes them: one string, ranges joined by commas
 * (`80,8080-8089`), `*` for every port.
 * @example portRangesText([{ from: 80, to: 80 }, { from: 8080, to: 8089 }]) // '80,8080-8089'
 */
export function portRangesText(ranges: readonly PortRange[]): string {
  return formatPortRanges(ranges).join(',')
}

const RANGE = /^(\d{1,5})(?:-(\d{1,5}))?$/

/**
 * The ranges of a `port_ranges` string (spaces allowed around commas, as the docs write
 * `80, 8080-8089`); `[]` for `*` (every port); undefined when a part is not a port or range.
 * @example parsePortRanges('80, 8080-8089') // [{ from: 80, to: 80 }, { from: 8080, to: 8089 }]
 */
export function parsePortRanges(text: string): PortRange[] | undefined {
  const trimmed = text.trim()
  if (trimmed === '*') return []
  const ranges: PortRange[] = []
  for (const part of trimmed.split(',')) {
    const match = RANGE.exec(part.trim())
    if (!match) return undefined
    const from = Number(match[1])
    const to = match[2] === undefined ? from : Number(match[2])
    if (from < 1 || to > 65535 || from > to) return undefined
    ranges.push({ from, to })
  }
  return ranges
}
