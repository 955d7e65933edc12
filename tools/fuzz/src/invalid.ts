import { formatPath, type ProfileInput } from '@aml-egress/core'
import fc from 'fast-check'
import { stringify } from 'yaml'
import { profileArbitrary } from './profiles'

type Key = string | number

/**
 * Fragments that break a value: injection into the targets (a newline and a proxy directive,
 * quotes, HCL template sequences `${` and `%{`, spaces, `*`) and look-alikes a human would not
 * notice.
 */
const INJECTIONS = [
  '\nhttp_access allow all',
  '\n  injected: true',
  '"',
  "'",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL template sequence, injected on purpose
  '${var.x}',
  '%{ if true }',
  ' x',
  '*',
  '\u0430', // Cyrillic small a
  '\uff11', // fullwidth digit one
  'x'.repeat(300),
]

/** A string valid for its field turned invalid: a fragment appended, or a look-alike swapped in. */
function brokenString(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...INJECTIONS).map((fragment) => `${valid}${fragment}`),
    fc
      .constantFrom('\u0430', '\uff10', '\u0455')
      .map((lookAlike) => `${lookAlike}${valid.slice(1)}`),
  )
}

const WRONG_TYPES: readonly unknown[] = [42, true, null, [], {}]

/** A field of the profile: where it is, and a valid value to break. */
type Field = { path: Key[]; valid: unknown }

function fieldsOf(profile: ProfileInput): Field[] {
  const workspace = profile.workspaces[0]
  const fields: Field[] = [
    { path: ['cloud'], valid: profile.cloud ?? 'public' },
    { path: ['destinationStyle'], valid: 'hosts' },
    { path: ['compute', 0], valid: 'computeCluster' },
    { path: ['workloads', 0], valid: 'training' },
    { path: ['sourceAddresses', 0], valid: '10.0.0.0/24' },
    {
      path: ['workspaces', 0, 'id'],
      valid: workspace?.id ?? '00000000-0000-0000-0000-000000000000',
    },
    { path: ['workspaces', 0, 'name'], valid: 'team-a' },
    { path: ['workspaces', 0, 'region'], valid: workspace?.region ?? 'westeurope' },
    { path: ['workspaces', 0, 'storageAccounts', 0], valid: 'contosostore' },
    { path: ['workspaces', 0, 'containerRegistries', 0], valid: 'contosoacr' },
    { path: ['workspaces', 0, 'hbiWorkspace'], valid: true },
    { path: ['features', 'vscode'], valid: true },
    { path: ['kubernetes', 'connection'], valid: 'aks' },
    { path: ['kubernetes', 'namespace'], valid: 'azureml' },
    { path: ['kubernetes', 'modelNamespaces', 0], valid: 'models' },
    { path: ['kubernetes', 'clusterDnsPrefix'], valid: 'aks-prod' },
    { path: ['kubernetes', 'apiServerAddresses', 0], valid: '10.1.0.1/32' },
    { path: ['kubernetes', 'customDnsServers', 0], valid: '10.1.0.4' },
    { path: ['kubernetes', 'labels', 'azuremlFe', 'app'], valid: 'azureml-fe' },
  ]
  return fields
}

/** Objects of the profile that reject unknown keys, and the keys they know. */
const STRICT_OBJECTS: readonly { path: Key[]; known: readonly string[] }[] = [
  {
    path: [],
    known: [
      '$schema',
      'cloud',
      'workspaces',
      'compute',
      'workloads',
      'features',
      'destinationStyle',
      'kubernetes',
      'sourceAddresses',
    ],
  },
  {
    path: ['workspaces', 0],
    known: ['id', 'name', 'region', 'storageAccounts', 'containerRegistries', 'hbiWorkspace'],
  },
  { path: ['features'], known: ['vscode'] },
  { path: ['kubernetes'], known: ['namespace', 'connection'] },
  { path: ['kubernetes', 'labels'], known: ['azuremlFe', 'modelPods'] },
]

