import type { RegisteredFormat } from '@aml-egress/cli'
import {
  describeFlow,
  type Flow,
  findRequirement,
  type Plan,
  type Profile,
  planFlows,
  type RenderedFile,
  rulesAllowingFlow,
  sampleAddress,
} from '@aml-egress/core'
import { governsFlow, unexpressedFlows, widenedFlows } from '@aml-egress/test-matrix'

/**
 * A registered format (`loadFormats()` of the CLI), with a check that its output holds no syntax
 * a profile value could only have reached by injection, where its tests give one.
 */
export type FuzzedFormat = RegisteredFormat & {
  injected?: ((files: readonly RenderedFile[]) => Failure[]) | undefined
}

/** Inputs of the deny-flow generator that come from fast-check. */
export type DenyInputs = {
  /** Host names unrelated to Azure (fast-check `domain()`). */
  randomHosts: readonly string[]
  /** A port to try on the plan's hosts. */
  port: number
}

const REGISTRY_OR_STORAGE_LABEL = /^[a-z0-9]+$/

/** A name like `name` (same rules) that is not in `taken`: the sibling account or registry. */
function sibling(name: string, taken: ReadonlySet<string>): string {
  for (const prefix of ['zz', 'qq', 'xz', 'zq']) {
    const candidate = `${prefix}${name}`.slice(0, Math.max(name.length, 5))
    if (!taken.has(candidate)) return candidate
  }
  return `${name.slice(0, -1)}9`
}

/**
 * Flows the plan denies, built to be genuinely outside it: unrelated hosts, sibling storage
 * accounts and registries of the profile's own, the apex of every wildcard, the plan's hosts on a
 * wrong port or protocol. Only flows for which `rulesAllowingFlow` is empty are returned; host
 * flows carry no service tags (the host is not claimed to be in any tag's ranges).
 */
export function denyFlows(input: { plan: Plan; profile: Profile; inputs: DenyInputs }): Flow[] {
  const { plan, profile, inputs } = input
  const firstSubnet = plan.sourceAddresses[0]
  if (firstSubnet === undefined) return []
  // Known gap (issue #9 report): a plan without any outbound rule (e.g. only `attachedVm`, whose
  // one rule is inbound SSH) renders no egress restriction in some formats: no rule collection
  // group (the NSG default AllowInternetOutBound then decides), no isolating Kubernetes policy.
  // Until that is decided, such plans get no outbound deny flows. The same holds when every
  // outbound rule is a requirement of your own (extraRequirements), which a format may be unable to
  // express at all (Terraform: a wildcard on a non-HTTP port).
  const catalogOutbound = plan.rules.some(
    (rule) =>
      rule.direction === 'outbound' && rule.requirementIds.some((id) => findRequirement(id)),
  )
  if (!catalogOutbound) return []
  const source = { kind: 'address' as const, address: sampleAddress(firstSubnet) }
  const toHost = (host: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): Flow => ({
    direction: 'outbound',
    source,
    destination: { kind: 'host', host, serviceTags: [] },
    protocol,
    port,
  })
  const candidates: Flow[] = []
  for (const host of inputs.randomHosts) candidates.push(toHost(host, 443), toHost(host, 80))

  const names = new Set(
    profile.workspaces.flatMap((w) => [...w.storageAccounts, ...w.containerRegistries]),
  )
  for (const rule of plan.rules) {
    if (rule.direction !== 'outbound' || rule.destination.kind !== 'fqdn') continue
    const fqdn = rule.destination.fqdn
    const port = rule.ports[0]?.from ?? 443
    if (fqdn.startsWith('*.')) candidates.push(toHost(fqdn.slice(2), port))
    const [first, ...rest] = fqdn.split('.')
    if (first && names.has(first) && REGISTRY_OR_STORAGE_LABEL.test(first))
      candidates.push(toHost([sibling(first, names), ...rest].join('.'), port))
    const host = fqdn.startsWith('*.') ? `aml-egress-sample.${fqdn.slice(2)}` : fqdn
    if (rule.ports.length > 0) {
      candidates.push(toHost(host, inputs.port))
      if (rule.protocol === 'TCP') candidates.push(toHost(host, port, 'UDP'))
    }
  }
  const seen = new Set<string>()
  return candidates.filter((flow) => {
    const key = describeFlow(flow)
    if (seen.has(key)) return false
    seen.add(key)
    return rulesAllowingFlow(plan, flow).length === 0
  })
}

