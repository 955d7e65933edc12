import { parseProfileText, profileJsonSchema } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { createMemoryIo } from '../../test/helpers'
import { runInit, STARTER_SCHEMA_PATH, starterProfile } from './init'

describe('cli: init', () => {
  const combinations = [
    { cloud: 'public', region: 'westeurope', compute: ['computeInstance', 'computeCluster'] },
    { cloud: 'public', region: 'eastus2', compute: ['kubernetes'] },
    { cloud: 'usgov', region: 'usgovvirginia', compute: ['serverless', 'managedOnlineEndpoint'] },
    { cloud: 'china', region: 'chinanorth3', compute: ['attachedVm'] },
  ]
  for (const combination of combinations)
    it(`returns a starter that validates for ${combination.cloud} ${combination.compute.join(',')}`, () => {
      const text = starterProfile({ ...combination, workloads: ['training', 'inference'] })
      expect(() => parseProfileText(text)).not.toThrow()
      expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${STARTER_SCHEMA_PATH}`)
      expect(parseProfileText(text).$schema).toBe(STARTER_SCHEMA_PATH)
    })

  it('returns a starter that names every feature of the profile schema', () => {
    // Derived from the schema, so a new feature fails this test until the starter documents it.
    const schema = profileJsonSchema() as {
      properties: { features: { properties: Record<string, unknown> } }
    }
    const text = starterProfile({
      cloud: 'public',
      region: 'westeurope',
      compute: ['computeCluster'],
      workloads: ['training'],
    })
    for (const feature of Object.keys(schema.properties.features.properties))
      expect(text).toContain(`\n  ${feature}: `)
  })

  it('throws a usage error and writes nothing when the file exists without --force', async () => {
    const memory = createMemoryIo({ files: { 'aml-egress.yaml': 'mine' } })
    await expect(runInit({}, { io: memory.io })).rejects.toMatchObject({ code: 'AML_EGRESS_USAGE' })
    expect(memory.files.get('aml-egress.yaml')).toBe('mine')
    expect(memory.writes).toStrictEqual([])
  })

  it('overwrites with --force', async () => {
    const memory = createMemoryIo({ files: { 'aml-egress.yaml': 'mine' } })
    expect(await runInit({ force: true }, { io: memory.io })).toBe(0)
    expect(memory.files.get('aml-egress.yaml')).toContain(
      'compute: [computeInstance, computeCluster]',
    )
  })

  it('throws a usage error naming the flag for an unknown compute kind', async () => {
    const memory = createMemoryIo()
    await expect(runInit({ compute: 'computeInstanc' }, { io: memory.io })).rejects.toMatchObject({
      code: 'AML_EGRESS_USAGE',
      message: expect.stringContaining("--compute: must be one of 'computeInstance'"),
    })
    expect(memory.writes).toStrictEqual([])
  })
})
