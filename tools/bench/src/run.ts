/**
 * `npm run bench`: every figure of issue #8 in one Markdown report on stdout. Timings are reported,
 * never asserted. Fleets run in a fresh process per size; nothing is cached across runs. A format's
 * own figures (its scaling steps, its target's limits, a large config read back) come from its
 * package's `bench/index.ts`, found on disk.
 *   npm run build && node --import tsx tools/bench/src/run.ts [--quick]
 * Everything runs on the built packages (dist), as users do.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import {
  type BenchSection,
  type BenchTarget,
  bytes,
  fleetProfile,
  kubernetesFleetProfile,
  ms,
} from '@aml-egress/test-matrix/bench'
import { type CliCheck, measureCliChecks } from './cliCheck'
import { type CliFleet, measureCliFleet } from './cliFleet'
import { builtCli, measureCliStartup } from './cliStartup'
import { compareFleetHashes, fleetHashes } from './fleetHashes'
import type { FleetResult } from './fleetWorker'
import { formats } from './formats'
import { table } from './measure'
import { runPackageBenchmarks } from './packageBenchmarks'
import { measureMinimalityScaling } from './scaling'
import {
  coreEntries,
  measureCoreEntry,
  measureCoreWithoutCatalogData,
  measurePackageSizes,
  sizeBudgets,
} from './sizes'

const quick = process.argv.includes('--quick')
const fleetSizes = [1, 100, 1000, 10_000]
const worker = fileURLToPath(new URL('./fleetWorker.ts', import.meta.url))
const targets: BenchTarget[] = []

/** The light fleet (no Kubernetes, no inference) or the Kubernetes-heavy estate of issue #20. */
type FleetKind = 'light' | 'kubernetes'

function target(what: string, met: boolean, figure: string): void {
  targets.push({ what, met, figure })
}

/** taskset pins a process to one CPU (util-linux); without it the one-core run is skipped. */
const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path))

/**
 * One fleet size in a fresh process, on the built packages (what users run: `npm run bench` builds
 * first). `oneCore` pins the process, GC threads included, to CPU 0.
 */
function runFleet({
  size,
  only,
  oneCore,
  fleet = 'light',
}: {
  size: number
  only?: string
  oneCore?: boolean
  fleet?: FleetKind
}): FleetResult {
  const runs = only || quick ? 1 : size >= 10_000 ? 3 : 5
  const node = [process.execPath, '--import', 'tsx', worker, String(size), String(runs)]
  node.push(only ?? 'all', fleet)
  const [command, ...args] = oneCore && taskset ? [taskset, '-c', '0', ...node] : node
  const result = spawnSync(command as string, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const last = result.stdout.trim().split('\n').at(-1)
  if (result.status !== 0 || !last)
    throw new Error(`fleet worker ${size} failed: ${result.stderr || result.stdout}`)
  return JSON.parse(last) as FleetResult
}

/** The in-process stage table of one fleet kind at every size. */
function fleetTable(fleets: readonly FleetResult[]): string {
  const stageNames = ['parse', 'resolve', ...formats.map((format) => format.name)]
  return table(
    [
      'workspaces',
      'plan rules',
      ...stageNames,
      'resolve + render, wall',
      'CPU',
      'first run, wall',
      'peak RSS',
    ],
    fleets.map((fleet) => [
      fleet.size.toLocaleString('en-US'),
      fleet.rules.toLocaleString('en-US'),
      ...stageNames.map((stage) => ms(fleet.stages[stage]?.wallMs ?? Number.NaN)),
      ms(fleet.total.wallMs),
      ms(fleet.total.cpuMs),
      ms(fleet.firstRun.wallMs),
      `${Math.round(fleet.peakRssMb)} MB`,
    ]),
  )
}

/** `render --format all` through the built CLI for each size of both fleets. */
function cliFleetTable(): {
  table: string
  rows: { fleet: FleetKind; size: number; cli: CliFleet }[]
} {
  const rows = (['light', 'kubernetes'] as const).flatMap((fleet) =>
    fleetSizes.flatMap((size) => {
      const profile = fleet === 'light' ? fleetProfile(size) : kubernetesFleetProfile(size)
      const cli = measureCliFleet({ profile, runs: quick ? 1 : 3 })
      return cli ? [{ fleet, size, cli }] : []
    }),
  )
  return {
    rows,
    table: table(
      [
        'fleet',
        'workspaces',
        'profile',
        'wall',
        'CPU',
        'peak RSS',
        'files',
        'written',
        'lines printed',
        'max columns',
        'exit',
      ],
      rows.map(({ fleet, size, cli }) => [
        fleet,
        size.toLocaleString('en-US'),
        bytes(cli.profileBytes),
        ms(cli.wallMs),
        ms(cli.cpuMs),
        `${Math.round(cli.peakRssMb)} MB`,
        String(cli.files),
        bytes(cli.outputBytes),
        String(cli.printedLines),
        String(cli.maxColumns),
        String(cli.status),
      ]),
    ),
  }
}

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return `${cpus().length} cores (${model}), Node ${process.version}, ${process.platform} ${process.arch}`
}

