import { firewallLimits } from './model'

/** FNV-1a 32-bit, hex: a short deterministic fingerprint for names that must be shortened. */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

// A name the rewrites of `firewallName` leave as it is: it starts with a letter or digit, has only
// `\w - .` and ends with a letter, digit or `_`.
const VALID = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/

/**
 * Turns any text into a valid group, collection or rule name: only `\w - .`, starting with a
 * letter or digit, ending with a letter, digit or `_`, at most 80 characters (a long name keeps
 * its head and gets a fingerprint of the whole, so it stays unique and stable).
 * @example firewallName('*.blob.core.windows.net-https') // 'wildcard.blob.core.windows.net-https'
 */
export function firewallName(text: string): string {
  // Most names (hosts, tags, addresses) are valid already; the rewrites below would not change them.
  if (text.length <= firewallLimits.maxNameLength && VALID.test(text)) return text
  let name = text
    .replace(/^\*\./, 'wildcard.')
    .replace(/^\*/, 'wildcard-')
    .replace(/\//g, '_')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9_]+$/, '')
  if (name.length === 0) name = `n${fingerprint(text)}`
  if (name.length > firewallLimits.maxNameLength) {
    const head = name.slice(0, firewallLimits.maxNameLength - 9).replace(/[^A-Za-z0-9_]+$/, '')
    name = `${head}-${fingerprint(text)}`
  }
  return name
}
