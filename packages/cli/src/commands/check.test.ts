import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createMemoryIo, fixturePath } from '../../test/helpers'
import { formatRegistry } from '../registry'
import { type CheckReport, runCheck } from './check'

type Expectation = {
  format: string
  profile: string
  fixture: string
  /** Exit code: 1 when a required flow is blocked. */
  code: number
  /** `describeFlow` of every BLOCKED flow, written from the mistake the fixture makes. */
  blocked: string[]
  /** Probe hosts/tags the over-broad findings must name. */
  overBroad: string[]
}

/** Runs `check` in memory on one fixture and returns the exit code and the JSON report. */
async function check(expectation: Pick<Expectation, 'format' | 'profile' | 'fixture'>) {
  const profile = fixturePath(`profiles/${expectation.profile}`)
  const file = fixturePath(`${expectation.format}/${expectation.fixture}`)
  const { io, stdout, stderr } = createMemoryIo({
    files: {
      [profile]: readFileSync(profile, 'utf8'),
      [file]: readFileSync(file, 'utf8'),
    },
  })
  const code = await runCheck(
    { profile, format: expectation.format, files: [file], output: 'json' },
    { io, formats: formatRegistry },
  ).catch((error: { code?: string; message: string }) => {
    if (error.code !== 'AML_EGRESS_USAGE') throw error
    return { usage: error.message, stderr: stderr() }
  })
  return { code, report: stdout() ? (JSON.parse(stdout()) as CheckReport) : undefined }
}

const cases: Expectation[] = [
  {
    format: 'azure-firewall',
    profile: 'contoso-tags.yaml',
    fixture: 'az-show-fqdn-in-network-rule.json',
    code: 1,
    // UDP 5831 to AzureMachineLearning was forgotten; pypi.org sits in destinationAddresses,
    // which Azure Firewall never matches against a host name.
    blocked: ['udp/5831 10.20.0.1 → tag:AzureMachineLearning', 'tcp/443 10.20.0.1 → pypi.org'],
    overBroad: [],
  },
  {
    format: 'azure-firewall',
    profile: 'contoso-tags.yaml',
    fixture: 'arm-global-storage-tag.json',
    code: 0,
    blocked: [],
    // Global `Storage` reaches storage in every region.
    overBroad: ['zzzzzzzzzzzzzzzzzzzzzzzz.blob.core.windows.net'],
  },
  {
    format: 'azure-firewall',
    profile: 'contoso-tags.yaml',
    fixture: 'portal-missing-445-wildcards.json',
    code: 1,
    blocked: ['tcp/445 10.20.0.1 → tag:Storage.WestEurope'],
    overBroad: ['evilpytorch.org', 'exfil-probe.example.com'],
  },
  {
    format: 'terraform',
    profile: 'contoso-tags.yaml',
    fixture: 'missing-udp-fqdn-address.tf',
    code: 1,
    // No UDP rule; SMB 445 written as a host name in destination_addresses matches nothing.
    blocked: [
      'udp/5831 10.20.0.1 → tag:AzureMachineLearning',
      'tcp/445 10.20.0.1 → tag:Storage.WestEurope',
    ],
    overBroad: [],
  },
  {
    format: 'terraform',
    profile: 'contoso-tags.yaml',
    fixture: 'global-storage-catch-all.tf',
    code: 0,
    blocked: [],
    overBroad: ['exfil-probe.example.com', 'zzzzzzzzzzzzzzzzzzzzzzzz.blob.core.windows.net'],
  },
  {
    format: 'terraform',
    profile: 'contoso-tags.yaml',
    fixture: 'dotless-wildcard-no-445.tf',
    code: 1,
    blocked: ['tcp/445 10.20.0.1 → tag:Storage.WestEurope'],
    overBroad: ['evilpytorch.org'],
  },
  {
    format: 'squid',
    profile: 'contoso.yaml',
    fixture: 'operator-allowlist.conf',
    code: 1,
    // graph.windows.net is missing from the list; only CONNECT is allowed, so login over HTTP 80
    // (the docs list 80 and 443) falls to `deny all`.
    blocked: [
      'tcp/443 10.20.0.1 → graph.windows.net',
      'tcp/80 10.20.0.1 → login.microsoftonline.com',
    ],
    overBroad: [],
  },
  {
    format: 'squid',
    profile: 'contoso.yaml',
    fixture: 'localnet-allow-all.conf',
    code: 0,
    blocked: [],
    overBroad: ['exfil-probe.example.com'],
  },
  {
    format: 'network-policy',
    profile: 'aks.yaml',
    fixture: 'default-deny-no-dns.yaml',
    code: 1,
    blocked: [
      'tcp/53 pod:azureml/ → pod:kube-system/k8s-app=kube-dns',
      'udp/53 pod:azureml/ → pod:kube-system/k8s-app=kube-dns',
    ],
    overBroad: [],
  },
  {
    format: 'network-policy',
    profile: 'aks.yaml',
    fixture: 'dns-udp-only.yaml',
    code: 1,
    blocked: [
      'tcp/53 pod:azureml/ → pod:kube-system/k8s-app=kube-dns',
      'tcp/5001 pod:azureml/app=azureml-fe → pod:models/',
    ],
    overBroad: [],
  },
  {
    format: 'network-policy',
    profile: 'aks.yaml',
    fixture: 'allow-all-egress.yaml',
    code: 0,
    blocked: [],
    overBroad: ['exfil-probe.example.com'],
  },
]

describe('cli: check', () => {
  for (const c of cases)
    describe(`${c.format} ${c.fixture}`, () => {
      it(`returns exit ${c.code} with the blocked flows and over-broad rules the fixture has`, async () => {
        const { code, report } = await check(c)
        expect(code).toBe(c.code)
        expect(
          report?.flows.filter((flow) => flow.status === 'blocked').map((f) => f.description),
        ).toStrictEqual(expect.arrayContaining(c.blocked))
        expect(report?.summary.blocked).toBe(c.blocked.length)
        const messages = report?.findings.map((finding) => finding.message) ?? []
        for (const probe of c.overBroad)
          expect(messages.some((message) => message.includes(probe))).toBe(true)
        expect(report?.findings.length ?? 0).toBe(c.overBroad.length)
      })
    })

  it('returns a usage error naming the line when squid would refuse a child-before-parent list', async () => {
    const result = await check({
      format: 'squid',
      profile: 'contoso.yaml',
      fixture: 'child-before-parent.conf',
    })
    expect(result.code).toMatchObject({ usage: expect.stringContaining('could not parse') })
    expect(result.code).toMatchObject({
      stderr: expect.stringMatching(/child-before-parent\.conf:20: .*'\.pytorch\.org' is a parent/),
    })
  })

  it('returns not expressible, not blocked, for UDP and SMB flows in squid', async () => {
    const { report } = await check({
      format: 'squid',
      profile: 'contoso.yaml',
      fixture: 'operator-allowlist.conf',
    })
    const notExpressible = report?.flows
      .filter((flow) => flow.status === 'not-expressible')
      .map((flow) => flow.description)
    expect(notExpressible).toStrictEqual(
      expect.arrayContaining([
        'udp/5831 10.20.0.1 → westeurope.tundra.azureml.ms',
        'tcp/445 10.20.0.1 → contosomlstore.file.core.windows.net',
      ]),
    )
  })
})