console.log('# aml-egress benchmark\n')
console.log(`Machine: ${machine()}.${quick ? ' Quick mode: one run per fleet.' : ''}\n`)

// 1. Fleets.
console.log('## Fleets: resolve + render every format\n')
console.log(
  'Median of 5 runs (3 for 10,000) in one fresh process per size; every format renders the full plan. CPU is user + system time of the process (V8 GC threads included). The first run of a process is also shown: it includes compiling the code, as a single CLI call does.\n',
)
const fleets = fleetSizes.map((size) => runFleet({ size }))
console.log(fleetTable(fleets))
const largest = fleets.at(-1)
const thousand = fleets.find((fleet) => fleet.size === 1000)
if (largest && thousand) {
  const growth = largest.total.wallMs / thousand.total.wallMs
  console.log(`\nGrowth 10,000 / 1,000 workspaces: ${growth.toFixed(1)}× (linear is 10×).\n`)
  console.log('Output of the 10,000-workspace fleet:\n')
  console.log(
    table(
      ['format', 'files', 'bytes', 'diagnostics'],
      Object.entries(largest.outputs).map(([name, output]) => [
        name,
        String(output.files),
        bytes(output.bytes),
        output.diagnostics.toLocaleString('en-US'),
      ]),
    ),
  )
  // Wall time with the process (GC threads included) pinned to one CPU: what "one core" means.
  const pinned = taskset ? runFleet({ size: largest.size, oneCore: true }) : undefined
  if (pinned)
    console.log(
      `\nPinned to one CPU (\`taskset -c 0\`): resolve + render every format of 10,000 workspaces in ${ms(pinned.total.wallMs)} wall (median of ${quick ? 1 : 3}; first run ${ms(pinned.firstRun.wallMs)}).`,
    )
  target(
    '10,000 workspaces × all formats under 2 s on one core',
    (pinned ?? largest).total.wallMs < 2000,
    pinned
      ? `${ms(pinned.total.wallMs)} pinned to one CPU; ${ms(largest.total.wallMs)} wall unpinned`
      : `${ms(largest.total.wallMs)} wall, ${ms(largest.total.cpuMs)} CPU (no taskset)`,
  )
  // V8 keeps the heap it grew for one format while the next renders: each format on its own too.
  const alone = formats.map((format) => ({
    name: format.name,
    peak: runFleet({ size: largest.size, only: format.name }).peakRssMb,
  }))
  console.log(
    `\nPeak RSS of a process that resolves the 10,000-workspace fleet and renders one format: ${alone
      .map((format) => `${format.name} ${Math.round(format.peak)} MB`)
      .join(', ')}.`,
  )
  const worst = Math.max(...alone.map((format) => format.peak))
  target(
    '… and under 512 MB',
    largest.peakRssMb < 512,
    `${Math.round(largest.peakRssMb)} MB peak RSS for all formats in one process; ${Math.round(worst)} MB for the largest single format`,
  )
  target('time grows linearly (10k / 1k ≤ 12)', growth <= 12, `${growth.toFixed(1)}×`)
  target(
    'zero redundant plan rules (every fleet)',
    fleets.every((fleet) => fleet.redundantRules === 0),
    fleets.map((fleet) => fleet.redundantRules).join(', '),
  )
}

