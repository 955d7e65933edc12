/**
 * The CLI's own benchmarks, run by `npm run bench` (tools/bench/src/run.ts finds this file on
 * disk): `aml-egress diagnose` on a generated 1,000,000-line Squid access.log and a 1,000,000-record
 * Azure Firewall export, each timed as a user runs it (the built bin in its own process, peak memory
 * of that process), next to `wc -l` of the same file. Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BenchOptions, type BenchSection, bytes, ms } from '@aml-egress/test-matrix/bench'
import { writeFirewallLog, writeSquidLog } from './logs'

const bin = fileURLToPath(new URL('../dist/bin/aml-egress.cjs', import.meta.url))
const preload = fileURLToPath(new URL('./peakMemory.mjs', import.meta.url))

const PROFILE = `workspaces:
  - id: 3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d1e55
    region: westeurope
    storageAccounts: [amlstore01]
compute: [computeCluster, computeInstance]
sourceAddresses: [10.20.0.0/16]
`

type Run = { wallMs: number; cpuMs: number; peakMb: number; status: number | null; flows: number }

/** One `aml-egress diagnose --json` in a fresh process: wall time, peak RSS, flows reported. */
function diagnose(profile: string, log: string): Run {
  const started = performance.now()
  const result = spawnSync(
    process.execPath,
    ['--import', preload, bin, 'diagnose', '--profile', profile, '--json', log],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  )
  const wallMs = performance.now() - started
  const usage = /aml-egress-bench max-rss-kb (\d+) cpu-ms (\d+)/.exec(result.stderr)
  let flows = -1
  try {
    flows = (JSON.parse(result.stdout) as { summary: { flows: number } }).summary.flows
  } catch {
    flows = -1
  }
  return {
    wallMs,
    cpuMs: usage ? Number(usage[2]) : Number.NaN,
    peakMb: usage ? Number(usage[1]) / 1024 : Number.NaN,
    status: result.status,
    flows,
  }
}

function wcLines(log: string): number {
  const started = performance.now()
  spawnSync('wc', ['-l', log], { stdio: 'ignore' })
  return performance.now() - started
}

type Case = {
  what: string
  write: (path: string, n: number) => Promise<number>
  file: string
  limitMs: number
  limitMb?: number
}

const CASES: readonly Case[] = [
  {
    what: 'Squid access.log (native)',
    write: writeSquidLog,
    file: 'access.log',
    limitMs: 3000,
    limitMb: 200,
  },
  { what: 'Azure Firewall JSON Lines', write: writeFirewallLog, file: 'PT1H.json', limitMs: 5000 },
]

/**
 * The diagnose section: per log, its size, `wc -l` and `diagnose` times, peak memory, and the
 * targets of issue #19 (Squid ≤ 3 s and ≤ 200 MB; Azure Firewall ≤ 5 s). `quick`: 100,000 lines.
 * @example const sections = await runBenchmarks({ quick: true })
 */
export async function runBenchmarks(options: BenchOptions): Promise<BenchSection[]> {
  const n = options.quick ? 100_000 : 1_000_000
  const dir = await mkdtemp(join(tmpdir(), 'aml-egress-diagnose-bench-'))
  const rows: string[][] = []
  const targets = []
  try {
    const profile = join(dir, 'profile.yaml')
    await writeFile(profile, PROFILE)
    for (const testCase of CASES) {
      const log = join(dir, testCase.file)
      const size = await testCase.write(log, n)
      const wc = wcLines(log)
      const run = diagnose(profile, log)
      const count = n.toLocaleString('en-US')
      rows.push([
        `${testCase.what}, ${count} lines`,
        bytes(size),
        ms(wc),
        ms(run.wallMs),
        ms(run.cpuMs),
        `${run.peakMb.toFixed(0)} MB`,
        String(run.flows),
        String(run.status),
      ])
      const fast = run.wallMs <= testCase.limitMs && run.status === 1 && run.flows > 0
      const small = testCase.limitMb === undefined || run.peakMb <= testCase.limitMb
      targets.push({
        what: `diagnose ${testCase.what}, ${count} lines: ≤ ${testCase.limitMs / 1000} s${testCase.limitMb ? ` and ≤ ${testCase.limitMb} MB` : ''}`,
        met: fast && small,
        figure: `${ms(run.wallMs)} wall, ${ms(run.cpuMs)} CPU, ${run.peakMb.toFixed(0)} MB peak (wc -l: ${ms(wc)})`,
      })
      await rm(log)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return [
    {
      kind: 'table',
      title:
        'aml-egress diagnose: deny logs read, aggregated and classified (built CLI, one process each)',
      header: [
        'log',
        'size',
        'wc -l',
        'diagnose (wall)',
        'diagnose (CPU)',
        'peak memory',
        'flows',
        'exit',
      ],
      rows,
      targets,
    },
  ]
}
