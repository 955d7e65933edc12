/**
 * Bad usage or bad input: the command stops before writing anything and exits 2. Compared by
 * `code`, never `instanceof`.
 */
export class UsageError extends Error {
  readonly code = 'AML_EGRESS_USAGE' as const
  /** What to do about it, printed as `fix:`. */
  readonly fix: string | undefined
  constructor(message: string, fix?: string) {
    super(message)
    this.name = 'UsageError'
    this.fix = fix
  }
}

/** True for a `UsageError`, from any copy of this package. */
export function isUsageError(error: unknown): error is UsageError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === 'AML_EGRESS_USAGE'
  )
}

/** A core `ProfileError` (compared by code, as core asks). */
export type ProfileErrorLike = {
  code: 'AML_EGRESS_INVALID_INPUT'
  message: string
  issues: readonly { path: string; message: string }[]
}

export function isProfileError(error: unknown): error is ProfileErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === 'AML_EGRESS_INVALID_INPUT' &&
    'issues' in error &&
    Array.isArray(error.issues)
  )
}
