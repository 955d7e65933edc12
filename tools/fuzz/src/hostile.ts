import { formatPath, profileLimits } from '@aml-egress/core'
import fc from 'fast-check'
import { stringify } from 'yaml'
import { setAt } from './invalid'

/** A valid profile every hostile case starts from. */
export const baseProfile = {
  workspaces: [
    {
      id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c',
      region: 'westeurope',
      storageAccounts: ['contosostore'],
    },
  ],
  compute: ['computeCluster', 'kubernetes'],
  workloads: ['inference'],
  sourceAddresses: ['10.10.0.0/24'],
}

/** A hostile profile text and the field path an issue must name (`(root)` for size bounds). */
export type HostileYaml = { text: string; expectedPath: string; why: string }

/** Values of a plain object tree: every object, list and scalar. */
function countValues(value: unknown): number {
  if (Array.isArray(value))
    return 1 + value.reduce((sum: number, item) => sum + countValues(item), 0)
  if (typeof value === 'object' && value !== null)
    return 1 + Object.values(value).reduce((sum: number, item) => sum + countValues(item), 0)
  return 1
}

/** Fields an alias bomb can stand in: typed ones, free ones and a key the schema does not know. */
const BOMB_FIELDS = ['destinationStyle', '$schema', 'cloud', 'features', 'bogus'] as const

/**
 * Nested anchors ("billion laughs"): `levels` anchors of `fanout` aliases each, the last one used
 * as the value of a field. Small ones expand within the bound (a plain type error then), large
 * ones past it; either way the profile is refused with a located issue.
 */
export const aliasBombArbitrary: fc.Arbitrary<HostileYaml> = fc
  .record({
    levels: fc.integer({ min: 1, max: 9 }),
    fanout: fc.integer({ min: 2, max: 12 }),
    field: fc.constantFrom(...BOMB_FIELDS),
  })
  .map(({ levels, fanout, field }) => {
    const anchors = [`anchor0: &a0 [${Array.from({ length: fanout }, () => 'lol').join(', ')}]`]
    for (let level = 1; level < levels; level += 1)
      anchors.push(
        `anchor${level}: &a${level} [${Array.from({ length: fanout }, () => `*a${level - 1}`).join(', ')}]`,
      )
    // Values once expanded, counted as core counts them: every list and every scalar, each use.
    const sizes = [1 + fanout]
    for (let level = 1; level < levels; level += 1) sizes.push(1 + fanout * (sizes[level - 1] ?? 0))
    const total =
      countValues(baseProfile) +
      sizes.reduce((sum, size) => sum + size, 0) +
      (sizes[levels - 1] ?? 0)
    const expands = total > profileLimits.expandedValues
    return {
      text: `${stringify(baseProfile)}${anchors.join('\n')}\n${field}: *a${levels - 1}\n`,
      // Past the bound the whole profile is refused; below it the anchors are unknown keys.
      expectedPath: expands ? '(root)' : 'anchor0',
      why: `${levels} levels of ${fanout} aliases in ${field}`,
    }
  })

/** Lists the schema bounds, each with a valid item and its bound. */
const BOUNDED_LISTS: readonly {
  path: (string | number)[]
  item: (n: number) => unknown
  limit: number
}[] = [
  {
    path: ['workspaces', 0, 'storageAccounts'],
    item: (n) => `store${n}`,
    limit: profileLimits.storageAccountsPerWorkspace,
  },
  {
    path: ['workspaces', 0, 'containerRegistries'],
    item: (n) => `registry${n}`,
    limit: profileLimits.containerRegistriesPerWorkspace,
  },
  {
    path: ['sourceAddresses'],
    item: (n) => `10.${Math.floor(n / 256) % 256}.${n % 256}.0/24`,
    limit: profileLimits.sourceAddresses,
  },
  {
    path: ['kubernetes', 'modelNamespaces'],
    item: (n) => `models${n}`,
    limit: profileLimits.modelNamespaces,
  },
  {
    path: ['kubernetes', 'apiServerAddresses'],
    item: (n) => `10.1.${n % 256}.4/32`,
    limit: profileLimits.apiServerAddresses,
  },
]

/** A list one to a few hundred items past its bound, as YAML or JSON text. */
export const hugeListArbitrary: fc.Arbitrary<HostileYaml> = fc
  .record({
    list: fc.constantFrom(...BOUNDED_LISTS),
    over: fc.integer({ min: 1, max: 300 }),
    json: fc.boolean(),
  })
  .map(({ list, over, json }) => {
    const items = Array.from({ length: list.limit + over }, (_, n) => list.item(n))
    const value = setAt(baseProfile, list.path, items)
    return {
      text: json ? JSON.stringify(value) : stringify(value),
      expectedPath: formatPath(list.path),
      why: `${list.limit + over} items in ${formatPath(list.path)}`,
    }
  })

/** C0 controls (ESC, BEL, NUL, CR), DEL, a C1 CSI and a bidirectional override. */
const CONTROL_CHARACTERS = [
  '\u001B[2J',
  '\u001B]0;pwned\u0007',
  '\u0000',
  '\r',
  '\u007F',
  '\u009B',
  '\u202E',
]

