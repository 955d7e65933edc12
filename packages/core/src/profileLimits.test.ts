import { describe, expect, it } from 'vitest'
import { cidrProblem } from './cidr'
import { formatDiagnostics } from './diagnostics'
import { type ProfileError, parseProfile, parseProfileText } from './profile'
import { exceedsExpandedValues, profileLimits } from './profileLimits'
import { resolvePlan } from './resolve'
import { didYouMean } from './suggest'

const header = `workspaces:
  - id: 6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c
    region: westeurope
compute: [computeCluster]
sourceAddresses: [10.10.0.0/24]
`

const minimal = {
  workspaces: [{ id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c', region: 'westeurope' }],
  compute: ['computeCluster'],
  sourceAddresses: ['10.10.0.0/24'],
}

function issuesOfText(text: string): { path: string; message: string }[] {
  try {
    parseProfileText(text)
  } catch (error) {
    expect(error).toMatchObject({ code: 'AML_EGRESS_INVALID_INPUT' })
    return [...(error as ProfileError).issues]
  }
  throw new Error('expected the profile to be rejected')
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseProfile(input)
  } catch (error) {
    return [...(error as ProfileError).issues]
  }
  throw new Error('expected the profile to be rejected')
}

describe('profile bounds', () => {
  it('refuses a YAML alias bomb in an enum field, a free field and an unknown key, naming the bound', () => {
    for (const field of ['destinationStyle', '$schema', 'bogus']) {
      // Nine levels of ten aliases: 10^9 strings once expanded, from 1 KB of text.
      const text = `${header}anchors: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from(
        { length: 8 },
        (_, level) =>
          `level${level + 1}: &a${level + 1} [${Array.from({ length: 10 }, () => `*a${level}`).join(', ')}]`,
      ).join('\n')}\n${field}: *a8\n`
      const issues = issuesOfText(text)
      expect(issues).toStrictEqual([
        {
          path: '(root)',
          message: `the profile expands to more than ${profileLimits.expandedValues.toLocaleString('en-US')} values (YAML aliases are counted at each use); write the values out, or split the estate`,
        },
      ])
    }
  })

  it('keeps aliases that expand to a small profile', () => {
    const text = `workspaces:
  - id: 6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c
    region: westeurope
    storageAccounts: &shared [contosostore, contosodata]
  - id: 7f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c
    region: westeurope
    storageAccounts: *shared
compute: [computeCluster]
sourceAddresses: [10.10.0.0/24]
`
    expect(parseProfileText(text).workspaces[1]?.storageAccounts).toStrictEqual([
      'contosostore',
      'contosodata',
    ])
  })

  it('counts shared references at each use and stops at the limit', () => {
    const leaf = Array.from({ length: 10 }, () => 'x')
    let shared: unknown = leaf
    for (let level = 0; level < 8; level += 1) shared = Array.from({ length: 10 }, () => shared)
    // 10^9 leaves: answered by counting at most limit + 1 values.
    expect(exceedsExpandedValues(shared, 1000)).toBe(true)
    expect(exceedsExpandedValues([leaf, leaf], 23)).toBe(false)
    expect(exceedsExpandedValues([leaf, leaf], 22)).toBe(true)
    // A mapping's values count, its keys do not: 1 + 2 + 10 + 1.
    expect(exceedsExpandedValues({ a: leaf, b: { c: 1 } }, 14)).toBe(false)
    expect(exceedsExpandedValues({ a: leaf, b: { c: 1 } }, 13)).toBe(true)
    expect(exceedsExpandedValues('x', 1)).toBe(false)
    expect(exceedsExpandedValues('x', 0)).toBe(true)
  })

  it('refuses text over the size bound before parsing it', () => {
    const text = `${header}#${' '.repeat(profileLimits.textLength)}\n`
    expect(issuesOfText(text)[0]?.message).toMatch(/^the profile is 16\.0 MB; at most 16 MB/)
  })

  it('refuses more storage accounts per workspace than the bound, naming the field', () => {
    const storageAccounts = Array.from(
      { length: profileLimits.storageAccountsPerWorkspace + 1 },
      (_, index) => `store${index}`,
    )
    const issues = issuesOf({
      ...minimal,
      workspaces: [{ ...minimal.workspaces[0], storageAccounts }],
    })
    expect(issues).toStrictEqual([
      {
        path: 'workspaces[0].storageAccounts',
        message: 'at most 250 storage accounts per workspace',
      },
    ])
  })

  it('refuses 500,000 storage accounts spread over the workspaces (the estate bound)', () => {
    // 20,000 workspaces of 25 accounts: every per-field bound holds, the estate total does not.
    const workspaces = Array.from({ length: profileLimits.workspaces }, (_, index) => ({
      id: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
      region: 'westeurope',
      storageAccounts: Array.from({ length: 25 }, (_, n) => `s${index}x${n}`),
    }))
    const issues = issuesOf({ ...minimal, workspaces })
    expect(issues).toStrictEqual([
      {
        path: 'workspaces',
        message:
          '500,000 storage accounts across the workspaces; at most 50,000 per profile: split the estate into several profiles (e.g. one per region)',
      },
    ])
  })

  it('refuses more than the bound of labels in one selector', () => {
    const modelPods = Object.fromEntries(
      Array.from({ length: profileLimits.labelsPerSelector + 1 }, (_, index) => [`l${index}`, 'x']),
    )
    const issues = issuesOf({ ...minimal, kubernetes: { labels: { modelPods } } })
    expect(issues).toStrictEqual([
      { path: 'kubernetes.labels.modelPods', message: 'at most 64 labels in one selector' },
    ])
  })

  it('builds messages from bounded excerpts: a 100,000-character key or value', () => {
    const long = 'k'.repeat(100_000)
    const [issue] = issuesOf({ ...minimal, [long]: true })
    expect(issue?.path).toBe(`["${'k'.repeat(64)}…"]`)
    const [region] = issuesOf({
      ...minimal,
      workspaces: [{ ...minimal.workspaces[0], region: long }],
    })
    expect(region?.message).toBe("unknown Azure region (use the ARM name, e.g. 'westeurope')")
  })
})

describe('profile CIDRs', () => {
  it('reads a prefix length with leading zeros as the number: 10.0.0.0/08 is 10.0.0.0/8', () => {
    const profile = parseProfile({ ...minimal, sourceAddresses: ['10.0.0.0/08'] })
    expect(profile.sourceAddresses).toStrictEqual(['10.0.0.0/8'])
    expect(resolvePlan(profile).sourceAddresses).toStrictEqual(['10.0.0.0/8'])
  })

  it('refuses host bits with the block and the single address as fixes (as Azure refuses the prefix)', () => {
    expect(issuesOf({ ...minimal, sourceAddresses: ['10.10.0.5/24'] })).toStrictEqual([
      {
        path: 'sourceAddresses[0]',
        message:
          'host bits are set: 10.10.0.5/24 is inside the block 10.10.0.0/24; write 10.10.0.0/24 for the block, or 10.10.0.5/32 for the one address',
      },
    ])
    expect(
      issuesOf({ ...minimal, kubernetes: { apiServerAddresses: ['10.0.0.5/30'] } })[0]?.path,
    ).toBe('kubernetes.apiServerAddresses[0]')
    expect(cidrProblem('10.10.0.0/24')).toBeUndefined()
    expect(cidrProblem('10.10.0.4')).toBeUndefined()
  })

  it('accepts 0.0.0.0/0 with an unrestricted-source warning in the plan, the blocks it contains dropped', () => {
    const plan = resolvePlan(
      parseProfile({ ...minimal, sourceAddresses: ['10.10.0.0/24', '0.0.0.0/0'] }),
    )
    expect(plan.sourceAddresses).toStrictEqual(['0.0.0.0/0'])
    const warnings = plan.advisories.filter((d) => d.code === 'AML_EGRESS_UNRESTRICTED_SOURCE')
    expect(warnings).toMatchObject([{ severity: 'warning', path: ['sourceAddresses'] }])
    expect(warnings[0]?.message).toContain('the other blocks it contains were dropped')
    const narrow = resolvePlan(parseProfile(minimal))
    expect(narrow.advisories.map((d) => d.code)).not.toContain('AML_EGRESS_UNRESTRICTED_SOURCE')
  })
})

describe('bounded text', () => {
  it('answers a did-you-mean for a 100,000-character word without comparing it', () => {
    expect(didYouMean('x'.repeat(100_000), ['westeurope'])).toBeUndefined()
    expect(didYouMean('westeurpe', ['westeurope', 'a'.repeat(1000)])).toBe('westeurope')
  })

  it('prints control characters of a diagnostic escaped', () => {
    const text = formatDiagnostics([
      {
        code: 'AML_EGRESS_READ_SYNTAX',
        severity: 'error',
        message: 'bad token \u001B[2J\u001B]0;pwned\u0007 \u202E',
        location: { file: 'a\u001Bb.conf', line: 3 },
      },
    ])
    expect(text).toBe(
      'error AML_EGRESS_READ_SYNTAX a\\x1Bb.conf:3: bad token \\x1B[2J\\x1B]0;pwned\\x07 \\u202E',
    )
  })
})
