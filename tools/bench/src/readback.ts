/**
 * Reading configs back: a 100,000-domain Squid config and a 10,000-rule Azure Firewall policy, each
 * read and evaluated against every flow of its full plan; and `squid -k parse` of the same file.
 * (Moved here from packages/squid/bench/large-config.bench.ts.)
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { azureFirewallFormat, buildFirewallPolicy } from '@aml-egress/azure-firewall'
import {
  type Flow,
  type Plan,
  type PlanRule,
  parseProfile,
  planFlows,
  type RenderedFile,
  resolvePlan,
} from '@aml-egress/core'
import { squidFormat } from '@aml-egress/squid'
import { fleetProfile } from './fleet'
import { type Timing, timed } from './measure'

function hostRule(fqdn: string, index: number): PlanRule {
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
    applicationProtocols: index % 5 === 0 ? ['Http', 'Https'] : ['Https'],
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

/**
 * A plan of `count` host rules shaped like a big estate: one in ten a wildcard, the host after it a
 * child of that wildcard (so Squid must collapse it), the rest distinct accounts over 60 zones.
 * @example largeHostPlan(1000).rules.length // 1000
 */
export function largeHostPlan(count: number): Plan {
  const names: string[] = []
  for (let i = 0; i < count; i++) {
    const zone = `region${i % 60}.example${i % 7}.net`
    if (i % 10 === 0) names.push(`*.acct${i.toString(36)}.${zone}`)
    else if (i % 10 === 1) names.push(`child.acct${(i - 1).toString(36)}.${zone}`)
    else names.push(`acct${i.toString(36)}.${zone}`)
  }
  const rules = names.map(hostRule)
  rules.sort((a, b) => (a.id < b.id ? -1 : 1))
  return {
    catalog: { version: 'bench', docDate: '2026-01-01' },
    cloud: 'public',
    destinationStyle: 'hosts',
    sourceAddresses: ['10.10.0.0/16'],
    rules,
    advisories: [],
  }
}

/** One read-back measurement. */
export type ReadbackResult = {
  label: string
  /** What was read: domains, rules. */
  size: string
  bytes: number
  read: Timing
  evaluate: Timing
  flows: number
  /** Flows of the plan the config did not allow (should be 0). */
  notAllowed: number
  /** The target's own parser on the same file (`squid -k parse`), when it is installed. */
  nativeParse?: { command: string; wallMs: number; status: number | null; warnings: number }
}

async function readAndEvaluate<Config>(input: {
  format: {
    read(files: readonly RenderedFile[]): Promise<{ config: Config }>
    evaluate(config: Config, flow: Flow): { verdict: string }
  }
  files: RenderedFile[]
  plan: Plan
}): Promise<Pick<ReadbackResult, 'read' | 'evaluate' | 'flows' | 'notAllowed'>> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const { config } = await input.format.read(input.files)
  const used = process.cpuUsage(cpu)
  const read = { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }
  const flows = planFlows(input.plan)
  const evaluated = timed(() => flows.map((flow) => input.format.evaluate(config, flow).verdict))
  return {
    read,
    evaluate: evaluated.timing,
    flows: flows.length,
    notAllowed: evaluated.result.filter((verdict) => verdict !== 'allowed').length,
  }
}

function findSquid(): string | undefined {
  return ['/usr/sbin/squid', '/usr/local/sbin/squid', 'squid'].find(
    (path) => spawnSync(path, ['-v'], { timeout: 5000 }).status === 0,
  )
}

/** `squid -k parse` of a rendered include file, wrapped in a minimal squid.conf. */
function squidParse(contents: string): ReadbackResult['nativeParse'] {
  const squid = findSquid()
  if (!squid) return undefined
  const dir = mkdtempSync(join(tmpdir(), 'aml-egress-bench-'))
  // Squid drops privileges to read its config.
  chmodSync(dir, 0o755)
  try {
    writeFileSync(join(dir, 'aml-egress.conf'), contents)
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
    const started = performance.now()
    const result = spawnSync(squid, ['-k', 'parse', '-f', join(dir, 'squid.conf')], {
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 1024 * 1024 * 1024,
    })
    const wallMs = performance.now() - started
    const output = `${result.stdout}${result.stderr}`
    const warnings = (output.match(/WARNING/g) ?? []).length
    return { command: 'squid -k parse', wallMs, status: result.status, warnings }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Renders a `domains`-host plan for Squid, reads it back, evaluates every plan flow, and times
 * `squid -k parse` of the same file.
 */
export async function squidReadback(domains: number): Promise<ReadbackResult> {
  const plan = largeHostPlan(domains)
  const { files } = squidFormat.render(plan)
  const contents = files.map((file) => file.contents).join('\n')
  const measured = await readAndEvaluate({ format: squidFormat, files, plan })
  const parsed = squidParse(files[0]?.contents ?? '')
  return {
    label: 'Squid config',
    size: `${domains.toLocaleString('en-US')} domains`,
    bytes: Buffer.byteLength(contents),
    ...measured,
    ...(parsed ? { nativeParse: parsed } : {}),
  }
}

/** Renders a fleet whose policy has about `rules` firewall rules, reads it back, evaluates its plan. */
export async function firewallReadback(rules: number): Promise<ReadbackResult> {
  // The fleet generator gives 89 estate-wide firewall rules plus 6 per workspace.
  const plan = resolvePlan(parseProfile(fleetProfile(Math.ceil((rules - 89) / 6))))
  const { policy } = buildFirewallPolicy(plan)
  const count = policy.ruleCollectionGroups
    .flatMap((group) => group.ruleCollections)
    .reduce((sum, collection) => sum + collection.rules.length, 0)
  const { files } = azureFirewallFormat.render(plan)
  const measured = await readAndEvaluate({ format: azureFirewallFormat, files, plan })
  return {
    label: 'Azure Firewall policy',
    size: `${count.toLocaleString('en-US')} rules`,
    bytes: files.reduce((sum, file) => sum + Buffer.byteLength(file.contents), 0),
    ...measured,
  }
}

/** Every read-back measurement of `npm run bench`; `quick` reads a tenth of the Squid config. */
export async function readbacks(quick: boolean): Promise<ReadbackResult[]> {
  return [await squidReadback(quick ? 10_000 : 100_000), await firewallReadback(10_000)]
}
