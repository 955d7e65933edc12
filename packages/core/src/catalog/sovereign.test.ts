import { describe, expect, it } from 'vitest'
import { type ProfileInput, parseProfile } from '../profile'
import { resolvePlan } from '../resolve'

const WORKSPACE = '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c'

function kubernetesPlan(input: {
  cloud: ProfileInput['cloud']
  region: string
  kubernetes: ProfileInput['kubernetes']
}) {
  return resolvePlan(
    parseProfile({
      cloud: input.cloud,
      workspaces: [{ id: WORKSPACE, region: input.region }],
      compute: ['kubernetes'],
      kubernetes: { apiServerAddresses: ['10.20.0.4/32'], ...input.kubernetes },
      sourceAddresses: ['10.10.0.0/24'],
    }),
  )
}

const hosts = (plan: ReturnType<typeof resolvePlan>) =>
  plan.rules.flatMap((rule) => (rule.destination.kind === 'fqdn' ? [rule.destination.fqdn] : []))

describe('Kubernetes options and sovereign clouds', () => {
  it('defaults every Arc feature and GPU node pools to off', () => {
    const { kubernetes } = parseProfile({
      workspaces: [{ id: WORKSPACE, region: 'westeurope' }],
      compute: ['kubernetes'],
      sourceAddresses: ['10.10.0.0/24'],
    })
    expect([kubernetes.arc, kubernetes.gpuNodePools]).toStrictEqual([
      { clusterConnect: false, azureRbac: false, onboarding: false },
      false,
    ])
  })

  it('allows the Arc feature hosts only with their option (D28)', () => {
    const off = hosts(
      kubernetesPlan({ cloud: 'public', region: 'eastus', kubernetes: { connection: 'arc' } }),
    )
    const on = hosts(
      kubernetesPlan({
        cloud: 'public',
        region: 'eastus',
        kubernetes: {
          connection: 'arc',
          arc: { clusterConnect: true, azureRbac: true, onboarding: true },
        },
      }),
    )
    const featureHosts = [
      '*.servicebus.windows.net',
      'guestnotificationservice.azure.com',
      'sts.windows.net',
      'eastus.obo.arc.azure.com',
      'graph.microsoft.com',
      'dl.k8s.io',
    ]
    expect(off.filter((host) => featureHosts.includes(host))).toStrictEqual([])
    expect(on).toEqual(expect.arrayContaining(featureHosts))
    expect(off).toContain('*.his.arc.azure.com')
  })

  it('gives the US Gov Cluster Connect host only where the page names it (D29)', () => {
    const clusterConnect = { connection: 'arc', arc: { clusterConnect: true } } as const
    const virginia = kubernetesPlan({
      cloud: 'usgov',
      region: 'usgovvirginia',
      kubernetes: clusterConnect,
    })
    expect(hosts(virginia)).toContain('usgovvirginia.obo.arc.azure.us')
    const arizona = kubernetesPlan({
      cloud: 'usgov',
      region: 'usgovarizona',
      kubernetes: clusterConnect,
    })
    expect(hosts(arizona).filter((host) => host.includes('.obo.'))).toStrictEqual([])
    expect(arizona.advisories.find((d) => d.requirementIds?.includes('arc-32'))?.message).toContain(
      'left out for usgovarizona: the docs give this host for usgovvirginia only',
    )
  })

  it('adds the GPU driver hosts to AKS plans with gpuNodePools', () => {
    const gpu = ['nvidia.github.io', 'us.download.nvidia.com', 'download.docker.com']
    const on = kubernetesPlan({
      cloud: 'china',
      region: 'chinanorth3',
      kubernetes: { gpuNodePools: true },
    })
    expect(hosts(on)).toEqual(expect.arrayContaining(gpu))
    const arc = kubernetesPlan({
      cloud: 'public',
      region: 'eastus',
      kubernetes: { connection: 'arc', gpuNodePools: true },
    })
    expect(hosts(arc).filter((host) => gpu.includes(host))).toStrictEqual([])
  })

  it("gives sovereign AKS plans their cloud's API server hosts, and names what the public-only tables leave out (D26, D27)", () => {
    const usgov = kubernetesPlan({ cloud: 'usgov', region: 'usgovarizona', kubernetes: {} })
    expect(hosts(usgov)).toEqual(
      expect.arrayContaining([
        '*.hcp.usgovarizona.cx.aks.containerservice.azure.us',
        'management.usgovcloudapi.net',
      ]),
    )
    const china = kubernetesPlan({ cloud: 'china', region: 'chinanorth3', kubernetes: {} })
    expect(hosts(china)).toEqual(expect.arrayContaining(['*.azk8s.cn', 'login.chinacloudapi.cn']))
    for (const plan of [usgov, china]) {
      const leftOut = plan.advisories.find((d) => d.code === 'AML_EGRESS_NOT_DOCUMENTED')
      expect(leftOut?.requirementIds).toEqual(expect.arrayContaining(['k8s-out-01', 'k8s-out-07']))
      // Carried with the cloud's suffix or cloud-neutral: not left out.
      expect(leftOut?.requirementIds).not.toContain('k8s-out-02')
      expect(leftOut?.requirementIds).not.toContain('k8s-out-10')
    }
    expect(hosts(usgov)).not.toContain('*.hcp.usgovarizona.azmk8s.io')
    const publicPlan = kubernetesPlan({ cloud: 'public', region: 'westeurope', kubernetes: {} })
    expect(publicPlan.advisories.map((d) => d.code)).not.toContain('AML_EGRESS_NOT_DOCUMENTED')
  })
})
