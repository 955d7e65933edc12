import type { Diagnostic } from '../diagnostics'
import { compareOrdinal } from '../order'
import { mergePortRanges, type PortRange } from '../ports'
import { pypiHosts } from './hosts'
import { addDocumentedHosts, type EnvironmentFileScan } from './scan'

/** One host the environment files need, with every place that names it. */
export type PackageHost = {
  /** Lower-case host name, or an IPv4 address. */
  host: string
  ports: PortRange[]
  /** Each place that names it, in file and line order. */
  locations: { file: string; line: number }[]
  /** What names it (the kind and the scheme and host of a URL, a channel name), once each. */
  via: string[]
  /** Where the host of a name is documented (PyPI, a conda channel). */
  documentation: string[]
}

/**
 * PyPI for each group of files (a file and its includes) that installs a package from the default
 * index without replacing it, at the first line that does.
 */
function addDefaultIndex(scans: readonly EnvironmentFileScan[]): EnvironmentFileScan[] {
  const roots = new Map<string, EnvironmentFileScan[]>()
  for (const scan of scans) roots.set(scan.root, [...(roots.get(scan.root) ?? []), scan])
  const withDefault: EnvironmentFileScan[] = []
  for (const group of roots.values()) {
    const first = group.find((scan) => scan.defaultIndexLine !== undefined)
    if (!first || first.defaultIndexLine === undefined) continue
    if (group.some((scan) => scan.replacesDefaultIndex)) continue
    const implied: EnvironmentFileScan = { ...first, sources: [], diagnostics: [] }
    addDocumentedHosts(implied, {
      kind: 'defaultIndex',
      line: first.defaultIndexLine,
      via: 'PyPI, the default index',
      documented: pypiHosts,
    })
    withDefault.push(implied)
  }
  return [...scans, ...withDefault]
}

/**
 * The hosts a set of scanned environment files needs: the hosts they name, PyPI where a package
 * comes from the default index, merged by host (ports joined), sorted. Their diagnostics too.
 */
export function packageIndexHosts(scans: readonly EnvironmentFileScan[]): {
  hosts: PackageHost[]
  diagnostics: Diagnostic[]
} {
  const byHost = new Map<string, PackageHost>()
  for (const scan of addDefaultIndex(scans))
    for (const source of scan.sources) {
      let host = byHost.get(source.host)
      if (!host) {
        host = { host: source.host, ports: [], locations: [], via: [], documentation: [] }
        byHost.set(source.host, host)
      }
      host.ports = mergePortRanges([...host.ports, { from: source.port, to: source.port }])
      if (!host.locations.some((l) => l.file === scan.path && l.line === source.line))
        host.locations.push({ file: scan.path, line: source.line })
      if (!host.via.includes(source.via)) host.via.push(source.via)
      for (const page of source.documentation ?? [])
        if (!host.documentation.includes(page)) host.documentation.push(page)
    }
  const hosts = [...byHost.values()].sort((a, b) => compareOrdinal(a.host, b.host))
  for (const host of hosts)
    host.locations.sort((a, b) => compareOrdinal(a.file, b.file) || a.line - b.line)
  return { hosts, diagnostics: scans.flatMap((scan) => scan.diagnostics) }
}
