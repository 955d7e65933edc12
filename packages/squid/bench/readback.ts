import { join } from 'node:path'
import { squidFormat } from '@aml-egress/squid'
import { type ReadbackRow, readAndEvaluate } from '@aml-egress/test-matrix/bench'
import {
  findSquid,
  freePort,
  loopbackPrologue,
  scratchDir,
  squidParse,
  writeFiles,
} from '../testing/realSquid'
import { largeHostPlan } from './estate'

/** `squid -k parse` of a rendered include file in the harness's loopback squid.conf, timed. */
async function nativeParse(include: string): Promise<ReadbackRow['nativeParse']> {
  const squid = findSquid()
  if (!squid) return undefined
  const { dir, remove } = await scratchDir('aml-egress-bench-')
  try {
    const config = [
      loopbackPrologue({ dir, port: await freePort() }),
      `include ${dir}/aml-egress.conf`,
      'http_access deny all',
      '',
    ].join('\n')
    await writeFiles({
      dir,
      files: { hosts: '', 'aml-egress.conf': include, 'squid.conf': config },
    })
    const started = performance.now()
    const parsed = squidParse({ squid, config: join(dir, 'squid.conf'), timeoutMs: 600_000 })
    const wallMs = performance.now() - started
    const warnings = (parsed.output.match(/WARNING/g) ?? []).length
    return { command: 'squid -k parse', wallMs, status: parsed.status, warnings }
  } finally {
    await remove()
  }
}

/**
 * Renders a `domains`-host plan for Squid, reads it back, evaluates every plan flow, and times
 * `squid -k parse` of the same file when squid is installed.
 */
export async function squidReadback(domains: number): Promise<ReadbackRow> {
  const plan = largeHostPlan(domains)
  const { files } = squidFormat.render(plan)
  const measured = await readAndEvaluate({ format: squidFormat, files, plan })
  const parsed = await nativeParse(files[0]?.contents ?? '')
  return {
    label: 'Squid config',
    size: `${domains.toLocaleString('en-US')} domains`,
    bytes: files.reduce((sum, file) => sum + Buffer.byteLength(file.contents), 0),
    ...measured,
    ...(parsed ? { nativeParse: parsed } : {}),
  }
}
