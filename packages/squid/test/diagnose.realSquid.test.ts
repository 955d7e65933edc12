import { createReadStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  missingCapabilities,
  type PlanFlow,
  parseProfile,
  planFlows,
  resolvePlan,
} from '@aml-egress/core'
import {
  buildDiagnoseReport,
  createFlowAggregator,
  createFlowClassifier,
  type DiagnoseReport,
  renderFix,
} from '@aml-egress/core/diagnose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderSquid, squidAccessLog, squidFormat } from '../src/index'
import {
  freePort,
  loopbackPrologue,
  realSquidMode,
  requireSquid,
  type Scratch,
  scratchDir,
  squidParse,
  startSquid,
  writeFiles,
} from '../testing/realSquid'
import { proxyRequest } from './realSquid'

const mode = realSquidMode('the diagnose end-to-end test')
if (mode.skipMessage) console.warn(mode.skipMessage)
const title = `diagnose: a real Squid's access.log${mode.skipMessage ? ` (${mode.skipMessage})` : ''}`

// Compute clusters in West Europe, clients on loopback (Squid sees them as 127.0.0.1).
const profile = parseProfile({
  workspaces: [
    {
      id: '3f1c2b7a-5d4e-4c1a-9b8e-2a6f0c9d1e55',
      region: 'westeurope',
      storageAccounts: ['amlstore01'],
    },
  ],
  compute: ['computeCluster'],
  sourceAddresses: ['127.0.0.1/32'],
})
const plan = resolvePlan(profile)

// The requirement taken out of the config: Microsoft Graph for the workspace (host-aml-09, one
// exact host on 443 in the firewall article's Azure Machine Learning hosts table).
const removedHost = 'graph.microsoft.com'
const removedRequirement = 'host-aml-09'
const unrelatedHost = 'www.example.com'

/** The plan's flows a proxy can carry (HTTP and HTTPS by name), as `planFlows` gives them. */
const proxyFlows: PlanFlow[] = planFlows(plan).filter((flow) => {
  const rule = plan.rules.find((candidate) => candidate.id === flow.ruleId)
  return (
    rule !== undefined && missingCapabilities(squidFormat.capabilities, rule, flow).length === 0
  )
})

function hostOf(flow: PlanFlow): string {
  return flow.destination.kind === 'host' ? flow.destination.host : ''
}

/** The fragment without the lines of one host: its comment and its `dstdomain` value. */
function withoutHost(fragment: string, host: string): string {
  const lines = fragment.split('\n')
  const kept = lines.filter(
    (line, index) =>
      !line.startsWith(`# ${host} <- `) &&
      !(line.endsWith(` dstdomain ${host}`) && lines[index - 1]?.startsWith(`# ${host} <- `)),
  )
  return kept.join('\n')
}

function squidConf(input: { dir: string; port: number; includes: readonly string[] }): string {
  return [
    loopbackPrologue({ dir: input.dir, port: input.port }),
    'acl SSL_ports port 443',
    'acl Safe_ports port 80 443',
    'acl CONNECT method CONNECT',
    'http_access deny !Safe_ports',
    'http_access deny CONNECT !SSL_ports',
    ...input.includes.map((path) => `include ${path}`),
    'http_access deny all',
    '',
  ].join('\n')
}

/** Starts Squid on the config, sends the flows through it, stops it; the answers by flow. */
async function runFlows(input: {
  dir: string
  includes: Record<string, string>
  flows: readonly { host: string; port: number }[]
}): Promise<string[]> {
  await mkdir(input.dir, { recursive: true, mode: 0o755 })
  const port = await freePort()
  const hosts = [...new Set(input.flows.map((flow) => flow.host))]
  const conf = squidConf({
    dir: input.dir,
    port,
    includes: Object.keys(input.includes).map((name) => join(input.dir, name)),
  })
  // Every name resolves to loopback, where nothing listens on 80 or 443: allowed requests fail
  // upstream (5xx), denied ones get Squid's 403. Only the denies matter here.
  await writeFiles({
    dir: input.dir,
    files: { ...input.includes, 'squid.conf': conf, hosts: `127.0.0.1 ${hosts.join(' ')}\n` },
  })
  expect(
    squidParse({ squid: requireSquid(mode.squid), config: join(input.dir, 'squid.conf') }).status,
  ).toBe(0)
  const squid = await startSquid({
    squid: requireSquid(mode.squid),
    dir: input.dir,
    config: join(input.dir, 'squid.conf'),
    port,
  })
  const answers: string[] = []
  try {
    for (const flow of input.flows) {
      const answer = await proxyRequest({
        proxyPort: port,
        method: flow.port === 80 ? 'GET' : 'CONNECT',
        host: flow.host,
        port: flow.port,
      })
      answers.push(`${flow.host}:${flow.port} ${answer.classified}`)
    }
  } finally {
    await squid.stop()
  }
  return answers
}

