// Preloaded into a benchmarked CLI process (`node --import`): at exit, the process's own peak
// resident set on stderr, for the bench to read.
process.on('exit', () => {
  process.stderr.write(`\naml-egress-bench peak-rss-kb ${process.resourceUsage().maxRSS}\n`)
})
