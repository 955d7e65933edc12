/**
 * Host-name patterns as the plan uses them: an exact name (`ml.azure.com`) or a leading wildcard
 * (`*.blob.core.windows.net`). A wildcard matches one or more labels in front of its suffix and
 * never the suffix itself (Azure Firewall's semantics, which the docs are written for).
 */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

/** Lower-cases and strips a trailing dot. */
export function canonicalHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '')
}

/** True for a valid DNS name (letters, digits, hyphens; labels of 1–63; 253 in all). */
export function isValidHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false
  return host.split('.').every((label) => LABEL.test(label) || /^[a-z0-9_]{1,63}$/.test(label))
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
