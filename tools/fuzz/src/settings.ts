/**
 * Run counts, from the environment so CI and a developer can size a run:
 * - `FUZZ_RUNS`: generated profiles per format (default 10,000 in CI, 1,000 locally);
 * - `FUZZ_FLOWS`: plan flows and deny flows checked per profile and format (default 4 each);
 * - `FUZZ_PARSER_RUNS`: profiles also checked with the real parsers (default 100 in CI, 10 locally);
 * - `FUZZ_INVALID_RUNS`: invalid inputs per property (default 1,000 in CI, 200 locally);
 * - `FUZZ_SEED`: replay a run (fast-check prints the seed and path of every failure).
 */

function count(name: string, fallback: { ci: number; local: number }): number {
  const value = process.env[name]
  if (value !== undefined && value !== '') {
    const parsed = Number(value)
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new Error(`${name} must be a positive integer, got '${value}'`)
    return parsed
  }
  return process.env.CI ? fallback.ci : fallback.local
}

/** The run sizes of this process. */
export const fuzzSettings = {
  runs: count('FUZZ_RUNS', { ci: 10_000, local: 1_000 }),
  flows: count('FUZZ_FLOWS', { ci: 4, local: 4 }),
  parserRuns: count('FUZZ_PARSER_RUNS', { ci: 100, local: 10 }),
  invalidRuns: count('FUZZ_INVALID_RUNS', { ci: 1_000, local: 200 }),
  seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined,
} as const

/** Options for `fc.assert`: the run count, and the seed when replaying. */
export function assertOptions(runs: number): { numRuns: number; seed?: number } {
  return fuzzSettings.seed === undefined
    ? { numRuns: runs }
    : { numRuns: runs, seed: fuzzSettings.seed }
}
