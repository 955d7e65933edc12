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

/** A Node.js system error (`EISDIR`, `EACCES`, `ENOSPC`, …) from a file-system call. */
export type SystemErrorLike = { code: string; syscall: string; path?: string; message: string }

export function isSystemError(error: unknown): error is SystemErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    /^E[A-Z0-9]+$/.test(error.code) &&
    'syscall' in error &&
    typeof error.syscall === 'string'
  )
}

const SYSTEM_ERROR_TEXT: Readonly<Record<string, string>> = {
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'it is a symbolic link (or too many levels of them)',
  EEXIST: 'something is already there',
  EMFILE: 'too many open files',
}

/**
 * A file-system failure as one line and a fix, without a stack trace: it is about the user's
 * disk, not a bug in aml-egress.
 */
export function describeSystemError(error: SystemErrorLike): { message: string; fix: string } {
  const what = SYSTEM_ERROR_TEXT[error.code] ?? error.code
  const where = error.path === undefined ? '' : ` '${error.path}'`
  return {
    message: `cannot ${error.syscall}${where}: ${what} (${error.code})`,
    fix: 'check the path and its permissions, then run the command again',
  }
}
