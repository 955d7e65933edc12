import { describe, expect, it } from 'vitest'
import { capabilityNames, type FormatCapabilities } from './format'
import type { Plan, PlanRule, RuleEndpoint } from './plan'
import { capabilitiesNeeded, countExpressedRules, missingCapabilities, triagePlan } from './triage'

const SUBNET: RuleEndpoint = { kind: 'addresses', addresses: ['10.0.0.0/24'] }

/** A rule as the resolver writes one; only what a test sets differs. */
function rule(fields: Partial<PlanRule> & Pick<PlanRule, 'id' | 'destination'>): PlanRule {
  return {
    direction: 'outbound',
    source: SUBNET,
    protocol: 'TCP',
    ports: [{ from: 443, to: 443 }],
    applicationProtocols: [],
    websocket: false,
    level: 'required',
    serviceTagFallbacks: [],
    requirementIds: ['req-1'],
    scenarios: ['general'],
    workspaces: [],
    risks: [],
    subsumes: [],
    ...fields,
  }
}

function planOf(rules: PlanRule[]): Plan {
  return {
    catalog: { version: 'test', docDate: '2026-01-01' },
    cloud: 'public',
    destinationStyle: 'hosts',
    sourceAddresses: ['10.0.0.0/24'],
    rules,
    advisories: [],
  }
}

const none: FormatCapabilities = {
  exactFqdn: false,
  wildcardFqdn: false,
  serviceTag: false,
  cidr: false,
  nonHttpPorts: false,
  udp: false,
  inbound: false,
  inCluster: false,
  attachedCompute: false,
  urlPath: false,
}
/** What a forward proxy can say: host names on HTTP and HTTPS. */
const proxy: FormatCapabilities = { ...none, exactFqdn: true, wildcardFqdn: true }
/** Everything. */
const all: FormatCapabilities = Object.fromEntries(
  Object.keys(none).map((key) => [key, true]),
) as FormatCapabilities

const storage = rule({
  id: 'outbound/tcp/sa.file.core.windows.net',
  destination: { kind: 'fqdn', fqdn: 'sa.file.core.windows.net' },
  ports: [
    { from: 443, to: 443 },
    { from: 445, to: 445 },
  ],
  serviceTagFallbacks: ['Storage.WestEurope'],
})
const tundra = rule({
  id: 'outbound/udp/*.tundra.westeurope.api.azureml.ms',
  destination: { kind: 'fqdn', fqdn: '*.tundra.westeurope.api.azureml.ms' },
  protocol: 'UDP',
  ports: [{ from: 5831, to: 5831 }],
})
const batch = rule({
  id: 'outbound/any/tag:BatchNodeManagement.WestEurope',
  destination: { kind: 'serviceTag', tag: 'BatchNodeManagement.WestEurope' },
  protocol: 'ANY',
  ports: [{ from: 443, to: 443 }],
})
const inbound = rule({
  id: 'inbound/tcp/tag:AzureMachineLearning',
  direction: 'inbound',
  source: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
  destination: SUBNET,
  ports: [{ from: 44224, to: 44224 }],
})
const podToPod = rule({
  id: 'inCluster/tcp/pods',
  direction: 'inCluster',
  source: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
  destination: { kind: 'pods', namespaces: ['azureml'], podLabels: {} },
  ports: [{ from: 5001, to: 5001 }],
})
const notebook = rule({
  id: 'outbound/tcp/ml.azure.com/path',
  destination: { kind: 'fqdn', fqdn: 'ml.azure.com', urlPath: '/notebooks' },
})
const anyPort = rule({
  id: 'outbound/any/*.example.com',
  destination: { kind: 'fqdn', fqdn: '*.example.com' },
  protocol: 'ANY',
  ports: [],
})

describe('capabilityNames', () => {
  it('lists every capability of FormatCapabilities once (the type requires each key of `none`)', () => {
    expect([...capabilityNames].sort()).toStrictEqual(Object.keys(none).sort())
  })
})

