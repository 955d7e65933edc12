import { type Cloud, clouds, type ProfileInput, regions } from '@aml-egress/core'
import fc from 'fast-check'

/**
 * Generators of valid profiles. Sizes are biased to the edges of Azure's naming rules (storage
 * accounts 3 and 24 characters, registries 5 and 50, workspace names 2 and 32) because that is
 * where escaping and length limits of the targets break first.
 */

const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const DIGITS = '0123456789'
const UPPER = LOWER.toUpperCase()

/** A string of `alphabet` whose length is `min`, `max` or anything between, edges favoured. */
function nameOf(input: { alphabet: string; min: number; max: number }): fc.Arbitrary<string> {
  const { alphabet, min, max } = input
  const char = fc.constantFrom(...alphabet.split(''))
  const length = fc.oneof(fc.constant(min), fc.constant(max), fc.integer({ min, max }))
  return length.chain((n) => fc.string({ unit: char, minLength: n, maxLength: n }))
}

/** Storage account names: 3–24 lowercase letters and digits. */
export const storageAccountName: fc.Arbitrary<string> = nameOf({
  alphabet: LOWER + DIGITS,
  min: 3,
  max: 24,
})

/** Container registry names: 5–50 letters and digits (any case; the plan lower-cases them). */
export const registryName: fc.Arbitrary<string> = nameOf({
  alphabet: LOWER + UPPER + DIGITS,
  min: 5,
  max: 50,
})

/** Workspace display names: 2–32 letters, digits, `_` and `-`, starting with a letter or digit. */
export const workspaceName: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...(LOWER + UPPER + DIGITS).split('')),
    nameOf({ alphabet: `${LOWER}${UPPER}${DIGITS}_-`, min: 1, max: 31 }),
  )
  .map(([first, rest]) => first + rest)

/** Workspace GUIDs, in either case (the schema accepts both). */
export const workspaceId: fc.Arbitrary<string> = fc
  .tuple(fc.uuid(), fc.boolean())
  .map(([id, upper]) => (upper ? id.toUpperCase() : id))

/** DNS labels (namespaces, cluster DNS prefixes): 1–63 of `a-z0-9-`, no dash at the ends. */
export const dnsLabel: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...(LOWER + DIGITS).split('')),
    nameOf({ alphabet: `${LOWER}${DIGITS}-`, min: 0, max: 61 }),
    fc.constantFrom(...(LOWER + DIGITS).split('')),
  )
  .map(([first, middle, last]) => `${first}${middle}${last}`)

/** IPv4 CIDRs with host bits cleared, /8 to /32. */
export const cidr: fc.Arbitrary<string> = fc
  .tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 }))
  .map(([address, bits]) => {
    const value = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0)
    const mask = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0
    const network = (value & mask) >>> 0
    const octets = [24, 16, 8, 0].map((shift) => (network >>> shift) & 255)
    return `${octets.join('.')}/${bits}`
  })

/** Kubernetes label names (and non-empty values): up to 63 characters, alphanumeric at both ends. */
const labelName: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...(LOWER + UPPER + DIGITS).split('')),
    fc.option(
      fc.tuple(
        nameOf({ alphabet: `${LOWER}${UPPER}${DIGITS}-_.`, min: 0, max: 61 }),
        fc.constantFrom(...(LOWER + UPPER + DIGITS).split('')),
      ),
      { nil: undefined },
    ),
  )
  .map(([first, rest]) => (rest ? `${first}${rest[0]}${rest[1]}` : first))

