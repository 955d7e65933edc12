import { describe, expect, it } from 'vitest'
import { type ProfileError, ProfileSchema, parseProfile, parseProfileText } from './profile'

const minimal = {
  workspaces: [{ id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c', region: 'westeurope' }],
  compute: ['computeCluster'],
  sourceAddresses: ['10.10.0.0/24'],
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseProfile(input)
  } catch (error) {
    return [...(error as ProfileError).issues]
  }
  throw new Error('expected the profile to be rejected')
}

describe('profile', () => {
  it('returns documented defaults when only the required fields are given', () => {
    const profile = parseProfile(minimal)
    expect(profile.cloud).toBe('public')
    expect(profile.workloads).toStrictEqual(['training', 'inference'])
    expect(profile.destinationStyle).toBe('hosts')
    expect(profile.features.microsoftImages).toBe(true)
    expect(profile.features.azureMonitor).toBe(true)
    expect(profile.features.privateEndpoints).toBe(true)
    expect(profile.features.vscode).toBe(false)
    expect(profile.kubernetes.namespace).toBe('azureml')
    expect(profile.workspaces[0]?.storageAccounts).toStrictEqual([])
  })

  it('names the field and Azure rule when a storage account name is invalid', () => {
    const issues = issuesOf({
      ...minimal,
      workspaces: [{ ...minimal.workspaces[0], storageAccounts: ['ok1', 'Bad_Name'] }],
    })
    expect(issues).toStrictEqual([
      {
        path: 'workspaces[0].storageAccounts[1]',
        message: 'storage account names are 3–24 lowercase letters and digits',
      },
    ])
  })

  it('suggests the field when a key is misspelt', () => {
    const issues = issuesOf({
      ...minimal,
      workspaces: [{ ...minimal.workspaces[0], storageAcounts: ['contoso'] }],
    })
    expect(issues[0]?.path).toBe('workspaces[0].storageAcounts')
    expect(issues[0]?.message).toMatch(/did you mean 'storageAccounts'/)
  })

  it('suggests the region when a region is misspelt', () => {
    const issues = issuesOf({
      ...minimal,
      workspaces: [{ ...minimal.workspaces[0], region: 'westeurop' }],
    })
    expect(issues[0]?.path).toBe('workspaces[0].region')
    expect(issues[0]?.message).toMatch(/did you mean 'westeurope'/)
  })

  it('accepts a display-name region and stores the ARM name', () => {
    const profile = parseProfile({
      ...minimal,
      workspaces: [{ ...minimal.workspaces[0], region: 'West Europe' }],
    })
    expect(profile.workspaces[0]?.region).toBe('westeurope')
  })

  it('rejects a region of another cloud', () => {
    const issues = issuesOf({ ...minimal, cloud: 'usgov' })
    expect(issues).toStrictEqual([
      {
        path: 'workspaces[0].region',
        message: "region 'westeurope' is in the public cloud, but cloud is 'usgov'",
      },
    ])
  })

  it('rejects an invalid CIDR, a bad GUID and a registry name with a dash', () => {
    const issues = issuesOf({
      ...minimal,
      workspaces: [{ id: 'not-a-guid', region: 'eastus', containerRegistries: ['my-acr'] }],
      sourceAddresses: ['10.10.0.0/33'],
    })
    expect(issues.map((issue) => issue.path)).toStrictEqual([
      'workspaces[0].id',
      'workspaces[0].containerRegistries[0]',
      'sourceAddresses[0]',
    ])
  })

  it('rejects duplicate workspace ids', () => {
    const workspace = minimal.workspaces[0]
    const issues = issuesOf({
      ...minimal,
      workspaces: [workspace, { ...workspace, region: 'eastus' }],
    })
    expect(issues).toStrictEqual([
      { path: 'workspaces[1].id', message: 'duplicate workspace id (also workspaces[0].id)' },
    ])
  })

  it('suggests the value when an enum value is misspelt', () => {
    const issues = issuesOf({ ...minimal, compute: ['computeInstnce'] })
    expect(issues[0]?.path).toBe('compute[0]')
    expect(issues[0]?.message).toMatch(/did you mean 'computeInstance'/)
  })

  it('names a field even when its key is empty or not a plain name', () => {
    // Found by fuzzing: `: :x` parses as YAML with an empty key at the root.
    const issues = issuesOf({ ...minimal, '': 1, 'my key': 2 })
    expect(issues.map((issue) => issue.path)).toStrictEqual(['[""]', '["my key"]'])
  })

  it('says which required field is missing', () => {
    const issues = issuesOf({ compute: ['computeCluster'], sourceAddresses: ['10.0.0.0/24'] })
    expect(issues).toStrictEqual([
      { path: 'workspaces', message: 'required: expected array, received undefined' },
    ])
  })

  it('reports the line of a YAML syntax error', () => {
    expect(() => parseProfileText('cloud: public\nworkspaces: [\n', 'p.yaml')).toThrow(/line \d+/)
  })

  it('returns the same profile from YAML and JSON text', () => {
    const yaml = [
      'workspaces:',
      '  - id: 6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
      '    region: westeurope',
      'compute: [computeCluster]',
      'sourceAddresses: [10.10.0.0/24]',
    ].join('\n')
    expect(parseProfileText(yaml)).toStrictEqual(parseProfileText(JSON.stringify(minimal)))
  })

  it('compares errors by code, not class', () => {
    try {
      parseProfile({})
    } catch (error) {
      expect((error as ProfileError).code).toBe('AML_EGRESS_INVALID_INPUT')
    }
    expect.assertions(1)
  })
})

describe('profile of a fleet (workspaces checked by the compiled validator)', () => {
  const fleet = Array.from({ length: 40 }, (_, index) => ({
    id: `6f1c2b9e-4a7d-4c1e-9b2a-${String(index).padStart(12, '0')}`,
    ...(index % 3 === 0 ? { name: `ws-${index}` } : {}),
    region: index % 2 === 0 ? 'westeurope' : 'East US',
    storageAccounts: [`store${index}`],
    ...(index % 4 === 0 ? { containerRegistries: [`Registry${index}`] } : {}),
    ...(index % 5 === 0 ? { hbiWorkspace: true } : {}),
  }))

  it('gives what the schema gives, defaults and key order included', () => {
    const input = { ...minimal, workspaces: fleet }
    const profile = parseProfile(input)
    expect(JSON.stringify(profile)).toBe(JSON.stringify(ProfileSchema.parse(input)))
    // By hand: the ARM name, the lowercased registry, the defaults.
    expect(profile.workspaces[1]).toStrictEqual({
      id: '6f1c2b9e-4a7d-4c1e-9b2a-000000000001',
      region: 'eastus',
      storageAccounts: ['store1'],
      containerRegistries: [],
      hbiWorkspace: false,
    })
    expect(profile.workspaces[4]?.containerRegistries).toStrictEqual(['registry4'])
  })

  it('gives the same for a small profile, which zod checks without generated validators', () => {
    const input = { ...minimal, workspaces: fleet.slice(0, 5) }
    expect(JSON.stringify(parseProfile(input))).toBe(JSON.stringify(ProfileSchema.parse(input)))
    const broken = { ...input, workspaces: [{ ...fleet[0], region: 'westeurop' }] }
    expect(issuesOf(broken)).toStrictEqual([
      {
        path: 'workspaces[0].region',
        message:
          "unknown Azure region; did you mean 'westeurope'? (use the ARM name, e.g. 'westeurope')",
      },
    ])
  })

  it('names every bad workspace field of a long list, in order', () => {
    const workspaces = fleet.map((workspace, index) => {
      if (index === 7) return { ...workspace, storageAccounts: ['store7', 'Bad_Name'] }
      if (index === 23) return { ...workspace, region: 'westeurop' }
      if (index === 31) return { ...workspace, hbiWorkspce: true }
      return workspace
    })
    expect(issuesOf({ ...minimal, workspaces })).toStrictEqual([
      {
        path: 'workspaces[7].storageAccounts[1]',
        message: 'storage account names are 3–24 lowercase letters and digits',
      },
      {
        path: 'workspaces[23].region',
        message:
          "unknown Azure region; did you mean 'westeurope'? (use the ARM name, e.g. 'westeurope')",
      },
      {
        path: 'workspaces[31].hbiWorkspce',
        message:
          "unknown field; did you mean 'hbiWorkspace'? (allowed: id, name, region, storageAccounts, containerRegistries, hbiWorkspace)",
      },
    ])
  })

  it('reports estate totals, then regions of another cloud, then duplicate ids', () => {
    const workspaces = [...fleet.slice(0, 2), fleet[0]]
    const result = ProfileSchema.safeParse({ ...minimal, cloud: 'china', workspaces })
    expect(
      result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]),
    ).toStrictEqual([
      ['workspaces.0.region', "region 'westeurope' is in the public cloud, but cloud is 'china'"],
      ['workspaces.1.region', "region 'eastus' is in the public cloud, but cloud is 'china'"],
      ['workspaces.2.region', "region 'westeurope' is in the public cloud, but cloud is 'china'"],
      ['workspaces.2.id', 'duplicate workspace id (also workspaces[0].id)'],
    ])
  })
})
