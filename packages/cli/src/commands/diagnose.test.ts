import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { DiagnoseReport } from '@aml-egress/core/diagnose'
import { describe, expect, it } from 'vitest'
import { createMemoryIo, fixturePath } from '../../test/helpers'
import { runCli } from '../main'
import { formatRegistry } from '../registry'
import { parseTimeFlag } from './diagnose'

// Compute clusters and instances in West Europe, SMB to storage through the firewall, and the
// subnet of the reference samples (10.20.1.x).
const profileText = `workspaces:
  - id: 3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d1e55
    region: westeurope
    storageAccounts: [amlstore01]
compute: [computeCluster, computeInstance]
features:
  storageFirewall: true
sourceAddresses: [10.20.1.0/24]
`
const profile = '/profiles/aml-egress.yaml'
const log = (name: string) => fixturePath(`logs/${name}`)
const tagsPath = log('service-tags.aml-excerpt.json')

async function diagnose(args: readonly string[], options: { stderrIsTTY?: boolean } = {}) {
  const memory = createMemoryIo({
    files: { [profile]: profileText, [tagsPath]: readFileSync(tagsPath, 'utf8') },
    ...options,
  })
  const code = await runCli(['diagnose', '--profile', profile, ...args], memory.io, {
    formats: formatRegistry,
  })
  return { code, stdout: memory.stdout(), stderr: memory.stderr() }
}

async function report(args: readonly string[]): Promise<{ code: number; report: DiagnoseReport }> {
  const { code, stdout } = await diagnose([...args, '--json'])
  return { code, report: JSON.parse(stdout) as DiagnoseReport }
}

const summary = (flows: DiagnoseReport['flows']) =>
  flows.map((flow) => `${flow.classification} ${flow.destination}:${flow.port ?? '-'}`)

function temporary(name: string, contents: string | Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'aml-egress-diagnose-')), name)
  writeFileSync(path, contents)
  return path
}

