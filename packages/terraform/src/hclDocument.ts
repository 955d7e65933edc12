/**
 * The hcl2json side of reading: parse `.tf` / `.tfvars` (and their JSON forms) with HashiCorp's
 * parser, collect variables, locals and resources, expand `dynamic` blocks whose `for_each`
 * resolves, and find the line of each resource and named block for verdicts.
 */

import {
  compareOrdinal,
  createDiagnostic,
  type Diagnostic,
  type RenderedFile,
} from '@aml-egress/core'
import { formatName } from './capabilities'
import { escapeTemplate, type JsonValue, parseTemplate, resolveValue, type Scope } from './template'

/** A JSON object as hcl2json produces it. */
export type JsonObject = { [key: string]: JsonValue }

/** One resource instance body with its scope and position. */
export type ResourceBody = {
  type: string
  name: string
  body: JsonObject
  file: string
  line?: number
  scope: Scope
  /** The resource may not exist: `count`/`for_each` could not be resolved. */
  conditional: boolean
}

/** Everything the reader needs from the files. */
export type HclDocument = {
  resources: ResourceBody[]
  /** Module calls: their contents are not in the files. */
  modules: { name: string; file: string; line?: number }[]
  scope: Scope
  /** Per file, the text split into lines, for locating named blocks. */
  lines: ReadonlyMap<string, readonly string[]>
  diagnostics: Diagnostic[]
}

/** True for a plain JSON object. */
export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A block attribute as an array of bodies (hcl2json gives arrays; JSON syntax may give one object). */
export function bodies(value: JsonValue | undefined): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isObject)
  return isObject(value) ? [value] : []
}

function syntaxLine(message: string): number | undefined {
  const match = /:(\d+),\d+-/.exec(message)
  return match ? Number(match[1]) : undefined
}

function fileKind(path: string): 'tf' | 'tfjson' | 'tfvars' | 'tfvarsjson' | undefined {
  if (path.endsWith('.tf.json')) return 'tfjson'
  if (path.endsWith('.tfvars.json')) return 'tfvarsjson'
  if (path.endsWith('.tf')) return 'tf'
  if (path.endsWith('.tfvars')) return 'tfvars'
  return undefined
}

// Terraform loads terraform.tfvars, then *.auto.tfvars in lexical order; later files win. Other
// .tfvars files given here stand for `-var-file` arguments, which come last.
function tfvarsRank(path: string): number {
  const base = path.split('/').at(-1) ?? path
  if (base === 'terraform.tfvars' || base === 'terraform.tfvars.json') return 0
  if (base.endsWith('.auto.tfvars') || base.endsWith('.auto.tfvars.json')) return 1
  return 2
}

/** JSON syntax holds literal strings in template form already; only tfvars.json is literal. */
function literalToTemplate(value: JsonValue): JsonValue {
  if (typeof value === 'string') return escapeTemplate(value)
  if (Array.isArray(value)) return value.map(literalToTemplate)
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, literalToTemplate(item)]),
    )
  return value
}

/**
 * HashiCorp's parser, imported on first read: importing it starts the WebAssembly parser, which
 * keeps a process that only renders alive for another ~250 ms (CLI start-up, issue #8). A failed
 * import is a broken install, never the user's syntax: it throws.
 */
async function hclParser(): Promise<typeof import('@cdktf/hcl2json').parse> {
  try {
    return (await import('@cdktf/hcl2json')).parse
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(
      `the HCL parser @cdktf/hcl2json could not be loaded (${reason}); reinstall @aml-egress/terraform, which depends on it`,
      { cause: error },
    )
  }
}

/** The JSON forms: `.tf.json` holds templates already; only `.tfvars.json` holds literals. */
function parseJsonFile(file: RenderedFile, kind: 'tfjson' | 'tfvarsjson'): JsonObject {
  const json: unknown = JSON.parse(file.contents)
  if (!isObject(json as JsonValue)) throw new Error('the top level must be an object')
  return kind === 'tfvarsjson'
    ? (literalToTemplate(json as JsonObject) as JsonObject)
    : (json as JsonObject)
}

