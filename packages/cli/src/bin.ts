import { nodeIo } from './io'
import { runCli } from './main'

// The CLI as the binary runs it, bundled into dist/bin/cli.cjs (see launcher.ts).

// `aml-egress list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

runCli(process.argv.slice(2), nodeIo()).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`error internal: ${String(error)}\n`)
    process.exitCode = 2
  },
)
