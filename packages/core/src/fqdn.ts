/**
 * Host-name patterns as the plan uses them: an exact name (`ml.azure.com`) or a leading wildcard
 * (`*.blob.core.windows.net`). A wildcard matches one or more labels in front of its suffix and
 * never the suffix itself (Azure Firewall's semantics, which the docs are written for).
 */

/** Lower-cases and strips a trailing dot. */
export function canonicalHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '')
}

const DOT = 46
const HYPHEN = 45
const UNDERSCORE = 95

/**
 * True for a valid DNS name: lower-case labels of 1–63 letters, digits and inner hyphens, or of
 * letters, digits and underscores (`_dmarc`); 253 characters in all. One pass, no allocation: every
 * renderer checks every host of a fleet with it.
 */
export function isValidHostName(host: string): boolean {
  const length = host.length
  if (length === 0 || length > 253) return false
  let start = 0
  let hyphen = false
  let underscore = false
  for (let index = 0; index <= length; index++) {
    const code = index === length ? DOT : host.charCodeAt(index)
    if (code === DOT) {
      const size = index - start
      if (size === 0 || size > 63 || (hyphen && underscore)) return false
      if (hyphen && (host.charCodeAt(start) === HYPHEN || host.charCodeAt(index - 1) === HYPHEN))
        return false
      start = index + 1
      hyphen = false
      underscore = false
    } else if (code === HYPHEN) hyphen = true
    else if (code === UNDERSCORE) underscore = true
    else if (!((code >= 97 && code <= 122) || (code >= 48 && code <= 57))) return false
  }
  return true
}

/** True for `*.suffix` with a valid suffix of at least two labels. */
export function isWildcardPattern(pattern: string): boolean {
  return pattern.startsWith('*.') && isValidHostName(pattern.slice(2))
}

/** True for an exact host or a `*.suffix` wildcard that this project can emit. */
export function isValidHostPattern(pattern: string): boolean {
  return isWildcardPattern(pattern) || isValidHostName(pattern)
}

/**
 * Does `pattern` match the concrete `host`?
 * @example hostMatchesPattern('a.blob.core.windows.net', '*.blob.core.windows.net') // true
 * @example hostMatchesPattern('blob.core.windows.net', '*.blob.core.windows.net') // false
 */
export function hostMatchesPattern(host: string, pattern: string): boolean {
  const name = canonicalHost(host)
  const wanted = canonicalHost(pattern)
  if (wanted.startsWith('*.'))
    return name.endsWith(wanted.slice(1)) && name.length > wanted.length - 1
  return name === wanted
}

/** Does pattern `outer` match every host that `inner` matches? */
export function patternCovers(outer: string, inner: string): boolean {
  const o = canonicalHost(outer)
  const i = canonicalHost(inner)
  if (o === i) return true
  if (!o.startsWith('*.')) return false
  // `*.a.b` covers `x.a.b` and `*.x.a.b`, but not `a.b` or `*.a.b` written differently.
  const suffix = o.slice(1)
  const innerName = i.startsWith('*.') ? i.slice(2) : i
  return (
    innerName.endsWith(suffix) && innerName.length > suffix.length - 1 && innerName !== o.slice(2)
  )
}

/** The sort key that puts a domain next to its parents: labels reversed. */
export function reversedLabels(pattern: string): string {
  return canonicalHost(pattern).split('.').reverse().join('.')
}

/** A concrete host a wildcard stands for, for flows and probes: `*.x.com` → `aml-egress-sample.x.com`. */
export function sampleHost(pattern: string): string {
  return pattern.startsWith('*.') ? `aml-egress-sample.${pattern.slice(2)}` : pattern
}
