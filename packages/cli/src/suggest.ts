import { compareOrdinal, didYouMean } from '@aml-egress/core'

/**
 * A did-you-mean for CLI input: core's edit-distance match, or else the one candidate that
 * contains the word (`kubernets` is far from `kubernetes-compute`, `kubernetes` is inside it).
 * @example suggest('kubernetes', ['kubernetes-compute', 'vscode']) // 'kubernetes-compute'
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const close = didYouMean(word, candidates)
  if (close !== undefined) return close
  const lower = word.toLowerCase()
  if (lower.length < 3) return undefined
  const containing = candidates.filter((candidate) => candidate.toLowerCase().includes(lower))
  if (containing.length >= 1)
    return [...containing].sort((a, b) => a.length - b.length || compareOrdinal(a, b))[0]
  const prefix = candidates.filter((candidate) =>
    candidate.toLowerCase().startsWith(lower.slice(0, Math.max(3, lower.length - 2))),
  )
  return prefix.length === 1 ? prefix[0] : undefined
}
