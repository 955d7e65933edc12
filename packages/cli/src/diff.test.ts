import { describe, expect, it } from 'vitest'
import { unifiedDiff } from './diff'

describe('cli: unifiedDiff', () => {
  it('returns an empty string when the texts are equal', () => {
    expect(unifiedDiff({ path: 'a.txt', before: 'x\ny\n', after: 'x\ny\n' })).toBe('')
  })

  it('returns a hunk with three lines of context when one line changes', () => {
    // GIVEN ten lines, the fifth changed
    const before = `${Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n')}\n`
    const after = before.replace('line 5', 'line five')
    // WHEN diffed
    const diff = unifiedDiff({ path: 'out/a.conf', before, after })
    // THEN it is diff -u's output for this change
    expect(diff).toBe(
      [
        '--- a/out/a.conf',
        '+++ b/out/a.conf',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+line five',
        ' line 6',
        ' line 7',
        ' line 8',
        '',
      ].join('\n'),
    )
  })

  it('returns a /dev/null header and only additions when the file does not exist', () => {
    expect(unifiedDiff({ path: 'new.txt', before: undefined, after: 'a\nb\n' })).toBe(
      '--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n',
    )
  })

  it('returns two hunks when changes are far apart', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `l${i}`)
    const after = [...lines]
    after[1] = 'changed-1'
    after[18] = 'changed-18'
    const diff = unifiedDiff({
      path: 'f',
      before: `${lines.join('\n')}\n`,
      after: `${after.join('\n')}\n`,
    })
    expect(diff.match(/^@@/gm)).toHaveLength(2)
    expect(diff).toContain('@@ -1,5 +1,5 @@')
    expect(diff).toContain('@@ -16,5 +16,5 @@')
  })

  it('returns the same diff every time for the same input (deterministic)', () => {
    const before = 'a\nb\nc\na\nb\nc\n'
    const after = 'b\na\nc\nc\nb\na\n'
    const first = unifiedDiff({ path: 'p', before, after })
    expect(unifiedDiff({ path: 'p', before, after })).toBe(first)
    // Applying the edit script must give `after`: keep ' ' and '+' lines.
    const rebuilt = first
      .split('\n')
      .slice(3)
      .filter((line) => line.startsWith(' ') || line.startsWith('+'))
      .map((line) => line.slice(1))
    expect(`${rebuilt.join('\n')}\n`).toBe(after)
  })
})
