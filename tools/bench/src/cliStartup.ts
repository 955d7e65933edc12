/**
 * CLI start-up: the built `aml-egress render` of one profile to one format, against `node -e 0`,
 * run alternately so all see the same machine load; medians of wall time. The render is timed with
 * the binary's code cache (made by the warm-up, as by a user's first run) and without it (a first
 * run, or caching turned off).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from './measure'

const root = fileURLToPath(new URL('../../../', import.meta.url))

/** The built CLI entry (`npm run build`). */
export const builtCli = join(root, 'packages/cli/dist/bin/aml-egress.cjs')

/** What `measureCliStartup` returns. */
export type CliStartup = {
  format: string
  runs: number
  /** Median wall time of `node -e 0`. */
  nodeMs: number
  /** Median wall time of the render, with the code cache. */
  renderMs: number
  /** Median wall time of the render without a code cache. */
  uncachedMs: number
  /** Exit status of the last render (0 expected). */
  status: number | null
}

function wall(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { ms: number; status: number | null } {
  const started = performance.now()
  const result = spawnSync(command, args, { cwd: root, stdio: 'ignore', env })
  return { ms: performance.now() - started, status: result.status }
}

/**
 * Times `node packages/cli/dist/bin/aml-egress.cjs render --profile examples/profile.yaml --format <format>`
 * (with and without its code cache) and `node -e 0`, `runs` times each, alternating; undefined when
 * the CLI is not built.
 */
export function measureCliStartup(input: { format: string; runs: number }): CliStartup | undefined {
  if (!existsSync(builtCli)) return undefined
  const out = mkdtempSync(join(tmpdir(), 'aml-egress-cli-'))
  const cache = mkdtempSync(join(tmpdir(), 'aml-egress-cli-cache-'))
  const cached = { ...process.env, NODE_COMPILE_CACHE: cache }
  const uncached = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' }
  try {
    const args = [
      builtCli,
      'render',
      '--profile',
      join(root, 'examples/profile.yaml'),
      '--format',
      input.format,
      '--out',
      out,
      '--quiet',
    ]
    const node: number[] = []
    const render: number[] = []
    const renderUncached: number[] = []
    let status: number | null = null
    // One warm-up of each: the first spawn pays for the file-system cache, and the first render
    // writes the code cache.
    wall(process.execPath, ['-e', '0'])
    wall(process.execPath, args, cached)
    for (let run = 0; run < input.runs; run++) {
      node.push(wall(process.execPath, ['-e', '0']).ms)
      const rendered = wall(process.execPath, args, cached)
      render.push(rendered.ms)
      const first = wall(process.execPath, args, uncached)
      renderUncached.push(first.ms)
      status = rendered.status === 0 ? first.status : rendered.status
    }
    return {
      format: input.format,
      runs: input.runs,
      nodeMs: median(node),
      renderMs: median(render),
      uncachedMs: median(renderUncached),
      status,
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
    rmSync(cache, { recursive: true, force: true })
  }
}
