/**
 * CLI start-up: the built `aml-egress render` of one profile to one format, against `node -e 0`,
 * run alternately so both see the same machine load; medians of wall time.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from './measure'

const root = fileURLToPath(new URL('../../../', import.meta.url))

/** The built CLI entry (`npm run build`). */
export const builtCli = join(root, 'packages/cli/dist/bin/aml-egress.js')

/** What `measureCliStartup` returns. */
export type CliStartup = {
  format: string
  runs: number
  /** Median wall time of `node -e 0`. */
  nodeMs: number
  /** Median wall time of the render. */
  renderMs: number
  /** Exit status of the last render (0 expected). */
  status: number | null
}

function wall(command: string, args: readonly string[]): { ms: number; status: number | null } {
  const started = performance.now()
  const result = spawnSync(command, args, { cwd: root, stdio: 'ignore' })
  return { ms: performance.now() - started, status: result.status }
}

/**
 * Times `node packages/cli/dist/bin/aml-egress.js render --profile examples/profile.yaml --format <format>`
 * and `node -e 0`, `runs` times each, alternating; undefined when the CLI is not built.
 */
export function measureCliStartup(input: { format: string; runs: number }): CliStartup | undefined {
  if (!existsSync(builtCli)) return undefined
  const out = mkdtempSync(join(tmpdir(), 'aml-egress-cli-'))
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
    let status: number | null = null
    // One warm-up of each: the first spawn pays for the file-system cache.
    wall(process.execPath, ['-e', '0'])
    wall(process.execPath, args)
    for (let run = 0; run < input.runs; run++) {
      node.push(wall(process.execPath, ['-e', '0']).ms)
      const rendered = wall(process.execPath, args)
      render.push(rendered.ms)
      status = rendered.status
    }
    return {
      format: input.format,
      runs: input.runs,
      nodeMs: median(node),
      renderMs: median(render),
      status,
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}
