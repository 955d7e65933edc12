import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type CacheContext,
  cacheName,
  codeCacheSlot,
  readCodeCache,
  STALE_CACHE_AGE_MS,
  writeCodeCache,
} from './codeCache'
import { commands } from './main'

const uid = process.getuid?.()
const bundle = new TextEncoder().encode('module.exports = 1')

function context(overrides: Partial<CacheContext> = {}): CacheContext {
  return {
    env: {},
    tmpdir: '/tmp',
    uid: 1000,
    v8Version: '11.3.244.8-node.33',
    execArgv: [],
    ...overrides,
  }
}

describe('cacheName', () => {
  it('names a cache by command and format', () => {
    expect(cacheName(['render', '--profile', 'p.yaml', '--format', 'squid'])).toBe('render-squid')
    expect(cacheName(['check', '-f', 'terraform', 'out/'])).toBe('check-terraform')
    expect(cacheName(['render', '--format=squid,cilium'])).toBe('render-squid+cilium')
    expect(cacheName(['explain', 'basic-in-01'])).toBe('explain')
  })

  it('keeps anything else out of file names', () => {
    expect(cacheName(['--help'])).toBe('other')
    expect(cacheName([])).toBe('other')
    expect(cacheName(['render', '--format', '../../etc'])).toBe('render')
    expect(cacheName(['render', '--format', 'Squid'])).toBe('render')
    expect(cacheName(['render', '--format', 'x'.repeat(65)])).toBe('render')
  })

  it('knows every command of the CLI', () => {
    for (const command of Object.keys(commands)) expect(cacheName([command])).toBe(command)
  })
})

describe('codeCacheSlot', () => {
  const args = ['render', '-f', 'squid']

  it('is off with NODE_DISABLE_COMPILE_CACHE, as Node 22 compile cache is', () => {
    expect(codeCacheSlot(bundle, args, context({ env: { NODE_DISABLE_COMPILE_CACHE: '1' } }))).toBe(
      undefined,
    )
  })

  it('lives in a folder of this user in the temporary directory, or under NODE_COMPILE_CACHE', () => {
    expect(codeCacheSlot(bundle, args, context())?.directory).toBe(
      '/tmp/aml-egress-compile-cache-1000',
    )
    const moved = codeCacheSlot(bundle, args, context({ env: { NODE_COMPILE_CACHE: '/c' } }))
    expect(moved?.directory).toBe('/c/aml-egress')
    expect(moved?.makeParents).toBe(true)
    expect(codeCacheSlot(bundle, args, context())?.makeParents).toBe(false)
    expect(moved?.file).toMatch(/^\/c\/aml-egress\/render-squid\.[0-9a-f]{32}\.v8cache$/)
  })

  it('gives another file for another bundle, Node build, or V8 flags', () => {
    const file = (changed: Partial<CacheContext>, code = bundle) =>
      codeCacheSlot(code, args, context(changed))?.file
    const base = file({})
    expect(file({})).toBe(base)
    expect(file({}, new TextEncoder().encode('module.exports = 2'))).not.toBe(base)
    expect(file({ v8Version: '12.4.254.21-node.33' })).not.toBe(base)
    expect(file({ execArgv: ['--max-old-space-size=4096'] })).not.toBe(base)
    expect(file({ env: { NODE_OPTIONS: '--jitless' } })).not.toBe(base)
  })
})

