/**
 * azurerm resources, parsed with HashiCorp's parser (hcl2json): the three
 * `azurerm_machine_learning_workspace_network_outbound_rule_*` resources, and the `managed_network`
 * block of `azurerm_machine_learning_workspace` for the mode. An attribute that is an expression
 * (`${…}`) rather than a literal makes its rule opaque, and so do `count` and `for_each`, except
 * the rule set's own shape: `for_each = toset(local.workspaces)` over the list of workspace ids in
 * `locals`, and a workspace's own rule on `var.workspace_resource_ids["<id>"]`.
 */
import type { RenderedFile } from '@aml-egress/core'
import type { RuleLocation } from './model'
import { isObject } from './readRule'
import {
  addRule,
  emptyContents,
  type FileContents,
  isolationModeOf,
  readDiagnostic,
} from './readShapes'
import { EACH_WORKSPACE, FOR_EACH, RESOURCE_IDS } from './writeTerraform'

const PREFIX = 'azurerm_machine_learning_workspace_network_outbound_rule_'
const TYPES: Record<string, string> = {
  fqdn: 'fqdn',
  service_tag: 'service_tag',
  private_endpoint: 'private_endpoint',
}
/** Attributes that are not part of a rule (the workspace it belongs to, meta-arguments). */
const IGNORED = new Set([
  'workspace_id',
  'depends_on',
  'lifecycle',
  'provider',
  'count',
  'for_each',
])

function bodies(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isObject)
  return isObject(value) ? [value] : []
}

function lineOf(lines: readonly string[], type: string, name: string): number | undefined {
  const index = lines.findIndex((line) => line.includes(`"${type}"`) && line.includes(`"${name}"`))
  return index < 0 ? undefined : index + 1
}

function isExpression(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${') || value.includes('%{')
  return Array.isArray(value) ? value.some(isExpression) : isObject(value)
}

/** `var.workspace_resource_ids["<id>"]` as hcl2json writes it: the workspace of an own rule. */
const OWN_WORKSPACE = new RegExp(`^\\$\\{var\\.${RESOURCE_IDS}\\["([^"\\\\]+)"\\]\\}$`)

/** Whether a rule is for every workspace of the set (`for_each`), one (`workspace`), or opaque. */
function ruleScope(body: Record<string, unknown>): { workspace?: string } | undefined {
  if (body.count !== undefined) return undefined
  if (body.for_each === undefined) {
    const own = typeof body.workspace_id === 'string' ? OWN_WORKSPACE.exec(body.workspace_id) : null
    return own?.[1] ? { workspace: own[1] } : {}
  }
  return body.for_each === `\${${FOR_EACH}}` && body.workspace_id === `\${${EACH_WORKSPACE}}`
    ? {}
    : undefined
}

function addResource(
  contents: FileContents,
  kind: string,
  body: Record<string, unknown>,
  location: RuleLocation,
): void {
  const dynamic = Object.entries(body).find(
    ([key, value]) => !IGNORED.has(key) && isExpression(value),
  )
  const scope = ruleScope(body)
  if (dynamic || !scope) {
    contents.opaque.push(location)
    contents.diagnostics.push(
      readDiagnostic(
        'AML_EGRESS_READ_UNSUPPORTED',
        dynamic
          ? `${dynamic[0]} is an expression, not a literal`
          : 'count/for_each is not modelled',
        location,
      ),
    )
    return
  }
  const count = contents.rules.length
  addRule(contents, { ...body, type: TYPES[kind] }, location)
  for (const rule of contents.rules.slice(count))
    if (scope.workspace) rule.workspace = scope.workspace
}

/** `locals { workspaces = ["<id>", …] }`: the workspaces of a rule set. */
function addWorkspaces(contents: FileContents, locals: unknown): void {
  for (const block of bodies(locals)) {
    const { workspaces } = block
    if (Array.isArray(workspaces) && workspaces.every((id) => typeof id === 'string'))
      contents.workspaces = workspaces
  }
}

function addWorkspace(
  contents: FileContents,
  body: Record<string, unknown>,
  location: RuleLocation,
) {
  for (const network of bodies(body.managed_network)) {
    const mode = isolationModeOf(network.isolation_mode)
    if (mode) {
      contents.isolationMode = mode
      contents.modeLocation = location
    }
  }
}

/**
 * The outbound rule resources (and workspace mode) of one `.tf` file.
 * @example await readTerraformShapes({ path: 'rules.tf', contents })
 */
export async function readTerraformShapes(file: RenderedFile): Promise<FileContents> {
  const contents = emptyContents()
  let json: unknown
  try {
    const { parse } = await import('@cdktf/hcl2json')
    json = await parse(file.path, file.contents)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const line = /:(\d+),\d+-/.exec(message)?.[1]
    contents.diagnostics.push(
      readDiagnostic('AML_EGRESS_READ_SYNTAX', message, {
        file: file.path,
        ...(line ? { line: Number(line) } : {}),
      }),
    )
    return contents
  }
  const lines = file.contents.split('\n')
  if (isObject(json)) addWorkspaces(contents, json.locals)
  const resources = isObject(json) && isObject(json.resource) ? json.resource : {}
  for (const [type, byName] of Object.entries(resources)) {
    if (!isObject(byName)) continue
    for (const [name, value] of Object.entries(byName))
      for (const body of bodies(value)) {
        const line = lineOf(lines, type, name)
        const location = { file: file.path, ...(line ? { line } : {}) }
        if (type.startsWith(PREFIX))
          addResource(contents, type.slice(PREFIX.length), body, location)
        else if (type === 'azurerm_machine_learning_workspace')
          addWorkspace(contents, body, location)
      }
  }
  return contents
}
