import { stripAnsi } from './color'

/**
 * A plain-text table: columns padded to their widest cell (colour codes not counted), two spaces
 * apart, no trailing spaces.
 * @example formatTable({ headers: ['A', 'B'], rows: [['1', '2']] })
 */
export function formatTable(table: {
  headers: readonly string[]
  rows: readonly (readonly string[])[]
  indent?: string
}): string {
  const all = [table.headers, ...table.rows]
  const widths = table.headers.map((_, column) =>
    Math.max(...all.map((row) => stripAnsi(row[column] ?? '').length)),
  )
  return all
    .map((row) =>
      `${table.indent ?? ''}${row
        .map((cell, column) =>
          column === row.length - 1
            ? cell
            : cell + ' '.repeat((widths[column] ?? 0) - stripAnsi(cell).length),
        )
        .join('  ')}`.trimEnd(),
    )
    .join('\n')
}

/** Escapes what would break a Markdown table cell. */
export function markdownCell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ')
}

/**
 * A GitHub-flavoured Markdown table. Cells are taken as Markdown (escape them with
 * `markdownCell`); `center` lists the columns to centre.
 */
export function markdownTable(table: {
  headers: readonly string[]
  rows: readonly (readonly string[])[]
  center?: readonly number[]
}): string {
  const separator = table.headers.map((_, column) =>
    table.center?.includes(column) ? ':--:' : '---',
  )
  return [table.headers, separator, ...table.rows].map((row) => `| ${row.join(' | ')} |`).join('\n')
}