async function diagnose(accessLog: string): Promise<DiagnoseReport> {
  const aggregator = createFlowAggregator()
  await squidAccessLog.read(
    createReadStream(accessLog),
    aggregator.sinkFor(accessLog, squidAccessLog),
  )
  const classifier = createFlowClassifier({
    profile,
    plan,
    renderFix: ({ rules }) => ({
      fix: renderFix({ format: squidFormat, plan, rules }).text,
      format: 'squid',
    }),
  })
  return buildDiagnoseReport({ aggregator, classify: classifier.classify })
}

describe.skipIf(!mode.run)(title, () => {
  let scratch: Scratch
  let report: DiagnoseReport
  const flows = [
    ...proxyFlows.map((flow) => ({ host: hostOf(flow), port: flow.port })),
    { host: unrelatedHost, port: 443 },
  ]

  beforeAll(async () => {
    requireSquid(mode.squid)
    scratch = await scratchDir('aml-egress-diagnose-')
    // GIVEN the rendered include fragment without the removed host's lines
    const fragment = renderSquid(plan).files[0]?.contents ?? ''
    const broken = withoutHost(fragment, removedHost)
    expect(broken).not.toContain(removedHost)
    // WHEN the plan's flows and an unrelated host go through a real Squid, and its log is diagnosed
    const dir = join(scratch.dir, 'broken')
    await runFlows({ dir, includes: { 'aml-egress.conf': broken }, flows })
    report = await diagnose(join(dir, 'access.log'))
  }, 120_000)

  afterAll(async () => {
    await scratch?.remove()
  })

  it('returns exactly the removed requirement as required, for the removed host only', () => {
    const required = report.flows.filter((flow) => flow.classification === 'required')
    expect(required.map((flow) => `${flow.destination}:${flow.port}`)).toStrictEqual([
      `${removedHost}:443`,
    ])
    expect(required.flatMap((flow) => flow.requirementIds)).toStrictEqual([removedRequirement])
  })

  it('returns the unrelated host as unrelated and nothing else', () => {
    expect(
      report.flows
        .filter((flow) => flow.classification !== 'required')
        .map((flow) => [flow.destination, flow.classification]),
    ).toStrictEqual([[unrelatedHost, 'unrelated']])
  })

  it('returns a fix that, added back, lets every flow of the removed host through', async () => {
    // GIVEN the broken fragment and, beside it, the fix diagnose printed
    const fix = report.flows.find((flow) => flow.classification === 'required')?.fix ?? ''
    expect(fix).toContain(`dstdomain ${removedHost}`)
    const broken = withoutHost(renderSquid(plan).files[0]?.contents ?? '', removedHost)
    const removed = flows.filter((flow) => flow.host === removedHost)
    // WHEN the same flows go through Squid again
    const dir = join(scratch.dir, 'fixed')
    const answers = await runFlows({
      dir,
      includes: { 'aml-egress.conf': broken, 'fix.conf': fix },
      flows,
    })
    // THEN the removed host's flows pass, the unrelated host is still denied, and the log has no required deny
    expect(answers.filter((answer) => answer.endsWith(' denied'))).toStrictEqual([
      `${unrelatedHost}:443 denied`,
    ])
    expect(removed.length).toBeGreaterThan(0)
    const again = await diagnose(join(dir, 'access.log'))
    expect(again.summary.required).toBe(0)
  }, 120_000)
})