/** String fields a control character can be smuggled into, and keys. */
const STRING_FIELDS: readonly (string | number)[][] = [
  ['workspaces', 0, 'id'],
  ['workspaces', 0, 'storageAccounts', 0],
  ['workspaces', 0, 'name'],
  ['sourceAddresses', 0],
  ['kubernetes', 'namespace'],
  ['kubernetes', 'labels', 'modelPods', 'app'],
]

/**
 * A profile with a control character inside a string value or an unknown key. It is refused,
 * and nothing of it may reach a terminal unescaped.
 */
export const controlCharacterArbitrary: fc.Arbitrary<HostileYaml & { control: string }> = fc
  .record({
    control: fc.constantFrom(...CONTROL_CHARACTERS),
    field: fc.constantFrom(...STRING_FIELDS),
    inKey: fc.boolean(),
    json: fc.boolean(),
  })
  .map(({ control, field, inKey, json }) => {
    const key = `evil${control}key`
    const value = inKey
      ? setAt(baseProfile, [key], true)
      : setAt(baseProfile, field, `westeurope${control}`)
    const path = inKey ? [key] : field
    return {
      // JSON escapes the characters; YAML double quotes them the same way (a raw control
      // character is a YAML syntax error, refused with a line and column).
      text: json ? JSON.stringify(value) : stringify(value, { defaultStringType: 'QUOTE_DOUBLE' }),
      expectedPath: formatPath(path),
      why: `${JSON.stringify(control)} in ${formatPath(path)}`,
      control,
    }
  })

/** What a planted entry is: a file, a directory, or a symbolic link to outside `--out`. */
export type PlantedKind = 'file' | 'directory' | 'link-to-directory' | 'link-to-secret'

/** One entry planted in (or as) the output directory before a render. */
export type Planted = {
  /** Relative to `--out`; `''` is `--out` itself. */
  path: string
  kind: PlantedKind
  /** True when the render needs this path for itself: it must refuse (exit 2, nothing written). */
  blocks: boolean
}

/**
 * What `render -f squid,network-policy` writes under `--out`, with the directories on the way:
 * the paths an obstacle can block.
 */
export const RENDER_TARGETS = {
  files: [
    'squid/aml-egress.conf',
    'network-policy/network-policies.yaml',
    '.aml-egress-manifest.json',
  ],
  directories: ['squid', 'network-policy'],
} as const

/** An obstacle at a path render needs: what is there decides whether it blocks. */
const obstacleArbitrary: fc.Arbitrary<Planted> = fc.oneof(
  fc
    .record({
      path: fc.constantFrom(...RENDER_TARGETS.files),
      kind: fc.constantFrom<PlantedKind>(
        'file',
        'directory',
        'link-to-directory',
        'link-to-secret',
      ),
    })
    // A regular file where render writes a file is its to replace, not an obstacle; but a file
    // at the manifest's path that is no manifest of ours is refused (exit 2), never trusted.
    .map(({ path, kind }) => ({
      path,
      kind,
      blocks: kind !== 'file' || path === '.aml-egress-manifest.json',
    })),
  fc
    .record({
      path: fc.constantFrom(...RENDER_TARGETS.directories),
      kind: fc.constantFrom<PlantedKind>(
        'file',
        'directory',
        'link-to-directory',
        'link-to-secret',
      ),
    })
    .map(({ path, kind }) => ({ path, kind, blocks: kind !== 'directory' })),
  fc
    .constantFrom<PlantedKind>('file', 'link-to-secret')
    .map((kind) => ({ path: '', kind, blocks: true })),
)

/** Entries render has no business with: unrelated files, links and directories beside its own. */
const bystanderArbitrary: fc.Arbitrary<Planted> = fc
  .record({
    path: fc.constantFrom('notes.txt', 'squid/local.conf', 'network-policy/mine', 'other/x.tf'),
    kind: fc.constantFrom<PlantedKind>('file', 'directory', 'link-to-directory', 'link-to-secret'),
  })
  .map(({ path, kind }) => ({ path, kind, blocks: false }))

/**
 * An output tree to render into: up to two obstacles and up to three bystanders, each path once
 * (the first entry for a path wins), parents before children.
 */
export const outputTreeArbitrary: fc.Arbitrary<Planted[]> = fc
  .tuple(
    fc.array(obstacleArbitrary, { maxLength: 2 }),
    fc.array(bystanderArbitrary, { maxLength: 3 }),
  )
  .map(([obstacles, bystanders]) => {
    const chosen: Planted[] = []
    for (const entry of [...obstacles, ...bystanders]) {
      const clashes = chosen.some(
        (other) =>
          other.path === entry.path ||
          other.path === '' ||
          entry.path === '' ||
          entry.path.startsWith(`${other.path}/`) ||
          other.path.startsWith(`${entry.path}/`),
      )
      if (!clashes) chosen.push(entry)
    }
    return chosen.sort((a, b) => a.path.split('/').length - b.path.split('/').length)
  })
