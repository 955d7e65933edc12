import { describe, expect, it } from 'vitest'
import type { AmlManagedRule } from './model'
import { managedByAmlJson } from './writeManifest'

describe('format: aml-managed-network', () => {
  describe('managedByAmlJson', () => {
    const shared = { workspaces: ['ws-a'], requirementIds: ['host-aml-07'] }
    // More rules than one chunk of lines, with lists shared between rules and a value to escape.
    const rules: AmlManagedRule[] = Array.from({ length: 600 }, (_, at) => ({
      destination: at % 3 === 0 ? { serviceTag: `Tag${at}` } : { fqdn: `h${at}.example.com` },
      protocol: at % 2 === 0 ? 'TCP' : 'ANY',
      ports: at % 5 === 0 ? [] : [{ from: 443, to: 443 }],
      ...(at % 7 === 0 ? { workspaces: [], requirementIds: [`r"${at}`] } : shared),
    }))
    const input = {
      catalog: { version: '1.0.0', docDate: '2026-01-01' },
      isolationMode: 'AllowOnlyApprovedOutbound' as const,
      sourceAddresses: ['10.0.0.0/16'],
      workspaces: ['ws-a'],
      rules,
    }

    it('returns one rule a line, each the JSON of its fields in the documented order', () => {
      const lines = managedByAmlJson(input).split('\n')
      const start = lines.indexOf('  "rules": [') + 1
      // Written field by field from the file's layout, not by the writer's own code.
      const expected = rules.map((rule, at) => {
        const line = JSON.stringify({
          destination: rule.destination,
          protocol: rule.protocol,
          ports: rule.ports.length === 0 ? '*' : '443',
          workspaces: rule.workspaces,
          requirements: rule.requirementIds,
        })
        return `    ${line}${at < rules.length - 1 ? ',' : ''}`
      })
      expect(lines.slice(start, start + rules.length)).toStrictEqual(expected)
      expect(lines.slice(start + rules.length)).toStrictEqual(['  ]', '}', ''])
    })

    it('returns a JSON document whose rules read back as given', () => {
      const parsed = JSON.parse(managedByAmlJson(input)) as { rules: { requirements: string[] }[] }
      expect(parsed.rules).toHaveLength(600)
      expect(parsed.rules[7]?.requirements).toStrictEqual(['r"7'])
    })

    it('returns an empty rules list on one line', () => {
      expect(managedByAmlJson({ ...input, rules: [] })).toMatch(/,\n {2}"rules": \[\]\n\}\n$/)
    })
  })
})