describe('capabilitiesNeeded', () => {
  it('asks for the destination kind, UDP and non-HTTP ports of a rule', () => {
    expect(capabilitiesNeeded(storage)).toStrictEqual(['exactFqdn', 'nonHttpPorts'])
    expect(capabilitiesNeeded(tundra)).toStrictEqual(['wildcardFqdn', 'udp', 'nonHttpPorts'])
    expect(capabilitiesNeeded(batch)).toStrictEqual(['serviceTag', 'udp'])
  })

  it('asks only for what one flow uses', () => {
    expect(capabilitiesNeeded(storage, { protocol: 'TCP', port: 443 })).toStrictEqual(['exactFqdn'])
    expect(capabilitiesNeeded(batch, { protocol: 'TCP', port: 443 })).toStrictEqual(['serviceTag'])
  })

  it('judges inbound rules by their outside end and in-cluster rules as one capability', () => {
    expect(capabilitiesNeeded(inbound)).toStrictEqual(['inbound', 'serviceTag', 'nonHttpPorts'])
    expect(capabilitiesNeeded(podToPod)).toStrictEqual(['inCluster'])
  })

  it('lists what a format lacks, nothing when it has everything', () => {
    expect(missingCapabilities(proxy, tundra)).toStrictEqual(['udp', 'nonHttpPorts'])
    expect(missingCapabilities(all, tundra)).toStrictEqual([])
  })
})

describe('triagePlan', () => {
  const triage = (rules: PlanRule[], capabilities: FormatCapabilities) =>
    triagePlan(planOf(rules), { name: 'test', capabilities, unsupportedHelp: { udp: 'elsewhere' } })

  it('hands a format with every capability every rule, whole, and says nothing', () => {
    const result = triage([storage, tundra, batch, inbound, podToPod, anyPort], all)
    expect(result.diagnostics).toStrictEqual([])
    expect(result.rules.map((r) => [r.rule.id, r.protocol, r.ports])).toStrictEqual(
      [storage, tundra, batch, inbound, podToPod, anyPort].map((r) => [r.id, r.protocol, r.ports]),
    )
    expect(result.byDirection.inbound.map((r) => r.index)).toStrictEqual([3])
    expect(result.byDirection.inCluster.map((r) => r.index)).toStrictEqual([4])
  })

  it('keeps the HTTPS part of a host rule for a proxy and reports the SMB port left out', () => {
    const result = triage([storage], proxy)
    expect(result.rules.map((r) => r.ports)).toStrictEqual([[{ from: 443, to: 443 }]])
    // Info, not a warning (issue 20): SMB is not a proxy's to carry; the part left out, TCP 445 to
    // a host, needs host names and other ports, whichever format carries it.
    expect(result.diagnostics).toMatchObject([
      {
        code: 'AML_EGRESS_OUT_OF_SCOPE',
        severity: 'info',
        ruleId: storage.id,
        requirementIds: ['req-1'],
        lacks: 'nonHttpPorts',
        needs: ['exactFqdn', 'nonHttpPorts'],
        path: ['rules', 0],
        format: 'test',
      },
    ])
    expect(result.diagnostics[0]?.message).toContain('TCP 445')
    expect(result.diagnostics[0]?.message).toContain('Storage.WestEurope')
  })

  it('leaves out what a proxy cannot carry at all, each with one info diagnostic', () => {
    const result = triage([tundra, batch, inbound, podToPod], proxy)
    expect(result.rules).toStrictEqual([])
    // A proxy is not meant to carry UDP, service tags, inbound or in-cluster traffic: nothing for
    // the user to fix in it (issue 20), so info; each names the first capability it lacks, in
    // triage's order (direction, far end, protocol), and everything the rule needs.
    expect(
      result.diagnostics.map((d) => [d.ruleId, d.code, d.severity, d.lacks, d.needs]),
    ).toStrictEqual([
      [
        tundra.id,
        'AML_EGRESS_OUT_OF_SCOPE',
        'info',
        'udp',
        ['wildcardFqdn', 'udp', 'nonHttpPorts'],
      ],
      [batch.id, 'AML_EGRESS_OUT_OF_SCOPE', 'info', 'serviceTag', ['serviceTag', 'udp']],
      [
        inbound.id,
        'AML_EGRESS_NOT_EGRESS',
        'info',
        'inbound',
        ['inbound', 'serviceTag', 'nonHttpPorts'],
      ],
      [podToPod.id, 'AML_EGRESS_OUT_OF_SCOPE', 'info', 'inCluster', ['inCluster']],
    ])
    expect(result.diagnostics[0]?.help).toBe('elsewhere')
  })

  it('says what the part of a rule left out needs, not the whole rule', () => {
    // GIVEN protocol ANY on every port to a wildcard host, for a proxy (TCP 80 and 443 only)
    const result = triage([anyPort], proxy)
    // THEN the UDP half needs UDP on any port; the TCP rest needs other ports, not UDP
    expect(result.diagnostics.map((d) => [d.lacks, d.needs])).toStrictEqual([
      ['udp', ['wildcardFqdn', 'udp', 'nonHttpPorts']],
      ['nonHttpPorts', ['wildcardFqdn', 'nonHttpPorts']],
    ])
  })

  it('renders the TCP half of protocol ANY on 80 and 443 when the format has neither UDP nor other ports', () => {
    const result = triage([anyPort], proxy)
    expect(result.rules.map((r) => [r.protocol, r.ports])).toStrictEqual([
      [
        'TCP',
        [
          { from: 80, to: 80 },
          { from: 443, to: 443 },
        ],
      ],
    ])
    expect(result.diagnostics.map((d) => d.message)).toStrictEqual([
      expect.stringContaining('UDP half'),
      expect.stringContaining('TCP 1-79,81-442,444-65535'),
    ])
  })

  it('allows the host of a URL path and says the path needs TLS inspection, as info', () => {
    const result = triage([notebook], proxy)
    expect(result.rules.map((r) => r.rule.id)).toStrictEqual([notebook.id])
    expect(result.diagnostics).toMatchObject([
      { code: 'AML_EGRESS_TLS_INSPECTION_REQUIRED', severity: 'info' },
    ])
  })

  it('hands a host it cannot name to a format that names service tags, when the docs give one', () => {
    const tags: FormatCapabilities = { ...all, exactFqdn: false, wildcardFqdn: false }
    const result = triage([storage, anyPort], tags)
    expect(result.rules.map((r) => [r.rule.id, r.viaServiceTagFallback])).toStrictEqual([
      [storage.id, true],
    ])
    expect(result.diagnostics.map((d) => [d.ruleId, d.code])).toStrictEqual([
      [anyPort.id, 'AML_EGRESS_OUT_OF_SCOPE'],
    ])
  })
})

