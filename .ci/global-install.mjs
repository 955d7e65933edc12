#!/usr/bin/env node
// Smoke test of the published packages as users get them: pack every published package, install
// the tarballs globally into a temporary prefix (the @aml-egress packages from these tarballs
// only; third-party dependencies from the npm registry), then run the installed `aml-egress` from
// a directory outside the repository: render every format, check each rendered format, explain.
// Needs the packages built (`npm run build`); `npm run smoke:install` builds first.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function published() {
  return readdirSync(join(root, 'packages'))
    .map((dir) => ({
      dir,
      json: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
    }))
    .filter(({ json }) => json.private !== true)
}

function fail(message) {
  console.error(`global-install: FAILED: ${message}`)
  process.exitCode = 1
  throw new Error(message)
}

/** Runs the installed binary; returns its output, failing on an unexpected exit code. */
function aml(context, args, expected = 0) {
  const result = spawnSync(join(context.prefix, 'bin', 'aml-egress'), args, {
    cwd: context.work,
    encoding: 'utf8',
    // Only the installed binary and node: nothing from the repository's node_modules.
    env: {
      PATH: `${join(context.prefix, 'bin')}:${dirname(process.execPath)}`,
      NO_COLOR: '1',
      HOME: context.work,
    },
    timeout: 120_000,
  })
  if (result.status !== expected)
    fail(
      `aml-egress ${args.join(' ')} exited ${result.status}, expected ${expected}\n${result.stdout}\n${result.stderr}`,
    )
  return result.stdout
}

function packAll(packages, tarballs) {
  for (const { dir, json } of packages) {
    if (!existsSync(join(root, 'packages', dir, 'dist')))
      fail(`${json.name} is not built: run npm run build first (or npm run smoke:install)`)
    execFileSync(
      npm,
      ['pack', '--workspace', `packages/${dir}`, '--pack-destination', tarballs, '--loglevel=warn'],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    )
  }
  const files = readdirSync(tarballs)
    .filter((file) => file.endsWith('.tgz'))
    .map((file) => join(tarballs, file))
  for (const file of files) {
    const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n')
    for (const required of ['package/LICENSE', 'package/package.json', 'package/README.md'])
      if (!listing.includes(required)) fail(`${file} has no ${required}`)
  }
  return files
}

/** Every @aml-egress package must come from the tarballs: none nested from the registry. */
function checkLayout(prefix, packages) {
  const modules = join(prefix, 'lib', 'node_modules')
  for (const { json } of packages) {
    const installed = join(modules, json.name)
    if (!existsSync(installed)) fail(`${json.name} is not installed under ${modules}`)
    if (existsSync(join(installed, 'node_modules', '@aml-egress')))
      fail(`${json.name} got @aml-egress packages of its own, not the local tarballs`)
  }
}

function main() {
  const started = Date.now()
  const scratch = mkdtempSync(join(tmpdir(), 'aml-egress-global-'))
  const context = { prefix: join(scratch, 'prefix'), work: join(scratch, 'work') }
  try {
    const packages = published()
    const tarballs = join(scratch, 'tarballs')
    mkdirSync(tarballs)
    mkdirSync(context.work)
    const files = packAll(packages, tarballs)
    execFileSync(
      npm,
      [
        'install',
        '-g',
        '--prefix',
        context.prefix,
        '--no-audit',
        '--no-fund',
        '--loglevel=warn',
        ...files,
      ],
      {
        cwd: scratch,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    )
    checkLayout(context.prefix, packages)
    copyFileSync(join(root, 'examples', 'profile.yaml'), join(context.work, 'profile.yaml'))
    const version = aml(context, ['--version']).trim()
    aml(context, ['render', '--profile', 'profile.yaml', '--format', 'all', '--out', 'out'])
    const formats = readdirSync(join(context.work, 'out'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
    if (formats.length < 5) fail(`render --format all wrote ${formats.join(', ')}`)
    for (const format of formats) {
      const summary = aml(context, [
        'check',
        '--profile',
        'profile.yaml',
        '--format',
        format,
        `out/${format}`,
      ])
        .trim()
        .split('\n')
        .at(-1)
      console.log(`global-install: check ${format}: ${summary}`)
    }
    const explained = aml(context, ['explain', 'pypi.org'])
    if (!explained.startsWith('pypi.org: matches'))
      fail(`explain pypi.org printed: ${explained.slice(0, 200)}`)
    console.log(
      `global-install: ${files.length} tarballs, ${version}: render, check (${formats.join(', ')}) and explain passed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

try {
  main()
} catch (error) {
  if (process.exitCode !== 1) console.error(error)
  process.exitCode = 1
}
