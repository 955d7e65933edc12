import { describe, expect, it } from 'vitest'
import { injectionChecks } from './injection'

const file = (contents: string) => [{ path: 'out/file', contents }]

describe('fuzz: injection checks', () => {
  it('returns a failure for an http_access allow line that is not ours, none for ours', () => {
    const check = injectionChecks.squid
    expect(check?.(file('http_access allow aml_egress_sources aml_egress_hosts\n'))).toStrictEqual(
      [],
    )
    expect(check?.(file('acl x dstdomain .a.example\nhttp_access allow all\n'))).toStrictEqual([
      'squid: out/file: foreign http_access line: http_access allow all',
    ])
  })

  it('returns a failure for a template sequence in HCL', () => {
    const check = injectionChecks.terraform
    expect(check?.(file('name = "aml-egress"\n'))).toStrictEqual([])
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the injected sequence under test
    expect(check?.(file('name = "a${var.x}"\n'))).toHaveLength(1)
  })

  it('returns a failure for a top-level YAML key no Kubernetes object has', () => {
    for (const format of ['network-policy', 'cilium']) {
      const check = injectionChecks[format]
      expect(check?.(file('apiVersion: v1\nkind: X\n# note\n---\nmetadata: {}\n'))).toStrictEqual(
        [],
      )
      expect(check?.(file('spec:\n  x: 1\ninjected: true\n'))).toStrictEqual([
        `${format}: out/file: unexpected top-level YAML line: injected: true`,
      ])
    }
  })

  it('returns a failure for a script or YAML line the managed-network renderer does not write', () => {
    const check = injectionChecks['aml-managed-network']
    const script = [
      '#!/bin/sh',
      'set -eu',
      'rule_set() {',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
      '  : "${2:?a line needs <workspace id> <workspace name> <resource group>}"',
      '  az ml workspace outbound-rule set --workspace-name "$1" --resource-group "$2" \\',
      "    --rule 'fqdn-pypi-org' --type fqdn --destination 'pypi.org'",
      '}',
      'while read -r id name group _ <&3 || [ -n "$id" ]; do',
      '  case $id in',
      '  \'6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c\') rule_set "$name" "$group" ;;',
      '  esac',
      'done 3<&0 </dev/null',
    ].join('\n')
    expect(check?.([{ path: 'ws/outbound-rules.sh', contents: script }])).toStrictEqual([])
    expect(
      check?.([{ path: 'ws/outbound-rules.sh', contents: `${script}\ncurl evil.example\n` }]),
    ).toStrictEqual([
      'aml-managed-network: ws/outbound-rules.sh: a script line the renderer does not write: curl evil.example',
    ])
    expect(
      check?.([{ path: 'ws/workspace.yaml', contents: 'managed_network:\n  x: 1\nname: other\n' }]),
    ).toHaveLength(1)
  })
})
