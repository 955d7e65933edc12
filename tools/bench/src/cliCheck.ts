/**
 * `aml-egress check` of a rendered fleet through the built CLI, one fresh process per format:
 * reading the config back and evaluating every flow of the plan (plus the over-broad probes), as
 * a platform team's CI does after each render.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProfileInput } from '@aml-egress/core'
import { stringify } from 'yaml'
import { runBuiltCli } from './cliProcess'
import { builtCli } from './cliStartup'

const SUMMARY =
  /(\d+) required flows: (\d+) allowed, (\d+) BLOCKED, (\d+) unknown, (\d+) not expressible/

/** One format's check of the fleet's rendering. */
export type CliCheck = {
  format: string
  wallMs: number
  peakRssMb: number
  flows: number
  allowed: number
  blocked: number
  unknown: number
  notExpressible: number
  /** Exit code: 0 when every flow the format can express is allowed. */
  status: number | null
}

function checkFormat(input: { profile: string; format: string; directory: string }): CliCheck {
  const { result, wallMs, peakRssMb } = runBuiltCli([
    'check',
    '--profile',
    input.profile,
    '--format',
    input.format,
    input.directory,
    '--quiet',
  ])
  const summary = SUMMARY.exec(result.stdout)
  const count = (group: number) => Number(summary?.[group] ?? Number.NaN)
  return {
    format: input.format,
    wallMs,
    peakRssMb,
    flows: count(1),
    allowed: count(2),
    blocked: count(3),
    unknown: count(4),
    notExpressible: count(5),
    status: result.status,
  }
}

/**
 * Renders `profile` with `render --format all`, then checks each format's directory; undefined
 * when the CLI is not built.
 */
export function measureCliChecks(profile: ProfileInput): CliCheck[] | undefined {
  if (!existsSync(builtCli)) return undefined
  const directory = mkdtempSync(join(tmpdir(), 'aml-egress-check-'))
  try {
    const profilePath = join(directory, 'fleet.yaml')
    writeFileSync(profilePath, stringify(profile))
    const out = join(directory, 'out')
    const rendered = runBuiltCli([
      'render',
      '--profile',
      profilePath,
      '--format',
      'all',
      '--out',
      out,
    ])
    if (rendered.result.status !== 0) throw new Error(`render failed: ${rendered.result.stderr}`)
    return readdirSync(out, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
      .map((format) => checkFormat({ profile: profilePath, format, directory: join(out, format) }))
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
