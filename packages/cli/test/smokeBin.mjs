// The bundled binary (dist/bin), run after `npm run build`: the unit tests run the sources, so this
// is what catches a bundling mistake (a dependency that cannot load inside the bundle).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../dist/bin/aml-egress.js', import.meta.url))
const profile = fileURLToPath(new URL('../../../examples/profile.yaml', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'aml-egress-smoke-'))

function run(args, expectedStatus = 0) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' })
  if (result.status !== expectedStatus) {
    process.stderr.write(`aml-egress ${args.join(' ')}: exit ${result.status}\n${result.stderr}`)
    process.exit(1)
  }
  return result.stdout
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
  process.stdout.write('bundled aml-egress: render, check, explain and bad input as expected\n')
} finally {
  rmSync(out, { recursive: true, force: true })
}
