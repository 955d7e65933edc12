import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { azureFirewallFormat } from '@aml-egress/azure-firewall'
import { parseProfile, resolvePlan } from '@aml-egress/core'
import { ciliumFormat, networkPolicyFormat } from '@aml-egress/network-policy'
import { squidFormat } from '@aml-egress/squid'
import {
  freePort,
  realSquidMode,
  requireSquid,
  type Scratch,
  scratchDir,
  squidParse,
  writeFiles,
} from '@aml-egress/squid/testing'
import { terraformFormat } from '@aml-egress/terraform'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The format packages' own validity helpers (schemas and parsers), reused rather than copied.
import {
  armResources,
  schemaErrors as armSchemaErrors,
} from '../../../packages/azure-firewall/test/helpers'
import { documentsOf, schemaProblems } from '../../../packages/network-policy/test/validators'
import { schemaErrors as hclSchemaErrors } from '../../../packages/terraform/test/helpers'
import { runFuzzCase } from '../src/describeFuzz'
import { profileArbitrary } from '../src/profiles'
import { assertOptions, fuzzSettings } from '../src/settings'
import { loadFuzzedFormats } from './fuzzedFormats'

const fuzzedFormats = await loadFuzzedFormats()

const squidMode = realSquidMode()
if (squidMode.skipMessage) console.warn(squidMode.skipMessage)

const sample = fc.record({
  profile: profileArbitrary(),
  randomHosts: fc.array(fc.domain(), { minLength: 1, maxLength: 2 }),
  port: fc.integer({ min: 1, max: 65535 }),
  flowOffset: fc.constant(0),
})

describe('fuzz: real parsers and schemas', () => {
  let scratch: Scratch | undefined
  let counter = 0
  beforeAll(async () => {
    if (squidMode.run) scratch = await scratchDir()
  })
  afterAll(async () => {
    await scratch?.remove()
  })

  it(
    `returns valid output for ${fuzzSettings.parserRuns} generated profiles in every format, checking every flow`,
    async () => {
      const started = performance.now()
      await fc.assert(
        fc.asyncProperty(sample, async (fuzzCase) => {
          const plan = resolvePlan(parseProfile(fuzzCase.profile))
          // Every plan flow and every deny flow, not a sample.
          expect(await runFuzzCase({ formats: fuzzedFormats, fuzzCase })).toStrictEqual([])

          for (const resource of armResources(azureFirewallFormat.render(plan).files))
            expect(armSchemaErrors(resource)).toStrictEqual([])
          for (const file of terraformFormat.render(plan).files)
            expect(await hclSchemaErrors(file)).toStrictEqual([])
          for (const format of [networkPolicyFormat, ciliumFormat])
            for (const document of documentsOf(format.render(plan).files))
              expect(schemaProblems(document)).toStrictEqual([])

          if (scratch) {
            counter += 1
            const dir = join(scratch.dir, `case-${counter}`)
            await mkdir(dir, { recursive: true, mode: 0o755 })
            const rendered = squidFormat.render(plan, {
              mode: 'standalone',
              httpPort: await freePort(),
              listenAddress: '127.0.0.1',
              accessLog: `${dir}/access.log`,
              cacheLog: `${dir}/cache.log`,
              pidFile: `${dir}/squid.pid`,
            })
            const [file] = rendered.files
            if (!file) throw new Error('squid rendered no file')
            await writeFiles({ dir, files: { 'squid.conf': file.contents } })
            const result = squidParse({
              squid: requireSquid(squidMode.squid),
              config: join(dir, 'squid.conf'),
            })
            expect(result.output).not.toMatch(/WARNING|ERROR|FATAL/)
            expect(result.status).toBe(0)
          }
        }),
        assertOptions(fuzzSettings.parserRuns),
      )
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      console.info(`fuzz: real parsers: ${fuzzSettings.parserRuns} profiles in ${seconds} s`)
    },
    30 * 60 * 1000,
  )
})
