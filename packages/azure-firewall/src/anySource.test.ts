import { parseProfile, resolvePlan } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { armResources, schemaErrors, toHost } from '../test/helpers'
import { azureFirewallFormat } from './format'

const anyPlan = () =>
  resolvePlan(
    parseProfile({
      workspaces: [{ id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c', region: 'westeurope' }],
      compute: ['computeCluster'],
      sourceAddresses: ['0.0.0.0/0'],
    }),
  )

describe('format: azure-firewall, sourceAddresses 0.0.0.0/0', () => {
  it('returns every rule with sourceAddresses ["*"], schema-valid, read back as any client', async () => {
    // Both shapes: the plain groups carry literal sources, the template a parameter default.
    const { files } = azureFirewallFormat.render(anyPlan(), { files: 'both' })
    const text = files.map((file) => file.contents).join('\n')
    expect(text).not.toContain('0.0.0.0/0')
    const sources = new Set(
      [...text.matchAll(/"sourceAddresses": \[([^\]]*)\]/g)].map((match) =>
        match[1]?.replace(/\s+/g, ''),
      ),
    )
    expect([...sources]).toStrictEqual(['"*"'])
    const template = JSON.parse(
      files.find((file) => file.path.endsWith('azuredeploy.json'))?.contents ?? '{}',
    ) as { parameters: { sourceAddresses: { defaultValue: unknown } } }
    expect(template.parameters.sourceAddresses.defaultValue).toStrictEqual(['*'])
    for (const resource of armResources(files)) expect(schemaErrors(resource)).toStrictEqual([])
    const { config } = await azureFirewallFormat.read(files)
    const flow = {
      ...toHost('ml.azure.com', 443),
      source: { kind: 'address', address: '192.0.2.7' },
    } as const
    expect(azureFirewallFormat.evaluate(config, flow).verdict).toBe('allowed')
  })
})
