import { describe, expect, it } from 'vitest'
import { emptyScope, resolveArm, UNKNOWN } from './armExpression'
import { readAzureFirewall } from './read'

const GROUP_TYPE = 'Microsoft.Network/firewallPolicies/ruleCollectionGroups'

function nestedConcat(depth: number): string {
  return `[${'concat('.repeat(depth)}'a'${')'.repeat(depth)}]`
}

function template(resource: string): string {
  return `{"contentVersion":"1.0.0.0","resources":[${resource}]}`
}

/** A group inside `levels` nested deployments, as text (no recursion to build it). */
function nestedDeployments(levels: number): string {
  let resource = `{"type":"${GROUP_TYPE}","apiVersion":"2023-09-01","name":"p/g","properties":{"priority":100,"ruleCollections":[]}}`
  for (let level = 0; level < levels; level += 1)
    resource = `{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"d${level}","properties":{"mode":"Incremental","template":${template(resource)}}}`
  return template(resource)
}

/** A group under `levels` nested policy resources (child resources). */
function nestedChildren(levels: number): string {
  let resource = `{"type":"ruleCollectionGroups","name":"g","properties":{"priority":100,"ruleCollections":[]}}`
  for (let level = 0; level < levels; level += 1)
    resource = `{"type":"Microsoft.Network/firewallPolicies","apiVersion":"2023-09-01","name":"p${level}","properties":{},"resources":[${resource}]}`
  return template(resource)
}

describe('format: azure-firewall reader, nesting bounds', () => {
  it('returns the value of an expression nested ten deep, and UNKNOWN for one nested 5,000 deep', () => {
    expect(resolveArm(nestedConcat(10), emptyScope)).toBe('a')
    expect(resolveArm(nestedConcat(5000), emptyScope)).toBe(UNKNOWN)
    const chain = `[createObject('a', 1)${'.a'.repeat(5000)}]`
    expect(resolveArm(chain, emptyScope)).toBe(UNKNOWN)
  })

  it('returns UNKNOWN for JSON nested deeper than the bound instead of exhausting the stack', () => {
    let value: unknown = 'x'
    for (let level = 0; level < 5000; level += 1) value = [value]
    let resolved: unknown = resolveArm(value, emptyScope)
    let levels = 0
    while (Array.isArray(resolved)) {
      resolved = resolved[0]
      levels += 1
    }
    // 128 levels of nesting are resolved (129 lists); what lies deeper is unknown, not 'x'.
    expect({ levels, resolved }).toStrictEqual({ levels: 129, resolved: UNKNOWN })
  })

  it('reads a group named by a 5,000-deep expression, 5,000 nested deployments and 5,000 nested children without throwing', async () => {
    const deepName = template(
      `{"type":"${GROUP_TYPE}","apiVersion":"2023-09-01","name":"${nestedConcat(5000)}","properties":{"priority":100,"ruleCollections":[]}}`,
    )
    for (const contents of [deepName, nestedDeployments(5000), nestedChildren(5000)]) {
      const result = await readAzureFirewall([{ path: 'deep.json', contents }])
      expect(result.config).toBeDefined()
    }
    const deployments = await readAzureFirewall([
      { path: 'deep.json', contents: nestedDeployments(5000) },
    ])
    expect(deployments.diagnostics.map((d) => d.message)).toContain(
      'Nested deployment d4999 is not followed; rules it deploys are not evaluated.',
    )
    const children = await readAzureFirewall([
      { path: 'deep.json', contents: nestedChildren(5000) },
    ])
    expect(children.diagnostics.map((d) => d.message)).toContain(
      'Child resources nested more than 16 levels deep are not read; rules they deploy are not evaluated.',
    )
  })
})