describe('reading and writing the cache', () => {
  let root: string
  const data = new Uint8Array([1, 2, 3, 4])
  const slotIn = (directory: string, name = 'render-squid', makeParents = false) => ({
    directory,
    makeParents,
    uid,
    name,
    file: join(directory, `${name}.0123.v8cache`),
  })

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'aml-egress-code-cache-test-'))
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('writes a private folder and file, and reads them back', () => {
    const slot = slotIn(join(root, 'cache'))
    expect(readCodeCache(slot)).toBe(undefined)
    writeCodeCache(slot, data)
    expect([...(readCodeCache(slot) ?? [])]).toEqual([1, 2, 3, 4])
    expect(statSync(slot.directory).mode & 0o777).toBe(0o700)
    expect(statSync(slot.file).mode & 0o777).toBe(0o600)
    expect(readdirSync(slot.directory)).toEqual(['render-squid.0123.v8cache'])
  })

  it.skipIf(uid === undefined)('trusts no folder another user could write to', () => {
    const slot = slotIn(join(root, 'shared'))
    writeCodeCache(slot, data)
    chmodSync(slot.directory, 0o777)
    expect(readCodeCache(slot)).toBe(undefined)
    writeCodeCache(slotIn(slot.directory, 'check-squid'), data)
    expect(existsSync(join(slot.directory, 'check-squid.0123.v8cache'))).toBe(false)
  })

  it.skipIf(uid === undefined)('trusts no file or folder owned by another user', () => {
    const slot = slotIn(join(root, 'cache'))
    writeCodeCache(slot, data)
    expect(readCodeCache({ ...slot, uid: (uid ?? 0) + 1 })).toBe(undefined)
  })

  it('follows no link to a file or folder', () => {
    const real = slotIn(join(root, 'real'))
    writeCodeCache(real, data)
    const linkedFolder = join(root, 'linked')
    symlinkSync(real.directory, linkedFolder)
    expect(readCodeCache(slotIn(linkedFolder))).toBe(undefined)

    const slot = slotIn(join(root, 'cache'))
    mkdirSync(slot.directory, { mode: 0o700 })
    symlinkSync(real.file, slot.file)
    expect(readCodeCache(slot)).toBe(undefined)
    writeCodeCache(slot, new Uint8Array([9]))
    expect([...readFileSync(real.file)]).toEqual([1, 2, 3, 4])
  })

  it("removes the command's caches of other builds once they are a week old", () => {
    const directory = join(root, 'cache')
    mkdirSync(directory, { mode: 0o700 })
    const now = Date.now()
    const old = (now - STALE_CACHE_AGE_MS - 60_000) / 1000
    const recent = (now - 60_000) / 1000
    const files = {
      oldBuild: 'render-squid.aaaa.v8cache',
      recentBuild: 'render-squid.bbbb.v8cache',
      otherFormat: 'render-squid+cilium.cccc.v8cache',
      otherCommand: 'check-squid.dddd.v8cache',
    }
    for (const [file, time] of [
      [files.oldBuild, old],
      [files.recentBuild, recent],
      [files.otherFormat, old],
      [files.otherCommand, old],
    ] as const) {
      writeFileSync(join(directory, file), 'x')
      utimesSync(join(directory, file), time, time)
    }
    writeCodeCache(slotIn(directory), data, now)
    expect(readdirSync(directory).sort()).toEqual(
      [
        files.otherCommand,
        files.recentBuild,
        'render-squid.0123.v8cache',
        files.otherFormat,
      ].sort(),
    )
  })

  it('makes missing folders above the cache only under NODE_COMPILE_CACHE', () => {
    const missing = join(root, 'missing-tmp', 'aml-egress-compile-cache-1000')
    writeCodeCache(slotIn(missing), data)
    expect(existsSync(join(root, 'missing-tmp'))).toBe(false)
    const chosen = slotIn(join(root, 'chosen', 'aml-egress'), 'render-squid', true)
    writeCodeCache(chosen, data)
    expect([...(readCodeCache(chosen) ?? [])]).toEqual([1, 2, 3, 4])
  })

  it('gives up quietly when the cache folder is a file', () => {
    const file = join(root, 'not-a-folder')
    writeFileSync(file, 'x')
    const slot = slotIn(join(file, 'aml-egress'))
    expect(() => writeCodeCache(slot, data)).not.toThrow()
    expect(readCodeCache(slot)).toBe(undefined)
    expect(readFileSync(file, 'utf8')).toBe('x')
  })

  it('leaves nothing behind when it cannot write', () => {
    const directory = join(root, 'cache')
    mkdirSync(directory, { mode: 0o700 })
    const slot = slotIn(directory)
    // A folder where the cache file should be: the rename fails.
    mkdirSync(slot.file)
    writeFileSync(join(slot.file, 'keep'), 'x')
    writeCodeCache(slot, data)
    expect(readdirSync(directory)).toEqual(['render-squid.0123.v8cache'])
  })
})
