/**
 * Plan → the user-defined outbound rules of each workspace in rule sets (ruleSets.ts), the rules
 * Azure ML applies itself, and diagnostics for the rest. Core's triage first (directions, what
 * only Kubernetes compute or attached VMs need, addresses, URL paths); then each rule's provider
 * (classify.ts) and the managed network's own limits: FQDN rules carry TCP 80 and 443 only and
 * cannot reach Azure Storage in approved-only mode; service tag rules carry any protocol and port;
 * private endpoint rules reach one sub-resource.
 */
import {
  compareOrdinal,
  createDiagnostic,
  createDiagnosticSink,
  type Diagnostic,
  type DiagnosticCode,
  type DiagnosticSink,
  formatPortRanges,
  isValidHostPattern,
  type Plan,
  type PlanRule,
  type PortRange,
  type Protocol,
  portInRanges,
  type TriagedRule,
  triagePlan,
} from '@aml-egress/core'
import { type Provider, providerOf, type StorageHost, storageHost } from './classify'
import { FORMAT_NAME, managedNetworkDescriptor } from './descriptor'
import type { AmlManagedRule, IsolationMode, ManagedNetworkRenderOptions } from './model'
import { portRangesText } from './portRanges'
import { privateEndpointTargets } from './privateEndpoints'
import { type RuleEntry, type RuleSet, ruleSets } from './ruleSets'

/** What `buildManagedNetwork` returns: the rule sets of the workspaces. */
export type ManagedNetworkBuild = {
  isolationMode: IsolationMode
  /** Workspace ids the plan's rules name, sorted. */
  workspaces: string[]
  ruleSets: RuleSet[]
  amlManaged: AmlManagedRule[]
  diagnostics: Diagnostic[]
}

type Context = {
  plan: Plan
  /** Provider by requirement id list: a fleet's rules share a few dozen lists. */
  providers: Map<readonly string[], Provider>
  approvedOnly: boolean
  privateEndpoints: ReadonlyMap<string, string>
  entries: RuleEntry[]
  amlManaged: AmlManagedRule[]
  diagnostics: DiagnosticSink
}

const HTTP: readonly PortRange[] = [
  { from: 80, to: 80 },
  { from: 443, to: 443 },
]
const OTHER_FIRST = 1
/** Service tag names: `AzureMachineLearning`, `Storage.WestEurope`, `AzureFrontDoor.FirstParty`. */
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/
/** Workspace ids become directory names: GUIDs, in practice. */
const WORKSPACE_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/
const OTHER_LAST = 65535

function report(
  context: Context,
  triaged: TriagedRule,
  input: { code: DiagnosticCode; message: string | (() => string); help?: string },
): void {
  const { rule, index } = triaged
  const { code, message, help } = input
  context.diagnostics.add({ code, message, help, format: FORMAT_NAME, rule, index })
}

function describeTraffic(protocol: Protocol, ports: readonly PortRange[]): string {
  return `${protocol} ${formatPortRanges(ports).join(',')}`
}

/** The TCP ports of a host rule other than 80 and 443 (empty list in: every port). */
function nonHttpRanges(ports: readonly PortRange[]): PortRange[] {
  const rest: PortRange[] = []
  for (const range of ports.length === 0 ? [{ from: OTHER_FIRST, to: OTHER_LAST }] : ports) {
    let from = range.from
    for (const port of [80, 443]) {
      if (port < from || port > range.to) continue
      if (from < port) rest.push({ from, to: port - 1 })
      from = port + 1
    }
    if (from <= range.to) rest.push({ from, to: range.to })
  }
  return rest
}

function listManagedByAml(context: Context, triaged: TriagedRule, why: () => string): void {
  const { rule } = triaged
  const { destination } = rule
  if (destination.kind === 'fqdn' || destination.kind === 'serviceTag')
    context.amlManaged.push({
      destination:
        destination.kind === 'fqdn' ? { fqdn: destination.fqdn } : { serviceTag: destination.tag },
      protocol: triaged.protocol,
      ports: triaged.ports,
      workspaces: rule.workspaces,
      requirementIds: rule.requirementIds,
    })
  report(context, triaged, { code: 'AML_EGRESS_MANAGED_BY_AML', message: why })
}

