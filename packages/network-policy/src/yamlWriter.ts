/**
 * A direct YAML writer for the policy documents this package renders. It produces exactly what
 * the `yaml` library writes (`new Document(value)`, `toString({ lineWidth: 0 })`, a comment before
 * the document and before the items of its egress or ingress list) for the values it knows how to
 * write, and `undefined` for anything else, so the caller falls back to the library. Building the
 * library's node tree took most of a 10,000-workspace Cilium render (issue #8); the output is
 * checked against the library in yamlWriter.test.ts.
 */

/** A value as policy documents hold it. */
type Value = string | number | boolean | null | undefined | readonly Value[] | ValueMap
type ValueMap = { readonly [key: string]: Value }

// Written plain by the library: starts with a letter or digit, no spaces or flow/comment indicators.
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._/:,-]*$/
// Strings the YAML 1.2 core schema would read as something else: the library quotes them.
const CORE_NOT_STRING =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[Tt]rue|TRUE|[Ff]alse|FALSE|~|[Nn]ull|NULL)$/
// `*` starts an alias, so the library double-quotes these (host patterns, port numbers as text).
const QUOTED = /^(?:\*[A-Za-z0-9.*-]*|[0-9]+)$/

/** The text of a scalar, or `undefined` when only the library knows how it is written. */
function scalar(value: Value): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined
  if (typeof value !== 'string') return undefined
  if (QUOTED.test(value)) return `"${value}"`
  if (PLAIN.test(value) && !value.endsWith(':') && !CORE_NOT_STRING.test(value)) return value
  return undefined
}

function isMap(value: Value): value is ValueMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Entries the library writes: it leaves out keys whose value is undefined. */
function entriesOf(map: ValueMap): [string, Value][] {
  return Object.entries(map).filter(([, value]) => value !== undefined)
}

type Writer = {
  lines: string[]
  /**
   * Maps and lists written so far: the library writes an object met twice as an anchor and an
   * alias, which this writer does not, so a shared object means falling back.
   */
  seen: Set<object>
  /** Comment per item of the one list that carries item comments. */
  itemComments?: { list: readonly Value[]; comments: readonly (string | undefined)[] }
}

function firstVisit(writer: Writer, value: object): boolean {
  if (writer.seen.has(value)) return false
  writer.seen.add(value)
  return true
}

/** `key: value` with the key at `column`; `prefix` is what the line starts with (spaces or `- `). */
function writePair(
  writer: Writer,
  input: { key: string; value: Value; column: number; prefix: string },
): boolean {
  const { key, value, column, prefix } = input
  if (!PLAIN.test(key) || key.endsWith(':') || CORE_NOT_STRING.test(key)) return false
  if (typeof value === 'object' && value !== null && !firstVisit(writer, value)) return false
  if (Array.isArray(value)) {
    if (value.length === 0) {
      writer.lines.push(`${prefix}${key}: []`)
      return true
    }
    writer.lines.push(`${prefix}${key}:`)
    return writeList(writer, { list: value, column: column + 2 })
  }
  if (isMap(value)) {
    const entries = entriesOf(value)
    if (entries.length === 0) {
      writer.lines.push(`${prefix}${key}: {}`)
      return true
    }
    writer.lines.push(`${prefix}${key}:`)
    return writeEntries(writer, {
      entries,
      column: column + 2,
      firstPrefix: ' '.repeat(column + 2),
    })
  }
  const text = scalar(value)
  if (text === undefined) return false
  writer.lines.push(`${prefix}${key}: ${text}`)
  return true
}

/** Map entries at `column`; the first line starts with `firstPrefix` (`- ` for a list item). */
function writeEntries(
  writer: Writer,
  input: { entries: readonly [string, Value][]; column: number; firstPrefix: string },
): boolean {
  const { entries, column, firstPrefix } = input
  return entries.every(([key, value], index) =>
    writePair(writer, {
      key,
      value,
      column,
      prefix: index === 0 ? firstPrefix : ' '.repeat(column),
    }),
  )
}

/** A block list with its dashes at `column`. */
function writeList(writer: Writer, input: { list: readonly Value[]; column: number }): boolean {
  const { list, column } = input
  const pad = ' '.repeat(column)
  const comments = writer.itemComments?.list === list ? writer.itemComments.comments : undefined
  return list.every((item, index) => {
    const comment = comments?.[index]
    if (comment !== undefined) writer.lines.push(`${pad}#${comment}`)
    if (Array.isArray(item)) return false
    if (isMap(item)) {
      if (!firstVisit(writer, item)) return false
      const entries = entriesOf(item)
      if (entries.length === 0) {
        writer.lines.push(`${pad}- {}`)
        return true
      }
      return writeEntries(writer, { entries, column: column + 2, firstPrefix: `${pad}- ` })
    }
    const text = scalar(item)
    if (text === undefined) return false
    writer.lines.push(`${pad}- ${text}`)
    return true
  })
}

/**
 * Writes one document with a comment before it and before each item of `spec.egress` (or, when it
 * has none, `spec.ingress`), as `new Document(document).toString({ lineWidth: 0 })` with those
 * comments set would; `undefined` when a value is outside what this writer knows (use the library).
 * Comments must be single printable lines.
 * @example writePolicyYaml({ document: { kind: 'NetworkPolicy' }, comment: 'x', itemComments: [] }) // '# x\n\nkind: NetworkPolicy\n'
 */
export function writePolicyYaml(input: {
  document: object
  comment: string
  itemComments: readonly (string | undefined)[]
}): string | undefined {
  const document = input.document as ValueMap
  if (input.comment === '' || input.itemComments.some((comment) => comment === '')) return undefined
  const spec = document.spec
  const list = isMap(spec) ? (spec.egress !== undefined ? spec.egress : spec.ingress) : undefined
  const writer: Writer = {
    lines: [`# ${input.comment}`, ''],
    seen: new Set([document]),
    ...(Array.isArray(list)
      ? {
          itemComments: {
            list,
            comments: input.itemComments.map((text) => (text ? ` ${text}` : undefined)),
          },
        }
      : {}),
  }
  const entries = entriesOf(document)
  if (entries.length === 0) return undefined
  return writeEntries(writer, { entries, column: 0, firstPrefix: '' })
    ? `${writer.lines.join('\n')}\n`
    : undefined
}
