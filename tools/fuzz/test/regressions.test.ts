import { type ProfileIssue, parseProfileText } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { type FuzzCase, runFuzzCase } from '../src/describeFuzz'
import { loadFuzzedFormats } from './fuzzedFormats'

const fuzzedFormats = await loadFuzzedFormats()

/**
 * Cases the fuzzer found, kept as explicit tests (issue #9). Replay a fresh failure with
 * `FUZZ_SEED=<seed> npx vitest run`, then add its shrunk counterexample here.
 */
const regressions: readonly { title: string; fuzzCase: FuzzCase }[] = [
  {
    // azure-firewall's reader reported every IP address in a network rule's destinationAddresses
    // as "holds host name" (AML_EGRESS_READ_UNSUPPORTED): looksLikeHostName counted dots only.
    title: 'returns no reader diagnostics when network rules target API server and DNS addresses',
    fuzzCase: {
      profile: {
        workspaces: [{ id: '00000000-0000-1000-8000-000000000000', region: 'westeurope' }],
        compute: ['kubernetes'],
        kubernetes: { apiServerAddresses: ['20.1.2.3/32'], customDnsServers: ['10.1.0.4/32'] },
        sourceAddresses: ['10.0.0.0/24'],
      },
      randomHosts: ['a.aa'],
      port: 8443,
      flowOffset: 0,
    },
  },
  {
    // Seed -1874547349: a source address listed twice made squid refuse every rule ("the rule's
    // source must be a non-empty list of IPv4 CIDRs"), so every plan flow was denied. The resolver
    // now lists each source once, and squid checks the entries, not the list's length.
    title: 'returns every plan flow allowed when a source address is listed twice',
    fuzzCase: {
      profile: {
        cloud: 'china',
        workspaces: [{ id: '00000000-0000-1000-8000-000000000000', region: 'chinaeast' }],
        compute: ['computeInstance'],
        sourceAddresses: ['153.128.0.0/9', '153.128.0.0/9'],
      },
      randomHosts: ['a.aa'],
      port: 1,
      flowOffset: 0,
    },
  },
  {
    // Seed -1318490651: the managed network's FQDN rule for cdn.auth0.com (HTTPS only in the plan)
    // also opens HTTP 80, as the renderer reports (HTTP_PORTS_WIDENED), and the shared matrix
    // excuses; the fuzzer called the flow on 80 over-broad. It now excuses the same flows.
    title:
      'returns no failure for a host the managed network opens on both HTTP ports, as reported',
    fuzzCase: {
      profile: {
        cloud: 'public',
        workspaces: [{ id: '00000000-0000-1000-8000-000000000000', region: 'australiacentral' }],
        compute: ['computeInstance'],
        features: { huggingFace: true },
        sourceAddresses: ['0.0.0.0/8'],
      },
      randomHosts: ['a.aa'],
      port: 80,
      flowOffset: 81,
    },
  },
]

describe('fuzz: regressions', () => {
  for (const { title, fuzzCase } of regressions)
    it(title, async () => {
      expect(await runFuzzCase({ formats: fuzzedFormats, fuzzCase })).toStrictEqual([])
    })
})

describe('fuzz regressions: invalid profiles', () => {
  // Seed 1708801992, path 485:1279 of "malformed texts": `: :{…}` is valid YAML with an empty key
  // at the root, and the issue for that key had an empty path. (js-yaml reads that YAML null key as
  // "null"; the JSON spelling keeps the empty key.)
  it('names every issue of a profile with an empty key', () => {
    try {
      parseProfileText('{"": ":{}", "cloud": "usgov"}', 'profile.yaml')
      expect.unreachable('the profile must be rejected')
    } catch (error) {
      const issues = (error as { issues: readonly ProfileIssue[] }).issues
      expect(issues.map((issue) => issue.path)).toContain('[""]')
      for (const issue of issues) expect(issue.path).not.toBe('')
    }
  })
})