function destinationText(rule: PlanRule): string {
  const { destination } = rule
  if (destination.kind === 'fqdn') return destination.fqdn
  return destination.kind === 'serviceTag' ? `service tag ${destination.tag}` : destination.kind
}

function serviceTagEntry(
  context: Context,
  rule: PlanRule,
  input: { tag: string; protocol: Protocol; ports: readonly PortRange[] },
): void {
  context.entries.push({
    rule: {
      type: 'ServiceTag',
      category: 'UserDefined',
      serviceTag: input.tag,
      protocol: input.protocol === 'ANY' ? '*' : input.protocol,
      portRanges: portRangesText(input.ports),
    },
    workspaces: rule.workspaces,
  })
}

/** The part of a host rule an FQDN rule cannot carry: other TCP ports and UDP. */
function hostRemainder(
  context: Context,
  triaged: TriagedRule,
  parts: { protocol: Protocol; ports: readonly PortRange[] }[],
): void {
  const { rule } = triaged
  const fallbacks = rule.serviceTagFallbacks
  for (const part of parts) {
    const traffic = describeTraffic(part.protocol, part.ports)
    if (fallbacks.length === 0) {
      report(context, triaged, {
        code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
        message: `a managed-network FQDN rule carries only TCP 80 and 443: ${traffic} to ${destinationText(rule)} is left out (no documented service tag for it)`,
        help: managedNetworkDescriptor.unsupportedHelp?.nonHttpPorts,
      })
      continue
    }
    for (const tag of fallbacks) serviceTagEntry(context, rule, { tag, ...part })
    report(context, triaged, {
      code: 'AML_EGRESS_SERVICE_TAG_FALLBACK',
      message: `${destinationText(rule)} on ${traffic} is rendered as service tag rule ${fallbacks.join(', ')} (an FQDN rule carries only TCP 80 and 443); the tag covers more than the host.`,
    })
  }
}

function hostRule(context: Context, triaged: TriagedRule, fqdn: string): void {
  const { rule, protocol, ports } = triaged
  const tcp = protocol !== 'UDP'
  const web = tcp && HTTP.some((http) => portInRanges(http.from, ports))
  if (web) {
    context.entries.push({
      rule: { type: 'FQDN', category: 'UserDefined', destination: fqdn },
      workspaces: rule.workspaces,
    })
    const missing = HTTP.filter((http) => !portInRanges(http.from, ports))
    if (missing.length > 0)
      report(context, triaged, {
        code: 'AML_EGRESS_HTTP_PORTS_WIDENED',
        message: `the FQDN rule for ${fqdn} also opens TCP ${formatPortRanges(missing).join(',')}; the plan lists only ${describeTraffic(protocol, ports)}`,
      })
  }
  const parts: { protocol: Protocol; ports: readonly PortRange[] }[] = []
  const rest = tcp ? nonHttpRanges(ports) : []
  if (rest.length > 0) parts.push({ protocol: 'TCP', ports: rest })
  if (protocol !== 'TCP') parts.push({ protocol: 'UDP', ports })
  hostRemainder(context, triaged, parts)
}

function privateEndpointEntry(
  context: Context,
  triaged: TriagedRule,
  target: { resourceId: string; storage: StorageHost },
): void {
  context.entries.push({
    rule: {
      type: 'PrivateEndpoint',
      category: 'UserDefined',
      serviceResourceId: target.resourceId,
      subresourceTarget: target.storage.subresource,
      sparkEnabled: false,
    },
    workspaces: triaged.rule.workspaces,
  })
}

function storageRule(context: Context, triaged: TriagedRule, fqdn: string): void {
  if (!context.approvedOnly) {
    listManagedByAml(context, triaged, () => `${fqdn}: allow_internet_outbound allows it`)
    return
  }
  report(context, triaged, {
    code: 'AML_EGRESS_PRIVATE_ENDPOINT_REQUIRED',
    message: `${fqdn} is Azure Storage: in allow_only_approved_outbound mode an FQDN rule cannot reach it; it needs a private endpoint rule${fqdn.startsWith('*.') ? ' to each account' : ' (pass the account resource ID in privateEndpoints)'}`,
  })
}

