import type { Socket } from 'node:net'
import type { ConnectFn } from './model'
import { codedError, nodeConnect } from './net'

/** A parsed `--proxy`: where to connect, and the credentials header if the URL had any. */
export type ProxyAddress = {
  host: string
  port: number
  /** `Basic …` from `user:password@` in the URL. */
  authorization?: string
  /** The URL without credentials, safe to print. */
  display: string
}

/**
 * Parses `http://[user:password@]host:port` (port defaults to 3128, Squid's). Only `http:` is
 * accepted: the probe speaks plain HTTP to the proxy, as HTTPS_PROXY=http://… clients do.
 * @example parseProxyUrl('http://10.0.0.4:3128') // { proxy: { host: '10.0.0.4', port: 3128, … } }
 */
export function parseProxyUrl(text: string): { proxy?: ProxyAddress; error?: string } {
  let url: URL
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`)
  } catch {
    return { error: `'${text}' is not a URL; write http://host:port` }
  }
  if (url.protocol !== 'http:')
    return {
      error: `proxy scheme '${url.protocol.replace(':', '')}' is not supported; use http://host:port`,
    }
  if (url.hostname === '') return { error: `'${text}' names no host; write http://host:port` }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    return { error: `'${text}' has a path; write http://host:port` }
  const port = url.port === '' ? 3128 : Number(url.port)
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const user = decodeURIComponent(url.username)
  const password = decodeURIComponent(url.password)
  return {
    proxy: {
      host,
      port,
      ...(user || password
        ? { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
        : {}),
      display: `http://${url.host}`,
    },
  }
}

/** The proxy's answer: status line and headers (lower-case names). */
export type ProxyResponse = {
  status: number
  statusText: string
  headers: Record<string, string>
}

const MAX_HEAD_BYTES = 16 * 1024

/**
 * The code of a request the proxy accepted the connection for but did not answer in time (it may
 * still be resolving or connecting upstream); a failed connect keeps Node's code.
 */
export const PROXY_NO_ANSWER = 'PROXY_NO_ANSWER'

/** Reads one HTTP response head from the socket, bounded in size and time. */
function readResponseHead(input: {
  socket: Socket
  timeoutMs: number
  request: string
}): Promise<ProxyResponse> {
  const { socket } = input
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0)
    const done = (error: Error | undefined, response?: ProxyResponse, rest?: Buffer) => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('error', onError)
      socket.off('end', onEnd)
      if (error) return reject(error)
      socket.pause()
      // Bytes after the head belong to the tunnel (none for CONNECT before the client speaks).
      if (rest && rest.length > 0) socket.unshift(rest)
      if (response) resolve(response)
    }
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf('\r\n\r\n')
      if (end === -1) {
        if (buffered.length > MAX_HEAD_BYTES)
          done(codedError('EPROTO', 'the proxy sent a response head over 16 KiB'))
        return
      }
      const [statusLine = '', ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n')
      const match = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/.exec(statusLine)
      if (!match)
        return done(
          codedError('EPROTO', `the proxy did not answer HTTP: '${statusLine.slice(0, 80)}'`),
        )
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        if (colon > 0)
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      done(
        undefined,
        { status: Number(match[1]), statusText: match[2] ?? '', headers },
        buffered.subarray(end + 4),
      )
    }
    const onError = (error: Error) => done(error)
    const onEnd = () =>
      done(codedError('ECONNRESET', 'the proxy closed the connection without an answer'))
    const timer = setTimeout(
      () =>
        done(
          codedError(
            PROXY_NO_ANSWER,
            `the proxy took the connection but did not answer ${input.request} within ${input.timeoutMs} ms`,
          ),
        ),
      input.timeoutMs,
    )
    socket.on('data', onData)
    socket.once('error', onError)
    socket.once('end', onEnd)
  })
}

/** Host names and addresses as they go into a request line (`[::1]` for IPv6). */
function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`
}

/**
 * One request to the proxy over one new connection: `CONNECT host:port` (HTTPS and other TCP), or
 * `HEAD http://host/` for plain HTTP on port 80, which HTTP proxies do not tunnel. Returns the
 * proxy's answer and the socket (after a CONNECT 200 it is the tunnel; the caller closes it).
 * Rejects when the proxy cannot be reached (Node's code), does not answer in time
 * (`PROXY_NO_ANSWER`) or does not answer HTTP.
 * @example const { response, socket } = await proxyRequest({ proxy, method: 'CONNECT', host: 'pypi.org', port: 443, timeoutMs: 5000 })
 */
export async function proxyRequest(input: {
  proxy: ProxyAddress
  method: 'CONNECT' | 'HEAD'
  host: string
  port: number
  timeoutMs: number
  connect?: ConnectFn | undefined
}): Promise<{ response: ProxyResponse; socket: Socket }> {
  // Plan hosts are validated DNS names; refuse anything that could add a header line.
  if (!/^[A-Za-z0-9.:-]+$/.test(input.host))
    throw codedError('EINVAL', `refusing to send '${input.host}' to the proxy: not a host name`)
  const connect = input.connect ?? nodeConnect
  const socket = await connect({
    host: input.proxy.host,
    port: input.proxy.port,
    timeoutMs: input.timeoutMs,
  })
  const target = authority(input.host, input.port)
  const lines =
    input.method === 'CONNECT'
      ? [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`]
      : [
          `HEAD http://${input.port === 80 ? input.host : target}/ HTTP/1.1`,
          `Host: ${input.host}`,
          'Connection: close',
        ]
  if (input.proxy.authorization) lines.push(`Proxy-Authorization: ${input.proxy.authorization}`)
  lines.push('User-Agent: aml-egress-probe', '', '')
  try {
    const request = `${input.method} ${target}`
    const head = readResponseHead({ socket, timeoutMs: input.timeoutMs, request })
    socket.write(lines.join('\r\n'))
    return { response: await head, socket }
  } catch (error) {
    socket.destroy()
    throw error
  }
}
