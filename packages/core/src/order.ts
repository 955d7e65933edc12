/**
 * Orders strings by UTF-16 code units: the same on every machine, unlike `localeCompare`, whose
 * order follows the process locale (and whose first call loads ICU collation data, ~10 ms).
 * @example ['b', 'B', 'a'].sort(compareOrdinal) // ['B', 'a', 'b']
 */
export function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