function userRule(context: Context, triaged: TriagedRule, storage: StorageHost | undefined): void {
  const { rule } = triaged
  const { destination } = rule
  if (!context.approvedOnly) {
    listManagedByAml(
      context,
      triaged,
      () =>
        `${destinationText(rule)}: allow_internet_outbound allows all internet egress (only private endpoint rules can be added)`,
    )
    return
  }
  const valid =
    destination.kind === 'serviceTag'
      ? SERVICE_TAG.test(destination.tag)
      : destination.kind === 'fqdn' && isValidHostPattern(destination.fqdn)
  if (!valid)
    report(context, triaged, {
      code: 'AML_EGRESS_INVALID_INPUT',
      message: `${destinationText(rule)} is not a host name, \`*.\` pattern or service tag name; it was left out`,
    })
  else if (destination.kind === 'serviceTag')
    serviceTagEntry(context, rule, { tag: destination.tag, ...triaged })
  else if (destination.kind === 'fqdn')
    if (storage) storageRule(context, triaged, destination.fqdn)
    else hostRule(context, triaged, destination.fqdn)
}

function buildRule(context: Context, triaged: TriagedRule): void {
  const { rule } = triaged
  let provider = context.providers.get(rule.requirementIds)
  if (provider === undefined) {
    provider = providerOf(rule, context.plan)
    context.providers.set(rule.requirementIds, provider)
  }
  const storage = rule.destination.kind === 'fqdn' ? storageHost(rule.destination.fqdn) : undefined
  const resourceId = storage?.account ? context.privateEndpoints.get(storage.account) : undefined
  if (resourceId && storage) privateEndpointEntry(context, triaged, { resourceId, storage })
  else if (provider === 'aml')
    listManagedByAml(context, triaged, () =>
      storage?.account
        ? `${destinationText(rule)}: Azure ML creates the private endpoint to the workspace's default storage account; if ${storage.account} is another account, list it in privateEndpoints`
        : `${destinationText(rule)} (${describeTraffic(triaged.protocol, triaged.ports)}): Azure ML applies its required configuration itself`,
    )
  else userRule(context, triaged, storage)
}

/** The workspace ids the plan's rules name, sorted; an id unfit for a directory is an error. */
function workspaceIds(plan: Plan, diagnostics: DiagnosticSink): string[] {
  // A loop, not flatMap: a fleet's plan has 60,000 rules, each with its own short list.
  const named = new Set<string>()
  for (const rule of plan.rules) for (const id of rule.workspaces) named.add(id)
  const ids: string[] = []
  for (const id of [...named].sort(compareOrdinal))
    if (WORKSPACE_ID.test(id)) ids.push(id)
    else
      diagnostics.push(
        createDiagnostic({
          code: 'AML_EGRESS_INVALID_INPUT',
          message: `workspace id ${JSON.stringify(id)} is not a workspace GUID; its rules were left out`,
          format: FORMAT_NAME,
        }),
      )
  return ids
}

/**
 * The managed network's part of a plan: user-defined rules in rule sets, the rules Azure ML
 * applies itself, and a diagnostic for every rule or part of a rule left out.
 * @example buildManagedNetwork(plan).ruleSets[0]?.rules
 */
export function buildManagedNetwork(
  plan: Plan,
  options: ManagedNetworkRenderOptions = {},
): ManagedNetworkBuild {
  const targets = privateEndpointTargets(options.privateEndpoints)
  const triage = triagePlan(plan, managedNetworkDescriptor, options)
  const approvedOnly = options.isolationMode !== 'allow_internet_outbound'
  const context: Context = {
    plan,
    providers: new Map(),
    approvedOnly,
    privateEndpoints: targets.byAccount,
    entries: [],
    amlManaged: [],
    diagnostics: createDiagnosticSink(options.diagnostics),
  }
  for (const diagnostic of targets.diagnostics.concat(triage.diagnostics))
    context.diagnostics.push(diagnostic)
  for (const triaged of triage.byDirection.outbound) buildRule(context, triaged)
  const workspaces = workspaceIds(plan, context.diagnostics)
  return {
    isolationMode: approvedOnly ? 'AllowOnlyApprovedOutbound' : 'AllowInternetOutbound',
    workspaces,
    ruleSets: ruleSets(context.entries, workspaces),
    amlManaged: context.amlManaged,
    diagnostics: context.diagnostics.list(),
  }
}
