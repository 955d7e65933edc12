// TypeDoc options for `npm run docs:api`. The entry points and the packages that must be fully
// documented are read from disk: every package under packages/, and each source entry its
// package.json exports (the `@aml-egress/source` condition), so a new package needs no edit here.
// An export with the source condition only (`@aml-egress/squid/testing`) is workspace-internal test
// support, not published API: it is left out.
import { readdirSync, readFileSync } from 'node:fs'

const packagesDir = new URL('./packages/', import.meta.url)
const packages = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({
    dir: `packages/${entry.name}`,
    manifest: JSON.parse(readFileSync(new URL(`${entry.name}/package.json`, packagesDir), 'utf8')),
  }))

/** `./src/index.ts` and the like: what each published export of a package resolves to here. */
function sourceEntries({ dir, manifest }) {
  return Object.values(manifest.exports ?? {})
    .filter((target) => typeof target === 'object' && ('import' in target || 'require' in target))
    .map((target) => target['@aml-egress/source'])
    .filter((source) => typeof source === 'string' && source.endsWith('.ts'))
    .map((source) => `${dir}/${source.replace(/^\.\//, '')}`)
}

/** @type {Partial<import('typedoc').TypeDocOptions & import('typedoc-plugin-markdown').PluginOptions>} */
const config = {
  entryPoints: packages.flatMap(sourceEntries),
  entryPointStrategy: 'resolve',
  tsconfig: 'packages/cli/tsconfig.json',
  plugin: ['typedoc-plugin-markdown'],
  out: 'docs/api',
  readme: 'none',
  skipErrorChecking: true,
  excludePrivate: true,
  excludeInternal: true,
  disableSources: true,
  hidePageHeader: true,
  hideBreadcrumbs: true,
  sort: ['source-order'],
  validation: { notExported: false, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ['Function', 'Class', 'Variable', 'TypeAlias', 'Interface', 'Enum'],
  packagesRequiringDocumentation: packages.map(({ manifest }) => manifest.name),
}

export default config
