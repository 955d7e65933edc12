import { readFileSync } from 'node:fs'
import { azureFirewallLog } from '@aml-egress/azure-firewall'
import { type LogReader, MAX_LINE_LENGTH } from '@aml-egress/core/log-readers'
import { hubbleFlowLog } from '@aml-egress/network-policy'
import { squidAccessLog } from '@aml-egress/squid'
import { flowLog } from '@aml-egress/terraform'
import { readLogText } from '@aml-egress/test-matrix'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assertOptions, fuzzSettings } from '../src/settings'

// Each deny-log reader with a real or reference-shaped sample of its family, from its package's
// test fixtures: the fuzz cuts, splices and corrupts these as well as random bytes.
const readers: { reader: LogReader; name: string; sample: string }[] = [
  { reader: squidAccessLog, sample: 'squid/test/fixtures/logs/squid-access.combined.log' },
  {
    reader: azureFirewallLog,
    sample: 'azure-firewall/test/fixtures/logs/azfw-structured.eventhub.json',
  },
  {
    reader: azureFirewallLog,
    sample: 'azure-firewall/test/fixtures/logs/azfw-la-export.AZFWApplicationRule.csv',
  },
  {
    reader: hubbleFlowLog,
    sample: 'network-policy/test/fixtures/logs/hubble-observe.jsonpb.jsonl',
  },
  { reader: flowLog, sample: 'terraform/test/fixtures/logs/vnet-flowlog.PT1H.json' },
].map(({ reader, sample }) => ({
  reader,
  name: `${reader.name} (${sample.replace(/^.*\//, '')})`,
  sample: readFileSync(new URL(`../../../packages/${sample}`, import.meta.url), 'utf8'),
}))

const runs = assertOptions(fuzzSettings.invalidRuns)

/** What a reader reports must be well-formed, whatever the input: it never throws. */
async function checkRead(
  reader: LogReader,
  input: string | Uint8Array,
  chunkSize: number,
): Promise<void> {
  const result = await readLogText(reader, input, chunkSize)
  for (const record of result.denied) {
    expect(['TCP', 'UDP', 'ICMP']).toContain(record.protocol)
    if (record.port !== undefined) expect(record.port >= 1 && record.port <= 65535).toBe(true)
    expect(record.time === undefined || Number.isFinite(record.time)).toBe(true)
  }
  for (const malformed of result.malformed) expect(malformed.at).toBeGreaterThanOrEqual(1)
}

describe('fuzz: deny-log readers', () => {
  for (const { reader, name, sample } of readers) {
    it(`${name}: never throws on random bytes, in any chunking`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 2048 }),
          fc.integer({ min: 1, max: 512 }),
          async (bytes, size) => {
            await checkRead(reader, bytes, size)
          },
        ),
        runs,
      )
    })

    it(`${name}: never throws on its sample cut, spliced and corrupted anywhere`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: sample.length }),
          fc.nat({ max: sample.length }),
          fc.string({ maxLength: 40 }),
          fc.integer({ min: 1, max: 256 }),
          async (cut, at, junk, size) => {
            const spliced = sample.slice(0, at) + junk + sample.slice(at)
            await checkRead(reader, spliced.slice(0, Math.max(cut, 1)), size)
          },
        ),
        runs,
      )
    })
  }

  it('skips a line longer than the limit without keeping it, and reads the next one', async () => {
    // GIVEN a 5 MiB "line" without a newline between two real Squid denies
    const deny =
      '1796605557.082      0 10.0.0.1 TCP_DENIED/403 3449 CONNECT pypi.org:443 - HIER_NONE/- text/html'
    const long = 'x'.repeat(5 * MAX_LINE_LENGTH)
    const result = await readLogText(squidAccessLog, `${deny}\n${long}\n${deny}\n`, 64 * 1024)
    // THEN both denies are read and the long line is one malformed record
    expect(result.denied).toHaveLength(2)
    expect(result.malformed).toStrictEqual([
      { at: 2, reason: 'line longer than the reader accepts' },
    ])
  })
})
