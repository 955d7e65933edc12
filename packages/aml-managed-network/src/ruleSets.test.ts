import { describe, expect, it } from 'vitest'
import { ALL_WORKSPACES, type RuleEntry, ruleSets } from './ruleSets'

const fqdn = (destination: string, workspaces: string[] = []): RuleEntry => ({
  rule: { type: 'FQDN', category: 'UserDefined', destination },
  workspaces,
})
const tag = (portRanges: string, workspaces: string[]): RuleEntry => ({
  rule: {
    type: 'ServiceTag',
    category: 'UserDefined',
    serviceTag: 'AzureMachineLearning',
    protocol: 'TCP',
    portRanges,
  },
  workspaces,
})
const DATA_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/contosodata'
const privateEndpoint = (workspaces: string[]): RuleEntry => ({
  rule: {
    type: 'PrivateEndpoint',
    category: 'UserDefined',
    serviceResourceId: DATA_ID,
    subresourceTarget: 'blob',
    sparkEnabled: false,
  },
  workspaces,
})

/** A set as names: its directory, workspaces, rules and own rules by workspace. */
function shape(sets: ReturnType<typeof ruleSets>) {
  return sets.map((set) => ({
    name: set.name,
    workspaces: set.workspaces,
    rules: set.rules.map((rule) => rule.name),
    own: Object.fromEntries(set.ownRules.map((o) => [o.workspace, o.rules.map((r) => r.name)])),
  }))
}

describe('ruleSets', () => {
  it('GIVEN workspaces that need the same rules THEN one set holds them all', () => {
    const sets = ruleSets([fqdn('pypi.org'), fqdn('github.com', ['a', 'b', 'c'])], ['a', 'b', 'c'])
    expect(shape(sets)).toMatchObject([
      { workspaces: ['a', 'b', 'c'], rules: ['fqdn-github-com', 'fqdn-pypi-org'], own: {} },
    ])
    expect(sets[0]?.name).toMatch(/^rule-set-[0-9a-f]{8}$/)
  })

  it('GIVEN a rule only one workspace needs THEN it is that workspace own rule, in the same set', () => {
    const sets = ruleSets([fqdn('pypi.org'), privateEndpoint(['b'])], ['a', 'b', 'c'])
    expect(shape(sets)).toMatchObject([
      {
        workspaces: ['a', 'b', 'c'],
        rules: ['fqdn-pypi-org'],
        own: { b: ['pe-contosodata-blob'] },
      },
    ])
  })

  it('GIVEN rules two workspaces of a region need THEN the region is a set of its own', () => {
    const sets = ruleSets(
      [fqdn('pypi.org'), fqdn('eu.example.com', ['a', 'c']), fqdn('us.example.com', ['b', 'd'])],
      ['a', 'b', 'c', 'd'],
    )
    expect(shape(sets)).toMatchObject([
      { workspaces: ['a', 'c'], rules: ['fqdn-eu-example-com', 'fqdn-pypi-org'], own: {} },
      { workspaces: ['b', 'd'], rules: ['fqdn-pypi-org', 'fqdn-us-example-com'], own: {} },
    ])
  })

  it('GIVEN one workspace THEN its set is named by it and every rule is the set rule', () => {
    const sets = ruleSets([fqdn('pypi.org', ['a']), privateEndpoint(['a'])], ['a'])
    expect(shape(sets)).toStrictEqual([
      { name: 'a', workspaces: ['a'], rules: ['fqdn-pypi-org', 'pe-contosodata-blob'], own: {} },
    ])
  })

  it('GIVEN two workspaces whose own rules share a name THEN they are in two sets (one ARM template cannot hold both)', () => {
    // Shared 443 joined with the own port of a and of b: three tag-azuremachinelearning-tcp
    // rules, 443 for c and d (their set rule), 443,8787 for a alone, 443,18881 for b alone.
    const sets = ruleSets(
      [tag('443', []), tag('8787', ['a']), tag('18881', ['b']), fqdn('pypi.org')],
      ['a', 'b', 'c', 'd'],
    )
    expect(shape(sets).find((set) => set.workspaces.includes('c'))).toMatchObject({
      workspaces: ['c', 'd'],
      rules: ['fqdn-pypi-org', 'tag-azuremachinelearning-tcp'],
    })
    const own = sets.flatMap((set) =>
      set.ownRules.map(
        (o) =>
          `${set.name} ${o.workspace} ${o.rules[0]?.type === 'ServiceTag' ? o.rules[0].portRanges : ''}`,
      ),
    )
    expect(own).toHaveLength(2)
    expect(new Set(own.map((line) => line.split(' ')[0])).size).toBe(2)
    expect(own.map((line) => line.split(' ').slice(1).join(' ')).sort()).toStrictEqual([
      'a 443,8787',
      'b 443,18881',
    ])
  })

  it('GIVEN no rule naming a workspace THEN one set is for every workspace', () => {
    expect(shape(ruleSets([fqdn('pypi.org')], []))).toStrictEqual([
      { name: ALL_WORKSPACES, workspaces: [], rules: ['fqdn-pypi-org'], own: {} },
    ])
  })

  it('GIVEN two sets whose rules hash alike THEN the names still differ', () => {
    // FNV-1a of these two rules' text is fa4c5812 for both (found by search, checked here).
    const sets = ruleSets(
      [fqdn('m2130.example.com', ['a', 'b']), fqdn('m4891.example.com', ['c', 'd'])],
      ['a', 'b', 'c', 'd'],
    )
    expect(sets.map((set) => set.name)).toStrictEqual(['rule-set-fa4c5812', 'rule-set-fa4c5812-2'])
  })

  it('names a set by its rules, not by its workspaces: one more workspace keeps the name', () => {
    const entries = [fqdn('pypi.org')]
    expect(ruleSets(entries, ['a', 'b'])[0]?.name).toBe(ruleSets(entries, ['a', 'b', 'c'])[0]?.name)
  })
})
