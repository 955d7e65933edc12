/**
 * Benchmark (not a test): a 100,000-domain plan rendered, read back and evaluated, against
 * `squid -k parse` of the same file. Run from packages/squid:
 *   npx tsx --conditions=@aml-egress/source bench/large-config.bench.ts [domains]
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Flow, Plan, PlanRule } from '@aml-egress/core'
import { evaluateSquid, readSquid, renderSquid } from '../src/index'

const count = Number(process.argv[2] ?? 100_000)

function rule(fqdn: string, index: number): PlanRule {
  return {
    id: `outbound/tcp/${fqdn}`,
    direction: 'outbound',
    source: { kind: 'addresses', addresses: ['10.10.0.0/16'] },
    destination: { kind: 'fqdn', fqdn },
    protocol: 'TCP',
    ports:
      index % 5 === 0
        ? [
            { from: 80, to: 80 },
            { from: 443, to: 443 },
          ]
        : [{ from: 443, to: 443 }],
    applicationProtocols: ['Https'],
    websocket: false,
    level: 'required',
    serviceTagFallbacks: [],
    requirementIds: [`bench-${index}`],
    scenarios: ['bench'],
    workspaces: [],
    risks: [],
    subsumes: [],
  }
}

// A fleet-like mix: per-account hosts, some wildcards, and children a wildcard already covers.
const names: string[] = []
for (let i = 0; i < count; i++) {
  const account = `acct${i.toString(36)}`
  const zone = `region${i % 60}.example${i % 7}.net`
  if (i % 10 === 0) names.push(`*.${account}.${zone}`)
  else if (i % 10 === 1) names.push(`child.acct${(i - 1).toString(36)}.${zone}`)
  else names.push(`${account}.${zone}`)
}
const plan: Plan = {
  catalog: { version: 'bench', docDate: '2026-01-01' },
  cloud: 'public',
  destinationStyle: 'hosts',
  sourceAddresses: ['10.10.0.0/16'],
  rules: names.map(rule),
  advisories: [],
}

function time<T>(label: string, run: () => T): T {
  const started = performance.now()
  const result = run()
  console.log(`${label.padEnd(34)} ${(performance.now() - started).toFixed(0).padStart(7)} ms`)
  return result
}

console.log(`${count} plan rules`)
const rendered = time('render', () => renderSquid(plan))
const file = rendered.files[0]!
console.log(
  `${'output'.padEnd(34)} ${(file.contents.length / 1e6).toFixed(1)} MB, ${file.contents.split('\n').length} lines`,
)
const { config, diagnostics } = time('read', () => readSquid([file]))
if (diagnostics.length > 0) console.log(`read diagnostics: ${diagnostics.length}`)
const flows: Flow[] = names.slice(0, 10_000).map((name, index) => ({
  direction: 'outbound',
  source: { kind: 'address', address: '10.10.1.1' },
  destination: { kind: 'host', host: name.replace('*.', 'x.'), serviceTags: [] },
  protocol: 'TCP',
  port: index % 2 === 0 ? 443 : 80,
}))
const verdicts = time('evaluate 10,000 flows (1st: compile)', () =>
  flows.map((flow) => evaluateSquid(config, flow).verdict),
)
time('evaluate 10,000 flows (compiled)', () => flows.map((flow) => evaluateSquid(config, flow)))
console.log(
  `${'verdicts'.padEnd(34)} ${verdicts.filter((v) => v === 'allowed').length} allowed, ${verdicts.filter((v) => v === 'denied').length} denied`,
)

const squid = ['/usr/sbin/squid', '/usr/local/sbin/squid'].find(
  (path) => spawnSync(path, ['-v'], { timeout: 5000 }).status === 0,
)
if (!squid) console.log('squid not installed: skipping squid -k parse')
else {
  const dir = mkdtempSync(join(tmpdir(), 'aml-egress-bench-'))
  chmodSync(dir, 0o755)
  try {
    writeFileSync(join(dir, 'aml-egress.conf'), file.contents)
    writeFileSync(
      join(dir, 'squid.conf'),
      [
        'http_port 127.0.0.1:3199',
        `pid_filename ${dir}/squid.pid`,
        `cache_log ${dir}/cache.log`,
        'access_log none',
        'cache deny all',
        'pinger_enable off',
        `include ${dir}/aml-egress.conf`,
        'http_access deny all',
        '',
      ].join('\n'),
    )
    const result = time('squid -k parse', () =>
      spawnSync(squid, ['-k', 'parse', '-f', join(dir, 'squid.conf')], {
        encoding: 'utf8',
        timeout: 600_000,
        maxBuffer: 1024 * 1024 * 1024,
      }),
    )
    const output = `${result.stdout}${result.stderr}`
    console.log(
      `${'squid -k parse status'.padEnd(34)} ${result.status}, ${(output.match(/WARNING/g) ?? []).length} warnings`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
