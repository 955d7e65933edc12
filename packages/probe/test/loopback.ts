import { readFileSync } from 'node:fs'
import net, { type Socket } from 'node:net'
import tls from 'node:tls'
import type { ConnectFn, ResolveFn } from '../src/index'
import { codedError, nodeConnect } from '../src/index'

/**
 * Loopback stand-ins for Azure endpoints. Everything binds and connects to 127.0.0.1 only; every
 * server is closed by the test that started it.
 */

export const LOOPBACK = '127.0.0.1'

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')

/** The test-only self-signed certificate (CN=localhost), see fixtures/README.md. */
export const testCertificate = {
  cert: fixture('localhost-cert.pem'),
  key: fixture('localhost-key.pem'),
}

export type LoopbackServer = {
  port: number
  /** Connections accepted so far. */
  connections: () => number
  close: () => Promise<void>
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, LOOPBACK, () => {
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : 0)
    })
  })
}

function tracked(server: net.Server, port: number, count: () => number): LoopbackServer {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.once('close', () => sockets.delete(socket))
  })
  return {
    port,
    connections: count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A TLS server with the test certificate; records the SNI name of every handshake. */
export async function startTlsServer(): Promise<LoopbackServer & { servernames: string[] }> {
  const servernames: string[] = []
  let count = 0
  const server = tls.createServer(
    {
      ...testCertificate,
      // Called while the ClientHello is processed, so the name is recorded before the client
      // sees the handshake complete.
      SNICallback: (servername, callback) => {
        servernames.push(servername)
        callback(null)
      },
    },
    (socket) => {
      socket.on('error', () => undefined)
      socket.end()
    },
  )
  server.on('connection', () => count++)
  server.on('tlsClientError', () => undefined)
  const port = await listen(server)
  return { ...tracked(server, port, () => count), servernames }
}

/**
 * A plain TCP server. `reset`: it closes every connection as soon as the client speaks, as a
 * firewall filtering on the TLS SNI does.
 */
export async function startTcpServer(options: { reset?: boolean } = {}): Promise<LoopbackServer> {
  let count = 0
  const server = net.createServer((socket) => {
    count++
    socket.on('error', () => undefined)
    if (options.reset) socket.once('data', () => socket.resetAndDestroy())
  })
  const port = await listen(server)
  return tracked(server, port, () => count)
}

/** A port on 127.0.0.1 with nothing listening (bound, then released): connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer()
  const port = await listen(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * A resolver that knows the given hosts (all at 127.0.0.1) and answers ENOTFOUND for the rest, as
 * getaddrinfo does for NXDOMAIN. Records every lookup.
 */
export function loopbackResolver(hosts: Iterable<string>): ResolveFn & { lookups: string[] } {
  const known = new Set(hosts)
  const lookups: string[] = []
  const resolve = async (host: string) => {
    lookups.push(host)
    if (!known.has(host)) throw codedError('ENOTFOUND', `getaddrinfo ENOTFOUND ${host}`)
    return [LOOPBACK]
  }
  return Object.assign(resolve, { lookups })
}

/**
 * The real `nodeConnect`, with the destination port mapped to a loopback server's port (443 → the
 * TLS server) and the address required to be 127.0.0.1. Records every connection.
 */
export function loopbackConnect(ports: Record<number, number>): ConnectFn & { calls: string[] } {
  const calls: string[] = []
  const connect: ConnectFn = async (input) => {
    if (input.host !== LOOPBACK) throw new Error(`test tried to reach ${input.host}`)
    calls.push(`${input.host}:${input.port}`)
    const port = ports[input.port]
    if (port === undefined) throw new Error(`no loopback server for port ${input.port}`)
    return nodeConnect({ ...input, port })
  }
  return Object.assign(connect, { calls })
}

/** A clock that advances 1 ms per reading: stable, non-zero durations in rendered output. */
export function steppingClock(): () => number {
  let now = 0
  return () => now++
}

/** What the fake proxy does with one request: answer with a status, or tunnel to a loopback port. */
export type FakeProxyAnswer =
  | { status: number; reason?: string; headers?: Record<string, string> }
  | { tunnelTo: number }

/**
 * A minimal HTTP proxy on 127.0.0.1: reads one request head per connection, records
 * `METHOD target`, and answers as `answer` says. `CONNECT` tunnels go to loopback ports only. It
 * stands in for a corporate proxy in unit tests, and for the upstream behind the real Squid.
 */
export async function startFakeProxy(
  answer: (request: { method: string; target: string; headers: string[] }) => FakeProxyAnswer,
): Promise<LoopbackServer & { requests: string[] }> {
  const requests: string[] = []
  let count = 0
  const server = net.createServer((client) => {
    count++
    client.on('error', () => undefined)
    let buffered = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf('\r\n\r\n')
      if (end === -1) return
      client.off('data', onData)
      const [line = '', ...headers] = buffered.subarray(0, end).toString('latin1').split('\r\n')
      const [method = '', target = ''] = line.split(' ')
      requests.push(`${method} ${target}`)
      const reply = answer({ method, target, headers })
      if ('tunnelTo' in reply) {
        const upstream = net.connect({ host: LOOPBACK, port: reply.tunnelTo })
        upstream.on('error', () => client.destroy())
        upstream.once('connect', () => {
          client.write('HTTP/1.1 200 Connection established\r\n\r\n')
          const rest = buffered.subarray(end + 4)
          if (rest.length > 0) upstream.write(rest)
          client.pipe(upstream).pipe(client)
        })
        client.once('close', () => upstream.destroy())
        return
      }
      const head = [
        `HTTP/1.1 ${reply.status} ${reply.reason ?? ''}`.trimEnd(),
        ...Object.entries(reply.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        'Content-Length: 0',
        'Connection: close',
        '',
        '',
      ].join('\r\n')
      client.end(head)
    }
    client.on('data', onData)
  })
  const port = await listen(server)
  return { ...tracked(server, port, () => count), requests }
}

/** `connect` for a proxy test: only the loopback proxy port may be dialled. */
export function proxyOnlyConnect(proxyPort: number): ConnectFn & { calls: string[] } {
  const calls: string[] = []
  const connect: ConnectFn = async (input) => {
    calls.push(`${input.host}:${input.port}`)
    if (input.host !== LOOPBACK || input.port !== proxyPort)
      throw new Error(`test tried to reach ${input.host}:${input.port} instead of the proxy`)
    return nodeConnect(input)
  }
  return Object.assign(connect, { calls })
}
