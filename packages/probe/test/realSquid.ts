import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LOOPBACK } from './loopback'

/**
 * A loopback Squid for tests, after packages/squid/test/realSquid.ts (same recipe, kept local:
 * test helpers are not part of a package's API): own temp dir (0755, owned by `proxy` when root),
 * 127.0.0.1 only, hosts_file, no DNS server, no pinger, stopped by pid, every wait bounded.
 */

export function findSquid(): string | undefined {
  for (const candidate of ['/usr/sbin/squid', '/usr/local/sbin/squid', '/usr/bin/squid'])
    if (existsSync(candidate)) return candidate
  const which = spawnSync('sh', ['-c', 'command -v squid'], { encoding: 'utf8', timeout: 5000 })
  const found = which.stdout.trim()
  return which.status === 0 && found ? found : undefined
}

/** Runs when squid is installed; in CI (`CI` set) a missing squid fails instead of skipping. */
export function realSquidMode(): { squid: string | undefined; run: boolean; skipMessage?: string } {
  const squid = findSquid()
  if (squid || process.env.CI) return { squid, run: true }
  return {
    squid,
    run: false,
    skipMessage:
      'squid is not installed: real-Squid probe tests skipped (apt-get install -y squid)',
  }
}

export function requireSquid(squid: string | undefined): string {
  if (!squid)
    throw new Error('squid is not installed but CI is set: run `apt-get install -y squid` in CI')
  return squid
}

function proxyIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const uid = spawnSync('id', ['-u', 'proxy'], { encoding: 'utf8', timeout: 5000 })
  const gid = spawnSync('id', ['-g', 'proxy'], { encoding: 'utf8', timeout: 5000 })
  if (uid.status !== 0 || gid.status !== 0) return undefined
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

/** A temp dir squid (running as `proxy` when started as root) can read and write. */
export async function squidDir(): Promise<{
  dir: string
  write: (name: string, contents: string) => Promise<string>
  remove: () => Promise<void>
}> {
  // mkdtemp gives 0700; squid switches to `proxy` and must traverse and write the directory.
  const dir = await mkdtemp(join(tmpdir(), 'aml-egress-probe-squid-'))
  await chmod(dir, 0o755)
  const ids = proxyIds()
  if (ids) await chown(dir, ids.uid, ids.gid)
  return {
    dir,
    async write(name, contents) {
      const path = join(dir, name)
      await writeFile(path, contents)
      if (ids) await chown(path, ids.uid, ids.gid)
      return path
    },
    remove: () => rm(dir, { recursive: true, force: true }),
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

/** `squid -k parse`: exit code and everything it printed. */
export function squidParse(input: { squid: string; config: string }): {
  status: number | null
  output: string
} {
  const result = spawnSync(input.squid, ['-k', 'parse', '-f', input.config], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, LOOPBACK, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

async function waitForPort(input: { port: number; timeoutMs: number }): Promise<boolean> {
  const deadline = Date.now() + input.timeoutMs
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: LOOPBACK, port: input.port })
      socket.setTimeout(500)
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
      socket.once('timeout', () => {
        socket.destroy()
        resolve(false)
      })
    })
    if (open) return true
    await sleep(100)
  }
  return false
}

export type RunningSquid = { port: number; stop: () => Promise<void> }

/** Starts `squid -N` and waits (bounded) for its port; stops it by its own pid. */
export async function startSquid(input: {
  squid: string
  dir: string
  config: string
  port: number
}): Promise<RunningSquid> {
  const child: ChildProcess = spawn(input.squid, ['-N', '-f', input.config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += String(chunk)
  })
  child.stderr?.on('data', (chunk) => {
    output += String(chunk)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const pidText = await readFile(join(input.dir, 'squid.pid'), 'utf8').catch(() => '')
    const pid = Number(pidText.trim()) || child.pid
    if (pid) process.kill(pid, 'SIGTERM')
    const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])
    if (!done && child.pid) {
      process.kill(child.pid, 'SIGKILL')
      await Promise.race([exited, sleep(5_000)])
    }
  }
  if (!(await waitForPort({ port: input.port, timeoutMs: 20_000 }))) {
    await stop()
    const log = await readFile(join(input.dir, 'cache.log'), 'utf8').catch(() => '')
    throw new Error(`squid did not start on ${input.port}:\n${output}\n${log}`)
  }
  return { port: input.port, stop }
}
