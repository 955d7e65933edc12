import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Test harness around a real Squid (Debian squid 5.7), following the loopback recipe in the
 * reference: everything binds or connects to 127.0.0.1 only, every file squid writes lives in a
 * temp directory, squid is stopped by its own pid, and every wait is bounded. Used by this package's
 * tests and benchmarks, and by other workspaces (the probe's live test, the fuzz parser checks)
 * through `@aml-egress/squid/testing`: an export with the `@aml-egress/source` condition only,
 * never published (`files` lists `dist` and `src`).
 */

const LOOPBACK = '127.0.0.1'

/** Path of the squid binary, or undefined when it is not installed. */
export function findSquid(): string | undefined {
  for (const candidate of ['/usr/sbin/squid', '/usr/local/sbin/squid', '/usr/bin/squid'])
    if (existsSync(candidate)) return candidate
  const which = spawnSync('sh', ['-c', 'command -v squid'], { encoding: 'utf8', timeout: 5000 })
  const found = which.stdout.trim()
  return which.status === 0 && found ? found : undefined
}

/**
 * Real-Squid suites run when squid is installed. In CI (`CI` set) a missing squid must fail the
 * run, not skip it; locally the suite is skipped with a message (naming `suite`) saying how to
 * enable it.
 */
export function realSquidMode(suite = 'real-Squid tests'): {
  squid: string | undefined
  run: boolean
  skipMessage?: string
} {
  const squid = findSquid()
  if (squid || process.env.CI) return { squid, run: true }
  return {
    squid,
    run: false,
    skipMessage: `squid is not installed: ${suite} skipped (apt-get install -y squid)`,
  }
}

/** Fails with an actionable message when squid is missing (CI must not silently skip). */
export function requireSquid(squid: string | undefined): string {
  if (!squid)
    throw new Error('squid is not installed but CI is set: run `apt-get install -y squid` in CI')
  return squid
}

export type Scratch = { dir: string; remove: () => Promise<void> }

/** A temp dir squid (running as `proxy` when started as root) can read and write. */
export async function scratchDir(prefix = 'aml-egress-squid-'): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  // mkdtemp gives 0700; squid switches to `proxy` and must traverse and write the directory.
  await chmod(dir, 0o755)
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** The uid and gid of `proxy` when we run as root (squid switches to it), else undefined. */
export function proxyIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const uid = spawnSync('id', ['-u', 'proxy'], { encoding: 'utf8', timeout: 5000 })
  const gid = spawnSync('id', ['-g', 'proxy'], { encoding: 'utf8', timeout: 5000 })
  if (uid.status !== 0 || gid.status !== 0) return undefined
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

/** Writes files into the scratch dir, owned by `proxy` when we run as root. */
export async function writeFiles(input: {
  dir: string
  files: Record<string, string>
}): Promise<void> {
  const ids = proxyIds()
  if (ids) await chown(input.dir, ids.uid, ids.gid)
  for (const [name, contents] of Object.entries(input.files)) {
    const path = join(input.dir, name)
    await writeFile(path, contents)
    if (ids) await chown(path, ids.uid, ids.gid)
  }
}

/** The loopback-only prologue of the recipe: own pid, logs and hosts file; no cache, no pinger. */
export function loopbackPrologue(input: { dir: string; port: number }): string {
  const { dir, port } = input
  return [
    '# listen on loopback only; the DNS client socket too',
    `http_port ${LOOPBACK}:${port}`,
    `udp_incoming_address ${LOOPBACK}`,
    '# every file squid writes lives under the test directory',
    `pid_filename ${dir}/squid.pid`,
    `access_log stdio:${dir}/access.log squid`,
    `cache_log ${dir}/cache.log`,
    'cache_store_log none',
    'netdb_filename none',
    `coredump_dir ${dir}`,
    'cache deny all',
    '# test names resolve to 127.0.0.1 from this file; nothing else resolves',
    `hosts_file ${dir}/hosts`,
    `dns_nameservers ${LOOPBACK}`,
    'dns_timeout 3 seconds',
    'shutdown_lifetime 1 seconds',
    'pinger_enable off',
    '',
  ].join('\n')
}

/**
 * Runs `squid -k parse` on a config file; returns the exit code and everything it printed.
 * `timeoutMs` (default a minute) bounds the run; a 100,000-domain config takes longer.
 */
export function squidParse(input: { squid: string; config: string; timeoutMs?: number }): {
  status: number | null
  output: string
} {
  const result = spawnSync(input.squid, ['-k', 'parse', '-f', input.config], {
    encoding: 'utf8',
    timeout: input.timeoutMs ?? 60_000,
    // A large config can make squid print a warning per line.
    maxBuffer: 256 * 1024 * 1024,
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

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

/** Starts `squid -N` on the config and waits (bounded) until its port accepts connections. */
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
    // Stop squid by its own pid (from its pid file, else the child we spawned), never by name.
    const pidText = await readFile(join(input.dir, 'squid.pid'), 'utf8').catch(() => '')
    const pid = Number(pidText.trim()) || child.pid
    if (pid) process.kill(pid, 'SIGTERM')
    const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])
    if (!done && child.pid) {
      process.kill(child.pid, 'SIGKILL')
      await Promise.race([exited, sleep(5_000)])
    }
  }
  const up = await waitForPort({ port: input.port, timeoutMs: 20_000 })
  if (!up) {
    await stop()
    const log = await readFile(join(input.dir, 'cache.log'), 'utf8').catch(() => '')
    throw new Error(`squid did not start on ${input.port}:\n${output}\n${log}`)
  }
  return { port: input.port, stop }
}
