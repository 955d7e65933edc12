import {
  type EnvironmentFileScan,
  type Plan,
  type Profile,
  parseProfileText,
  type ResolveOptions,
  resolvePlan,
  type ServiceTagNames,
  serviceTagNamesFromFile,
} from '@aml-egress/core'
import { readEnvironmentFiles } from './environmentFiles'
import { isSystemError, UsageError } from './errors'
import { type Io, nodeIo } from './io'

/**
 * The names of a service-tags file the user downloaded (`--service-tags`), for the profile's cloud.
 * Every problem is a `UsageError` naming the flag: nothing is written.
 */
async function readServiceTagNames(input: {
  path: string
  profile: Profile
  io: Pick<Io, 'readFile'>
}): Promise<ServiceTagNames> {
  const { path, profile } = input
  const text = await input.io.readFile(path)
  if (text === undefined)
    throw new UsageError(`--service-tags: cannot read '${path}': no such file`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UsageError(
      `--service-tags: '${path}' is not JSON (${error instanceof Error ? error.message : String(error)})`,
      'pass the path of the JSON file as downloaded from Microsoft',
    )
  }
  let names: ServiceTagNames
  try {
    names = serviceTagNamesFromFile(json, path)
  } catch (error) {
    throw new UsageError(
      `--service-tags: ${error instanceof Error ? error.message : String(error)}`,
      'pass the "Azure IP Ranges and Service Tags" JSON of your cloud, as downloaded from Microsoft',
    )
  }
  if (names.cloud !== profile.cloud)
    throw new UsageError(
      `--service-tags: '${path}' is the ${names.cloud} cloud's file, but the profile's cloud is '${profile.cloud}'`,
      `pass the service-tags file of the ${profile.cloud} cloud`,
    )
  return names
}

/**
 * Reads, validates and resolves a profile (YAML or JSON), with the environment files it names in
 * `features.pythonPackages.from`, against the published tag names of a service-tags file when one
 * is given (else the snapshot bundled in core). A missing file is a `UsageError`; an invalid one throws core's `ProfileError` (code `AML_EGRESS_INVALID_INPUT`),
 * which the CLI prints with the field path of every issue.
 */
export async function loadProfile(input: {
  path: string
  io: Pick<Io, 'readFile'>
  /** `--service-tags FILE`: a newer published file to check the plan's tags against. */
  serviceTags?: string | undefined
  /** Passed on to `resolvePlan` (e.g. `extraRequirements` from code). */
  resolveOptions?: Omit<ResolveOptions, 'profileFile' | 'environmentFiles' | 'serviceTags'>
}): Promise<{ profile: Profile; plan: Plan; environmentFiles: EnvironmentFileScan[] }> {
  const text = await input.io.readFile(input.path).catch((error: unknown) => {
    if (isSystemError(error) && error.code === 'EISDIR')
      throw new UsageError(
        `cannot read the profile '${input.path}': it is a directory`,
        'pass the profile file itself with --profile, e.g. --profile aml-egress.yaml',
      )
    throw error
  })
  if (text === undefined)
    throw new UsageError(
      `cannot read the profile '${input.path}': no such file`,
      'pass the path of your profile with --profile, or create one with `aml-egress init`',
    )
  const profile = parseProfileText(text, input.path)
  const environmentFiles = await readEnvironmentFiles({
    profilePath: input.path,
    profile,
    io: input.io,
  })
  const serviceTags =
    input.serviceTags === undefined
      ? undefined
      : await readServiceTagNames({ path: input.serviceTags, profile, io: input.io })
  const plan = resolvePlan(profile, {
    ...input.resolveOptions,
    profileFile: input.path,
    environmentFiles,
    ...(serviceTags ? { serviceTags } : {}),
  })
  return { profile, plan, environmentFiles }
}

/**
 * The library's way to load a profile from disk as the CLI does: the profile, the environment
 * files it names (read relative to it, `-r` includes followed and bounded), and the plan.
 * @example const { plan } = await loadProfileFile('aml-egress.yaml')
 */
export function loadProfileFile(
  path: string,
  options: {
    resolveOptions?: Omit<ResolveOptions, 'profileFile' | 'environmentFiles' | 'serviceTags'>
    /** A newer published service-tags file to resolve against, as `--service-tags` takes it. */
    serviceTags?: string
  } = {},
): Promise<{ profile: Profile; plan: Plan; environmentFiles: EnvironmentFileScan[] }> {
  return loadProfile({ path, io: nodeIo(), ...options })
}
