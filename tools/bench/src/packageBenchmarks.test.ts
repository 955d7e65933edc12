import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { findPackageBenchmarks, loadRunBenchmarks } from './packageBenchmarks'

describe('package benchmarks', () => {
  const found = findPackageBenchmarks()

  it('finds the bench of every package that has one, in ordinal order of the names', () => {
    const names = found.map((bench) => bench.name)
    expect(names).toContain('azure-firewall')
    expect(names).toContain('squid')
    expect(names).not.toContain('core')
    expect(names).toStrictEqual([...names].sort())
  })

  it('loads a runBenchmarks function from each', async () => {
    for (const bench of found) expect(await loadRunBenchmarks(bench)).toBeTypeOf('function')
  })

  it('fails naming the file when an entry does not export runBenchmarks', async () => {
    const entry = new URL('./measure.ts', import.meta.url)
    await expect(loadRunBenchmarks({ name: 'example', entry })).rejects.toThrow(
      'packages/example/bench/index.ts must export runBenchmarks(options)',
    )
  })

  it('keeps bench/ out of every published package: `files` lists what is published, not bench', () => {
    for (const bench of found) {
      const manifest = JSON.parse(
        readFileSync(new URL('../package.json', bench.entry), 'utf8'),
      ) as { files?: string[] }
      expect(manifest.files, bench.name).toBeInstanceOf(Array)
      for (const file of manifest.files ?? [])
        expect(file, bench.name).not.toMatch(/^(\.\/)?(bench|\*|\.$)/)
    }
  })
})
