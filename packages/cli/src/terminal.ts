import { escapeControlCharacters } from '@aml-egress/core'

// The SGR sequences createPaint writes (bold, dim, red, green, yellow, cyan and their resets).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching our own escape sequences is the point
const OWN_STYLES = /\u001B\[(?:1|2|22|31|32|33|36|39)m/g

/**
 * Text for the terminal that quotes input files (dependency JSON, config files, paths): every
 * control character escaped (`ESC[2J` shows as `\x1B[2J`, an OSC title sequence as text), but the
 * colours the CLI itself paints kept. Tabs and line breaks stay.
 * @example terminalText('\u001B[2J') // '\\x1B[2J'
 */
export function terminalText(text: string): string {
  let out = ''
  let last = 0
  for (const match of text.matchAll(OWN_STYLES)) {
    out += escapeControlCharacters(text.slice(last, match.index)) + match[0]
    last = match.index + match[0].length
  }
  return out + escapeControlCharacters(text.slice(last))
}
