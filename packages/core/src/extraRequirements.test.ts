import { describe, expect, it } from 'vitest'
import { planRequirement } from './customRequirements'
import { validateServiceTagName } from './extraRequirements'
import { parseEnvironmentFile } from './packageIndexes/environmentFiles'
import {
  type ExtraRequirementInput,
  ProfileError,
  type ProfileInput,
  parseProfile,
} from './profile'
import { resolvePlan } from './resolve'

const WORKSPACE = '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c'

function profileWith(
  extraRequirements: readonly unknown[],
  more: Partial<ProfileInput> = {},
): ProfileInput {
  return {
    workspaces: [{ id: WORKSPACE, region: 'westeurope', storageAccounts: ['contosomlweu'] }],
    compute: ['computeCluster'],
    sourceAddresses: ['10.10.0.0/24'],
    extraRequirements: extraRequirements as ExtraRequirementInput[],
    ...more,
  }
}

/** The issues `parseProfile` reports, as `path: message`. */
function issuesOf(input: ProfileInput): string[] {
  try {
    parseProfile(input)
    return []
  } catch (error) {
    if (!(error instanceof ProfileError)) throw error
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`)
  }
}

const entry = (fields: Record<string, unknown>) => ({
  id: 'contoso-mirror',
  description: 'Internal mirror',
  destination: 'artifacts.contoso.com',
  ports: [443],
  ...fields,
})

describe('extraRequirements: validation', () => {
  it('accepts every destination kind and turns ports and ranges into port ranges', () => {
    const profile = parseProfile(
      profileWith([
        entry({ ports: [443, '8000-8100'] }),
        entry({ id: 'b', destination: '*.hf.contoso.net' }),
        entry({ id: 'c', destination: '10.20.0.0/16', protocol: 'UDP' }),
        entry({ id: 'd', destination: 'tag:Storage.WestEurope' }),
        {
          id: 'e',
          description: 'probe',
          direction: 'inbound',
          source: 'tag:AzureLoadBalancer',
          ports: [8080],
        },
      ]),
    )
    expect(profile.extraRequirements[0]?.ports).toStrictEqual([
      { from: 443, to: 443 },
      { from: 8000, to: 8100 },
    ])
    expect(profile.extraRequirements.map((e) => [e.protocol, e.direction])).toStrictEqual([
      ['TCP', 'outbound'],
      ['TCP', 'outbound'],
      ['UDP', 'outbound'],
      ['TCP', 'outbound'],
      ['TCP', 'inbound'],
    ])
  })

  it.each([
    [{ id: 'Contoso_Mirror' }, 'extraRequirements[0].id: ids are 1–63 lowercase letters'],
    [{ id: 'basic-out-06' }, "extraRequirements[0].id: 'basic-out-06' is a catalog requirement id"],
    [
      { destination: 'https://artifacts.contoso.com/pypi' },
      "a host name, not a URL: write 'artifacts.contoso.com'",
    ],
    [
      { destination: 'artifacts.contoso.com:8443' },
      'a host name without a port: put the port in ports',
    ],
    [{ destination: '*.com' }, '*.com would allow every host of a top-level domain'],
    [{ destination: 'a*.contoso.com' }, "a wildcard is '*.' followed by a domain"],
    [{ destination: 'localhost' }, 'must be a fully qualified host name'],
    [{ destination: '10.0.0.300/8' }, 'must be an IPv4 address or CIDR'],
    [{ destination: '0.0.0.0/0' }, '/0 is every address'],
    [{ destination: 'tag:Internet' }, 'tag:Internet stands for every address'],
    [{ destination: 'tag:Storage West' }, "'Storage West' is not a service tag name"],
    [{ ports: [70000] }, 'extraRequirements[0].ports[0]: ports are 1–65535'],
    [{ ports: ['9000-8000'] }, "a range is 'from-to' with from ≤ to"],
    [{ ports: [] }, 'extraRequirements[0].ports: list the ports'],
    [{ description: 'two\nlines' }, 'one line of text, without control characters'],
    [
      { direction: 'inbound' },
      'extraRequirements[0].source: an inbound requirement names who connects',
    ],
    [
      { source: 'tag:AzureLoadBalancer' },
      'extraRequirements[0].source: source is for direction: inbound',
    ],
    [
      { workspaces: ['00000000-0000-0000-0000-000000000000'] },
      'extraRequirements[0].workspaces[0]: no workspace of this profile',
    ],
    [{ compute: ['gpu'] }, "extraRequirements[0].compute[0]: must be one of 'computeInstance'"],
    [
      { destinaton: 'x.contoso.com' },
      "extraRequirements[0].destinaton: unknown field; did you mean 'destination'?",
    ],
  ])('rejects %j with the field and the fix', (fields, message) => {
    expect(issuesOf(profileWith([entry(fields)])).join('\n')).toContain(message)
  })

  it('rejects an inbound source that is a host name', () => {
    expect(
      issuesOf(
        profileWith([
          {
            id: 'x',
            description: 'x',
            direction: 'inbound',
            source: 'jump.contoso.com',
            ports: [22],
          },
        ]),
      ),
    ).toStrictEqual([
      'extraRequirements[0].source: inbound rules match addresses, not host names: use tag:Name or an IPv4 CIDR',
    ])
  })

  it('rejects a duplicate id, naming the first', () => {
    expect(
      issuesOf(profileWith([entry({}), entry({ destination: 'b.contoso.com' })])),
    ).toStrictEqual([
      'extraRequirements[1].id: duplicate requirement id (also extraRequirements[0].id)',
    ])
  })

  it('validates service tag names through one function', () => {
    expect(validateServiceTagName('public', 'AzureFrontDoor.FirstParty')).toBeUndefined()
    expect(validateServiceTagName('china', 'AzureCloud')).toContain('stands for every address')
  })

  it("returns the cloud's published spelling for a tag the cloud does not publish", () => {
    // The US Government file has no AzureFrontDoor.FirstParty (the public one has); the public
    // file names Storage per region, and a made-up region is none of them.
    expect(validateServiceTagName('usgov', 'AzureFrontDoor.FirstParty')).toBe(
      'tag:AzureFrontDoor.FirstParty is not a service tag the usgov cloud publishes',
    )
    expect(validateServiceTagName('public', 'Storage.NowhereLand')).toBe(
      'tag:Storage.NowhereLand is not a service tag the public cloud publishes',
    )
    expect(validateServiceTagName('public', 'Storage.westeurope')).toBeUndefined()
    // Families the bundled names do not hold are checked for syntax only.
    expect(validateServiceTagName('public', 'Sql.WestEurope')).toBeUndefined()
  })
})

describe('extraRequirements: in the plan', () => {
  it('enters the plan with its id and a profile provenance naming file and entry', () => {
    const plan = resolvePlan(
      parseProfile(profileWith([entry({ link: 'https://wiki.contoso.com/m' })])),
      {
        profileFile: 'contoso.yaml',
      },
    )
    const rule = plan.rules.find((r) => r.requirementIds.includes('contoso-mirror'))
    expect(rule).toMatchObject({
      id: 'outbound/tcp/artifacts.contoso.com',
      ports: [{ from: 443, to: 443 }],
      applicationProtocols: ['Https'],
      level: 'required',
      scenarios: ['custom'],
    })
    expect(planRequirement(plan, 'contoso-mirror')?.provenance).toStrictEqual({
      origin: 'profile',
      file: 'contoso.yaml',
      entry: 'extraRequirements[0]',
    })
    expect(planRequirement(plan, 'basic-out-06')?.id).toBe('basic-out-06')
  })

  it('has no customRequirements field without requirements of your own', () => {
    expect(resolvePlan(parseProfile(profileWith([]))).customRequirements).toBeUndefined()
  })

  it('reports a duplicate of a catalog host (exact or under a catalog wildcard) instead of rendering it twice', () => {
    const plan = resolvePlan(
      parseProfile(
        profileWith([
          entry({ id: 'arm', destination: 'management.azure.com' }),
          entry({ id: 'blob', destination: 'otheraccount.blob.core.windows.net' }),
        ]),
      ),
    )
    expect(plan.rules.filter((r) => r.requirementIds.includes('arm'))).toStrictEqual([])
    expect(plan.rules.some((r) => JSON.stringify(r).includes('"blob"'))).toBe(false)
    expect(
      plan.advisories
        .filter((d) => d.code === 'AML_EGRESS_DUPLICATE_REQUIREMENT')
        .map((d) => d.message),
    ).toStrictEqual([
      'extraRequirements[0] (arm) is already covered by host-general-02 (management.azure.com): not rendered twice',
      'extraRequirements[1] (blob) is already covered by host-compute-08 (*.blob.core.windows.net): not rendered twice',
    ])
  })

  it('keeps an entry a catalog rule covers only in part (another port)', () => {
    const plan = resolvePlan(
      parseProfile(
        profileWith([entry({ destination: 'management.azure.com', ports: [443, 8443] })]),
      ),
    )
    const rule = plan.rules.find((r) => r.id === 'outbound/tcp/management.azure.com')
    expect(rule?.requirementIds).toStrictEqual(['contoso-mirror', 'host-general-02'])
    expect(rule?.ports).toStrictEqual([
      { from: 443, to: 443 },
      { from: 8443, to: 8443 },
    ])
  })

  it('folds a narrower host into an own wildcard (subsumption), with its requirement', () => {
    const plan = resolvePlan(
      parseProfile(
        profileWith([
          entry({ id: 'wild', destination: '*.contoso.com' }),
          entry({ id: 'narrow', destination: 'artifacts.contoso.com' }),
        ]),
      ),
    )
    const wildcard = plan.rules.find((r) => r.id === 'outbound/tcp/*.contoso.com')
    expect(wildcard?.subsumes).toStrictEqual([
      { fqdn: 'artifacts.contoso.com', requirementIds: ['narrow'] },
    ])
    expect(plan.rules.some((r) => r.id === 'outbound/tcp/artifacts.contoso.com')).toBe(false)
  })

  it('leaves out an entry scoped to compute or workloads the profile does not use, and says so', () => {
    const plan = resolvePlan(
      parseProfile(
        profileWith(
          [
            entry({ compute: ['kubernetes'] }),
            entry({ id: 'inference-only', destination: 'b.contoso.com', workloads: ['inference'] }),
          ],
          { workloads: ['training'] },
        ),
      ),
    )
    expect(
      plan.rules.some((r) =>
        r.requirementIds.some((id) => id.startsWith('contoso') || id === 'inference-only'),
      ),
    ).toBe(false)
    expect(
      plan.advisories
        .filter((d) => d.code === 'AML_EGRESS_REQUIREMENT_NOT_APPLICABLE')
        .map((d) => d.message),
    ).toStrictEqual([
      'extraRequirements[0] (contoso-mirror) is for compute kubernetes, which the profile does not list: not in the plan',
      'extraRequirements[1] (inference-only) is for workloads inference, which the profile does not list: not in the plan',
    ])
  })

  it('names the workspaces an entry lists on its rules', () => {
    const plan = resolvePlan(
      parseProfile(profileWith([entry({ workspaces: [WORKSPACE.toUpperCase()] })])),
    )
    expect(
      plan.rules.find((r) => r.requirementIds.includes('contoso-mirror'))?.workspaces,
    ).toStrictEqual([WORKSPACE])
  })

  it('takes entries passed in code, validated by the same rules', () => {
    const profile = parseProfile(profileWith([entry({})]))
    const plan = resolvePlan(profile, {
      extraRequirements: [entry({ id: 'in-code', destination: 'x.contoso.com' })],
    })
    expect(planRequirement(plan, 'in-code')?.provenance).toStrictEqual({
      origin: 'profile',
      entry: 'options.extraRequirements[0]',
    })
    expect(() => resolvePlan(profile, { extraRequirements: [entry({})] })).toThrow(
      'options.extraRequirements[0].id: duplicate requirement id (also extraRequirements[0].id)',
    )
    expect(() =>
      resolvePlan(profile, { extraRequirements: [entry({ id: 'y', ports: [0] })] }),
    ).toThrow('options.extraRequirements[0].ports[0]: ports are 1–65535')
  })
})

describe('features.pythonPackages.from', () => {
  const requirementsTxt = parseEnvironmentFile({
    path: 'envs/requirements.txt',
    text: '--index-url https://pypi.contoso.com/simple\nnumpy\n',
  })
  const withFiles = (from: string[]) =>
    parseProfile(profileWith([], { features: { pythonPackages: { from } } }))

  it('uses the hosts of the files instead of the generic list, each from <file>:<line>', () => {
    const plan = resolvePlan(withFiles(['envs/requirements.txt']), {
      environmentFiles: [requirementsTxt],
    })
    const ids = plan.rules
      .flatMap((r) => r.requirementIds)
      .filter((id) => id.startsWith('pkg-') || id.startsWith('env:'))
    expect(ids).toStrictEqual(['env:pypi.contoso.com'])
    expect(planRequirement(plan, 'env:pypi.contoso.com')).toMatchObject({
      scenario: 'python-packages',
      provenance: { origin: 'environmentFile', file: 'envs/requirements.txt', line: 1 },
    })
  })

  it('keeps pythonPackages: true as the generic list', () => {
    const plan = resolvePlan(parseProfile(profileWith([], { features: { pythonPackages: true } })))
    expect(plan.rules.some((r) => r.requirementIds.includes('pkg-out-04'))).toBe(true)
  })

  it('warns when a named file was not read, and adds nothing for it', () => {
    const plan = resolvePlan(withFiles(['environment.yml']))
    expect(plan.rules.some((r) => r.scenarios.includes('python-packages'))).toBe(false)
    expect(
      plan.advisories
        .filter((d) => d.code === 'AML_EGRESS_ENVIRONMENT_FILE_NOT_READ')
        .map((d) => d.message),
    ).toStrictEqual([
      "features.pythonPackages.from[0] 'environment.yml' was not read: its package sources are not in the plan",
    ])
  })

  it('names the two accepted shapes when the value is neither', () => {
    expect(
      issuesOf(profileWith([], { features: { pythonPackages: { form: ['a.txt'] } as never } })),
    ).toStrictEqual([
      'features.pythonPackages: must be true, false or { from: [your environment files] }, e.g. { from: [environment.yml] }',
    ])
  })

  it('rejects a file it cannot read the kind of', () => {
    expect(
      issuesOf(profileWith([], { features: { pythonPackages: { from: ['setup.py'] } } })),
    ).toStrictEqual([
      'features.pythonPackages.from[0]: must be a requirements file (*.txt, *.in), a conda environment (*.yml, *.yaml), pyproject.toml, pixi.toml or Pipfile',
    ])
  })
})
