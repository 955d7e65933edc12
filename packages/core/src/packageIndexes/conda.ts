import { load, YAMLException } from 'js-yaml'
import { condaChannelAliasHosts, condaDefaultsHosts } from './hosts'
import { scanRequirementsLine } from './requirementsTxt'
import {
  addDocumentedHosts,
  addUrl,
  createScan,
  type EnvironmentFileScan,
  lineFinder,
  reportLine,
} from './scan'

/**
 * conda's environment file (`environment.yml`,
 * https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html#create-env-file-manually):
 * `channels:` by name or URL, `dependencies:` with `channel::package` specs and a `pip:` list of
 * requirements-file lines.
 */

const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9._-]+)*$/

/** A channel by name or URL: the documented hosts of a name, the host of a URL. */
export function scanCondaChannel(scan: EnvironmentFileScan, channel: string, line: number): void {
  if (channel === 'nodefaults') return
  if (channel === 'defaults') {
    addDocumentedHosts(scan, {
      kind: 'condaChannel',
      line,
      via: 'conda channel defaults',
      documented: condaDefaultsHosts,
    })
    return
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(channel)) {
    addUrl(scan, { text: channel, line, kind: 'condaChannel' })
    return
  }
  if (channel.startsWith('/') || channel.startsWith('.') || channel.startsWith('~')) return
  if (!CHANNEL_NAME.test(channel)) {
    reportLine(scan, line, `'${channel.slice(0, 80)}' is not a conda channel name or URL`)
    return
  }
  addDocumentedHosts(scan, {
    kind: 'condaChannel',
    line,
    via: `conda channel ${channel}`,
    documented: condaChannelAliasHosts,
  })
}

type Find = ReturnType<typeof lineFinder>

function scanChannels(scan: EnvironmentFileScan, channels: unknown, find: Find): void {
  const at = find('channels:')
  if (channels === undefined || channels === null) {
    reportLine(
      scan,
      1,
      "no channels: conda would use the channels of its own configuration (.condarc), which this file does not say; list them under 'channels:'",
    )
    return
  }
  if (!Array.isArray(channels)) {
    reportLine(scan, at, "'channels' is a list of channel names or URLs")
    return
  }
  for (const channel of channels) {
    if (typeof channel === 'string') scanCondaChannel(scan, channel.trim(), find(channel, at))
    else reportLine(scan, at, "'channels' is a list of channel names or URLs")
  }
}

function scanPipSection(scan: EnvironmentFileScan, items: unknown, find: Find, from: number): void {
  if (!Array.isArray(items)) {
    reportLine(scan, from, "'pip' is a list of requirements-file lines")
    return
  }
  for (const item of items) {
    if (typeof item !== 'string') {
      reportLine(scan, from, "'pip' is a list of requirements-file lines")
      continue
    }
    scanRequirementsLine(scan, item.trim(), find(item.trim(), from))
  }
}

function scanDependencies(scan: EnvironmentFileScan, dependencies: unknown, find: Find): void {
  if (dependencies === undefined || dependencies === null) return
  const at = find('dependencies:')
  if (!Array.isArray(dependencies)) {
    reportLine(scan, at, "'dependencies' is a list of package specs")
    return
  }
  for (const dependency of dependencies) {
    if (typeof dependency === 'string') {
      // `channel::package` takes that package from the channel.
      const channel = /^([^:\s]+)::/.exec(dependency.trim())?.[1]
      if (channel !== undefined) scanCondaChannel(scan, channel, find(dependency, at))
    } else if (dependency && typeof dependency === 'object' && 'pip' in dependency)
      scanPipSection(scan, dependency.pip, find, find('pip:', at))
    else reportLine(scan, at, 'a dependency is a package spec or a pip: list')
  }
}

/** Reads a conda environment file: its channels, `channel::package` specs and its `pip:` section. */
export function scanCondaEnvironment(input: {
  path: string
  text: string
  root?: string
}): EnvironmentFileScan {
  const scan = createScan(input.path, 'conda', input.root)
  let document: unknown
  try {
    document = load(input.text, { filename: input.path, maxAliases: 100 })
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error
    reportLine(scan, (error.mark?.line ?? 0) + 1, `not valid YAML: ${error.reason}`)
    return scan
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    reportLine(scan, 1, 'a conda environment file is a mapping with channels and dependencies')
    return scan
  }
  const find = lineFinder(input.text)
  const environment = document as Record<string, unknown>
  scanChannels(scan, environment.channels, find)
  scanDependencies(scan, environment.dependencies, find)
  return scan
}
