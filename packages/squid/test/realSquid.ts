import http from 'node:http'

/**
 * Squid-format-only helpers for the real-Squid tests: a loopback origin and a client request
 * through the proxy. The loopback Squid harness itself (detection, scratch dir, prologue,
 * start/stop, free port) is this package's `testing/realSquid.ts`.
 */

const LOOPBACK = '127.0.0.1'

/** A tiny origin answering 200 `ok` on 127.0.0.1. */
export async function startOrigin(port: number): Promise<{ close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => response.end('ok'))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, LOOPBACK, () => resolve())
  })
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type ProxyAnswer = { status: number; squidError: string; classified: 'allowed' | 'denied' }

function classify(status: number, squidError: string): ProxyAnswer {
  const denied = status === 403 && squidError.startsWith('ERR_ACCESS_DENIED')
  return { status, squidError, classified: denied ? 'denied' : 'allowed' }
}

/**
 * Sends one request through the proxy like a client would: `GET http://host:port/` for HTTP,
 * `CONNECT host:port` for HTTPS. 403 + `X-Squid-Error: ERR_ACCESS_DENIED` = denied; anything else
 * (200, or 5xx because nothing listens behind an allowed name) = allowed.
 */
export function proxyRequest(input: {
  proxyPort: number
  method: 'GET' | 'CONNECT'
  host: string
  port: number
}): Promise<ProxyAnswer> {
  return new Promise((resolve, reject) => {
    const authority = `${input.host}:${input.port}`
    const request = http.request({
      host: LOOPBACK,
      port: input.proxyPort,
      method: input.method,
      path: input.method === 'CONNECT' ? authority : `http://${authority}/`,
      headers: { host: authority },
      agent: false,
    })
    request.setTimeout(15_000, () =>
      request.destroy(new Error(`timeout: ${input.method} ${authority}`)),
    )
    request.once('connect', (response, socket) => {
      socket.destroy()
      resolve(classify(response.statusCode ?? 0, String(response.headers['x-squid-error'] ?? '')))
    })
    request.once('response', (response) => {
      response.resume()
      resolve(classify(response.statusCode ?? 0, String(response.headers['x-squid-error'] ?? '')))
    })
    request.once('error', reject)
    request.end()
  })
}
