// Preloaded into a benchmarked CLI process (`node --import`): at exit, the process's own peak
// resident set and CPU time on stderr, for the bench to read.
process.on('exit', () => {
  const usage = process.resourceUsage()
  const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)
  process.stderr.write(`\naml-egress-bench peak-rss-kb ${usage.maxRSS} cpu-ms ${cpuMs}\n`)
})
