import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { type Flow, parseProfile, resolvePlan } from '@aml-egress/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateSquid, readSquid, renderSquid } from '../src/index'
import {
  freePort,
  loopbackPrologue,
  realSquidMode,
  requireSquid,
  type Scratch,
  scratchDir,
  squidParse,
  startSquid,
  writeFiles,
} from '../testing/realSquid'
import { proxyRequest } from './realSquid'

const mode = realSquidMode()
const title = `format: squid, sourceAddresses 0.0.0.0/0 against real Squid${mode.skipMessage ? ` (${mode.skipMessage})` : ''}`

const anyProfile = {
  workspaces: [{ id: '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c', region: 'westeurope' }],
  compute: ['computeCluster'],
  sourceAddresses: ['10.10.0.0/24', '0.0.0.0/0'],
}

const flowFrom = (address: string): Flow => ({
  direction: 'outbound',
  source: { kind: 'address', address },
  destination: { kind: 'host', host: 'ml.azure.com', serviceTags: [] },
  protocol: 'TCP',
  port: 443,
})

describe('format: squid, sourceAddresses 0.0.0.0/0', () => {
  it('returns one src ACL of the two IPv4 halves, never 0.0.0.0/0, read back as every IPv4 client', async () => {
    const rendered = renderSquid(resolvePlan(parseProfile(anyProfile)))
    const contents = rendered.files[0]?.contents ?? ''
    expect(contents).toMatch(/^acl aml_egress_sources src 0\.0\.0\.0\/1 128\.0\.0\.0\/1$/m)
    expect(contents).not.toContain('0.0.0.0/0')
    const { config } = await readSquid(rendered.files)
    for (const address of ['10.10.0.1', '192.0.2.7'])
      expect(evaluateSquid(config, flowFrom(address)).verdict).toBe('allowed')
  })
})

describe.skipIf(!mode.run)(title, () => {
  let scratch: Scratch
  beforeAll(async () => {
    scratch = await scratchDir()
  })
  afterAll(async () => {
    await scratch?.remove()
  })

  /** A loopback Squid whose only allow is the rendered `src` ACL's clients, to any host. */
  async function answerFor(srcValue: string) {
    const squid = requireSquid(mode.squid)
    const dir = join(scratch.dir, srcValue.replace(/[^a-z0-9]+/g, '-'))
    await mkdir(dir, { recursive: true, mode: 0o755 })
    const port = await freePort()
    const config = [
      loopbackPrologue({ dir, port }),
      `acl clients src ${srcValue}`,
      'http_access allow clients',
      'http_access deny all',
      '',
    ].join('\n')
    await writeFiles({ dir, files: { 'squid.conf': config, hosts: '' } })
    const parsed = squidParse({ squid, config: join(dir, 'squid.conf') })
    const running = await startSquid({ squid, dir, config: join(dir, 'squid.conf'), port })
    try {
      const answer = await proxyRequest({
        proxyPort: port,
        method: 'CONNECT',
        host: '127.0.0.1',
        port: 9,
      })
      return { parsed, answer }
    } finally {
      await running.stop()
    }
  }

  it('returns an ERROR from squid -k parse for src 0.0.0.0/0 (why render never writes it)', async () => {
    const dir = join(scratch.dir, 'zero')
    await mkdir(dir, { recursive: true, mode: 0o755 })
    const port = await freePort()
    const config = `${loopbackPrologue({ dir, port })}\nacl clients src 0.0.0.0/0 10.0.0.0/8\nhttp_access allow clients\nhttp_access deny all\n`
    await writeFiles({ dir, files: { 'squid.conf': config, hosts: '' } })
    const parsed = squidParse({ squid: requireSquid(mode.squid), config: join(dir, 'squid.conf') })
    expect(parsed.output).toContain("'0.0.0.0/0' needs to be replaced by the term 'all'")
  })

  it('parses the rendered standalone config without warnings', async () => {
    const dir = join(scratch.dir, 'rendered')
    await mkdir(dir, { recursive: true, mode: 0o755 })
    const rendered = renderSquid(resolvePlan(parseProfile(anyProfile)), {
      mode: 'standalone',
      httpPort: await freePort(),
      listenAddress: '127.0.0.1',
      accessLog: `${dir}/access.log`,
      cacheLog: `${dir}/cache.log`,
      pidFile: `${dir}/squid.pid`,
    })
    await writeFiles({ dir, files: { 'squid.conf': rendered.files[0]?.contents ?? '' } })
    const parsed = squidParse({ squid: requireSquid(mode.squid), config: join(dir, 'squid.conf') })
    expect(parsed.output).not.toMatch(/WARNING|ERROR|FATAL/)
    expect(parsed.status).toBe(0)
  })

  it('allows a 127.0.0.1 client through the two halves, as through `all`, without a warning', async () => {
    // `all` is Squid's own reading of 0.0.0.0/0; the halves must let the same IPv4 client in.
    for (const value of ['0.0.0.0/1 128.0.0.0/1', 'all']) {
      const { parsed, answer } = await answerFor(value)
      expect(parsed.output).not.toMatch(/WARNING|ERROR|FATAL/)
      expect(answer.classified).toBe('allowed')
    }
  }, 90_000)
})
