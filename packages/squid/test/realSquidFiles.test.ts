import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Flow, RenderedFile } from '@aml-egress/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateSquid, readSquid } from '../src/index'
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
if (mode.skipMessage) console.warn(mode.skipMessage)
const title = `format: squid, files a config names, against real Squid${mode.skipMessage ? ` (${mode.skipMessage})` : ''}`

/** Files by name inside one directory: what squid parses and what the reader is given. */
type Case = { name: string; files: (dir: string) => Record<string, string>; main: string }

/** An include chain main.conf → f1.conf → … → f<depth>.conf. */
function chain(depth: number): Case {
  return {
    name: `include chain ${depth} deep`,
    main: 'main.conf',
    files: (dir) => {
      const files: Record<string, string> = {
        'main.conf': `include ${dir}/f1.conf\nhttp_access deny all\n`,
      }
      for (let index = 1; index <= depth; index++)
        files[`f${index}.conf`] =
          index < depth ? `include ${dir}/f${index + 1}.conf\n` : 'http_access deny all\n'
      return files
    },
  }
}

const parseCases: (Case & { squidRefuses: boolean })[] = [
  { ...chain(16), squidRefuses: false },
  { ...chain(17), squidRefuses: true },
  {
    name: 'include loop',
    main: 'a.conf',
    files: (dir) => ({ 'a.conf': `include ${dir}/b.conf\n`, 'b.conf': `include ${dir}/a.conf\n` }),
    squidRefuses: true,
  },
  {
    name: 'bare http_access allow',
    main: 'main.conf',
    files: () => ({ 'main.conf': 'http_access allow\nhttp_access deny all\n' }),
    squidRefuses: false,
  },
  {
    name: 'two ports on one values line',
    main: 'main.conf',
    files: (dir) => ({
      'main.conf': `acl p port "${dir}/ports.txt"\nhttp_access allow p\n`,
      'ports.txt': '80 443\n',
    }),
    squidRefuses: true,
  },
]

describe.skipIf(!mode.run)(title, () => {
  let scratch: Scratch
  beforeAll(async () => {
    requireSquid(mode.squid)
    scratch = await scratchDir()
  })
  afterAll(async () => {
    await scratch?.remove()
  })

  /** Writes a case into its own directory; returns the reader's files with the same paths. */
  async function materialise(name: string, files: Record<string, string>) {
    const dir = join(scratch.dir, name.replaceAll(' ', '-'))
    await mkdir(dir, { recursive: true, mode: 0o755 })
    await writeFiles({ dir, files })
    const given: RenderedFile[] = Object.entries(files).map(([file, contents]) => ({
      path: join(dir, file),
      contents,
    }))
    return { dir, given }
  }

  for (const testCase of parseCases)
    it(`returns a syntax error exactly when squid -k parse refuses the ${testCase.name}`, async () => {
      // GIVEN the case's files on disk, with the paths squid follows, the main one starting with
      // the loopback prologue (not an include of it: that would add a level of nesting)
      const dir = join(scratch.dir, testCase.name.replaceAll(' ', '-'))
      const files = testCase.files(dir)
      files[testCase.main] =
        `${loopbackPrologue({ dir, port: await freePort() })}${files[testCase.main] ?? ''}`
      const { given } = await materialise(testCase.name, files)
      // WHEN squid parses them and the reader reads them
      const result = squidParse({
        squid: requireSquid(mode.squid),
        config: join(dir, testCase.main),
      })
      const read = await readSquid(given)
      // THEN both refuse, or both accept
      const readerRefuses = read.diagnostics.some((d) => d.code === 'AML_EGRESS_READ_SYNTAX')
      expect({ readerRefuses, squidRefuses: result.status !== 0 }).toStrictEqual({
        readerRefuses: testCase.squidRefuses,
        squidRefuses: testCase.squidRefuses,
      })
    })

  it('returns the verdicts of a live Squid for values files with several words on a line', async () => {
    // GIVEN dstdomain and src values files whose lines hold two words
    const dir = join(scratch.dir, 'live-values')
    const port = await freePort()
    const hosts = ['one.test', 'two.test', 'three.test', 'four.test']
    const main = [
      loopbackPrologue({ dir, port }),
      `acl pair dstdomain "${dir}/pair.txt"`,
      `acl single dstdomain "${dir}/single.txt"`,
      `acl loopback_first src "${dir}/loopback-first.txt"`,
      `acl loopback_second src "${dir}/loopback-second.txt"`,
      'acl three dstdomain three.test',
      'acl four dstdomain four.test',
      'http_access allow pair',
      'http_access allow single',
      'http_access allow three loopback_first',
      'http_access allow four loopback_second',
      'http_access deny all',
      '',
    ].join('\n')
    const { given } = await materialise('live-values', {
      'squid.conf': main,
      'pair.txt': 'one.test two.test\n',
      'single.txt': '  two.test   # the second name alone\n',
      'loopback-first.txt': '127.0.0.1/32 10.0.0.0/8\n',
      'loopback-second.txt': '10.0.0.0/8 127.0.0.1/32\n',
      hosts: `127.0.0.1 ${hosts.join(' ')}\n`,
    })
    const binary = requireSquid(mode.squid)
    expect(squidParse({ squid: binary, config: join(dir, 'squid.conf') }).status).toBe(0)
    const squid = await startSquid({ squid: binary, dir, config: join(dir, 'squid.conf'), port })
    try {
      // WHEN each host is requested through it and evaluated by the reader
      const { config } = await readSquid(given)
      const rows: { host: string; squid: string; reader: string }[] = []
      for (const host of hosts) {
        const answer = await proxyRequest({ proxyPort: port, method: 'GET', host, port: 80 })
        const flow: Flow = {
          direction: 'outbound',
          source: { kind: 'address', address: '127.0.0.1' },
          destination: { kind: 'host', host, serviceTags: [] },
          protocol: 'TCP',
          port: 80,
        }
        rows.push({ host, squid: answer.classified, reader: evaluateSquid(config, flow).verdict })
      }
      // THEN they agree, and with what Squid's parser does by hand: one value per line (one.test
      // only in a two-word line: denied), the first address of a src line (three.test allowed)
      expect(rows).toStrictEqual([
        { host: 'one.test', squid: 'denied', reader: 'denied' },
        { host: 'two.test', squid: 'allowed', reader: 'allowed' },
        { host: 'three.test', squid: 'allowed', reader: 'allowed' },
        { host: 'four.test', squid: 'denied', reader: 'denied' },
      ])
    } finally {
      await squid.stop()
    }
  }, 60_000)
})