// The Kubernetes-heavy estate (issue #20), in process and through the CLI.
console.log('\n## Kubernetes-heavy fleet: resolve + render every format\n')
console.log(
  'Ten regions, two storage accounts and a registry per workspace, one in seven HBI, compute instances, clusters and AKS, training and inference, storage firewall, VS Code and Python packages on, one /16 source (`kubernetesFleetProfile`). Same method as above.\n',
)
const kubernetesFleets = fleetSizes.map((size) => runFleet({ size, fleet: 'kubernetes' }))
console.log(fleetTable(kubernetesFleets))
target(
  'zero redundant plan rules (every Kubernetes fleet)',
  kubernetesFleets.every((fleet) => fleet.redundantRules === 0),
  kubernetesFleets.map((fleet) => fleet.redundantRules).join(', '),
)
const largestKubernetes = kubernetesFleets.at(-1)
if (largestKubernetes)
  target(
    '2 MB profile parsed and validated well under 0.3 s',
    (largestKubernetes.stages.parse?.wallMs ?? Number.POSITIVE_INFINITY) < 300,
    `${ms(largestKubernetes.stages.parse?.wallMs ?? Number.NaN)} for 10,000 Kubernetes workspaces`,
  )

console.log('\n## Fleets through the CLI: `aml-egress render --format all`\n')
console.log(
  `\`node packages/cli/dist/bin/aml-egress.cjs render --profile fleet.yaml --format all --out <tmp>\` in a fresh process: reading and validating the YAML profile, resolving, rendering every format and writing the files. Median of ${quick ? 1 : 3} after one warm-up; peak RSS is the CLI process's own.\n`,
)
const cliFleets = cliFleetTable()
if (cliFleets.rows.length === 0)
  console.log(`Not built: run \`npm run build\` first (${builtCli}).`)
else console.log(cliFleets.table)
const cliFleet = (fleet: FleetKind, size: number) =>
  cliFleets.rows.find((row) => row.fleet === fleet && row.size === size)?.cli
const kubernetesLargest = cliFleet('kubernetes', 10_000)
const kubernetesThousand = cliFleet('kubernetes', 1000)
if (kubernetesLargest && kubernetesThousand) {
  target(
    'Kubernetes-heavy 10,000 workspaces, CLI render --format all ≤ 2.5 s wall',
    kubernetesLargest.wallMs <= 2500,
    ms(kubernetesLargest.wallMs),
  )
  target(
    '… and ≤ 512 MB peak',
    kubernetesLargest.peakRssMb <= 512,
    `${Math.round(kubernetesLargest.peakRssMb)} MB`,
  )
  const growth = kubernetesLargest.wallMs / kubernetesThousand.wallMs
  target('… growing linearly (10k / 1k ≤ 12)', growth <= 12, `${growth.toFixed(1)}×`)
  // Diagnostics are summarised: a fleet prints what one workspace prints, plus a few split files.
  const single = cliFleet('kubernetes', 1)
  if (single)
    target(
      '… printing what one workspace prints (diagnostics summarised)',
      kubernetesLargest.printedLines <= single.printedLines + 5,
      `${kubernetesLargest.printedLines} lines (1 workspace: ${single.printedLines})`,
    )
  target(
    '… a screenful by default (≤ 40 lines of ≤ 120 columns)',
    kubernetesLargest.printedLines <= 40 && kubernetesLargest.maxColumns <= 120,
    `${kubernetesLargest.printedLines} lines, ${kubernetesLargest.maxColumns} columns`,
  )
}