/** Kubernetes label keys: an optional DNS-subdomain prefix, then a label name. */
const labelKey: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(fc.array(dnsLabel, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    labelName,
  )
  .map(([prefix, name]) => (prefix ? `${prefix.join('.')}/${name}` : name))

/** Kubernetes label values: empty, or a label name. */
const labelValue: fc.Arbitrary<string> = fc.oneof(fc.constant(''), labelName)

const labels: fc.Arbitrary<Record<string, string>> = fc.dictionary(labelKey, labelValue, {
  maxKeys: 2,
})

const computeKinds = [
  'computeInstance',
  'computeCluster',
  'serverless',
  'kubernetes',
  'attachedVm',
  'managedOnlineEndpoint',
] as const

const featureNames = [
  'storageFirewall',
  'vscode',
  'vscodeInteractiveJobs',
  'rstudio',
  'positWorkbench',
  'pythonPackages',
  'rPackages',
  'publicIpCompute',
  'microsoftImages',
  'azureMonitor',
  'huggingFace',
  'autoML',
  'privateEndpoints',
  'dataExfiltrationPrevention',
] as const

/**
 * Every feature independently on, off or left to its default. "On" is the rarer choice so that the
 * average profile stays small (fast) while every combination remains reachable.
 */
const feature: fc.Arbitrary<boolean> = fc.oneof(
  { arbitrary: fc.constant(false), weight: 2 },
  { arbitrary: fc.constant(true), weight: 1 },
)
const features = fc.record(
  Object.fromEntries(featureNames.map((name) => [name, feature])) as Record<
    (typeof featureNames)[number],
    fc.Arbitrary<boolean>
  >,
  { requiredKeys: [] },
)

const kubernetes = fc.record(
  {
    connection: fc.constantFrom('aks' as const, 'arc' as const),
    namespace: dnsLabel,
    modelNamespaces: fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 3 }),
    clusterDnsPrefix: dnsLabel,
    apiServerAddresses: fc.array(cidr, { maxLength: 2 }),
    customDnsServers: fc.array(cidr, { maxLength: 2 }),
    legacyNodeEgress: fc.boolean(),
    labels: fc.record(
      {
        azuremlFe: labels,
        identityProxy: labels,
        modelPods: labels,
        kubeDns: labels,
        konnectivityAgent: labels,
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
)

function workspace(cloud: Cloud) {
  const cloudRegions = regions.filter((region) => region.cloud === cloud).map((r) => r.name)
  return fc.record(
    {
      id: workspaceId,
      name: workspaceName,
      region: fc.constantFrom(...cloudRegions),
      storageAccounts: fc.uniqueArray(storageAccountName, { maxLength: 3 }),
      containerRegistries: fc.uniqueArray(registryName, {
        maxLength: 2,
        selector: (name) => name.toLowerCase(),
      }),
      hbiWorkspace: fc.boolean(),
    },
    { requiredKeys: ['id', 'region'] },
  )
}

/**
 * Tags an own requirement may name in every cloud: real, specific service tags (none stands for
 * everything, none regional: a region's tag exists in one cloud only).
 */
const ownTags = ['AzureCosmosDB', 'Sql', 'EventHub', 'AzureKeyVault', 'Storage'] as const

/** An own requirement's destination: a host, a wildcard, an IPv4 CIDR or a service tag. */
const ownDestination: fc.Arbitrary<string> = fc.oneof(
  dnsLabel.map((label) => `${label}.contoso.com`),
  dnsLabel.map((label) => `*.${label}.contoso.net`),
  cidr,
  fc.constantFrom(...ownTags).map((tag) => `tag:${tag}`),
)

const ownPort: fc.Arbitrary<number | string> = fc.oneof(
  fc.constantFrom(443, 80, 8443, 22),
  fc
    .tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 100 }))
    .map(([from, width]) => `${from}-${Math.min(65535, from + width)}`),
)

/** 0–3 `extraRequirements` entries, outbound (any destination kind) or inbound (tag or CIDR). */
const extraRequirements = fc.uniqueArray(
  fc.oneof(
    fc.record({
      id: dnsLabel.map((label) => `own-${label}`.slice(0, 63).replace(/-+$/, '')),
      description: fc.constant('fuzzed endpoint'),
      destination: ownDestination,
      protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'ANY' as const),
      ports: fc.array(ownPort, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      id: dnsLabel.map((label) => `own-in-${label}`.slice(0, 63).replace(/-+$/, '')),
      description: fc.constant('fuzzed inbound'),
      direction: fc.constant('inbound' as const),
      source: fc.oneof(
        cidr,
        fc.constantFrom(...ownTags).map((tag) => `tag:${tag}`),
      ),
      ports: fc.array(ownPort, { minLength: 1, maxLength: 2 }),
    }),
  ),
  { maxLength: 3, selector: (entry) => entry.id },
)

/** Options of `profileArbitrary`. */
export type ProfileArbitraryOptions = {
  /** Most workspaces in one profile (default 3: small profiles keep 10,000 runs fast). */
  maxWorkspaces?: number
  /** Most compute kinds in one profile (default 3 of the 6). */
  maxCompute?: number
}

/**
 * A valid profile input: any cloud, regions of that cloud, a fleet of 1–`maxWorkspaces`
 * workspaces with unique ids, every feature combination, both destination styles, Kubernetes
 * settings, requirements of your own of every destination kind. `parseProfile` accepts every
 * value it produces.
 */
export function profileArbitrary(
  options: ProfileArbitraryOptions = {},
): fc.Arbitrary<ProfileInput> {
  const maxWorkspaces = options.maxWorkspaces ?? 3
  const maxCompute = options.maxCompute ?? 3
  return fc.constantFrom(...clouds).chain((cloud) =>
    fc.record(
      {
        cloud: fc.constant(cloud),
        workspaces: fc.uniqueArray(workspace(cloud), {
          minLength: 1,
          maxLength: maxWorkspaces,
          selector: (w) => w.id.toLowerCase(),
        }),
        compute: fc.uniqueArray(fc.constantFrom(...computeKinds), {
          minLength: 1,
          maxLength: maxCompute,
        }),
        workloads: fc.uniqueArray(fc.constantFrom('training' as const, 'inference' as const), {
          minLength: 1,
        }),
        features,
        destinationStyle: fc.constantFrom('hosts' as const, 'serviceTags' as const),
        kubernetes,
        sourceAddresses: fc.array(cidr, { minLength: 1, maxLength: 2 }),
        extraRequirements,
      },
      { requiredKeys: ['cloud', 'workspaces', 'compute', 'sourceAddresses'] },
    ),
  )
}