async function parseFile(
  file: RenderedFile,
  kind: NonNullable<ReturnType<typeof fileKind>>,
  diagnostics: Diagnostic[],
): Promise<JsonObject | undefined> {
  const isJson = kind === 'tfjson' || kind === 'tfvarsjson'
  // Outside the try: a parser that cannot load is no syntax error of the file.
  const parse = isJson ? undefined : await hclParser()
  try {
    if (!parse) return parseJsonFile(file, kind === 'tfvarsjson' ? kind : 'tfjson')
    const json: unknown = await parse(file.path, file.contents)
    return isObject(json as JsonValue) ? (json as JsonObject) : {}
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const line = syntaxLine(message)
    diagnostics.push(
      createDiagnostic({
        code: 'AML_EGRESS_READ_SYNTAX',
        message: `${file.path}: ${message}`,
        format: formatName,
        location: { file: file.path, ...(line ? { line } : {}) },
      }),
    )
    return undefined
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** 1-based line of `resource "type" "name"` in a file. */
function resourceLine(lines: readonly string[], type: string, name: string): number | undefined {
  const header = new RegExp(`^\\s*resource\\s+"${escapeRegExp(type)}"\\s+"${escapeRegExp(name)}"`)
  const index = lines.findIndex((line) => header.test(line))
  return index === -1 ? undefined : index + 1
}

/**
 * 1-based line of the first `name = "<name>"` at or after `from` (a collection or rule name);
 * good enough to point a user at the block that decided.
 */
export function nameLine(input: {
  lines: readonly string[]
  name: string
  from?: number
}): number | undefined {
  const quoted = JSON.stringify(input.name).slice(1, -1)
  const pattern = new RegExp(`^\\s*name\\s*=\\s*"${escapeRegExp(quoted)}"`)
  for (let index = Math.max(0, (input.from ?? 1) - 1); index < input.lines.length; index++)
    if (pattern.test(input.lines[index] ?? '')) return index + 1
  return undefined
}

function metaInstances(
  body: JsonObject,
  scope: Scope,
): { instances: Scope[]; conditional: boolean } {
  if (body.count !== undefined) {
    const count = resolveValue(body.count, scope)
    if (!count.ok || typeof count.value !== 'number')
      return { instances: [scope], conditional: true }
    return {
      instances: Array.from({ length: Math.max(0, count.value) }, (_, index) => ({
        ...scope,
        iterators: new Map([...(scope.iterators ?? []), ['count', { index }]]),
      })),
      conditional: false,
    }
  }
  if (body.for_each !== undefined) {
    const each = resolveValue(body.for_each, scope)
    if (!each.ok || each.value === null || typeof each.value !== 'object')
      return { instances: [scope], conditional: true }
    const entries = Array.isArray(each.value)
      ? each.value.map((value) => [String(value), value] as const)
      : Object.entries(each.value)
    return {
      instances: entries.map(([key, value]) => ({
        ...scope,
        iterators: new Map([...(scope.iterators ?? []), ['each', { key, value }]]),
      })),
      conditional: false,
    }
  }
  return { instances: [scope], conditional: false }
}

/** A block type's bodies, with `dynamic` blocks expanded where their `for_each` resolves. */
export type ExpandedBlocks = {
  blocks: { body: JsonObject; scope: Scope }[]
  /** Dynamic blocks whose `for_each` could not be resolved. */
  unresolved: string[]
}

/**
 * Static blocks of `type` plus the expansion of `dynamic "<type>"` blocks.
 * @example expandBlocks({ body, type: 'rule', scope }).blocks.length
 */
export function expandBlocks(input: {
  body: JsonObject
  type: string
  scope: Scope
}): ExpandedBlocks {
  const { body, type, scope } = input
  const blocks = bodies(body[type]).map((block) => ({ body: block, scope }))
  const unresolved: string[] = []
  const dynamic = isObject(body.dynamic) ? body.dynamic : {}
  for (const block of bodies(dynamic[type])) {
    const forEach = block.for_each === undefined ? undefined : resolveValue(block.for_each, scope)
    const content = bodies(block.content)[0]
    const iterator = iteratorName(block.iterator) ?? type
    if (!forEach?.ok || forEach.value === null || typeof forEach.value !== 'object' || !content) {
      unresolved.push(
        `dynamic "${type}" (for_each = ${typeof block.for_each === 'string' ? block.for_each : JSON.stringify(block.for_each)})`,
      )
      continue
    }
    const entries = Array.isArray(forEach.value)
      ? forEach.value.map((value, index) => [index, value] as const)
      : Object.entries(forEach.value)
    for (const [key, value] of entries)
      blocks.push({
        body: content,
        scope: {
          ...scope,
          iterators: new Map([...(scope.iterators ?? []), [iterator, { key, value }]]),
        },
      })
  }
  return { blocks, unresolved }
}

function iteratorName(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined
  const template = parseTemplate(value)
  if (template.kind === 'literal') return template.value
  const [only] = template.parts
  return template.parts.length === 1 && typeof only === 'object' ? only.expression : undefined
}

/**
 * Parses every `.tf`, `.tf.json`, `.tfvars` and `.tfvars.json` file; other files are ignored.
 * Variables take their `default`, overridden by tfvars files; a variable with neither stays
 * unresolved.
 */
export async function readHclDocument(files: readonly RenderedFile[]): Promise<HclDocument> {
  const diagnostics: Diagnostic[] = []
  const variables = new Map<string, JsonValue>()
  const locals = new Map<string, JsonValue>()
  const lines = new Map<string, readonly string[]>()
  const configs: { file: RenderedFile; json: JsonObject }[] = []
  const tfvars: { file: RenderedFile; json: JsonObject }[] = []
  const sorted = [...files].sort((a, b) => compareOrdinal(a.path, b.path))
  for (const file of sorted) {
    const kind = fileKind(file.path)
    if (!kind) continue
    const json = await parseFile(file, kind, diagnostics)
    if (!json) continue
    lines.set(file.path, file.contents.split(/\r?\n/))
    if (kind === 'tfvars' || kind === 'tfvarsjson') tfvars.push({ file, json })
    else configs.push({ file, json })
  }
  for (const { json } of configs) {
    for (const [name, declarations] of Object.entries(isObject(json.variable) ? json.variable : {}))
      for (const declaration of bodies(declarations))
        if (declaration.default !== undefined) variables.set(name, declaration.default)
    for (const block of bodies(json.locals))
      for (const [name, value] of Object.entries(block)) locals.set(name, value)
  }
  tfvars.sort((a, b) => tfvarsRank(a.file.path) - tfvarsRank(b.file.path))
  for (const { json } of tfvars)
    for (const [name, value] of Object.entries(json)) variables.set(name, value)
  const scope: Scope = { variables, locals, unseenVariables: new Set() }
  const resources: ResourceBody[] = []
  const modules: HclDocument['modules'] = []
  for (const { file, json } of configs) {
    const fileLines = lines.get(file.path) ?? []
    for (const name of Object.keys(isObject(json.module) ? json.module : {})) {
      const index = fileLines.findIndex((line) =>
        new RegExp(`^\\s*module\\s+"${escapeRegExp(name)}"`).test(line),
      )
      modules.push({ name, file: file.path, ...(index >= 0 ? { line: index + 1 } : {}) })
    }
    for (const [type, byName] of Object.entries(isObject(json.resource) ? json.resource : {})) {
      if (!isObject(byName)) continue
      for (const [name, declarations] of Object.entries(byName))
        for (const body of bodies(declarations)) {
          const { instances, conditional } = metaInstances(body, scope)
          const line = resourceLine(fileLines, type, name)
          for (const instance of instances)
            resources.push({
              type,
              name,
              body,
              file: file.path,
              ...(line ? { line } : {}),
              scope: instance,
              conditional,
            })
        }
    }
  }
  return { resources, modules, scope, lines, diagnostics }
}