// `check` of each format's rendering, as a platform team's CI runs it after each render.
console.log('\n## check through the CLI (Kubernetes-heavy fleet)\n')
console.log(
  '`aml-egress check --profile fleet.yaml --format <format> <out>/<format> --quiet` in a fresh process per format, after one `render --format all`: reading the files back, evaluating every flow of the plan and the over-broad probes. One run.\n',
)
const checkSizes = [1000, 10_000]
const checks = checkSizes.map((size) => ({
  size,
  checks: measureCliChecks(kubernetesFleetProfile(size)) ?? [],
}))
console.log(
  table(
    [
      'workspaces',
      'format',
      'wall',
      'peak RSS',
      'flows',
      'allowed',
      'BLOCKED',
      'unknown',
      'not expressible',
      'exit',
    ],
    checks.flatMap(({ size, checks: rows }) =>
      rows.map((row: CliCheck) => [
        size.toLocaleString('en-US'),
        row.format,
        ms(row.wallMs),
        `${Math.round(row.peakRssMb)} MB`,
        row.flows.toLocaleString('en-US'),
        row.allowed.toLocaleString('en-US'),
        String(row.blocked),
        String(row.unknown),
        row.notExpressible.toLocaleString('en-US'),
        String(row.status),
      ]),
    ),
  ),
)
const [checksThousand, checksLargest] = checks.map((entry) => entry.checks)
if (checksThousand?.length && checksLargest?.length) {
  const blocked = [...checksThousand, ...checksLargest].filter((row) => row.status !== 0)
  target(
    'check of every format of the Kubernetes-heavy fleet passes (0 BLOCKED, exit 0)',
    blocked.length === 0,
    blocked.length === 0 ? 'all pass' : blocked.map((row) => row.format).join(', '),
  )
  const growth = checksLargest.map((row) => {
    const small = checksThousand.find((other) => other.format === row.format)
    return { format: row.format, ratio: small ? row.wallMs / small.wallMs : Number.NaN }
  })
  const worst = growth.reduce((a, b) => (b.ratio > a.ratio ? b : a))
  target(
    '… in time growing linearly (10k / 1k ≤ 12 for every format)',
    growth.every((entry) => entry.ratio <= 12),
    `worst ${worst.format} ${worst.ratio.toFixed(1)}×; 10k slowest ${ms(Math.max(...checksLargest.map((row) => row.wallMs)))}`,
  )
}

// Output identity: refactorings must not change what a fleet renders.
const identity = compareFleetHashes(fleetHashes())
console.log('\n## Output identity\n')
console.log(
  `SHA-256 of every format's files for fleets of 1, 100, 10,000 workspaces and a Kubernetes fleet of 1,000, against tools/bench/fleet-hashes.json: ${identity.same ? 'all unchanged' : 'CHANGED'}.\n`,
)
if (!identity.same)
  console.log(identity.lines.filter((line) => !line.endsWith('unchanged')).join('\n'))
target(
  'fleet outputs byte-identical to the kept hashes',
  identity.same,
  identity.same ? 'unchanged' : 'changed',
)

// 2.–4. Scaling, each format's own sections (limits), reading configs back.
const sections = await runPackageBenchmarks({ quick })
const sectionsOf = <Kind extends BenchSection['kind']>(kind: Kind) =>
  sections.filter(
    (section): section is Extract<BenchSection, { kind: Kind }> => section.kind === kind,
  )

console.log('\n## Subsumption and deduplication scaling\n')
const scaling = [
  ...sectionsOf('scaling').flatMap((section) => section.rows),
  ...measureMinimalityScaling(),
]
console.log(
  table(
    ['step', 'n', 'time', 'ns per n·log2 n', 'output'],
    scaling.map((row) => [
      row.step,
      row.n.toLocaleString('en-US'),
      ms(row.timing.wallMs),
      ((row.timing.wallMs * 1e6) / (row.n * Math.log2(row.n))).toFixed(1),
      row.output.toLocaleString('en-US'),
    ]),
  ),
)
console.log(
  '\nCore `resolvePlan` folds hosts into wildcards with one hash lookup per parent label (O(n · labels)); its scaling is the resolve column above.',
)

for (const section of sectionsOf('table')) {
  console.log(`\n## ${section.title}\n`)
  console.log(table(section.header, section.rows))
  targets.push(...section.targets)
}

