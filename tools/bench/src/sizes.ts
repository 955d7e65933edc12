/**
 * Package sizes as a consumer's bundler sees them: each package entry bundled from source with
 * esbuild (minified, in memory), its metafile inputs, and the gzip size. No build needed.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'

const root = fileURLToPath(new URL('../../../', import.meta.url))

/** Packages under packages/ that render no format: core, the CLI and the network probes. */
const notRenderers = ['core', 'cli', 'probe']

/** Packages that render a format, by directory under packages/: every other one. */
export const rendererPackages: readonly string[] = readdirSync(`${root}packages`)
  .filter((name) => !notRenderers.includes(name))
  .sort()

/** The library packages whose sizes the bench reports: core and the renderers. */
export const libraryPackages: readonly string[] = ['core', ...rendererPackages]

/**
 * The renderer packages a renderer may load: those its package.json depends on (a format may build
 * on another's model by design: one model, two serialisations). Any other is an import nobody
 * declared.
 * @example declaredRenderers('core') // []
 */
export function declaredRenderers(name: string): string[] {
  return dependenciesOf(name)
    .map((dependency) => dependency.replace(/^@aml-egress\//, ''))
    .filter((dependency) => rendererPackages.includes(dependency))
}

/** Size budgets in bytes, minified + gzipped. */
export const sizeBudgets = {
  /**
   * Core without zod (and without js-yaml, a runtime dependency like zod). Issue #8 set 30 KB;
   * issue #16 moved the rule triage the format packages each wrote into core (+1.6 KB), and the
   * four renderers shrank by 4.0 KB together, so the budget was 32 KB. Issue #17 made every service
   * tag a plan names a lookup in the published names of its cloud: the bundled names of three
   * clouds (+1.3 KB), the AKS rows of US Government and 21Vianet and the GPU rows (+1.4 KB of
   * catalog), the lookup, fallback and their diagnostics (+2.4 KB): 38 KB. The resolver needs the
   * names synchronously, so they cannot load lazily. Issues #19–#21 added the deny-log classifier
   * (`diagnose`), the environment-file parsers, `extraRequirements`, summarised diagnostics and
   * the managed-network codes: 56.0 KB measured, budget 58 KB. Moving the deny-log classifier and
   * readers' splitters and the parsers, which rendering never needs, to their own entries left
   * 47.1 KB: budget 50 KB. Issue #20's scanner for plain block YAML (+1.6 KB with the YAML type
   * rules it shares with network-policy), which reads a fleet's profile in a third of js-yaml's
   * first-run time and must answer synchronously inside `parseProfileText`: 50.3 KB, budget 52 KB.
   */
  coreTarget: 52 * 1024,
} as const

/** One of core's separate entries: what rendering does not need, so the main entry never bundles it. */
export type CoreEntry = {
  /** The package export. */
  name: string
  /** Its source file under packages/core/src/. */
  file: string
  /** Sources only this entry may bundle, relative to the repository root. */
  sources: readonly string[]
}

/** Core's entries besides the main one, each with the sources only it may bundle. */
export const coreEntries: readonly CoreEntry[] = [
  {
    name: '@aml-egress/core/catalog-details',
    file: 'catalogDetails.ts',
    sources: [
      'packages/core/src/catalog/details.generated.ts',
      'packages/core/src/catalog/decisions.ts',
    ],
  },
  {
    name: '@aml-egress/core/diagnose',
    file: 'diagnose.ts',
    sources: ['addresses', 'aggregate', 'catalogMatch', 'classify', 'fix', 'report'].map(
      (name) => `packages/core/src/diagnose/${name}.ts`,
    ),
  },
  {
    name: '@aml-egress/core/log-readers',
    file: 'logReaders.ts',
    // diagnose/model.ts, the reader contract, holds types only: no bundle has it.
    sources: ['json', 'text'].map((name) => `packages/core/src/diagnose/${name}.ts`),
  },
  {
    name: '@aml-egress/core/environment-files',
    file: 'environmentFiles.ts',
    // The parsers; the hosts of the scans, their types and the file kinds serve resolvePlan too.
    sources: ['environmentFiles', 'conda', 'requirementsTxt', 'toml'].map(
      (name) => `packages/core/src/packageIndexes/${name}.ts`,
    ),
  },
]

type PackageJson = { dependencies?: Record<string, string> }

function dependenciesOf(name: string): string[] {
  const manifest = JSON.parse(
    readFileSync(`${root}packages/${name}/package.json`, 'utf8'),
  ) as PackageJson
  return Object.keys(manifest.dependencies ?? {})
}

/** One bundle of a package entry. */
export type BundleSize = {
  /** Minified bytes. */
  minified: number
  /** Minified + gzipped (level 9) bytes. */
  gzipped: number
  /** Source files in the bundle, relative to the repository root. */
  inputs: string[]
}

async function bundle(input: {
  name: string
  external: string[]
  entry?: string
}): Promise<BundleSize> {
  const result = await build({
    entryPoints: [`${root}packages/${input.name}/src/${input.entry ?? 'index.ts'}`],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['@aml-egress/source', 'import', 'default'],
    external: ['node:*', ...input.external],
    logLevel: 'silent',
    absWorkingDir: root,
  })
  const output = result.outputFiles[0]?.contents ?? new Uint8Array()
  const metafile: Metafile = result.metafile
  return {
    minified: output.length,
    gzipped: gzipSync(output, { level: 9 }).length,
    inputs: Object.keys(metafile.inputs).sort(),
  }
}

/** What `measurePackageSizes` reports per package. */
export type PackageSize = {
  /** Directory under packages/. */
  name: string
  /** The package's own code and data: every dependency external. */
  own: BundleSize
  /** With the workspace packages it depends on (core, …); npm dependencies external. */
  withWorkspace: BundleSize
  /** Everything but `node:` built-ins (and the hcl2json WebAssembly parser, which is loaded lazily). */
  total: BundleSize
}

/**
 * Bundles every library package three ways (own, with workspace dependencies, everything).
 * @example const sizes = await measurePackageSizes(); sizes[0]?.own.gzipped
 */
export async function measurePackageSizes(): Promise<PackageSize[]> {
  const sizes: PackageSize[] = []
  const npm = [...new Set(libraryPackages.flatMap(dependenciesOf))].filter(
    (dependency) => !dependency.startsWith('@aml-egress/'),
  )
  for (const name of libraryPackages) {
    sizes.push({
      name,
      own: await bundle({ name, external: dependenciesOf(name) }),
      withWorkspace: await bundle({ name, external: npm }),
      total: await bundle({ name, external: ['@cdktf/hcl2json'] }),
    })
  }
  return sizes
}

/** One of core's entries on its own (`coreEntries`), dependencies external. */
export function measureCoreEntry(entry: CoreEntry): Promise<BundleSize> {
  return bundle({ name: 'core', entry: entry.file, external: dependenciesOf('core') })
}

/** Renderer packages whose source files appear in a bundle's inputs. */
export function renderersIn(inputs: readonly string[]): string[] {
  return rendererPackages.filter((name) =>
    inputs.some((input) => input.startsWith(`packages/${name}/`)),
  )
}

/** Core's own size with the generated catalog data left out: what the code itself weighs. */
export async function measureCoreWithoutCatalogData(): Promise<BundleSize> {
  const result = await build({
    entryPoints: [`${root}packages/core/src/index.ts`],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['@aml-egress/source', 'import', 'default'],
    external: ['node:*', ...dependenciesOf('core')],
    logLevel: 'silent',
    absWorkingDir: root,
    plugins: [
      {
        name: 'empty-catalog-data',
        setup(pluginBuild) {
          pluginBuild.onLoad({ filter: /requirements\.generated\.ts$/ }, () => ({
            contents: 'export const requirementRecords = []',
            loader: 'ts',
          }))
        },
      },
    ],
  })
  const output = result.outputFiles[0]?.contents ?? new Uint8Array()
  return {
    minified: output.length,
    gzipped: gzipSync(output, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs).sort(),
  }
}
