/**
 * Characters that change what a terminal shows rather than showing themselves: C0 controls but
 * tab and line feed, DEL, C1 controls (U+009B is a one-character CSI) and the bidirectional
 * overrides and isolates that reorder a line ("Trojan Source").
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_OR_BREAK = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

function escapeCharacter(character: string): string {
  const code = character.charCodeAt(0)
  return code <= 0xff
    ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * Text from input files made safe to print: every control character shown as `\xNN` (`\u202E`
 * for a bidirectional override), so an `ESC[2J` in a config reaches the terminal as the text
 * `\x1B[2J`. Tabs and line breaks are kept.
 * @example escapeControlCharacters('a\u001B[2Jb') // 'a\\x1B[2Jb'
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, escapeCharacter)
}

/**
 * A bounded, one-line excerpt of a value for an error message: control characters, tabs and line
 * breaks escaped, cut to `max` characters with `…`. A value that is not a string or number is
 * described by its type only, so a huge (or alias-expanded) structure is never turned into text.
 * @example excerpt('x'.repeat(100), 8) // 'xxxxxxxx…'
 */
export function excerpt(value: unknown, max = 80): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    return value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`
  const text = String(value)
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return cut.replace(CONTROL_OR_BREAK, escapeCharacter)
}

/**
 * 40061 as "40,061": counts of a fleet's rules are read at a glance. Not `toLocaleString`: its
 * first call loads ICU's locale data, 20-30 ms of every command's start.
 */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
