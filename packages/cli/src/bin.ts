#!/usr/bin/env node
import nodeModule from 'node:module'

// Node 22.1+ keeps compiled code in a disk cache (os.tmpdir()), so later starts skip most parsing;
// it must be on before the CLI's modules load, hence the dynamic imports below. No-op on Node 20.
;(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()

const { nodeIo } = await import('./io')
const { runCli } = await import('./main')

// `aml-egress list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

try {
  process.exitCode = await runCli(process.argv.slice(2), nodeIo())
} catch (error) {
  process.stderr.write(`error internal: ${String(error)}\n`)
  process.exitCode = 2
}
