import { type Plan, type Profile, parseProfileText, resolvePlan } from '@aml-egress/core'
import { isSystemError, UsageError } from './errors'
import type { Io } from './io'

/**
 * Reads, validates and resolves a profile (YAML or JSON). A missing file is a `UsageError`; an
 * invalid one throws core's `ProfileError` (code `AML_EGRESS_INVALID_INPUT`), which the CLI prints
 * with the field path of every issue.
 */
export async function loadProfile(input: {
  path: string
  io: Pick<Io, 'readFile'>
}): Promise<{ profile: Profile; plan: Plan }> {
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
  return { profile, plan: resolvePlan(profile) }
}