describe('countExpressedRules', () => {
  const plan = planOf([storage, tundra, batch, inbound, podToPod, notebook, anyPort])

  it('counts the rules a format expresses whole or in part, by the same triage', () => {
    // A proxy keeps storage's 443, the notebook host and the TCP 80/443 of anyPort; the tundra
    // rule is UDP only, batch a tag, inbound and pod traffic out of its reach: 3 of 7.
    expect(countExpressedRules(plan, { name: 'proxy', capabilities: proxy })).toBe(3)
    expect(countExpressedRules(plan, { name: 'all', capabilities: all })).toBe(7)
    expect(countExpressedRules(plan, { name: 'none', capabilities: none })).toBe(0)
  })

  it('agrees with triagePlan for every single-capability format', () => {
    for (const capability of capabilityNames) {
      const format = { name: capability, capabilities: { ...none, [capability]: true } }
      expect(countExpressedRules(plan, format)).toBe(triagePlan(plan, format).rules.length)
    }
  })
})

describe('triagePlan, rules of one shape', () => {
  const files = (id: string, tag: string) =>
    rule({
      id,
      destination: { kind: 'fqdn', fqdn: `${id}.file.core.windows.net` },
      ports: [{ from: 443, to: 445 }],
      serviceTagFallbacks: [tag],
    })

  it('returns each rule its own host, service tag and port list', () => {
    // GIVEN two rules that differ only in host, documented tag and port list object (equal content)
    const plan = planOf([files('sa1', 'Storage.WestEurope'), files('sa2', 'Storage.NorthEurope')])
    // WHEN a proxy (HTTP and HTTPS only) triages them, one diagnostic per rule
    const { rules, diagnostics } = triagePlan(
      plan,
      { name: 'proxy', capabilities: proxy },
      { diagnostics: 'every' },
    )
    // THEN each keeps 443 and leaves out 444-445, said with its own host and tag
    expect(rules.map((r) => [r.rule.id, r.ports])).toStrictEqual([
      ['sa1', [{ from: 443, to: 443 }]],
      ['sa2', [{ from: 443, to: 443 }]],
    ])
    expect(diagnostics.map((d) => d.message)).toStrictEqual([
      'proxy carries only HTTP 80 and HTTPS 443: TCP 444-445 to sa1.file.core.windows.net is left out (documented service tag: Storage.WestEurope)',
      'proxy carries only HTTP 80 and HTTPS 443: TCP 444-445 to sa2.file.core.windows.net is left out (documented service tag: Storage.NorthEurope)',
    ])
  })

  it('returns a rule rendered whole with its own port list', () => {
    // GIVEN two rules of one shape, each with its own port list
    const first = files('sa1', 'Storage.WestEurope')
    const second = files('sa2', 'Storage.WestEurope')
    // WHEN a format that carries every port triages them
    const { rules } = triagePlan(planOf([first, second]), { name: 'firewall', capabilities: all })
    // THEN each triaged rule holds its rule's own ports, not the first rule's
    expect(rules[0]?.ports).toBe(first.ports)
    expect(rules[1]?.ports).toBe(second.ports)
  })
})