console.log('\n## Reading configs back\n')
const readBack = sectionsOf('readback').flatMap((section) => section.rows)
console.log(
  table(
    [
      'config',
      'size',
      'bytes',
      'read',
      'evaluate',
      'flows',
      'not allowed',
      'read + evaluate',
      'native parser',
    ],
    readBack.map((row) => [
      row.label,
      row.size,
      bytes(row.bytes),
      ms(row.read.wallMs),
      ms(row.evaluate.wallMs),
      row.flows.toLocaleString('en-US'),
      String(row.notAllowed),
      ms(row.read.wallMs + row.evaluate.wallMs),
      row.nativeParse
        ? `${row.nativeParse.command}: ${ms(row.nativeParse.wallMs)} (read + evaluate = ${((row.read.wallMs + row.evaluate.wallMs) / row.nativeParse.wallMs).toFixed(2)}×)`
        : '-',
    ]),
  ),
)
for (const row of readBack)
  target(
    `${row.label} (${row.size}) read and evaluated against its plan under 1 s`,
    row.read.wallMs + row.evaluate.wallMs < 1000 && row.notAllowed === 0,
    `${ms(row.read.wallMs)} + ${ms(row.evaluate.wallMs)}`,
  )

// 5. CLI start-up.
console.log('\n## CLI start-up\n')
// A start is a third of a second: even the quick run takes enough of them for a stable median.
const runs = quick ? 7 : 9
const cliRows = formats.flatMap(({ name }) => {
  const measured = measureCliStartup({ format: name, runs })
  return measured ? [measured] : []
})
if (cliRows.length === 0) console.log(`Not built: run \`npm run build\` first (${builtCli}).`)
else {
  console.log(
    `\`node packages/cli/dist/bin/aml-egress.cjs render --profile examples/profile.yaml --format <format> --out <tmp>\` against \`node -e 0\`, alternating, median of ${runs}: with the code cache an earlier run of the same command wrote, and without one (a first run).\n`,
  )
  console.log(
    table(
      ['format', 'node -e 0', 'render', 'ratio', 'first run', 'ratio', 'exit'],
      cliRows.map((row) => [
        row.format,
        ms(row.nodeMs),
        ms(row.renderMs),
        `${(row.renderMs / row.nodeMs).toFixed(2)}×`,
        ms(row.uncachedMs),
        `${(row.uncachedMs / row.nodeMs).toFixed(2)}×`,
        String(row.status),
      ]),
    ),
  )
  const ratio = (row: (typeof cliRows)[number]) => row.renderMs / row.nodeMs
  const slowest = cliRows.reduce((worst, row) => (ratio(row) > ratio(worst) ? row : worst))
  target(
    'CLI render of one format within 2× node -e 0',
    ratio(slowest) <= 2,
    `${ratio(slowest).toFixed(1)}× (${slowest.format}, the slowest)`,
  )
}

// 6. Package sizes.
console.log('\n## Package sizes (esbuild, minified + gzip -9)\n')
const sizes = await measurePackageSizes()
console.log(
  table(
    [
      'package',
      'own, minified',
      'own, gzipped',
      'with workspace deps, gzipped',
      'with every dep, gzipped',
    ],
    sizes.map((size) => [
      size.name,
      bytes(size.own.minified),
      bytes(size.own.gzipped),
      bytes(size.withWorkspace.gzipped),
      bytes(size.total.gzipped),
    ]),
  ),
)
const core = sizes.find((size) => size.name === 'core')
const coreCode = await measureCoreWithoutCatalogData()
const entrySizes = await Promise.all(
  coreEntries.map(
    async (entry) => `\`${entry.name}\` ${bytes((await measureCoreEntry(entry)).gzipped)}`,
  ),
)
console.log(
  `\n"own" leaves every dependency external (core: zod, js-yaml, smol-toml); "with workspace deps" bundles the @aml-egress packages a package imports (tree-shaken). Core without its generated requirement data: ${bytes(coreCode.gzipped)} gzipped. Core's other entries, each on its own, gzipped (loaded by \`explain\`, \`diagnose\` and profiles naming environment files): ${entrySizes.join(', ')}.`,
)
if (core)
  target(
    `core under ${sizeBudgets.coreTarget / 1024} KB minified + gzipped, without zod (and js-yaml)`,
    core.own.gzipped <= sizeBudgets.coreTarget,
    `${bytes(core.own.gzipped)} (requirement data ${bytes(core.own.gzipped - coreCode.gzipped)})`,
  )
target('importing one renderer loads no other', true, 'checked by tools/bench/src/sizes.test.ts')

console.log('\n## Targets\n')
console.log(
  table(
    ['target', 'met', 'figure'],
    targets.map((row) => [row.what, row.met ? 'yes' : 'NO', row.figure]),
  ),
)
