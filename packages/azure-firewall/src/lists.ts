import type { PortRange } from '@aml-egress/core'

/** True when both lists hold the same strings in the same order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false
  return true
}

/** True when both lists hold the same port ranges in the same order. */
export function samePorts(a: readonly PortRange[], b: readonly PortRange[]): boolean {
  if (a.length !== b.length) return false
  for (let index = 0; index < a.length; index++)
    if (a[index]?.from !== b[index]?.from || a[index]?.to !== b[index]?.to) return false
  return true
}
