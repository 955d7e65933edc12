import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { catalog, profileJsonSchema } from '@aml-egress/core'
import { requirementDetails } from '@aml-egress/core/catalog-details'
import { catalogFiles } from './catalogFiles'
import { diffCatalog, formatCatalogDiff } from './diffCatalog'
import { renderCatalogDocs, renderDiagnosticsDocs } from './docs'
import { importReference } from './importReference'
import { ReferenceDocumentSchema } from './reference'
import { ServiceTagNamesDocumentSchema, serviceTagNamesSource } from './serviceTagNames'

const generated = (name: string) =>
  fileURLToPath(new URL(`../../../packages/core/src/catalog/${name}`, import.meta.url))

const SCHEMA = fileURLToPath(new URL('../../../packages/core/profile.schema.json', import.meta.url))
const docsPath = (name: string) => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url))

/**
 * `catalog-sync import <aml-requirements.json>`: regenerates the core catalog data files.
 * `catalog-sync diff <aml-requirements.json>`: lists what an import would change (exit 1 if anything).
 * `catalog-sync docs`: regenerates docs/catalog.md and docs/diagnostics.md.
 * `catalog-sync service-tags <service-tag-names.json>`: regenerates core's bundled tag names.
 */
function main(argv: readonly string[]): number {
  const [command, referencePath] = argv
  if (command === 'service-tags' && referencePath) {
    const document = ServiceTagNamesDocumentSchema.parse(
      JSON.parse(readFileSync(referencePath, 'utf8')),
    )
    writeFileSync(
      fileURLToPath(
        new URL('../../../packages/core/src/serviceTags/names.generated.ts', import.meta.url),
      ),
      serviceTagNamesSource(document),
    )
    process.stdout.write('wrote packages/core/src/serviceTags/names.generated.ts\n')
    return 0
  }
  if (command === 'docs') {
    writeFileSync(docsPath('catalog.md'), renderCatalogDocs(catalog))
    writeFileSync(docsPath('diagnostics.md'), renderDiagnosticsDocs())
    writeFileSync(SCHEMA, `${JSON.stringify(profileJsonSchema(), null, 2)}\n`)
    process.stdout.write(
      'wrote docs/catalog.md, docs/diagnostics.md and packages/core/profile.schema.json\n',
    )
    return 0
  }
  if (command === 'diff' && referencePath) {
    const document = ReferenceDocumentSchema.parse(JSON.parse(readFileSync(referencePath, 'utf8')))
    const current = catalog.requirements.map((r) => ({ ...r, ...requirementDetails(r.id) }))
    const diff = diffCatalog(current, importReference(document))
    process.stdout.write(`${formatCatalogDiff(diff)}\n`)
    return diff.added.length + diff.removed.length + diff.changed.length > 0 ? 1 : 0
  }
  if (command !== 'import' || !referencePath) {
    process.stderr.write(
      'usage: catalog-sync import|diff <path to aml-requirements.json> | catalog-sync docs | catalog-sync service-tags <path to service-tag-names.json>\n',
    )
    return 2
  }
  const document = ReferenceDocumentSchema.parse(JSON.parse(readFileSync(referencePath, 'utf8')))
  const records = importReference(document)
  const files = catalogFiles(records)
  writeFileSync(generated('requirements.generated.ts'), files.requirements)
  writeFileSync(generated('details.generated.ts'), files.details)
  process.stdout.write(
    `wrote ${records.length} requirements to packages/core/src/catalog/{requirements,details}.generated.ts\n`,
  )
  return 0
}

process.exitCode = main(process.argv.slice(2))
