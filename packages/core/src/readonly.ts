/**
 * Deeply read-only: a plan's rules share equal lists (a requirement's ids, a region's tags), so
 * callers get plans and diagnostics read-only all the way down. For plain data: objects, arrays
 * (a mapped type keeps them arrays, read-only) and primitives; functions are left as they are.
 */
export type ReadonlyDeep<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? ReadonlyObjectDeep<T>
    : T

/** The object case of `ReadonlyDeep`, named so that type printers keep the alias of its users. */
type ReadonlyObjectDeep<T extends object> = { readonly [K in keyof T]: ReadonlyDeep<T[K]> }
