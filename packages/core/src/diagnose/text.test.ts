import { describe, expect, it } from 'vitest'
import { forEachJsonRecord } from './json'
import { forEachLine, MAX_LINE_LENGTH, parseCsvLine } from './text'

async function* chunks(
  parts: readonly (string | Uint8Array)[],
): AsyncGenerator<string | Uint8Array> {
  yield* parts
}

async function lines(parts: readonly (string | Uint8Array)[]) {
  const seen: [number, string][] = []
  const tooLong: number[] = []
  await forEachLine(
    chunks(parts),
    (line, at) => seen.push([at, line]),
    (at) => tooLong.push(at),
  )
  return { seen, tooLong }
}

async function records(text: string, size: number) {
  const parts: string[] = []
  for (let start = 0; start < text.length; start += size)
    parts.push(text.slice(start, start + size))
  const seen: unknown[] = []
  const malformed: [number, string][] = []
  await forEachJsonRecord(chunks(parts), {
    record: (value) => seen.push(value),
    malformed: (at, _text, reason) => malformed.push([at, reason]),
  })
  return { seen, malformed }
}

describe('forEachLine', () => {
  it('returns lines split across chunks, without CR, skipping empty ones, with their numbers', async () => {
    const { seen } = await lines(['a', 'b\r\n\r\nc', 'd\n', 'last'])
    expect(seen).toStrictEqual([
      [1, 'ab'],
      [3, 'cd'],
      [4, 'last'],
    ])
  })

  it('decodes UTF-8 split inside a character and drops a byte-order mark', async () => {
    const bytes = new TextEncoder().encode('\uFEFFcafé\n')
    const { seen } = await lines([bytes.slice(0, 5), bytes.slice(5)])
    expect(seen).toStrictEqual([[1, 'café']])
  })

  it('skips a line longer than the limit and goes on with the next', async () => {
    const long = 'x'.repeat(MAX_LINE_LENGTH + 10)
    const { seen, tooLong } = await lines([
      'first\n',
      long.slice(0, 1000),
      long.slice(1000),
      '\nnext\n',
    ])
    expect(seen).toStrictEqual([
      [1, 'first'],
      [3, 'next'],
    ])
    expect(tooLong).toStrictEqual([2])
  })
})

describe('parseCsvLine', () => {
  it('reads quoted fields with commas and doubled quotes; undefined for an open quote', () => {
    expect(parseCsvLine('"6/2/2025, 9:14 AM",10.0.0.1,,"a ""b"""')).toStrictEqual([
      '6/2/2025, 9:14 AM',
      '10.0.0.1',
      '',
      'a "b"',
    ])
    expect(parseCsvLine('a,"open')).toBeUndefined()
    expect(parseCsvLine('a,b,')).toStrictEqual(['a', 'b', ''])
  })
})

describe('forEachJsonRecord', () => {
  const body =
    '{\n  "records": [\n    {"a": "x]}\\"", "n": [1, {"b": 2}]},\n    {"a": 2}\n  ],\n  "other": [{"c": 3}]\n}\n'

  it('returns the elements of a pretty-printed records wrapper, whatever the chunk size', async () => {
    for (const size of [1, 3, 1000])
      expect(await records(body, size)).toStrictEqual({
        seen: [{ a: 'x]}"', n: [1, { b: 2 }] }, { a: 2 }],
        malformed: [],
      })
  })

  it('returns the rows of a pretty-printed array and the records of JSON Lines (wrappers unpacked)', async () => {
    expect((await records('[\n {"a": 1},\n {"a": 2}\n]\n', 2)).seen).toStrictEqual([
      { a: 1 },
      { a: 2 },
    ])
    expect(
      (await records('{"a":1}\n{"records":[{"a":2},{"a":3}]}\n[{"a":4}]\n', 5)).seen,
    ).toStrictEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }])
  })

  it('counts a bad line of JSON Lines and a document cut inside a record, never throws', async () => {
    expect(await records('{"a":1}\n{"a":\n{"a":3}\n', 4)).toStrictEqual({
      seen: [{ a: 1 }, { a: 3 }],
      malformed: [[2, expect.stringMatching(/^not JSON/)]],
    })
    const cut = await records(body.slice(0, 60), 7)
    expect(cut.seen).toStrictEqual([{ a: 'x]}"', n: [1, { b: 2 }] }])
    expect(cut.malformed.map(([, reason]) => reason)).toStrictEqual([
      'truncated: the file ends inside a record',
    ])
  })

  it('returns a single pretty-printed object without records as one record', async () => {
    expect(
      (await records('{\n "category": "x",\n "properties": {"a": 1}\n}\n', 3)).seen,
    ).toStrictEqual([{ category: 'x', properties: { a: 1 } }])
  })
})
