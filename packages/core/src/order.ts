/**
 * Orders strings by UTF-16 code units: the same on every machine, unlike `localeCompare`, whose
 * order follows the process locale (and whose first call loads ICU collation data, ~10 ms).
 * @example ['b', 'B', 'a'].sort(compareOrdinal) // ['B', 'a', 'b']
 */
export function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Sorts in place, stably, like `Array.prototype.sort`. A plan sorts hundreds of thousands of lists
 * of one to four items, and every `sort` call allocates its own work arrays (~400 bytes): short
 * lists get an insertion sort instead.
 */
export function sortInPlace<T>(values: T[], compare: (a: T, b: T) => number): T[] {
  if (values.length > 12) return values.sort(compare)
  for (let index = 1; index < values.length; index++) {
    const value = values[index] as T
    let at = index
    for (; at > 0 && compare(values[at - 1] as T, value) > 0; at--) values[at] = values[at - 1] as T
    values[at] = value
  }
  return values
}