/** Deep copy with `value` set at `path`, creating objects and arrays on the way. */
export function setAt(root: unknown, path: readonly Key[], value: unknown): unknown {
  const copy: unknown = structuredClone(root)
  if (path.length === 0) return value
  let node = copy as Record<Key, unknown>
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      node[key] = value
      return
    }
    const next = node[key]
    if (next === null || typeof next !== 'object')
      node[key] = typeof path[index + 1] === 'number' ? [] : {}
    node = node[key] as Record<Key, unknown>
  })
  return copy
}

/** An invalid profile and the field path (as core formats it) that an issue must name. */
export type InvalidProfile = { value: unknown; expectedPath: string; why: string }

/**
 * A valid profile with exactly one thing broken: a field with an injected or look-alike string,
 * a wrong type, an unknown key, or a record key that Kubernetes would reject.
 */
export const invalidProfileArbitrary: fc.Arbitrary<InvalidProfile> = profileArbitrary({
  maxWorkspaces: 2,
}).chain((profile) => {
  const fields = fieldsOf(profile)
  const brokenField = fc.constantFrom(...fields).chain((field) =>
    fc
      .oneof(
        typeof field.valid === 'string' ? brokenString(field.valid) : fc.constant('yes'),
        fc.constantFrom(...WRONG_TYPES.filter((wrong) => typeof wrong !== typeof field.valid)),
      )
      .map(
        (bad): InvalidProfile => ({
          value: setAt(profile, field.path, bad),
          expectedPath: formatPath(field.path),
          why: `${formatPath(field.path)} = ${JSON.stringify(bad)}`,
        }),
      ),
  )
  const unknownKey = fc
    .tuple(
      fc.constantFrom(...STRICT_OBJECTS),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL template sequence, injected on purpose
      fc.constantFrom('bogus', 'storageAcounts', 'Cloud', 'x y', '${x}', 'a\nb', 'région'),
    )
    .filter(([object, key]) => !object.known.includes(key))
    .map(
      ([object, key]): InvalidProfile => ({
        value: setAt(profile, [...object.path, key], true),
        expectedPath: formatPath([...object.path, key]),
        why: `unknown key ${JSON.stringify(key)}`,
      }),
    )
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL template sequence, injected on purpose
  const badLabelKey = fc.constantFrom('a"b', 'a b', 'app\nx', '-app', 'a/b/c', '${x}').map(
    (key): InvalidProfile => ({
      value: setAt(profile, ['kubernetes', 'labels', 'modelPods'], { [key]: 'x' }),
      expectedPath: formatPath(['kubernetes', 'labels', 'modelPods', key]),
      why: `label key ${JSON.stringify(key)}`,
    }),
  )
  return fc.oneof(
    { arbitrary: brokenField, weight: 6 },
    { arbitrary: unknownKey, weight: 2 },
    { arbitrary: badLabelKey, weight: 1 },
  )
})

/** YAML or JSON text of a value (JSON is YAML; the CLI accepts both). */
export const textArbitrary = (value: unknown): fc.Arbitrary<string> =>
  fc.constantFrom(stringify(value), JSON.stringify(value, null, 2), JSON.stringify(value))

/**
 * Text that is not a valid profile: a valid profile's YAML or JSON cut short, with a stray
 * character inserted, or with a duplicated key.
 */
export const malformedTextArbitrary: fc.Arbitrary<string> = profileArbitrary({ maxWorkspaces: 1 })
  .chain(textArbitrary)
  .chain((text) =>
    fc.oneof(
      fc.nat({ max: Math.max(0, text.length - 2) }).map((cut) => text.slice(0, cut)),
      fc
        .tuple(
          fc.nat({ max: text.length }),
          fc.constantFrom('{', '[', '"', ': :', '\t', '\n- ', '\n  -x: [', '\u0000', '}'),
        )
        .map(([at, stray]) => `${text.slice(0, at)}${stray}${text.slice(at)}`),
      fc.constant(`${text}\ncompute: [computeCluster]\n`),
    ),
  )
