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

/** The JSON of each list the rules share: a fleet's 40,000 lines name a few hundred lists. */
type ListTexts = Map<readonly unknown[], string>

function listJson(texts: ListTexts, list: readonly unknown[], json: () => string): string {
  let text = texts.get(list)
  if (text === undefined) {
    text = json()
    texts.set(list, text)
  }
  return text
}

/** `JSON.stringify` of the rule's line object, with each shared list's text made once. */
function ruleLine(rule: AmlManagedRule, texts: ListTexts): string {
  const ports = listJson(texts, rule.ports, () => JSON.stringify(portRangesText(rule.ports)))
  const workspaces = listJson(texts, rule.workspaces, () => JSON.stringify(rule.workspaces))
  const requirements = listJson(texts, rule.requirementIds, () =>
    JSON.stringify(rule.requirementIds),
  )
  const protocol = JSON.stringify(rule.protocol)
  return `{"destination":${JSON.stringify(rule.destination)},"protocol":${protocol},"ports":${ports},"workspaces":${workspaces},"requirements":${requirements}}`
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
  const texts: ListTexts = new Map()
  for (let start = 0; start < input.rules.length; start += LINES_PER_CHUNK)
    chunks.push(
      input.rules
        .slice(start, start + LINES_PER_CHUNK)
        .map((rule) => `    ${ruleLine(rule, texts)}`)
        .join(',\n'),
    )
  if (chunks.length === 0) return `${body},\n  "rules": []\n}\n`
  // One join makes the file's text: each chunk but the last ends with the comma between rules.
  const last = chunks.length - 1
  const rules = chunks.map((chunk, at) => (at < last ? `${chunk},` : chunk))
  return [`${body},`, '  "rules": [', ...rules, '  ]', '}', ''].join('\n')
}
