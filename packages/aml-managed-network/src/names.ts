/**
 * Outbound rule names. The ARM schema and the REST API take `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$`
 * (3 to 33 characters); every name this package writes is built from a fixed prefix and a slug
 * of letters, digits and `-`, shortened with a hash of the whole key when it is too long.
 */

/** The name rule of outbound rules (ARM schema 2026-05-01, REST `ruleName`). */
export const RULE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/
const MAX_LENGTH = 33
const HASH_LENGTH = 6

/** True when Azure accepts the text as an outbound rule name. */
export function isValidRuleName(name: string): boolean {
  return RULE_NAME.test(name)
}

/**
 * FNV-1a, 32 bits, as 8 hex digits: a short, stable fingerprint (not a security hash).
 * @example fingerprint('pypi.org') // 8 hex digits
 */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

/** Lower-case letters, digits and single `-`; `*` becomes `any`. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replaceAll('*', 'any')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/**
 * A rule name: `prefix-slug`, or `prefix-slu-1a2b3c` when longer than 33 characters.
 * @example ruleName('fqdn', '*.anaconda.com') // 'fqdn-any-anaconda-com'
 */
export function ruleName(prefix: string, key: string): string {
  const name = `${prefix}-${slug(key)}`
  if (name.length <= MAX_LENGTH) return name
  const kept = name.slice(0, MAX_LENGTH - HASH_LENGTH - 1).replace(/-+$/, '')
  return `${kept}-${fingerprint(key).slice(0, HASH_LENGTH)}`
}
