/**
 * The shapes a managed network's rules come in, each into rules, an isolation mode and
 * diagnostics: the workspace YAML, `az ml` scripts, the JSON shapes (ARM templates and resources,
 * `managedNetwork` objects, REST and `outbound-rule list` output, `managed-by-aml.json`) and
 * azurerm Terraform.
 */
import { createDiagnostic, type Diagnostic, type RenderedFile } from '@aml-egress/core'
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml'
import { FORMAT_NAME } from './descriptor'
import type { IsolationMode, OutboundRule, RuleLocation } from './model'
import { field, isObject, readRule } from './readRule'
import { YAML_WORKSPACES } from './writeYaml'

/** What one file holds. */
export type FileContents = {
  rules: OutboundRule[]
  /** Rules (or commands) that could not be interpreted: flows they might allow are unknown. */
  opaque: RuleLocation[]
  isolationMode?: IsolationMode
  modeLocation?: RuleLocation
  /** The workspace ids the file says it is for (a rule set's), when it says so. */
  workspaces?: string[]
  diagnostics: Diagnostic[]
}

export function emptyContents(): FileContents {
  return { rules: [], opaque: [], diagnostics: [] }
}

export function readDiagnostic(
  code: 'AML_EGRESS_READ_SYNTAX' | 'AML_EGRESS_READ_UNSUPPORTED',
  message: string,
  location: RuleLocation,
): Diagnostic {
  return createDiagnostic({ code, message, format: FORMAT_NAME, location })
}

const MODES: Record<string, IsolationMode> = {
  disabled: 'Disabled',
  allowinternetoutbound: 'AllowInternetOutbound',
  allowonlyapprovedoutbound: 'AllowOnlyApprovedOutbound',
}

/** `allow_only_approved_outbound`, `AllowOnlyApprovedOutbound`, … as the ARM value. */
export function isolationModeOf(value: unknown): IsolationMode | undefined {
  return typeof value === 'string' ? MODES[value.replaceAll('_', '').toLowerCase()] : undefined
}

/** Adds a raw rule: the rule, or an opaque entry and a diagnostic. */
export function addRule(contents: FileContents, raw: unknown, location: RuleLocation): void {
  const rule = isObject(raw) ? readRule(raw, location) : 'an outbound rule that is not an object'
  if (typeof rule !== 'string') {
    contents.rules.push(rule)
    return
  }
  contents.opaque.push(location)
  contents.diagnostics.push(readDiagnostic('AML_EGRESS_READ_UNSUPPORTED', rule, location))
}

/**
 * The workspaces a YAML the renderer wrote is for, from its closing comments: `# workspaces:` and
 * a `#   - <id>` line each (a rule set's), or `# workspace: <id>` (one workspace's own file, whose
 * rules are that workspace's alone).
 */
function yamlWorkspaces(text: string): { workspaces: string[]; own: boolean } | undefined {
  const own = /^# workspace: (\S+)$/m.exec(text)?.[1]
  if (own) return { workspaces: [own], own: true }
  const start = text.indexOf(`\n${YAML_WORKSPACES}\n`)
  if (start < 0) return undefined
  const workspaces = [...text.slice(start).matchAll(/^# {3}- (\S+)$/gm)].map((m) => m[1] ?? '')
  return { workspaces, own: false }
}

/** `managed_network` of a workspace YAML (also a YAML holding only that section's content). */
export function readYaml(file: RenderedFile): FileContents {
  const contents = emptyContents()
  const lineCounter = new LineCounter()
  const document = parseDocument(file.contents, { lineCounter })
  if (document.errors.length > 0) {
    const error = document.errors[0]
    const line = error ? lineCounter.linePos(error.pos[0]).line : undefined
    contents.diagnostics.push(
      readDiagnostic('AML_EGRESS_READ_SYNTAX', error?.message ?? 'invalid YAML', {
        file: file.path,
        ...(line ? { line } : {}),
      }),
    )
    return contents
  }
  const root = document.contents
  const section = isMap(root) ? (root.get('managed_network', true) ?? root) : undefined
  if (!isMap(section)) return contents
  const mode = section.get('isolation_mode')
  if (mode !== undefined) {
    contents.isolationMode = isolationModeOf(mode)
    contents.modeLocation = { file: file.path }
  }
  const stated = yamlWorkspaces(file.contents)
  if (stated) contents.workspaces = stated.workspaces
  const rules = section.get('outbound_rules', true)
  if (isSeq(rules))
    for (const item of rules.items) {
      const offset = isMap(item) ? item.range?.[0] : undefined
      const line = offset === undefined ? undefined : lineCounter.linePos(offset).line
      addRule(contents, isMap(item) ? item.toJSON() : item, {
        file: file.path,
        ...(line ? { line } : {}),
      })
    }
  if (stated?.own) for (const rule of contents.rules) rule.workspace = stated.workspaces[0]
  return contents
}

/** An ARM `outboundRules` map (`{ name: rule }`) or REST list (`[{ name, properties }]`). */
export function addRuleMap(contents: FileContents, rules: unknown, file: string): void {
  if (isObject(rules))
    for (const [name, rule] of Object.entries(rules))
      addRule(contents, isObject(rule) ? { name, ...rule } : rule, { file })
}

/** The rule name of an ARM resource: a literal `ws/rule`, or the last quoted part of `format()`. */
export function armRuleName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined
  if (!name.startsWith('[')) return name.split('/').at(-1)
  const quoted = [...name.matchAll(/'([^']*)'/g)].map((match) => match[1])
  return quoted.at(-1)
}

/** `properties.managedNetwork` (or the object itself): the mode and the rule map. */
export function addManagedNetwork(contents: FileContents, network: unknown, file: string): void {
  if (!isObject(network)) return
  const mode = isolationModeOf(field(network, 'isolationMode'))
  if (mode) {
    contents.isolationMode = mode
    contents.modeLocation = { file }
  }
  addRuleMap(contents, field(network, 'outboundRules'), file)
}
