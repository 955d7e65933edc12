/** Small timing helpers: wall and CPU time of one call, medians, table layout. */

/** Wall and CPU milliseconds of one call (CPU includes V8's GC helper threads). */
export type Timing = { wallMs: number; cpuMs: number }

/**
 * Runs `run` once and times it.
 * @example const { result, timing } = timed(() => resolvePlan(profile))
 */
export function timed<T>(run: () => T): { result: T; timing: Timing } {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const result = run()
  const wallMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  return { result, timing: { wallMs, cpuMs: (used.user + used.system) / 1000 } }
}

/** The median of a non-empty list (the lower middle for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN
}

/** `1,234 ms`, `0.8 ms`. */
export function ms(value: number): string {
  return value >= 10 ? `${Math.round(value).toLocaleString('en-US')} ms` : `${value.toFixed(1)} ms`
}

/** `12.3 MB`, `45.6 KB`, `789 B`. */
export function bytes(value: number): string {
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MB`
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KB`
  return `${value} B`
}

/** A Markdown table: the header row, a separator, then the rows; numbers-looking cells right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const numeric = header.map((_, column) =>
    rows.every((row) => /^[\d.,≤<>×x ~%+-]*\s*[A-Za-z]*$/.test(row[column] ?? '')),
  )
  const line = (cells: readonly string[]) =>
    `| ${cells
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join(' | ')} |`
  const separator = `|${widths.map((width, column) => (numeric[column] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`
  return [line(header), separator, ...rows.map(line)].join('\n')
}
