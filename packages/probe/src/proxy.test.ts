import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type LoopbackServer,
  startFakeProxy,
  startTcpServer,
  startTlsServer,
} from '../test/loopback'
import type { ConnectFn } from './model'
import { nodeConnect } from './net'
import { parseProxyUrl, proxyRequest } from './proxy'

describe('probe: parseProxyUrl', () => {
  it('returns host, port and a printable URL for http://host:port', () => {
    expect(parseProxyUrl('http://10.0.0.4:8080')).toStrictEqual({
      proxy: { host: '10.0.0.4', port: 8080, display: 'http://10.0.0.4:8080' },
    })
  })

  it("returns Squid's port 3128 when the URL has none, and accepts host:port without a scheme", () => {
    expect(parseProxyUrl('http://proxy.contoso.internal')?.proxy?.port).toBe(3128)
    expect(parseProxyUrl('127.0.0.1:3129')?.proxy).toMatchObject({ host: '127.0.0.1', port: 3129 })
  })

  it('returns a Basic authorization header and a display URL without the password', () => {
    const { proxy } = parseProxyUrl('http://svc%40contoso:p%3Ass@10.0.0.4:3128')
    // base64("svc@contoso:p:ss"), computed independently: printf 'svc@contoso:p:ss' | base64
    expect(proxy).toStrictEqual({
      host: '10.0.0.4',
      port: 3128,
      authorization: 'Basic c3ZjQGNvbnRvc286cDpzcw==',
      display: 'http://10.0.0.4:3128',
    })
  })

  it('returns an error for https://, a path, or text that is not a URL', () => {
    expect(parseProxyUrl('https://10.0.0.4:3128').error).toMatch(/not supported/)
    expect(parseProxyUrl('http://10.0.0.4:3128/path').error).toMatch(/has a path/)
    expect(parseProxyUrl('http://exa mple:1').error).toMatch(/not a URL/)
  })
})

describe('probe: proxyRequest', () => {
  const servers: LoopbackServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  it('returns 200 and a socket that tunnels to the target for CONNECT', async () => {
    // GIVEN a proxy that tunnels every CONNECT to a loopback TLS server
    const origin = await startTlsServer()
    const proxy = await startFakeProxy(() => ({ tunnelTo: origin.port }))
    servers.push(origin, proxy)
    // WHEN a CONNECT for pypi.org:443 is sent
    const { response, socket } = await proxyRequest({
      proxy: { host: '127.0.0.1', port: proxy.port, display: '' },
      method: 'CONNECT',
      host: 'pypi.org',
      port: 443,
      timeoutMs: 2000,
    })
    socket.destroy()
    // THEN the proxy saw the request line a browser would send, and answered 200
    expect(response.status).toBe(200)
    expect(proxy.requests).toStrictEqual(['CONNECT pypi.org:443'])
  })

  it("returns the proxy's status and X-Squid-Error header when it refuses", async () => {
    const proxy = await startFakeProxy(() => ({
      status: 403,
      reason: 'Forbidden',
      headers: { 'X-Squid-Error': 'ERR_ACCESS_DENIED 0' },
    }))
    servers.push(proxy)
    const { response, socket } = await proxyRequest({
      proxy: { host: '127.0.0.1', port: proxy.port, display: '', authorization: 'Basic eDp5' },
      method: 'HEAD',
      host: 'archive.ubuntu.com',
      port: 80,
      timeoutMs: 2000,
    })
    socket.destroy()
    expect(response).toStrictEqual({
      status: 403,
      statusText: 'Forbidden',
      headers: {
        'x-squid-error': 'ERR_ACCESS_DENIED 0',
        'content-length': '0',
        connection: 'close',
      },
    })
    // Plain HTTP goes as an absolute URI (no CONNECT), as HTTP_PROXY clients send it.
    expect(proxy.requests).toStrictEqual(['HEAD http://archive.ubuntu.com/'])
  })

  it('throws without connecting when the host could inject a header line', async () => {
    await expect(
      proxyRequest({
        proxy: { host: '127.0.0.1', port: 9, display: '' },
        method: 'CONNECT',
        host: 'evil.example\r\nX-Injected: 1',
        port: 443,
        timeoutMs: 1000,
      }),
    ).rejects.toMatchObject({ code: 'EINVAL' })
  })

  it('throws PROXY_NO_ANSWER, not a connect error, when the proxy accepts but never answers: at timeoutMs, not before', async () => {
    // A TCP server that accepts and never writes: a proxy that stays silent.
    const silent = await startTcpServer()
    servers.push(silent)
    // Fake timers for the probe's timeouts only; the sockets do real I/O on loopback.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      let connected = false
      const connect: ConnectFn = async (input) => {
        const socket = await nodeConnect(input)
        connected = true
        return socket
      }
      let settled = false
      const outcome = proxyRequest({
        proxy: { host: '127.0.0.1', port: silent.port, display: '' },
        method: 'CONNECT',
        host: 'pypi.org',
        port: 443,
        timeoutMs: 300,
        connect,
      }).then(
        () => undefined,
        (error: unknown) => error,
      )
      void outcome.finally(() => {
        settled = true
      })
      // Until the request is sent and the probe waits for the answer (setImmediate is not faked).
      const turn = () => new Promise((resolve) => setImmediate(resolve))
      while (!connected || vi.getTimerCount() === 0) await turn()
      vi.advanceTimersByTime(299)
      await turn()
      expect(settled).toBe(false)
      vi.advanceTimersByTime(1)
      expect(await outcome).toMatchObject({
        code: 'PROXY_NO_ANSWER',
        message: expect.stringContaining('within 300 ms'),
      })
    } finally {
      vi.useRealTimers()
    }
  })
})
