import { lookup } from 'node:dns/promises'
import net, { isIP, type Socket } from 'node:net'
import tls from 'node:tls'
import type { ConnectFn, ResolveFn, TlsHandshakeFn } from './model'

/** An Error with a Node-style `code`, the way node:net and node:dns report failures. */
export type CodedError = Error & { code: string }

/** An Error carrying a Node-style `code` (`ETIMEDOUT`, …), compared by code rather than class. */
export function codedError(code: string, message: string): CodedError {
  return Object.assign(new Error(message), { code })
}

/** The code of a Node error (`ECONNREFUSED`, `ENOTFOUND`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …). */
export function errorCode(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
  )
    return error.code
  return 'ERROR'
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Settles with the promise, or rejects with `code` after `ms`. The work itself is not cancelled
 * (a `dns.lookup` cannot be); callers that own a socket destroy it themselves.
 */
export function withTimeout<T>(input: {
  promise: Promise<T>
  ms: number
  code: string
  message: string
}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(codedError(input.code, input.message)), input.ms)
    input.promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

/**
 * The system resolver (`getaddrinfo`, as the AML agents use it: /etc/hosts, then the subnet's DNS
 * server), IPv4 addresses first since Azure virtual networks route IPv4.
 */
export const nodeResolve: ResolveFn = async (host) => {
  const addresses = await lookup(host, { all: true })
  return [...addresses].sort((a, b) => a.family - b.family).map((address) => address.address)
}

/** One TCP connection with `net.connect`, bounded by `timeoutMs`. */
export const nodeConnect: ConnectFn = ({ host, port, timeoutMs }) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = net.connect({ host, port })
    // Errors after the connect are observed by the next step; never let one crash the process.
    socket.on('error', () => undefined)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(codedError('ETIMEDOUT', `no answer from ${host}:${port} within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.off('error', onError)
      resolve(socket)
    })
    const onError = (error: Error) => {
      clearTimeout(timer)
      socket.destroy()
      reject(error)
    }
    socket.once('error', onError)
  })

/**
 * A TLS handshake on a connected socket, with SNI, verifying the certificate chain and the host
 * name unless `verify.rejectUnauthorized` is false. The TLS socket is closed after the handshake.
 */
export const nodeHandshake: TlsHandshakeFn = ({ socket, servername, timeoutMs, verify }) =>
  new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      ...(isIP(servername) === 0 ? { servername } : {}),
      rejectUnauthorized: verify.rejectUnauthorized ?? true,
      ...(verify.ca !== undefined ? { ca: verify.ca } : {}),
      ALPNProtocols: ['http/1.1'],
    })
    const timer = setTimeout(() => {
      secure.destroy()
      reject(codedError('ETIMEDOUT', `no TLS handshake with ${servername} within ${timeoutMs} ms`))
    }, timeoutMs)
    secure.once('secureConnect', () => {
      clearTimeout(timer)
      const protocol = secure.getProtocol() ?? 'TLS'
      secure.on('error', () => undefined)
      secure.destroy()
      resolve({ protocol })
    })
    secure.once('error', (error) => {
      clearTimeout(timer)
      secure.destroy()
      reject(error)
    })
  })
