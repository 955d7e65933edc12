import { readFileSync } from 'node:fs'
import { catalog, parseProfileText, resolvePlan } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { formatNames, formatRegistry } from '../src/registry'
import { fixturePath } from './helpers'

/**
 * Issue #11: the catalog version and doc date must appear in every rendered file (a header comment,
 * or a description / metadata field where the format has no comments), so a config found on a
 * firewall says which documentation it was built from.
 */
describe('cli: catalog version in rendered files', () => {
  const profiles = ['aks.yaml', 'contoso.yaml', 'usgov.yaml']
  for (const name of formatNames(formatRegistry))
    for (const profileName of profiles)
      it(`returns ${catalog.version} and ${catalog.docDate} in every ${name} file for ${profileName}`, async () => {
        const path = fixturePath(`profiles/${profileName}`)
        const plan = resolvePlan(parseProfileText(readFileSync(path, 'utf8'), path))
        const format = await formatRegistry[name]!()
        const modes = name === 'squid' ? (['include', 'standalone'] as const) : [undefined]
        for (const mode of modes) {
          const { files } = format.render(plan, { mode })
          expect(files.length).toBeGreaterThan(0)
          for (const file of files) {
            // Within the first 2 KB: a header, not a stray mention deep in the rules.
            const head = file.contents.slice(0, 2048)
            expect(head, file.path).toContain(catalog.version)
            expect(head, file.path).toContain(catalog.docDate)
          }
        }
      })
})
