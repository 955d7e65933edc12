// The bundled binary (dist/bin), run after `npm run build`: the unit tests run the sources, so this
// is what catches a bundling mistake (a dependency that cannot load inside the bundle).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../dist/bin/aml-egress.cjs', import.meta.url))
const profile = fileURLToPath(new URL('../../../examples/profile.yaml', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'aml-egress-smoke-'))
// The launcher's code cache goes here, not into the user's temporary directory.
const cacheRoot = mkdtempSync(join(tmpdir(), 'aml-egress-smoke-cache-'))

function run(args, expectedStatus = 0, env = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_COMPILE_CACHE: cacheRoot, ...env },
  })
  // A warning from Node (an experimental API, a deprecation) would reach every user's terminal.
  if (result.stderr.includes('Warning:')) fail(`aml-egress ${args.join(' ')}:\n${result.stderr}`)
  if (result.status !== expectedStatus) {
    process.stderr.write(`aml-egress ${args.join(' ')}: exit ${result.status}\n${result.stderr}`)
    process.exit(1)
  }
  return result.stdout
}

function fail(message) {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

/**
 * The launcher writes a cache when it has none or V8 rejects it, so an unchanged file after a
 * run means V8 took it; a damaged one must be replaced, with the same output either way.
 */
function checkCodeCache() {
  const cacheDir = join(cacheRoot, 'aml-egress')
  const cacheFile = () => {
    const files = readdirSync(cacheDir).filter((name) => name.startsWith('schema.'))
    if (files.length !== 1) fail(`expected one cache of \`schema\`, found ${files.join(', ')}`)
    return join(cacheDir, files[0])
  }
  const first = run(['schema'])
  const written = statSync(cacheFile())
  if (run(['schema']) !== first) fail('schema printed something else with its code cache')
  const reread = statSync(cacheFile())
  if (reread.ino !== written.ino || reread.mtimeMs !== written.mtimeMs)
    fail('V8 rejected the code cache')
  writeFileSync(cacheFile(), 'not a code cache')
  if (run(['schema']) !== first) fail('schema printed something else with a damaged cache')
  if (readFileSync(cacheFile()).length < 1000) fail('a damaged code cache was not replaced')
  const off = join(cacheRoot, 'off')
  run(['schema'], 0, { NODE_COMPILE_CACHE: off, NODE_DISABLE_COMPILE_CACHE: '1' })
  if (readdirSync(cacheRoot).includes('off')) fail('NODE_DISABLE_COMPILE_CACHE=1 wrote a cache')
}

try {
  run(['--version'])
  run(['render', '-p', profile, '-f', 'all', '-o', out, '--quiet'])
  // With several formats, each writes into a folder named after it (beside the render's
  // manifest file): check every one.
  for (const entry of readdirSync(out, { withFileTypes: true }))
    if (entry.isDirectory())
      run(['check', '-p', profile, '-f', entry.name, join(out, entry.name), '--quiet'])
  run(['explain', 'basic-in-01'])
  run(['render', '-p', join(out, 'missing.yaml'), '-f', 'squid', '-o', out], 2)
  checkCodeCache()
  process.stdout.write(
    'bundled aml-egress: render, check, explain, bad input and the code cache as expected\n',
  )
} finally {
  rmSync(out, { recursive: true, force: true })
  rmSync(cacheRoot, { recursive: true, force: true })
}
