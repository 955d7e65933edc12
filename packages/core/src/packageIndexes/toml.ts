import { parse, TomlError } from 'smol-toml'
import { scanCondaChannel } from './conda'
import { pypiHosts } from './hosts'
import { scanRequirement } from './requirementsTxt'
import {
  addDocumentedHosts,
  addUrl,
  createScan,
  type EnvironmentFileKind,
  type EnvironmentFileScan,
  lineFinder,
  reportLine,
  usesDefaultIndex,
} from './scan'

/**
 * The TOML files that name package sources: `pyproject.toml` (PEP 621 dependencies, uv's
 * `[[tool.uv.index]]` and `[tool.uv.sources]`, Poetry's `[[tool.poetry.source]]`, `[tool.pixi]`),
 * `pixi.toml`, and pipenv's `Pipfile` (`[[source]]`).
 */

type Table = Record<string, unknown>
type Find = (value: string, from?: number) => number

function table(value: unknown): Table {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {}
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : []
}

function parseToml(
  input: { path: string; text: string; root?: string },
  kind: EnvironmentFileKind,
): { scan: EnvironmentFileScan; document: Table | undefined; find: Find } {
  const scan = createScan(input.path, kind, input.root)
  const find = lineFinder(input.text)
  try {
    return { scan, document: parse(input.text) as Table, find }
  } catch (error) {
    if (!(error instanceof TomlError)) throw error
    reportLine(scan, error.line, `not valid TOML: ${error.message.split('\n')[0] ?? ''}`)
    return { scan, document: undefined, find }
  }
}

