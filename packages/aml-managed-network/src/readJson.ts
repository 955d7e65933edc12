/**
 * The JSON shapes: an ARM template (top-level `workspaces/outboundRules` resources, or workspaces
 * with `managedNetwork` and nested `outboundRules`), one ARM or REST rule, a REST list
 * (`{ value: [...] }`), the array `az ml workspace outbound-rule list -o json` prints, a
 * `managedNetwork` object, and `managed-by-aml.json`.
 */
import type { Protocol, RenderedFile } from '@aml-egress/core'
import type { AmlManagedList, AmlManagedRule } from './model'
import { parsePortRanges } from './portRanges'
import { field, isObject } from './readRule'
import {
  addManagedNetwork,
  addRule,
  armRuleName,
  emptyContents,
  type FileContents,
  isolationModeOf,
  readDiagnostic,
} from './readShapes'
import { MANIFEST_KIND } from './writeManifest'

/** A JSON file: its rules and mode, or the manifest. */
export type JsonContents = FileContents & { manifest?: AmlManagedList }

const RULE_TYPES = new Set([
  'microsoft.machinelearningservices/workspaces/outboundrules',
  'outboundrules',
  'workspace/outboundrules',
])
const WORKSPACE_TYPE = 'microsoft.machinelearningservices/workspaces'

function typeOf(resource: Record<string, unknown>): string {
  return typeof resource.type === 'string' ? resource.type.toLowerCase() : ''
}

/** The workspace a rule set's own rule is deployed for: `[equals(toLower(parameters('workspaceId')), '<id>')]`. */
const OWN_CONDITION = /^\[equals\(toLower\(parameters\('workspaceId'\)\), '([^']*)'\)\]$/

/** A resource with `properties` holding a rule: ARM resources and REST GET/list items. */
function addResourceRule(contents: FileContents, resource: Record<string, unknown>, file: string) {
  const properties = isObject(resource.properties) ? resource.properties : {}
  const { condition } = resource
  const own = typeof condition === 'string' ? OWN_CONDITION.exec(condition)?.[1] : undefined
  if (condition !== undefined && condition !== true && own === undefined) {
    contents.opaque.push({ file })
    contents.diagnostics.push(
      readDiagnostic(
        'AML_EGRESS_READ_UNSUPPORTED',
        `rule ${String(armRuleName(resource.name))} is deployed on a condition this reader does not model`,
        { file },
      ),
    )
    return
  }
  const count = contents.rules.length
  addRule(contents, { ...properties, name: armRuleName(resource.name) }, { file })
  // Workspace ids are compared in lower case: the id as the template lists it.
  const workspace = contents.workspaces?.find((id) => id.toLowerCase() === own) ?? own
  for (const rule of contents.rules.slice(count)) if (workspace) rule.workspace = workspace
}

/** A rule set template's `workspaceId` parameter: the ids it allows are the set's workspaces. */
function templateWorkspaces(contents: FileContents, parameters: unknown): void {
  const parameter = isObject(parameters) ? parameters.workspaceId : undefined
  const allowed = isObject(parameter) ? parameter.allowedValues : undefined
  if (Array.isArray(allowed) && allowed.length > 0) contents.workspaces = allowed.map(String)
}

function addResources(contents: FileContents, resources: unknown, file: string): void {
  if (!Array.isArray(resources)) return
  for (const resource of resources) {
    if (!isObject(resource)) continue
    const type = typeOf(resource)
    if (RULE_TYPES.has(type)) addResourceRule(contents, resource, file)
    else if (type === WORKSPACE_TYPE) {
      const properties = isObject(resource.properties) ? resource.properties : {}
      addManagedNetwork(contents, properties.managedNetwork, file)
      addResources(contents, resource.resources, file)
    }
  }
}

const PROTOCOLS = new Set<Protocol>(['TCP', 'UDP', 'ANY'])

function manifestRule(value: unknown): AmlManagedRule | undefined {
  if (!isObject(value) || !isObject(value.destination)) return undefined
  const { fqdn, serviceTag } = value.destination
  const ports = typeof value.ports === 'string' ? parsePortRanges(value.ports) : undefined
  const protocol = value.protocol as Protocol
  const workspaces = Array.isArray(value.workspaces) ? value.workspaces.map(String) : undefined
  const destination =
    typeof fqdn === 'string'
      ? { fqdn }
      : typeof serviceTag === 'string'
        ? { serviceTag }
        : undefined
  if (!destination || !ports || !PROTOCOLS.has(protocol) || !workspaces) return undefined
  const requirementIds = Array.isArray(value.requirements) ? value.requirements.map(String) : []
  return { destination, protocol, ports, workspaces, requirementIds }
}

function readManifest(json: Record<string, unknown>, contents: JsonContents, file: string): void {
  const isolationMode = isolationModeOf(json.isolationMode)
  const rules: AmlManagedRule[] = []
  for (const value of Array.isArray(json.rules) ? json.rules : []) {
    const rule = manifestRule(value)
    if (rule) rules.push(rule)
    else
      contents.diagnostics.push(
        readDiagnostic('AML_EGRESS_READ_UNSUPPORTED', 'a managed-by-aml rule that is not one', {
          file,
        }),
      )
  }
  if (!isolationMode) return
  contents.manifest = {
    isolationMode,
    sourceAddresses: Array.isArray(json.sourceAddresses) ? json.sourceAddresses.map(String) : [],
    workspaces: Array.isArray(json.workspaces) ? json.workspaces.map(String) : [],
    rules,
    location: { file },
  }
}

function readObject(json: Record<string, unknown>, contents: JsonContents, file: string): boolean {
  if (json.kind === MANIFEST_KIND) readManifest(json, contents, file)
  else if (Array.isArray(json.resources)) {
    templateWorkspaces(contents, json.parameters)
    addResources(contents, json.resources, file)
  } else if (Array.isArray(json.value))
    for (const item of json.value) {
      if (isObject(item)) addResourceRule(contents, item, file)
    }
  else if (RULE_TYPES.has(typeOf(json)) || isObject(json.properties)) {
    if (typeOf(json) === WORKSPACE_TYPE) addResources(contents, [json], file)
    else addResourceRule(contents, json, file)
  } else if (
    field(json, 'isolationMode') !== undefined ||
    field(json, 'outboundRules') !== undefined
  )
    addManagedNetwork(contents, field(json, 'managedNetwork') ?? json, file)
  else return false
  return true
}

/**
 * One JSON file in any of the shapes.
 * @example readJsonShapes({ path: 'rules.json', contents: '[{"name": "allow-pypi", …}]' })
 */
export function readJsonShapes(file: RenderedFile): JsonContents {
  const contents: JsonContents = emptyContents()
  let json: unknown
  try {
    json = JSON.parse(file.contents)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    contents.diagnostics.push(
      readDiagnostic('AML_EGRESS_READ_SYNTAX', message, { file: file.path }),
    )
    return contents
  }
  let known = true
  // `outbound-rule list -o json`: an array of rules with snake_case destinations.
  if (Array.isArray(json)) for (const rule of json) addRule(contents, rule, { file: file.path })
  else known = isObject(json) && readObject(json, contents, file.path)
  if (!known)
    contents.diagnostics.push(
      readDiagnostic(
        'AML_EGRESS_READ_UNSUPPORTED',
        'not a managed network file (no outbound rules, managedNetwork or ARM resources)',
        { file: file.path },
      ),
    )
  return contents
}
