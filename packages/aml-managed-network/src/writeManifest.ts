import type { AmlManagedRule, IsolationMode } from './model'
import { portRangesText } from './portRanges'

/**
 * `managed-by-aml.json`: the plan rules Azure ML applies itself in a managed network, with the
 * compute subnets and workspaces they are for. Not an input of az, ARM or Terraform: it is what
 * the render left out as Azure ML's own, written down so that `check` can answer for those
 * flows. One rule a line, so one more workspace is a small diff.
 */

/** The `kind` that marks the file for the reader. */
export const MANIFEST_KIND = 'aml-egress/managed-by-aml'
/** Rule lines joined at a time: enough to make joining cheap, few enough to die young. */
const LINES_PER_CHUNK = 256
/** Where the renderer writes it. */
export const MANIFEST_PATH = 'aml-managed-network/managed-by-aml.json'

function ruleLine(rule: AmlManagedRule): string {
  return JSON.stringify({
    destination: rule.destination,
    protocol: rule.protocol,
    ports: portRangesText(rule.ports),
    workspaces: rule.workspaces,
    requirements: rule.requirementIds,
  })
}

/**
 * The manifest text.
 * @example managedByAmlJson({ isolationMode, sourceAddresses, workspaces, rules })
 */
export function managedByAmlJson(input: {
  catalog: { version: string; docDate: string }
  isolationMode: IsolationMode
  sourceAddresses: readonly string[]
  workspaces: readonly string[]
  rules: readonly AmlManagedRule[]
}): string {
  const head = {
    kind: MANIFEST_KIND,
    catalog: { version: input.catalog.version, docDate: input.catalog.docDate },
    description:
      'Rules Azure Machine Learning applies itself in these workspaces managed virtual networks (its required configuration). Listed by aml-egress for `aml-egress check`; not an input of az, ARM or Terraform.',
    isolationMode: input.isolationMode,
    sourceAddresses: input.sourceAddresses,
    workspaces: input.workspaces,
  }
  const body = JSON.stringify(head, null, 2).slice(0, -2)
  // Joined a few hundred at a time: a fleet's 40,000 lines would otherwise all live until one
  // final join, for the garbage collector to copy (twice as costly, measured).
  const chunks: string[] = []
  for (let start = 0; start < input.rules.length; start += LINES_PER_CHUNK)
    chunks.push(
      input.rules
        .slice(start, start + LINES_PER_CHUNK)
        .map((rule) => `    ${ruleLine(rule)}`)
        .join(',\n'),
    )
  if (chunks.length === 0) return `${body},\n  "rules": []\n}\n`
  // One join makes the file's text: each chunk but the last ends with the comma between rules.
  const last = chunks.length - 1
  const rules = chunks.map((chunk, at) => (at < last ? `${chunk},` : chunk))
  return [`${body},`, '  "rules": [', ...rules, '  ]', '}', ''].join('\n')
}
