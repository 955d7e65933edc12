import { describe, expect, it } from 'vitest'
import { findRequirement } from './catalog/catalog'
import { ruleServesOnlyAttachedCompute, servesOnlyAttachedCompute } from './computeScope'
import { capabilityNames, type FormatCapabilities } from './format'
import type { Plan, PlanRule } from './plan'
import { type ExtraRequirementInput, parseProfile } from './profile'
import { resolvePlan } from './resolve'
import { summariseDiagnostics } from './summary'
import { capabilitiesNeeded, missingCapabilities, triagePlan } from './triage'

const WORKSPACE = '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c'

/** A mixed estate: compute instances and clusters next to AKS, Python packages on. */
function mixedPlan(extraRequirements: ExtraRequirementInput[] = []): Plan {
  return resolvePlan(
    parseProfile({
      workspaces: [{ id: WORKSPACE, region: 'westeurope', storageAccounts: ['contosomlweu'] }],
      compute: ['computeInstance', 'computeCluster', 'kubernetes'],
      workloads: ['training'],
      features: { pythonPackages: true },
      sourceAddresses: ['10.10.0.0/24'],
      extraRequirements,
    }),
  )
}

function ruleTo(plan: Plan, fqdn: string): PlanRule {
  const found = plan.rules.find(
    (rule) => rule.destination.kind === 'fqdn' && rule.destination.fqdn === fqdn,
  )
  if (!found) throw new Error(`no rule to ${fqdn}`)
  return found
}

const all = Object.fromEntries(capabilityNames.map((name) => [name, true])) as FormatCapabilities
/**
 * What an Azure ML managed network hosts: the managed-network article says Kubernetes compute and
 * attached VMs are not supported in a managed virtual network.
 */
const managedOnly: FormatCapabilities = { ...all, attachedCompute: false }
const HTTPS = { protocol: 'TCP', port: 443 } as const

describe('servesOnlyAttachedCompute', () => {
  it('is true for a record the docs give only for Kubernetes compute, false for one compute instances share', () => {
    // aks-core-06 (AKS egress article: node to API server) applies to Kubernetes compute alone;
    // pkg-out-04 (pypi.org) to compute instances, clusters, serverless and online endpoints;
    // host-docker-01 (mcr.microsoft.com) to those and Kubernetes.
    const record = (id: string) => {
      const found = findRequirement(id)
      if (!found) throw new Error(`no catalog record ${id}`)
      return found
    }
    expect(servesOnlyAttachedCompute(record('aks-core-06'))).toBe(true)
    expect(servesOnlyAttachedCompute(record('pkg-out-04'))).toBe(false)
    expect(servesOnlyAttachedCompute(record('host-docker-01'))).toBe(false)
    expect(
      servesOnlyAttachedCompute({ applicability: { computeKinds: ['attachedVmOrHdinsight'] } }),
    ).toBe(true)
  })
})

describe('attachedCompute in triage', () => {
  const plan = mixedPlan()
  const apiServer = ruleTo(plan, '*.hcp.westeurope.azmk8s.io')
  const pypi = ruleTo(plan, 'pypi.org')

  it('needs attachedCompute for a rule only Kubernetes needs, not for a host compute instances share', () => {
    // The premise: pypi.org is one rule for both worlds; the AKS API server host only Kubernetes'.
    expect(pypi.requirementIds).toEqual(expect.arrayContaining(['pkg-out-04', 'k8s-out-10']))
    expect(capabilitiesNeeded(apiServer, HTTPS, plan)).toStrictEqual([
      'attachedCompute',
      'wildcardFqdn',
    ])
    expect(missingCapabilities(managedOnly, apiServer, HTTPS, plan)).toStrictEqual([
      'attachedCompute',
    ])
    expect(missingCapabilities(managedOnly, pypi, HTTPS, plan)).toStrictEqual([])
    expect(missingCapabilities(all, apiServer, HTTPS, plan)).toStrictEqual([])
  })

  it('leaves out only the Kubernetes-only rule, with one info diagnostic that names the lack', () => {
    const result = triagePlan(
      { ...plan, rules: [apiServer, pypi] },
      { name: 'managed', capabilities: managedOnly, unsupportedHelp: { attachedCompute: 'own' } },
    )
    expect(result.rules.map((triaged) => triaged.rule.id)).toStrictEqual([pypi.id])
    expect(result.diagnostics).toMatchObject([
      {
        code: 'AML_EGRESS_OUT_OF_SCOPE',
        severity: 'info',
        ruleId: apiServer.id,
        lacks: 'attachedCompute',
        needs: ['attachedCompute', 'wildcardFqdn'],
        help: 'own',
      },
    ])
    expect(result.diagnostics[0]?.message).toContain('Kubernetes compute or attached VMs')
  })

  it('summarises the rules left out as belonging to the formats that carry attached compute', () => {
    const { diagnostics } = triagePlan(
      { ...plan, rules: [apiServer, pypi] },
      { name: 'managed', capabilities: managedOnly },
    )
    const formats = [
      { name: 'managed', capabilities: managedOnly },
      { name: 'other-managed', capabilities: managedOnly },
      { name: 'firewall', capabilities: all },
    ]
    expect(summariseDiagnostics(diagnostics, { formats })).toMatchObject([
      {
        lacks: 'attachedCompute',
        carriedBy: ['firewall'],
        message: '1 rule of Kubernetes compute or attached VMs only belongs to firewall',
      },
    ])
  })

  it('keeps every rule for a format that carries attached compute', () => {
    const result = triagePlan(
      { ...plan, rules: [apiServer, pypi] },
      { name: 'firewall', capabilities: all },
    )
    expect(result.rules).toHaveLength(2)
    expect(result.diagnostics).toStrictEqual([])
  })
})

describe('attachedCompute of your own requirements', () => {
  const plan = mixedPlan([
    {
      id: 'aks-mirror',
      description: 'Registry mirror the cluster pulls from',
      destination: 'mirror.contoso.com',
      ports: [443],
      compute: ['kubernetes'],
    },
    {
      id: 'shared-mirror',
      description: 'Package mirror every compute uses',
      destination: 'pkgs.contoso.com',
      ports: [443],
    },
  ])
  const kubernetesOnly = ruleTo(plan, 'mirror.contoso.com')
  const everyCompute = ruleTo(plan, 'pkgs.contoso.com')

  it("reads an entry's compute from the plan: Kubernetes only is out of a managed network's scope", () => {
    expect(ruleServesOnlyAttachedCompute(kubernetesOnly, plan)).toBe(true)
    expect(missingCapabilities(managedOnly, kubernetesOnly, HTTPS, plan)).toStrictEqual([
      'attachedCompute',
    ])
    expect(ruleServesOnlyAttachedCompute(everyCompute, plan)).toBe(false)
  })

  it('counts an entry as serving every compute kind without the plan to look it up in', () => {
    expect(ruleServesOnlyAttachedCompute(kubernetesOnly)).toBe(false)
  })
})
