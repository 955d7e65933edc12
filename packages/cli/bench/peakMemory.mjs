// Preloaded into the CLI process the bench times: prints its peak resident set size and CPU time
// on exit, on stderr as the last line, so the bench reads the figures of the process that did the work.
process.on('exit', () => {
  const usage = process.resourceUsage()
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000
  process.stderr.write(
    `\naml-egress-bench max-rss-kb ${usage.maxRSS} cpu-ms ${Math.round(cpuMs)}\n`,
  )
})