/** At most `limit` items, evenly spread over the list, starting at `offset`. */
export function spread<T>(input: {
  items: readonly T[]
  limit: number | undefined
  offset: number
}): readonly T[] {
  const { items, limit } = input
  if (limit === undefined || items.length <= limit) return items
  const step = Math.ceil(items.length / limit)
  return items.filter((_, index) => (index + input.offset) % step === 0)
}

/** One broken expectation, in a line a reviewer can act on. */
export type Failure = string

/**
 * The properties every format must hold for a plan: deterministic rendering, an output its own
 * reader interprets completely (no syntax or unsupported diagnostics: nothing injected), every
 * plan flow allowed or one the format cannot express (the shared matrix's `unexpressedFlows`),
 * every deny flow denied (or 'unknown' where the format lacks the capability; never 'allowed')
 * unless the renderer reported the widening that allows it (HTTP_PORTS_WIDENED).
 */
export async function checkFormat(input: {
  format: FuzzedFormat
  plan: Plan
  denies: readonly Flow[]
  /** Check at most this many plan flows and deny flows (spread over the list); default all. */
  flowLimit?: number
  /** Where the spread starts, so different runs check different flows. */
  flowOffset?: number
}): Promise<Failure[]> {
  const { format, plan } = input
  const pick = <T>(items: readonly T[]): readonly T[] =>
    spread({ items, limit: input.flowLimit, offset: input.flowOffset ?? 0 })
  const failures: Failure[] = []
  // One diagnostic per rule: which rules were not rendered is asked rule by rule.
  const result = format.render(plan, { diagnostics: 'every' })
  const again = format.render(plan, { diagnostics: 'every' })
  if (JSON.stringify(again) !== JSON.stringify(result))
    failures.push(`${format.name}: two renders of the same plan differ`)
  failures.push(...(format.injected?.(result.files) ?? []))
  const read = await format.read(result.files)
  const evaluate = (flow: Flow) => format.evaluate(read.config, flow)
  for (const d of read.diagnostics)
    if (d.code === 'AML_EGRESS_READ_SYNTAX' || d.code === 'AML_EGRESS_READ_UNSUPPORTED')
      failures.push(`${format.name}: reading its own output: ${d.code} ${d.message}`)

  const unexpressed = unexpressedFlows(format, plan, result)
  for (const flow of pick(planFlows(plan))) {
    const verdict = evaluate(flow)
    if (verdict.verdict === 'allowed' || unexpressed(flow)) continue
    failures.push(
      `${format.name}: plan flow ${describeFlow(flow)} [${flow.ruleId}] is ${verdict.verdict}: ${verdict.reason}`,
    )
  }
  // As in the shared matrix: a target that opens both HTTP ports of a host says so.
  const widened = widenedFlows(plan, result)
  for (const flow of pick(input.denies)) {
    if (widened(flow)) continue
    const verdict = evaluate(flow)
    // A format may answer 'unknown' for a flow it does not govern, never 'allowed'.
    const ok = governsFlow(format, flow)
      ? verdict.verdict === 'denied'
      : verdict.verdict !== 'allowed'
    if (!ok)
      failures.push(
        `${format.name}: flow outside the plan ${describeFlow(flow)} is ${verdict.verdict}: ${verdict.reason}`,
      )
  }
  return failures
}
