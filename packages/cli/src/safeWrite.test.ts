import { existsSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyFileBatch, entryKind } from './safeWrite'

describe('cli: applyFileBatch', () => {
  let root = ''
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'aml-egress-batch-'))
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('puts back replaced, created and removed files when a rename fails after others succeeded', async () => {
    await writeFile(join(root, 'a.txt'), 'old a\n')
    await writeFile(join(root, 'gone.txt'), 'old gone\n')
    // A non-empty directory where the last file goes: its temporary file stages, its rename fails.
    await mkdir(join(root, 'z.txt', 'inside'), { recursive: true })
    await expect(
      applyFileBatch({
        root,
        writes: [
          { path: 'a.txt', contents: 'new a\n', before: 'old a\n' },
          { path: 'new/b.txt', contents: 'new b\n', before: undefined },
          { path: 'z.txt', contents: 'z\n', before: undefined },
        ],
        removals: [{ path: 'gone.txt', before: 'old gone\n' }],
      }),
    ).rejects.toMatchObject({ syscall: 'rename' })
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('old a\n')
    expect(await readFile(join(root, 'gone.txt'), 'utf8')).toBe('old gone\n')
    expect(existsSync(join(root, 'new'))).toBe(false)
    expect(readdirSync(root).filter((name) => name.endsWith('.tmp'))).toStrictEqual([])
  })

  it('removes the listed files and writes the rest when nothing fails', async () => {
    await writeFile(join(root, 'gone.txt'), 'old\n')
    await applyFileBatch({
      root,
      writes: [{ path: 'd/e/f.txt', contents: 'f\n', before: undefined }],
      removals: [{ path: 'gone.txt', before: 'old\n' }],
    })
    expect(await entryKind(join(root, 'gone.txt'))).toBe('missing')
    expect(await readFile(join(root, 'd', 'e', 'f.txt'), 'utf8')).toBe('f\n')
  })
})
