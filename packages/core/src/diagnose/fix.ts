import type { Diagnostic } from '../diagnostics'
import type { EgressFormat, RenderedFile } from '../format'
import type { Plan, PlanRule } from '../plan'

/** The fix for a denied flow: the rendered text, or null with the renderer's reason. */
export type RenderedFix = { text: string | null; diagnostics: Diagnostic[] }

function joinFiles(files: readonly RenderedFile[]): string {
  if (files.length === 1) return (files[0] as RenderedFile).contents
  return files.map((file) => `==> ${file.path} <==\n${file.contents}`).join('\n')
}

/**
 * Renders the plan rules that allow a denied flow with the engine's own renderer, on a plan that
 * holds only those rules: the fix is exactly what `render` writes for them, never hand-made text.
 * Of several files, `file` (when rendered) or else the files that differ from the rendering of
 * an empty plan (the ones that carry the rules). Pure.
 * @example renderFix({ format: squidFormat, plan, rules: [rule] }).text // "acl aml_egress_… dstdomain pypi.org …"
 */
export function renderFix<Config, Options>(input: {
  format: EgressFormat<Config, Options>
  plan: Plan
  rules: readonly PlanRule[]
  file?: string | undefined
}): RenderedFix {
  const { format, plan } = input
  const rendered = format.render({ ...plan, rules: [...input.rules], advisories: [] })
  const preferred = rendered.files.filter((file) => file.path === input.file)
  let files = preferred
  if (files.length === 0) {
    const empty = format.render({ ...plan, rules: [], advisories: [] })
    const before = new Map(empty.files.map((file) => [file.path, file.contents]))
    files = rendered.files.filter((file) => before.get(file.path) !== file.contents)
  }
  return { text: files.length === 0 ? null : joinFiles(files), diagnostics: rendered.diagnostics }
}