/** A dependency table's value: a version (default index), `git`/`url` (their host), a path. */
function scanDependencyValue(
  scan: EnvironmentFileScan,
  input: { name: string; value: unknown; line: number },
): void {
  const { value, line } = input
  if (typeof value === 'string') {
    usesDefaultIndex(scan, line)
    return
  }
  const entries = Array.isArray(value) ? value.map(table) : [table(value)]
  for (const entry of entries) {
    if (typeof entry.git === 'string') addUrl(scan, { text: entry.git, line, kind: 'vcs' })
    else if (typeof entry.url === 'string')
      addUrl(scan, { text: entry.url, line, kind: 'directUrl' })
    else if (typeof entry.file === 'string' && /^[a-z]+:\/\//i.test(entry.file))
      addUrl(scan, { text: entry.file, line, kind: 'directUrl' })
    else if (entry.path === undefined && entry.workspace === undefined && entry.index === undefined)
      if (entry.source === undefined) usesDefaultIndex(scan, line)
  }
}

function scanDependencyTable(scan: EnvironmentFileScan, dependencies: unknown, find: Find): void {
  for (const [name, value] of Object.entries(table(dependencies))) {
    if (name === 'python') continue
    scanDependencyValue(scan, { name, value, line: find(name) })
  }
}

/** PEP 621 `[project]` dependencies and PEP 735 `[dependency-groups]`: requirement strings. */
function scanProject(scan: EnvironmentFileScan, document: Table, find: Find): void {
  const project = table(document.project)
  const lists = [
    strings(project.dependencies),
    ...Object.values(table(project['optional-dependencies'])).map(strings),
    ...Object.values(table(document['dependency-groups'])).map(strings),
  ]
  for (const list of lists)
    for (const requirement of list) scanRequirement(scan, requirement, find(requirement))
}

/** uv: `[[tool.uv.index]]` (a `default = true` index replaces PyPI), the older keys, sources. */
function scanUv(scan: EnvironmentFileScan, uv: Table, find: Find): void {
  for (const index of Array.isArray(uv.index) ? uv.index.map(table) : []) {
    if (typeof index.url !== 'string') {
      reportLine(scan, find('[[tool.uv.index]]'), 'a [[tool.uv.index]] without a url')
      continue
    }
    if (index.default === true) scan.replacesDefaultIndex = true
    addUrl(scan, {
      text: index.url,
      line: find(index.url),
      kind: index.default === true ? 'index' : 'extraIndex',
    })
  }
  if (typeof uv['index-url'] === 'string') {
    scan.replacesDefaultIndex = true
    addUrl(scan, { text: uv['index-url'], line: find(uv['index-url']), kind: 'index' })
  }
  if (uv['no-index'] === true) scan.replacesDefaultIndex = true
  for (const url of strings(uv['extra-index-url']))
    addUrl(scan, { text: url, line: find(url), kind: 'extraIndex' })
  for (const url of strings(uv['find-links']))
    if (/^[a-z]+:\/\//i.test(url)) addUrl(scan, { text: url, line: find(url), kind: 'findLinks' })
  for (const [name, value] of Object.entries(table(uv.sources)))
    scanDependencyValue(scan, { name, value, line: find(name, find('[tool.uv.sources]')) })
}

/**
 * Poetry: a source with priority `primary` (the default when none is given) or the deprecated
 * `default` turns PyPI off; `supplemental` and `explicit` add to it. A source named PyPI without a
 * url is PyPI (https://python-poetry.org/docs/repositories/#package-sources).
 */
function scanPoetry(scan: EnvironmentFileScan, poetry: Table, find: Find): void {
  for (const source of Array.isArray(poetry.source) ? poetry.source.map(table) : []) {
    const name = typeof source.name === 'string' ? source.name : ''
    const line = find(typeof source.url === 'string' ? source.url : name)
    const priority = typeof source.priority === 'string' ? source.priority : 'primary'
    const primary = priority === 'primary' || priority === 'default' || source.default === true
    if (typeof source.url === 'string') {
      if (primary) scan.replacesDefaultIndex = true
      addUrl(scan, { text: source.url, line, kind: primary ? 'index' : 'extraIndex' })
    } else if (name.toLowerCase() === 'pypi')
      addDocumentedHosts(scan, {
        kind: 'index',
        line,
        via: 'Poetry source PyPI',
        documented: pypiHosts,
      })
    else reportLine(scan, line, `the Poetry source '${name.slice(0, 80)}' has no url`)
  }
  scanDependencyTable(scan, poetry.dependencies, find)
  for (const group of Object.values(table(poetry.group)))
    scanDependencyTable(scan, table(group).dependencies, find)
}

/** pixi: conda channels, and PyPI options for `pypi-dependencies`. */
function scanPixi(scan: EnvironmentFileScan, pixi: Table, find: Find): void {
  const workspace = table(pixi.workspace ?? pixi.project)
  const features = Object.values(table(pixi.feature)).map(table)
  for (const part of [workspace, ...features])
    for (const channel of Array.isArray(part.channels) ? part.channels : []) {
      const name = typeof channel === 'string' ? channel : table(channel).channel
      if (typeof name === 'string') scanCondaChannel(scan, name, find(name, find('channels')))
    }
  const options = table(pixi['pypi-options'])
  if (typeof options['index-url'] === 'string') {
    scan.replacesDefaultIndex = true
    addUrl(scan, { text: options['index-url'], line: find(options['index-url']), kind: 'index' })
  }
  for (const url of strings(options['extra-index-urls']))
    addUrl(scan, { text: url, line: find(url), kind: 'extraIndex' })
  for (const link of Array.isArray(options['find-links']) ? options['find-links'].map(table) : [])
    if (typeof link.url === 'string')
      addUrl(scan, { text: link.url, line: find(link.url), kind: 'findLinks' })
  for (const part of [pixi, ...features]) scanDependencyTable(scan, part['pypi-dependencies'], find)
}

/** Reads a `pyproject.toml`: PEP 621 dependencies, uv, Poetry and pixi settings. */
export function scanPyproject(input: {
  path: string
  text: string
  root?: string
}): EnvironmentFileScan {
  const { scan, document, find } = parseToml(input, 'pyproject')
  if (!document) return scan
  const tool = table(document.tool)
  scanProject(scan, document, find)
  scanUv(scan, table(tool.uv), find)
  scanPoetry(scan, table(tool.poetry), find)
  scanPixi(scan, table(tool.pixi), find)
  return scan
}

/** Reads a `pixi.toml` manifest: the same keys as `[tool.pixi]` at the top level. */
export function scanPixiManifest(input: {
  path: string
  text: string
  root?: string
}): EnvironmentFileScan {
  const { scan, document, find } = parseToml(input, 'pixi')
  if (document) scanPixi(scan, document, find)
  return scan
}

/**
 * Reads a pipenv `Pipfile`: every `[[source]]` is an index, and PyPI is used only when listed
 * (with no source at all, pipenv uses PyPI); `git` and `file` packages name their hosts.
 */
export function scanPipfile(input: {
  path: string
  text: string
  root?: string
}): EnvironmentFileScan {
  const { scan, document, find } = parseToml(input, 'pipfile')
  if (!document) return scan
  const sources = Array.isArray(document.source) ? document.source.map(table) : []
  if (sources.length > 0) scan.replacesDefaultIndex = true
  for (const source of sources) {
    if (typeof source.url === 'string')
      addUrl(scan, { text: source.url, line: find(source.url), kind: 'index' })
    else reportLine(scan, find('[[source]]'), 'a [[source]] without a url')
  }
  for (const section of ['packages', 'dev-packages'])
    for (const [name, value] of Object.entries(table(document[section]))) {
      const line = find(name, find(`[${section}]`))
      // A package with `index = "name"` comes from that [[source]], listed above.
      if (table(value).index !== undefined) continue
      if (typeof value === 'string' || table(value).version !== undefined)
        usesDefaultIndex(scan, line)
      else scanDependencyValue(scan, { name, value, line })
    }
  return scan
}
