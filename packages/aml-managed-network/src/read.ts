/**
 * Reads managed network files in any of the shapes (`.yaml`/`.yml`, `.sh`, `.json`, `.tf`) into
 * one config: the files of one directory are one rule set (the renderer writes a directory per
 * set of workspaces that need the same rules) or one workspace, and `managed-by-aml.json` lists
 * what Azure ML applies itself. What cannot be interpreted is a READ_* diagnostic and an opaque
 * entry, so dependent flows evaluate to unknown.
 */
import {
  compareOrdinal,
  type Diagnostic,
  type ReadResult,
  type RenderedFile,
} from '@aml-egress/core'
import { withEvaluationIndex } from './evaluateIndex'
import type { ManagedNetworkConfig, ManagedNetworkWorkspace } from './model'
import { type JsonContents, readJsonShapes } from './readJson'
import { readScript } from './readScript'
import { type FileContents, readYaml } from './readShapes'
import { readTerraformShapes } from './readTerraform'

/** The file endings the reader takes, and `check DIR` reads. */
export const FILE_EXTENSIONS = ['.json', '.sh', '.tf', '.yaml', '.yml'] as const

async function readFile(file: RenderedFile): Promise<JsonContents | undefined> {
  if (file.path.endsWith('.json')) return readJsonShapes(file)
  if (file.path.endsWith('.yaml') || file.path.endsWith('.yml')) return readYaml(file)
  if (file.path.endsWith('.sh')) return readScript(file)
  if (file.path.endsWith('.tf')) return readTerraformShapes(file)
  return undefined
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '.' : path.slice(0, slash)
}

function merge(workspace: ManagedNetworkWorkspace, contents: FileContents): void {
  // A rule for one workspace makes it one of the set, whatever lists the files have.
  const ids = [
    ...(workspace.workspaces ?? []),
    ...(contents.workspaces ?? []),
    ...contents.rules.flatMap((rule) => (rule.workspace ? [rule.workspace] : [])),
  ]
  if (ids.length > 0) workspace.workspaces = [...new Set(ids)].sort(compareOrdinal)
  workspace.rules.push(...contents.rules)
  workspace.opaque.push(...contents.opaque)
  if (contents.isolationMode && !workspace.isolationMode) {
    workspace.isolationMode = contents.isolationMode
    if (contents.modeLocation) workspace.modeLocation = contents.modeLocation
  }
}

/**
 * Reads files (any order) into the managed network config.
 * @example const { config } = await readManagedNetwork(files)
 */
export async function readManagedNetwork(
  files: readonly RenderedFile[],
): Promise<ReadResult<ManagedNetworkConfig>> {
  const config: ManagedNetworkConfig = { workspaces: [] }
  const diagnostics: Diagnostic[] = []
  const byDirectory = new Map<string, ManagedNetworkWorkspace>()
  for (const file of [...files].sort((a, b) => compareOrdinal(a.path, b.path))) {
    const contents = await readFile(file)
    if (!contents) continue
    diagnostics.push(...contents.diagnostics)
    if (contents.manifest) config.amlManaged = contents.manifest
    const empty = contents.rules.length === 0 && contents.opaque.length === 0
    if (empty && !contents.isolationMode && !contents.workspaces?.length) continue
    const key = directoryOf(file.path)
    let workspace = byDirectory.get(key)
    if (!workspace) {
      workspace = { key, rules: [], opaque: [] }
      byDirectory.set(key, workspace)
      config.workspaces.push(workspace)
    }
    merge(workspace, contents)
  }
  return { config: withEvaluationIndex(config), diagnostics }
}
