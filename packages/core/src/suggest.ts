function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** Longer words are no typo of a name: no suggestion, and no quadratic edit distance to pay. */
const MAX_WORD_LENGTH = 256

/**
 * The closest candidate to a misspelt word, if it is close enough to be a likely typo. Candidates
 * whose length alone puts them out of reach are skipped, so the cost stays bounded by the
 * candidates' length, not the word's.
 * @example didYouMean('storageAcounts', ['storageAccounts', 'region']) // 'storageAccounts'
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > MAX_WORD_LENGTH) return undefined
  const lower = word.toLowerCase()
  const reach = Math.max(2, Math.floor(word.length / 3))
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > reach) continue
    const distance = editDistance(lower, candidate.toLowerCase())
    if (!best || distance < best.distance) best = { candidate, distance }
  }
  if (!best) return undefined
  return best.distance <= reach ? best.candidate : undefined
}
