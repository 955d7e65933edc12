import { describe, expect, it } from 'vitest'
import { codedError, errorCode, nodeResolve, withTimeout } from './net'

describe('probe: net defaults', () => {
  it('returns 127.0.0.1 first for localhost from the system resolver (/etc/hosts, no network)', async () => {
    expect((await nodeResolve('localhost'))[0]).toBe('127.0.0.1')
  })

  it('throws the given code when the promise does not settle in time', async () => {
    const never = new Promise<never>(() => undefined)
    await expect(
      withTimeout({ promise: never, ms: 20, code: 'ETIMEOUT', message: 'no DNS answer' }),
    ).rejects.toMatchObject({ code: 'ETIMEOUT', message: 'no DNS answer' })
  })

  it('returns the code of a Node error, and ERROR for anything else', () => {
    expect(errorCode(codedError('ECONNRESET', 'reset'))).toBe('ECONNRESET')
    expect(errorCode(new Error('plain'))).toBe('ERROR')
    expect(errorCode('text')).toBe('ERROR')
  })
})
