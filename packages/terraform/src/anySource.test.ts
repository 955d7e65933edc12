import { parseProfile, resolvePlan } from '@aml-egress/core'
import { parse } from '@cdktf/hcl2json'
import { describe, expect, it } from 'vitest'
import { fromTag, schemaErrors } from '../test/helpers'
import { terraformFormat } from './format'

const anyPlan = () =>
  resolvePlan(
    parseProfile({
      workspaces: [{ id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c', region: 'westeurope' }],
      compute: ['computeCluster'],
      features: { publicIpCompute: true },
      sourceAddresses: ['0.0.0.0/0'],
    }),
  )

describe('format: terraform, sourceAddresses 0.0.0.0/0', () => {
  it('returns "*" as the sources default and the NSG prefix, valid HCL, read back as any address', async () => {
    const { files } = terraformFormat.render(anyPlan())
    // Comments name the plan rule (its id holds the CIDR); no HCL value does.
    const values = files.flatMap((file) =>
      file.contents.split('\n').filter((line) => !line.trimStart().startsWith('#')),
    )
    expect(values.filter((line) => line.includes('0.0.0.0/0'))).toStrictEqual([])
    for (const file of files) expect(await schemaErrors(file)).toStrictEqual([])
    const variables = files.find((file) => file.path.endsWith('variables.tf'))
    const parsed = (await parse('variables.tf', variables?.contents ?? '')) as {
      variable: Record<string, [{ default?: unknown }]>
    }
    expect(parsed.variable.source_addresses?.[0].default).toStrictEqual(['*'])
    const main = files.find((file) => file.path.endsWith('main.tf'))?.contents ?? ''
    expect(main).toMatch(/destination_address_prefix += "\*"/)
    const { config } = await terraformFormat.read(files)
    const inbound = fromTag('AzureMachineLearning', 44224, { to: '192.0.2.7' })
    expect(terraformFormat.evaluate(config, inbound).verdict).toBe('allowed')
  })
})
