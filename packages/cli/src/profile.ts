import {
  type EnvironmentFileScan,
  type Plan,
  type Profile,
  parseProfileText,
  type ResolveOptions,
  resolvePlan,
} from '@aml-egress/core'
import { readEnvironmentFiles } from './environmentFiles'
import { UsageError } from './errors'
import { type Io, nodeIo } from './io'

/**
 * Reads, validates and resolves a profile (YAML or JSON), with the environment files it names in
 * `features.pythonPackages.from`. A missing file is a `UsageError`; an invalid one throws core's
 * `ProfileError` (code `AML_EGRESS_INVALID_INPUT`), which the CLI prints with the field path of
 * every issue.
 */
export async function loadProfile(input: {
  path: string
  io: Pick<Io, 'readFile'>
  /** Passed on to `resolvePlan` (e.g. `extraRequirements` from code). */
  resolveOptions?: Omit<ResolveOptions, 'profileFile' | 'environmentFiles'>
}): Promise<{ profile: Profile; plan: Plan; environmentFiles: EnvironmentFileScan[] }> {
  const text = await input.io.readFile(input.path)
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
  const plan = resolvePlan(profile, {
    ...input.resolveOptions,
    profileFile: input.path,
    environmentFiles,
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
  options: { resolveOptions?: Omit<ResolveOptions, 'profileFile' | 'environmentFiles'> } = {},
): Promise<{ profile: Profile; plan: Plan; environmentFiles: EnvironmentFileScan[] }> {
  return loadProfile({ path, io: nodeIo(), ...options })
}