describe('cli: diagnose', () => {
  it('returns exit 1, the required flow with its Squid fix, and the rest classified, for the real Squid log', async () => {
    const { code, report: result } = await report([log('squid-access.native.log')])
    expect(code).toBe(1)
    expect(summary(result.flows)).toStrictEqual([
      'required mcr.microsoft.com:443',
      'required mystorageacct.blob.core.windows.net:443',
      'required westeurope.api.azureml.ms:443',
      'aml-not-in-profile archive.ubuntu.com:80',
      'aml-not-in-profile pypi.org:443',
      'unrelated 20.60.128.4:445',
      'unrelated files.pythonhosted.org:80',
      'unrelated www.example.com:443',
    ])
    const mcr = result.flows[0]
    expect(mcr).toMatchObject({
      fixFormat: 'squid',
      requirementIds: ['host-docker-01'],
      protocol: 'TCP',
    })
    expect(mcr?.fix).toMatch(/^acl aml_egress_https_443_domains dstdomain mcr\.microsoft\.com$/m)
    expect(result.summary).toMatchObject({
      deniedRecords: 9,
      ignoredRecords: 6,
      malformedRecords: 0,
    })
  })

  it('has the documented JSON shape', async () => {
    const { report: result } = await report([log('squid-access.native.log')])
    expect(Object.keys(result)).toStrictEqual(['flows', 'summary'])
    expect(Object.keys(result.flows[0] ?? {})).toEqual(
      expect.arrayContaining([
        'destination',
        'port',
        'protocol',
        'count',
        'firstSeen',
        'lastSeen',
        'sources',
        'classification',
        'requirementIds',
        'fix',
      ]),
    )
  })

  it('maps flow-log addresses through --service-tags and renders the NSG fix with terraform', async () => {
    const nsg = readFileSync(log('nsg-flowlog-v2.PT1H.json'), 'utf8').replace(
      '151.101.0.223,50412,443',
      '13.69.40.20,50412,445',
    )
    const { code, report: result } = await report([
      temporary('PT1H.json', nsg),
      '--service-tags',
      tagsPath,
    ])
    expect(code).toBe(1)
    expect(summary(result.flows)).toStrictEqual([
      'required 13.69.40.20:445',
      'aml-not-in-profile 20.60.128.4:445',
      'unrelated 93.184.215.14:443',
    ])
    expect(result.flows[0]).toMatchObject({
      requirementIds: ['storage445-01'],
      fixFormat: 'terraform',
    })
    expect(result.flows[0]?.fix).toContain('destination_address_prefix = "Storage.WestEurope"')
  })

  it('reads gzip, and keeps only what --since, --until and --source let through', async () => {
    const text = readFileSync(log('azfw-structured.storage-PT1H.jsonl'))
    const gz = temporary('PT1H.json.gz', gzipSync(text))
    const all = await report([gz])
    expect(all.report.summary.deniedRecords).toBe(6)
    const window = await report([
      gz,
      '--since',
      '2025-06-02T09:14:05Z',
      '--until',
      '2025-06-02T09:14:09Z',
      '--source',
      '10.20.1.6/32',
    ])
    expect(summary(window.report.flows)).toStrictEqual([
      'aml-not-in-profile archive.ubuntu.com:80',
      'unrelated www.example.com:443',
    ])
    expect(window.report.summary).toMatchObject({ deniedRecords: 2, filteredOut: 4 })
    expect(window.code).toBe(0)
  })

  it('returns exit 0 when nothing required is denied, and prints Markdown for tickets', async () => {
    const { code, stdout } = await diagnose([
      log('hubble-observe.jsonpb.jsonl'),
      '--source',
      '10.20.0.0/16',
      '--output',
      'markdown',
    ])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^## aml-egress diagnose$/m)
    expect(stdout).toContain('0 denied records in 0 flows')
  })

  it('counts malformed lines and reports them without failing', async () => {
    const text = `${readFileSync(log('squid-access.native.log'), 'utf8')}garbage line\n1796605557.082      0 127.0.0.1 TCP_DENIED/403 34`
    const { code, stdout } = await diagnose([temporary('access.log', text)])
    expect(code).toBe(1)
    expect(stdout).toContain('2 malformed')
    expect(stdout).toMatch(/access\.log:16: not a Squid access\.log line/)
  })

  it('returns exit 2 for a missing log, an undetectable or empty one, a bad flag value or service-tags file', async () => {
    const cases: [string[], RegExp][] = [
      [['/no/such/access.log'], /no such file/],
      [[temporary('x.log', 'hello world\n')], /cannot tell which log/],
      [[temporary('empty.log', '')], /it is empty/],
      [[log('squid-access.native.log'), '--input-format', 'pcap'], /unknown --input-format 'pcap'/],
      [[log('squid-access.native.log'), '--since', 'yesterday'], /--since 'yesterday'/],
      [[log('squid-access.native.log'), '--source', '10.0.0.0/40'], /--source '10.0.0.0\/40'/],
      [[log('squid-access.native.log'), '--service-tags', profile], /not JSON/],
      [[temporary('bad.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3]))], /cannot read the log/],
      [[], /no log file given/],
    ]
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await diagnose(args)
      expect({ args, code, stdout }).toStrictEqual({ args, code: 2, stdout: '' })
      expect(stderr).toMatch(message)
    }
  })

  it('reads a log of another family when --input-format names it', async () => {
    const { report: result } = await report([
      log('squid-access.native.log'),
      '--input-format',
      'squid',
    ])
    expect(result.summary.files).toStrictEqual([
      {
        path: log('squid-access.native.log'),
        format: 'squid',
        records: 15,
        denied: 9,
        ignored: 6,
        malformed: 0,
      },
    ])
  })

  it('draws progress on stderr only on a terminal, and only for large files', async () => {
    const { stderr } = await diagnose([log('squid-access.native.log')], { stderrIsTTY: false })
    expect(stderr).toBe('')
  })

  it('reads --since as a date, a time or a duration back from now', () => {
    const now = Date.UTC(2025, 5, 2, 12, 0, 0)
    expect(parseTimeFlag('since', '24h', now)).toBe(Date.UTC(2025, 5, 1, 12, 0, 0))
    expect(parseTimeFlag('since', '2025-06-02', now)).toBe(Date.UTC(2025, 5, 2))
    expect(parseTimeFlag('until', '2025-06-02', now)).toBe(Date.UTC(2025, 5, 3) - 1)
    expect(parseTimeFlag('since', '2025-06-02T09:00:00+02:00', now)).toBe(Date.UTC(2025, 5, 2, 7))
  })
})
