/** One line of an edit script. */
type Edit = { kind: ' ' | '-' | '+'; line: string }

/** Above this many DP cells the middle part is shown as one replacement (bounded memory). */
const MAX_CELLS = 16_000_000

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * Line edit script from a longest common subsequence. Common prefix and suffix are trimmed first,
 * so the usual small change costs little; ties prefer deletions first, which makes it deterministic.
 */
function editScript(before: readonly string[], after: readonly string[]): Edit[] {
  let start = 0
  while (start < before.length && start < after.length && before[start] === after[start]) start++
  let endBefore = before.length
  let endAfter = after.length
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--
    endAfter--
  }
  const a = before.slice(start, endBefore)
  const b = after.slice(start, endAfter)
  const middle: Edit[] = []
  if (a.length * b.length > MAX_CELLS) {
    middle.push(...a.map((line): Edit => ({ kind: '-', line })))
    middle.push(...b.map((line): Edit => ({ kind: '+', line })))
  } else {
    // lcs[i][j] = LCS length of a[i..] and b[j..], row-major in one typed array.
    const width = b.length + 1
    const lcs = new Uint32Array((a.length + 1) * width)
    for (let i = a.length - 1; i >= 0; i--)
      for (let j = b.length - 1; j >= 0; j--)
        lcs[i * width + j] =
          a[i] === b[j]
            ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
            : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0)
    let i = 0
    let j = 0
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        middle.push({ kind: ' ', line: a[i] ?? '' })
        i++
        j++
      } else if (
        j >= b.length ||
        (i < a.length && (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))
      ) {
        middle.push({ kind: '-', line: a[i] ?? '' })
        i++
      } else {
        middle.push({ kind: '+', line: b[j] ?? '' })
        j++
      }
    }
  }
  return [
    ...before.slice(0, start).map((line): Edit => ({ kind: ' ', line })),
    ...middle,
    ...before.slice(endBefore).map((line): Edit => ({ kind: ' ', line })),
  ]
}

/**
 * A unified diff (`diff -u` style, 3 lines of context) between two texts; empty when they are
 * equal. `before` undefined means the file does not exist yet (`--- /dev/null`).
 * @example unifiedDiff({ path: 'out/aml-egress.conf', before: 'a\n', after: 'b\n' })
 */
export function unifiedDiff(input: {
  path: string
  before: string | undefined
  after: string
  context?: number
}): string {
  if (input.before === input.after) return ''
  const context = input.context ?? 3
  const edits = editScript(splitLines(input.before ?? ''), splitLines(input.after))
  const changed = edits.flatMap((edit, index) => (edit.kind === ' ' ? [] : [index]))
  if (changed.length === 0) {
    // Only the final newline differs.
    return `--- ${input.path}\n+++ ${input.path}\n\\ only the final newline differs\n`
  }
  // Group changes whose context windows touch into hunks.
  const hunks: { from: number; to: number }[] = []
  for (const index of changed) {
    const last = hunks[hunks.length - 1]
    const from = Math.max(0, index - context)
    const to = Math.min(edits.length - 1, index + context)
    if (last && from <= last.to + 1) last.to = to
    else hunks.push({ from, to })
  }
  // git-style a/ b/ prefixes for relative paths; an absolute path is shown as is.
  const absolute = input.path.startsWith('/')
  const lines = [
    `--- ${input.before === undefined ? '/dev/null' : `${absolute ? '' : 'a/'}${input.path}`}`,
    `+++ ${absolute ? '' : 'b/'}${input.path}`,
  ]
  // Line numbers before each edit, to write the @@ headers.
  let oldLine = 1
  let newLine = 1
  const positions = edits.map((edit) => {
    const position = { oldLine, newLine }
    if (edit.kind !== '+') oldLine++
    if (edit.kind !== '-') newLine++
    return position
  })
  for (const hunk of hunks) {
    const slice = edits.slice(hunk.from, hunk.to + 1)
    const oldCount = slice.filter((edit) => edit.kind !== '+').length
    const newCount = slice.filter((edit) => edit.kind !== '-').length
    const start = positions[hunk.from] ?? { oldLine: 1, newLine: 1 }
    const oldStart = oldCount === 0 ? start.oldLine - 1 : start.oldLine
    const newStart = newCount === 0 ? start.newLine - 1 : start.newLine
    lines.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`)
    for (const edit of slice) lines.push(`${edit.kind}${edit.line}`)
  }
  return `${lines.join('\n')}\n`
}
