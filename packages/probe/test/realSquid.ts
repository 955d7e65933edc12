import { join } from 'node:path'
import { scratchDir, writeFiles } from '@aml-egress/squid/testing'
import { LOOPBACK } from './loopback'

/**
 * Probe-only parts of the loopback Squid for tests. The recipe itself (squid detection, temp dir,
 * `squid -k parse`, start/stop by pid, free port) is the squid package's test harness,
 * `@aml-egress/squid/testing`; here the config epilogue adds a loopback parent.
 */

/** A temp dir squid (running as `proxy` when started as root) can read and write. */
export async function squidDir(): Promise<{
  dir: string
  write: (name: string, contents: string) => Promise<string>
  remove: () => Promise<void>
}> {
  const { dir, remove } = await scratchDir('aml-egress-probe-squid-')
  return {
    dir,
    async write(name, contents) {
      // Owned by `proxy` (file and directory) when we run as root: squid switches to it.
      await writeFiles({ dir, files: { [name]: contents } })
      return join(dir, name)
    },
    remove,
  }
}

/**
 * Directives appended to a rendered standalone squid.conf for a loopback test: the DNS client on
 * loopback, names from `hosts`, a dead DNS server so nothing leaks, no pinger; and every request
 * Squid allows goes to `parentPort` (a loopback upstream) instead of the internet.
 */
export function loopbackEpilogue(input: { dir: string; parentPort: number }): string {
  return [
    '',
    '# --- test only: loopback, no DNS, no internet ---',
    `udp_incoming_address ${LOOPBACK}`,
    `hosts_file ${input.dir}/hosts`,
    `dns_nameservers ${LOOPBACK}`,
    'dns_timeout 3 seconds',
    'netdb_filename none',
    `coredump_dir ${input.dir}`,
    'shutdown_lifetime 1 seconds',
    'pinger_enable off',
    `cache_peer ${LOOPBACK} parent ${input.parentPort} 0 no-query no-digest no-netdb-exchange default name=upstream`,
    'never_direct allow all',
    '',
  ].join('\n')
}
