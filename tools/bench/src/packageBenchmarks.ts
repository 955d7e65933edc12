/**
 * A format package's own benchmarks: `packages/<name>/bench/index.ts`, found on disk (a new format
 * adds its file, nothing here changes) and run in the ordinal order of the package names. Each
 * exports `runBenchmarks` (the contract: `@aml-egress/test-matrix/bench`).
 */
import { existsSync, readdirSync } from 'node:fs'
import { compareOrdinal } from '@aml-egress/core'
import type { BenchOptions, BenchSection, RunBenchmarks } from '@aml-egress/test-matrix/bench'

const packagesDir = new URL('../../../packages/', import.meta.url)

/** One package's benchmarks: the package directory name and its entry file. */
export type PackageBenchmark = { name: string; entry: URL }

/** Every `packages/<name>/bench/index.ts`, sorted by package name. */
export function findPackageBenchmarks(): PackageBenchmark[] {
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({
      name: entry.name,
      entry: new URL(`${entry.name}/bench/index.ts`, packagesDir),
    }))
    .filter((bench) => existsSync(bench.entry))
    .sort((a, b) => compareOrdinal(a.name, b.name))
}

/** The `runBenchmarks` a package's bench entry exports; fails naming the file when it does not. */
export async function loadRunBenchmarks(bench: PackageBenchmark): Promise<RunBenchmarks> {
  const module = (await import(bench.entry.href)) as {
    runBenchmarks?: unknown
  }
  if (typeof module.runBenchmarks !== 'function')
    throw new Error(`packages/${bench.name}/bench/index.ts must export runBenchmarks(options)`)
  return module.runBenchmarks as RunBenchmarks
}

/** Runs every package's benchmarks, one package after the other; their sections in that order. */
export async function runPackageBenchmarks(options: BenchOptions): Promise<BenchSection[]> {
  const sections: BenchSection[] = []
  for (const bench of findPackageBenchmarks())
    sections.push(...(await (await loadRunBenchmarks(bench))(options)))
  return sections
}
