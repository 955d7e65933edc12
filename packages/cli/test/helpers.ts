import { fileURLToPath } from 'node:url'
import type { EgressFormat, Plan, Verdict } from '@aml-egress/core'
import type { Io } from '../src/io'
import { adaptFormat, type FormatRegistry } from '../src/registry'

/** An in-memory `Io`: files in a map, output collected. */
export function createMemoryIo(
  options: {
    files?: Record<string, string>
    isTTY?: boolean
    stderrIsTTY?: boolean
    env?: Record<string, string>
  } = {},
) {
  const files = new Map(Object.entries(options.files ?? {}))
  const writes: string[] = []
  let stdout = ''
  let stderr = ''
  const io: Io = {
    readFile: async (path) => files.get(path),
    listDirectory: async (path) => {
      const prefix = `${path.replace(/\/$/, '')}/`
      const inside = [...files.keys()].filter(
        (file) => file.startsWith(prefix) && !file.slice(prefix.length).includes('/'),
      )
      return inside.length > 0 ? inside.sort() : undefined
    },
    writeFile: async (path, contents) => {
      writes.push(path)
      files.set(path, contents)
    },
    stdout: (text) => {
      stdout += text
    },
    stderr: (text) => {
      stderr += text
    },
    isTTY: options.isTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: options.env ?? {},
  }
  return { io, files, writes, stdout: () => stdout, stderr: () => stderr }
}

/** Absolute path of a fixture under test/fixtures. */
export function fixturePath(path: string): string {
  return fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url))
}

/**
 * A test double of a format: one file listing the plan's outbound host rules; its reader allows
 * exactly the hosts listed in the file.
 */
export const fakeFormat: EgressFormat<string[], { upper?: boolean }> = {
  name: 'fake',
  title: 'Fake hosts list',
  capabilities: {
    exactFqdn: true,
    wildcardFqdn: true,
    serviceTag: false,
    cidr: false,
    nonHttpPorts: false,
    udp: false,
    inbound: false,
    inCluster: false,
    urlPath: false,
  },
  render: (plan: Plan) => ({
    files: [
      {
        path: 'fake/hosts.txt',
        contents: `${plan.rules.flatMap((rule) => (rule.destination.kind === 'fqdn' ? [rule.destination.fqdn] : [])).join('\n')}\n`,
      },
    ],
    diagnostics: [],
  }),
  read: async (files) => ({
    config: files.flatMap((file) => file.contents.split('\n').filter(Boolean)),
    diagnostics: [],
  }),
  evaluate: (hosts, flow): Verdict =>
    flow.destination.kind === 'host' && hosts.includes(flow.destination.host)
      ? { verdict: 'allowed', decidedBy: { rule: flow.destination.host }, reason: 'listed' }
      : { verdict: 'denied', reason: 'not listed' },
}

/** A registry holding the fake format only, with a count of loads. */
export function fakeRegistry(): { registry: FormatRegistry; loads: string[] } {
  const loads: string[] = []
  return {
    loads,
    registry: {
      fake: async () => {
        loads.push('fake')
        return adaptFormat({ format: fakeFormat })
      },
      other: async () => {
        loads.push('other')
        return { ...adaptFormat({ format: fakeFormat }), name: 'other' }
      },
    },
  }
}
