import type { Io } from './io'

/** Terminal styling; every function is the identity when colours are off. */
export type Paint = {
  enabled: boolean
  bold(text: string): string
  dim(text: string): string
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
}

const style =
  (enabled: boolean, open: number, close: number) =>
  (text: string): string =>
    enabled ? `\u001B[${open}m${text}\u001B[${close}m` : text

/** Colours only on a terminal, and never when `NO_COLOR` is set to anything (no-color.org). */
export function colorsEnabled(io: Pick<Io, 'isTTY' | 'env'>): boolean {
  const noColor = io.env.NO_COLOR
  return io.isTTY && (noColor === undefined || noColor === '') && io.env.TERM !== 'dumb'
}

export function createPaint(io: Pick<Io, 'isTTY' | 'env'>): Paint {
  const enabled = colorsEnabled(io)
  return {
    enabled,
    bold: style(enabled, 1, 22),
    dim: style(enabled, 2, 22),
    red: style(enabled, 31, 39),
    green: style(enabled, 32, 39),
    yellow: style(enabled, 33, 39),
    cyan: style(enabled, 36, 39),
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\u001B\[[0-9;]*m/g

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}
