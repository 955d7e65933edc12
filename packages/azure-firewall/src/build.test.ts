import type { PlanRule } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { plan, rule, SUBNET } from '../test/helpers'
import { buildFirewallPolicy } from './build'
import { sharedFirewallPolicy } from './index'
import type { ApplicationRule, FirewallPolicy, NetworkRule } from './model'
import { validatePolicy } from './validate'

function rules(policy: FirewallPolicy): (ApplicationRule | NetworkRule)[] {
  return policy.ruleCollectionGroups.flatMap((g) =>
    g.ruleCollections.flatMap((c): (ApplicationRule | NetworkRule)[] =>
      c.collectionType === 'filter' ? c.rules : [],
    ),
  )
}

function codes(diagnostics: { code: string; ruleId?: string }[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.ruleId ?? ''}`.trim()).sort()
}

describe('format: azure-firewall', () => {
  describe('buildFirewallPolicy', () => {
    it('returns an application rule Https:443 when a host is reached over HTTPS', () => {
      // GIVEN a wildcard host on TCP 443
      const input = plan([
        rule({ id: 'blob', destination: { kind: 'fqdn', fqdn: '*.blob.core.windows.net' } }),
      ])
      // WHEN the policy is built
      const { policy, diagnostics } = buildFirewallPolicy(input)
      // THEN one application rule carries it on Https:443 (wildcards are fine in app rules)
      expect(rules(policy)).toStrictEqual([
        {
          ruleType: 'ApplicationRule',
          name: 'wildcard.blob.core.windows.net-https',
          description: 'aml-egress required: req-blob',
          sourceAddresses: [SUBNET],
          sourceIpGroups: [],
          protocols: [{ protocolType: 'Https', port: 443 }],
          targetFqdns: ['*.blob.core.windows.net'],
          fqdnTags: [],
          targetUrls: [],
          terminateTLS: false,
          destinationAddresses: [],
          webCategories: [],
        },
      ])
      expect(diagnostics).toStrictEqual([])
    })

    it('returns Http:80 and Https:443 in one rule when both ports are needed', () => {
      const input = plan([
        rule({
          id: 'crl',
          destination: { kind: 'fqdn', fqdn: 'crl.microsoft.com' },
          ports: [
            { from: 80, to: 80 },
            { from: 443, to: 443 },
          ],
        }),
      ])
      const [only] = rules(buildFirewallPolicy(input).policy)
      expect(only?.ruleType === 'ApplicationRule' && only.protocols).toStrictEqual([
        { protocolType: 'Http', port: 80 },
        { protocolType: 'Https', port: 443 },
      ])
    })

    it('returns a service-tag network rule with a fallback diagnostic when a wildcard host is on UDP', () => {
      // GIVEN *.tundra.<region>.api.azureml.ms on UDP 5831 with its documented tag equivalent
      const input = plan([
        rule({
          id: 'tundra',
          destination: { kind: 'fqdn', fqdn: '*.tundra.westeurope.api.azureml.ms' },
          protocol: 'UDP',
          ports: [{ from: 5831, to: 5831 }],
          serviceTagFallbacks: ['AzureMachineLearning'],
        }),
      ])
      // WHEN built
      const { policy, diagnostics } = buildFirewallPolicy(input)
      // THEN a network rule to the tag (network-rule FQDNs take no wildcards), and the widening is said
      const [only] = rules(policy)
      expect(only?.ruleType).toBe('NetworkRule')
      expect(only?.ruleType === 'NetworkRule' && only).toMatchObject({
        ipProtocols: ['UDP'],
        destinationAddresses: ['AzureMachineLearning'],
        destinationFqdns: [],
        destinationPorts: ['5831'],
      })
      expect(codes(diagnostics)).toStrictEqual(['AML_EGRESS_SERVICE_TAG_FALLBACK tundra'])
    })

    it('returns an unsupported-feature diagnostic and no rule when a wildcard host on UDP has no tag', () => {
      const input = plan([
        rule({
          id: 'nowhere',
          destination: { kind: 'fqdn', fqdn: '*.example.com' },
          protocol: 'UDP',
          ports: [{ from: 5000, to: 5000 }],
        }),
      ])
      const { policy, diagnostics } = buildFirewallPolicy(input)
      expect(rules(policy)).toStrictEqual([])
      expect(codes(diagnostics)).toStrictEqual(['AML_EGRESS_UNSUPPORTED_FEATURE nowhere'])
    })

    it('returns a network rule with a destination FQDN and a DNS-proxy diagnostic when an exact host is on 445', () => {
      // GIVEN a storage account on 443 and 445
      const input = plan([
        rule({
          id: 'files',
          destination: { kind: 'fqdn', fqdn: 'contosomlsa.file.core.windows.net' },
          ports: [
            { from: 443, to: 443 },
            { from: 445, to: 445 },
          ],
          serviceTagFallbacks: ['Storage.WestEurope'],
        }),
      ])
      // WHEN built with the default (DNS proxy on)
      const { policy, diagnostics } = buildFirewallPolicy(input)
      // THEN 443 is an application rule and 445 (SMB) a network rule to the exact FQDN
      expect(
        rules(policy).map((r) =>
          r.ruleType === 'ApplicationRule'
            ? ['app', r.protocols.map((p) => `${p.protocolType}:${p.port}`), r.targetFqdns]
            : ['net', r.ipProtocols, r.destinationFqdns, r.destinationPorts],
        ),
      ).toStrictEqual([
        ['app', ['Https:443'], ['contosomlsa.file.core.windows.net']],
        ['net', ['TCP'], ['contosomlsa.file.core.windows.net'], ['445']],
      ])
      expect(codes(diagnostics)).toStrictEqual(['AML_EGRESS_DNS_PROXY_REQUIRED files'])
      expect(policy.dnsProxy).toBe(true)
    })

    it('returns the service tag instead of an FQDN when dnsProxy is off', () => {
      const input = plan([
        rule({
          id: 'files',
          destination: { kind: 'fqdn', fqdn: 'contosomlsa.file.core.windows.net' },
          ports: [{ from: 445, to: 445 }],
          serviceTagFallbacks: ['Storage.WestEurope'],
        }),
      ])
      const { policy, diagnostics } = buildFirewallPolicy(input, { dnsProxy: false })
      const [only] = rules(policy)
      expect(only?.ruleType === 'NetworkRule' && only.destinationAddresses).toStrictEqual([
        'Storage.WestEurope',
      ])
      expect(codes(diagnostics)).toStrictEqual(['AML_EGRESS_SERVICE_TAG_FALLBACK files'])
      expect(policy.dnsProxy).toBeUndefined()
    })

    it('returns TCP and UDP but never Any when the plan says ANY', () => {
      // `Any` would also pass ICMP, which the plan does not allow.
      const input = plan([
        rule({
          id: 'batch',
          destination: { kind: 'serviceTag', tag: 'BatchNodeManagement.WestEurope' },
          protocol: 'ANY',
        }),
      ])
      const [only] = rules(buildFirewallPolicy(input).policy)
      expect(only?.ruleType === 'NetworkRule' && only.ipProtocols).toStrictEqual(['TCP', 'UDP'])
    })

    it('returns a not-egress diagnostic and no rule when a rule is inbound', () => {
      const input = plan([
        rule({
          id: 'inbound',
          direction: 'inbound',
          source: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
          destination: { kind: 'addresses', addresses: [SUBNET] },
          ports: [{ from: 44224, to: 44224 }],
        }),
      ])
      const { policy, diagnostics } = buildFirewallPolicy(input)
      expect(rules(policy)).toStrictEqual([])
      expect(codes(diagnostics)).toStrictEqual(['AML_EGRESS_NOT_EGRESS inbound'])
      // The same severity in every format (issue #16): info, as an egress firewall is not meant to
      // carry inbound rules (issue #20), pointing where the rule can go instead.
      expect(diagnostics.map((d) => [d.severity, d.help])).toStrictEqual([
        ['info', 'Allow it in the subnet NSG (render with the terraform format).'],
      ])
    })

    it('returns an out-of-scope info diagnostic when a rule is in-cluster', () => {
      const input = plan([
        rule({
          id: 'pods',
          direction: 'inCluster',
          source: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
          destination: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
        }),
      ])
      const { policy, diagnostics } = buildFirewallPolicy(input)
      expect(rules(policy)).toStrictEqual([])
      // In-cluster traffic never passes a firewall: not the firewall's to carry (issue #20)
      expect(codes(diagnostics)).toStrictEqual(['AML_EGRESS_OUT_OF_SCOPE pods'])
      expect(diagnostics.map((d) => [d.severity, d.help])).toStrictEqual([
        ['info', 'Render it with the network-policy format.'],
      ])
    })

    it('returns an unsupported-feature diagnostic and no rule when an outbound rule selects pods', () => {
      // GIVEN pods egressing to a host: the firewall sees the node's address, not the pod labels
      const input = plan([
        rule({
          id: 'from-pods',
          source: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
          destination: { kind: 'fqdn', fqdn: 'ml.azure.com' },
        }),
      ])
      const { policy, diagnostics } = buildFirewallPolicy(input)
      expect(rules(policy)).toStrictEqual([])
      expect(codes(diagnostics)).toStrictEqual(['AML_EGRESS_UNSUPPORTED_FEATURE from-pods'])
    })

    it('returns the host only and a TLS-inspection diagnostic when the docs name a URL path', () => {
      const input = plan([
        rule({
          id: 'path',
          destination: { kind: 'fqdn', fqdn: 'mcr.microsoft.com', urlPath: '/azureml/' },
        }),
      ])
      const { policy, diagnostics } = buildFirewallPolicy(input)
      const [only] = rules(policy)
      expect(only?.ruleType === 'ApplicationRule' && only.targetFqdns).toStrictEqual([
        'mcr.microsoft.com',
      ])
      expect(only?.ruleType === 'ApplicationRule' && only.targetUrls).toStrictEqual([])
      expect(codes(diagnostics)).toStrictEqual(['AML_EGRESS_TLS_INSPECTION_REQUIRED path'])
      // Info in every format (issue #16): the host is allowed, only the path filter is missing.
      expect(diagnostics.map((d) => d.severity)).toStrictEqual(['info'])
    })

    it('returns valid names when hosts are long or odd', () => {
      const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.example.com`
      const input = plan([
        rule({ id: 'long', destination: { kind: 'fqdn', fqdn: long } }),
        rule({ id: 'cidr', destination: { kind: 'addresses', addresses: ['20.0.0.0/8'] } }),
      ])
      const { policy } = buildFirewallPolicy(input)
      expect(validatePolicy(policy)).toStrictEqual([])
      expect(rules(policy).map((r) => r.name.length <= 80)).toStrictEqual([true, true])
    })

    it('returns unique rule names when two plan rules would share one', () => {
      // GIVEN the same host on TCP 443 from two plan rules (different sources make different ids)
      const input = plan([
        rule({ id: 'a', destination: { kind: 'fqdn', fqdn: 'ml.azure.com' } }),
        rule({
          id: 'b',
          destination: { kind: 'fqdn', fqdn: 'ml.azure.com' },
          requirementIds: ['other'],
        }),
      ])
      const names = rules(buildFirewallPolicy(input).policy).map((r) => r.name)
      expect(new Set(names).size).toBe(2)
    })
  })

  describe('buildFirewallPolicy, compact rules', () => {
    const storage = (account: string, ports = [{ from: 443, to: 443 }]) =>
      rule({
        id: `blob-${account}`,
        destination: { kind: 'fqdn', fqdn: `${account}.blob.core.windows.net` },
        requirementIds: ['host-aml-05'],
        ports,
      })

    it('returns one rule listing every host when plan rules share requirement, ports and sources', () => {
      // GIVEN three storage accounts of one requirement on HTTPS, given out of order
      const input = plan([storage('sa2'), storage('sa1'), storage('sa3')])
      // WHEN the policy is built
      const only = rules(buildFirewallPolicy(input).policy)
      // THEN one application rule carries them, sorted, named after the first and the count
      expect(
        only.map((r) => [r.name, r.description, r.ruleType === 'ApplicationRule' && r.targetFqdns]),
      ).toStrictEqual([
        [
          'sa1.blob.core.windows.net-and-2-more-https',
          'aml-egress required: host-aml-05',
          ['sa1.blob.core.windows.net', 'sa2.blob.core.windows.net', 'sa3.blob.core.windows.net'],
        ],
      ])
    })

    it('returns separate rules when ports or requirements differ', () => {
      // GIVEN one account on 80+443, one on 443, and a host of another requirement on 443
      const input = plan([
        storage('sa1', [
          { from: 80, to: 80 },
          { from: 443, to: 443 },
        ]),
        storage('sa2'),
        rule({ id: 'kv', destination: { kind: 'fqdn', fqdn: 'kv.vault.azure.net' } }),
      ])
      // THEN nothing is merged: a merged rule would allow sa2 on port 80, or name the wrong reason
      const names = rules(buildFirewallPolicy(input).policy).map((r) => r.name)
      expect(names.sort()).toStrictEqual([
        'kv.vault.azure.net-https',
        'sa1.blob.core.windows.net-http-https',
        'sa2.blob.core.windows.net-https',
      ])
    })

    it('returns rules of at most maxDestinationsPerRule hosts, consecutive in sorted order', () => {
      const input = plan(['e', 'b', 'd', 'a', 'c'].map((account) => storage(account)))
      const built = rules(buildFirewallPolicy(input, { maxDestinationsPerRule: 2 }).policy)
      expect(
        built.map((r) => r.ruleType === 'ApplicationRule' && r.targetFqdns.length),
      ).toStrictEqual([2, 2, 1])
      expect(built.map((r) => r.name)).toStrictEqual([
        'a.blob.core.windows.net-and-1-more-https',
        'c.blob.core.windows.net-and-1-more-https',
        'e.blob.core.windows.net-https',
      ])
    })

    it('returns one network rule of tags when service-tag rules share requirement and ports', () => {
      const tag = (region: string) =>
        rule({
          id: `storage-${region}`,
          destination: { kind: 'serviceTag', tag: `Storage.${region}` },
          requirementIds: ['storage445-01'],
          ports: [{ from: 445, to: 445 }],
        })
      const built = rules(buildFirewallPolicy(plan([tag('WestEurope'), tag('EastUS')])).policy)
      expect(
        built.map((r) => [r.name, r.ruleType === 'NetworkRule' && r.destinationAddresses]),
      ).toStrictEqual([
        ['Storage.EastUS-and-1-more-tcp-445', ['Storage.EastUS', 'Storage.WestEurope']],
      ])
    })
  })

  describe('buildFirewallPolicy, called again', () => {
    it('returns an equal policy of its own each time (nothing is cached between calls)', () => {
      // GIVEN a plan split into two groups by a small byte limit
      const input = plan([
        rule({ id: 'a', destination: { kind: 'fqdn', fqdn: 'a.example.com' } }),
        rule({ id: 'b', destination: { kind: 'fqdn', fqdn: 'b.example.com' } }),
      ])
      // WHEN it is built twice, and once through the deprecated alias
      const first = buildFirewallPolicy(input, { maxGroupBytes: 700, basePriority: 500 })
      const second = buildFirewallPolicy(input, { maxGroupBytes: 700, basePriority: 500 })
      const aliased = sharedFirewallPolicy(input, { maxGroupBytes: 700, basePriority: 500 })
      // THEN the builds are equal, with groups numbered from the base priority
      expect(second).toStrictEqual(first)
      expect(aliased).toStrictEqual(first)
      expect(first.policy.ruleCollectionGroups.map((group) => group.priority)).toStrictEqual([
        500, 501,
      ])
      // AND no part of one is shared with the other: a caller may change its copy
      expect(second.policy.ruleCollectionGroups[0]?.ruleCollections).not.toBe(
        first.policy.ruleCollectionGroups[0]?.ruleCollections,
      )
    })

    it('returns an error when the last group priority passes 65000, for that base only', () => {
      // GIVEN a plan split into two groups
      const input = plan([
        rule({ id: 'a', destination: { kind: 'fqdn', fqdn: 'a.example.com' } }),
        rule({ id: 'b', destination: { kind: 'fqdn', fqdn: 'b.example.com' } }),
      ])
      const exceeded = (basePriority: number) =>
        buildFirewallPolicy(input, { maxGroupBytes: 700, basePriority }).diagnostics.filter(
          (d) => d.code === 'AML_EGRESS_LIMIT_EXCEEDED',
        )
      // WHEN the base puts the second group at 65001, then at 65000
      // THEN only the first is an error
      expect(exceeded(65000).map((d) => [d.severity, d.message])).toStrictEqual([
        ['error', 'Group priorities reach 65001; the maximum is 65000. Lower basePriority.'],
      ])
      expect(exceeded(64999)).toStrictEqual([])
    })
  })

  describe('buildFirewallPolicy, host rules that share their lists', () => {
    // The resolver shares requirement, port and tag lists between the rules of a requirement, as
    // these rules do: what else differs between them must still keep their rules apart.
    const requirementIds = ['req-files']
    const ports = [
      { from: 443, to: 443 },
      { from: 445, to: 445 },
    ]
    const serviceTagFallbacks = ['Storage.WestEurope']
    const files = (id: string, fqdn: string, more: Partial<PlanRule> = {}) => ({
      ...rule({ id, destination: { kind: 'fqdn', fqdn } }),
      requirementIds,
      ports,
      serviceTagFallbacks,
      ...more,
    })

    it('returns rules apart by level and wildcard, and the wildcard on its service tag', () => {
      // GIVEN an exact and a wildcard host, then an exact host of a lower level, on 443 and 445
      const input = plan([
        files('sa1', 'sa1.file.core.windows.net'),
        files('any', '*.file.core.windows.net'),
        files('sa2', 'sa2.file.core.windows.net', { level: 'recommended' }),
      ])
      // WHEN the policy is built (few rules: exact hosts on 445 are network-rule FQDNs), with a
      // diagnostic per rule
      const { policy, diagnostics } = buildFirewallPolicy(input, { diagnostics: 'every' })
      // THEN 443 is one application rule per level; 445 names each exact host, and the wildcard,
      // which network-rule FQDNs cannot take, becomes its tag in a rule named after it
      expect(
        rules(policy).map((r) => [
          r.name,
          r.description,
          r.ruleType === 'ApplicationRule'
            ? r.targetFqdns
            : [...r.destinationFqdns, ...r.destinationAddresses],
        ]),
      ).toStrictEqual([
        [
          'sa2.file.core.windows.net-https',
          'aml-egress recommended: req-files',
          ['sa2.file.core.windows.net'],
        ],
        [
          'wildcard.file.core.windows.net-and-1-more-https',
          'aml-egress required: req-files',
          ['*.file.core.windows.net', 'sa1.file.core.windows.net'],
        ],
        [
          'sa1.file.core.windows.net-tcp-445',
          'aml-egress required: req-files',
          ['sa1.file.core.windows.net'],
        ],
        [
          'sa2.file.core.windows.net-tcp-445',
          'aml-egress recommended: req-files',
          ['sa2.file.core.windows.net'],
        ],
        [
          'wildcard.file.core.windows.net-tcp-445',
          'aml-egress required: req-files; service tag Storage.WestEurope for *.file.core.windows.net',
          ['Storage.WestEurope'],
        ],
      ])
      // AND each host has its own diagnostic, naming it
      expect(diagnostics.map((d) => [d.code, d.ruleId, d.message])).toStrictEqual([
        [
          'AML_EGRESS_DNS_PROXY_REQUIRED',
          'sa1',
          'sa1.file.core.windows.net on TCP 445 is a network rule with a destination FQDN: the firewall policy needs DNS proxy on (dnsSettings.enableProxy).',
        ],
        [
          'AML_EGRESS_SERVICE_TAG_FALLBACK',
          'any',
          '*.file.core.windows.net on TCP 445 is rendered as service tag Storage.WestEurope (network-rule FQDNs take no wildcards); the tag covers more than the host.',
        ],
        [
          'AML_EGRESS_DNS_PROXY_REQUIRED',
          'sa2',
          'sa2.file.core.windows.net on TCP 445 is a network rule with a destination FQDN: the firewall policy needs DNS proxy on (dnsSettings.enableProxy).',
        ],
      ])
    })

    it('returns rules apart by scenario and protocol', () => {
      // GIVEN hosts of one requirement and one port list, in two scenarios, one of them on UDP
      const input = plan([
        files('a', 'a.example.com', { scenarios: ['training'] }),
        files('b', 'b.example.com', { scenarios: ['inference'] }),
        files('c', 'c.example.com', { scenarios: ['training'], protocol: 'UDP' }),
      ])
      const { policy } = buildFirewallPolicy(input, { dnsProxy: true })
      // THEN a collection per scenario; the UDP host gets no application rule (HTTP is TCP)
      expect(
        policy.ruleCollectionGroups[0]?.ruleCollections.map((c) => [
          c.name,
          c.rules.map((r) => r.name),
        ]),
      ).toStrictEqual([
        ['aml-app-inference', ['b.example.com-https']],
        ['aml-app-training', ['a.example.com-https']],
        ['aml-net-inference', ['b.example.com-tcp-445']],
        ['aml-net-training', ['a.example.com-tcp-445', 'c.example.com-udp-443_445']],
      ])
    })

    it('returns rules apart when requirement, tag or port lists differ after their first item', () => {
      // GIVEN hosts whose lists start alike: one more requirement, one more tag, one more port
      const input = plan([
        files('a', 'a.example.com'),
        files('b', 'b.example.com', { requirementIds: ['req-files', 'req-more'] }),
        files('c', 'c.example.com', { serviceTagFallbacks: ['Storage.WestEurope', 'Storage'] }),
        files('d', 'd.example.com', { ports: [...ports, { from: 446, to: 446 }] }),
      ])
      // WHEN built with service tags for the non-HTTP ports
      const built = rules(buildFirewallPolicy(input, { dnsProxy: false }).policy)
      // THEN each difference is a rule of its own: the reason, the tags and the ports stay exact
      expect(
        built
          .map((r) =>
            r.ruleType === 'NetworkRule'
              ? `${r.description} | ${r.destinationAddresses} | ${r.destinationPorts}`
              : `${r.description} | ${r.targetFqdns}`,
          )
          .sort(),
      ).toStrictEqual([
        'aml-egress required: req-files | a.example.com,c.example.com,d.example.com',
        'aml-egress required: req-files, req-more | b.example.com',
        'aml-egress required: req-files, req-more; service tag Storage.WestEurope for its hosts | Storage.WestEurope | 445',
        'aml-egress required: req-files; service tag Storage.WestEurope for its hosts | Storage.WestEurope | 445',
        'aml-egress required: req-files; service tag Storage.WestEurope for its hosts | Storage.WestEurope | 445-446',
        'aml-egress required: req-files; service tag Storage.WestEurope, Storage for its hosts | Storage,Storage.WestEurope | 445',
      ])
    })

    it('returns each host once, sorted, when plan rules repeat hosts or come out of order', () => {
      const input = plan([
        files('b', 'b.example.com'),
        files('a', 'a.example.com'),
        files('b-again', 'B.example.com.'),
        files('a-again', 'a.example.com'),
      ])
      const [application] = rules(buildFirewallPolicy(input, { dnsProxy: false }).policy).filter(
        (r) => r.ruleType === 'ApplicationRule',
      )
      expect(application?.ruleType === 'ApplicationRule' && application.targetFqdns).toStrictEqual([
        'a.example.com',
        'b.example.com',
      ])
    })

    it('returns diagnostics naming the format it is given (terraform renders this policy too)', () => {
      const input = plan([files('sa1', 'sa1.file.core.windows.net')])
      const { diagnostics } = buildFirewallPolicy(input, {}, undefined, 'terraform')
      expect(diagnostics.map((d) => [d.code, d.format])).toStrictEqual([
        ['AML_EGRESS_DNS_PROXY_REQUIRED', 'terraform'],
      ])
    })
  })
})
