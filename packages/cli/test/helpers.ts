import { fileURLToPath } from 'node:url'
import type { EgressFormat, Plan, Verdict } from '@aml-egress/core'
import type { EntryKind, Io } from '../src/io'
import type { FormatRegistry } from '../src/registry'

/** An in-memory `Io`: files in a map, output collected. */
export function createMemoryIo(
  options: {
    files?: Record<string, string>
    isTTY?: boolean
    stderrIsTTY?: boolean
    env?: Record<string, string>
    /** Paths that are symbolic links (their targets are not modelled: render must not look). */
    symlinks?: readonly string[]
  } = {},
) {
  const files = new Map(Object.entries(options.files ?? {}))
  const symlinks = new Set(options.symlinks ?? [])
  const writes: string[] = []
  const removed: string[] = []
  const kindOf = (path: string): EntryKind => {
    if (symlinks.has(path)) return 'symlink'
    if (files.has(path)) return 'file'
    const prefix = `${path.replace(/\/$/, '')}/`
    return [...files.keys(), ...symlinks].some((file) => file.startsWith(prefix))
      ? 'directory'
      : 'missing'
  }
  let stdout = ''
  let stderr = ''
  const io: Io = {
    readFile: async (path) => files.get(path),
    entryKind: async (path) => kindOf(path),
    listDirectory: async (path, options) => {
      const prefix = `${path.replace(/\/$/, '')}/`
      const depth = options?.depth ?? 1
      const inside = [...files.keys()].filter(
        (file) => file.startsWith(prefix) && file.slice(prefix.length).split('/').length <= depth,
      )
      return inside.length > 0 ? inside.sort() : undefined
    },
    writeFile: async (path, contents) => {
      writes.push(path)
      files.set(path, contents)
    },
    applyFileBatch: async (batch) => {
      for (const change of batch.writes) {
        writes.push(`${batch.root}/${change.path}`)
        files.set(`${batch.root}/${change.path}`, change.contents)
      }
      for (const removal of batch.removals) {
        removed.push(`${batch.root}/${removal.path}`)
        files.delete(`${batch.root}/${removal.path}`)
      }
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
  return { io, files, writes, removed, stdout: () => stdout, stderr: () => stderr }
}

/** A small valid profile: one workspace with one storage account, compute clusters. */
export const clusterProfileText = `workspaces:
  - id: 3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d1e55
    region: westeurope
    storageAccounts: [contosomlstore]
compute: [computeCluster]
sourceAddresses: [10.20.0.0/24]
`

/** Absolute path of a fixture under test/fixtures. */
export function fixturePath(path: string): string {
  return fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url))
}

/**
 * A test double of a format: one file listing the plan's outbound host rules (upper-cased with
 * `--upper`, after a `# limit N` line with `--limit N`); its reader allows exactly the hosts
 * listed in the file.
 */
export const fakeFormat: EgressFormat<string[], { upper?: boolean; limit?: number }> = {
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
    attachedCompute: true,
    urlPath: false,
  },
  fileExtensions: ['.txt'],
  renderOptions: [
    { key: 'upper', flag: 'upper', description: 'upper-case the hosts', type: 'boolean' },
    { key: 'limit', flag: 'limit', description: 'a header line', type: 'integer', default: '0' },
  ],
  render: (plan: Plan, options) => {
    const hosts = plan.rules.flatMap((rule) =>
      rule.destination.kind === 'fqdn' ? [rule.destination.fqdn] : [],
    )
    const lines = [
      ...(options?.limit === undefined ? [] : [`# limit ${options.limit}`]),
      ...hosts.map((host) => (options?.upper ? host.toUpperCase() : host)),
    ]
    return {
      files: [{ path: 'fake/hosts.txt', contents: `${lines.join('\n')}\n` }],
      diagnostics: [],
    }
  },
  read: async (files) => ({
    config: files.flatMap((file) =>
      file.contents.split('\n').filter((line) => line !== '' && !line.startsWith('#')),
    ),
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
        return fakeFormat
      },
      other: async () => {
        loads.push('other')
        return { ...fakeFormat, name: 'other', renderOptions: [] }
      },
    },
  }
}
