import {
  type ClusterRole,
  type Condition,
  ConditionSchema,
  cloudSuffixes,
  type PortRange,
  type Protocol,
  type Provenance,
  type Requirement,
  type RequirementDestination,
  RequirementSchema,
  type Risk,
} from '@aml-egress/core'
import { RequirementDetailsSchema } from '@aml-egress/core/catalog-details'
import type { CatalogRecord } from './catalogFiles'
import type { ReferenceDocument, ReferenceRecord } from './reference'
import { supplementRecords } from './supplement'

/** A requirement with its prose, validated as one record before it is split into two files. */
const CatalogRecordSchema = RequirementSchema.extend(RequirementDetailsSchema.shape)

/** Placeholders as the docs spell them → the catalog's canonical `{name}`. */
const placeholderSpellings: readonly [RegExp, string][] = [
  [/<your workspace (workspace )?ID>/gi, '{workspaceId}'],
  [/<your storage account( name)?>|<storage>|<account>/g, '{storageAccount}'],
  [/<your ACR name>|<ACR name>/g, '{containerRegistry}'],
  [/<cluster>/g, '{aksCluster}'],
  [/<region>|<Region>|<location>|<RegionName>|\{RegionName\}/g, '{region}'],
]

function canonicalPlaceholders(text: string): string {
  return placeholderSpellings.reduce((value, [pattern, name]) => value.replace(pattern, name), text)
}

/** Tag names the docs misspell (D01, D02) or regionalise differently (D04). */
const tagSpellings: Record<string, { tag: string; regional?: boolean; decision: string }> = {
  'Frontdoor.FirstParty': { tag: 'AzureFrontDoor.FirstParty', decision: 'D01' },
  Keyvault: { tag: 'AzureKeyVault', decision: 'D02' },
  MicrosoftContainerRegistry: {
    tag: 'MicrosoftContainerRegistry',
    regional: false,
    decision: 'D04',
  },
}

function provenance(source: ReferenceRecord['source']): Provenance {
  return {
    repo: source.repo,
    path: source.path,
    commit: source.commit,
    // One page writes its date with a remark ("2026-06-11 (as written in front matter)").
    docDate: /^\d{4}-\d{2}-\d{2}/.exec(source.msDate)?.[0] ?? source.msDate,
    section: source.section,
  }
}

function parsePorts(ports: ReferenceRecord['ports']): PortRange[] {
  return ports.flatMap((port): PortRange[] => {
    if (typeof port === 'number') return [{ from: port, to: port }]
    if (port === '*') return []
    const [from, to] = port.split('-').map(Number)
    if (from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to))
      throw new Error(`unreadable port '${port}'`)
    return [{ from, to }]
  })
}

type Draft = {
  destination: RequirementDestination
  source?: Requirement['source']
  protocol?: Protocol
  ports?: PortRange[]
  condition?: Condition
  decisions: string[]
}

const ROLE_BY_PODS: Record<string, ClusterRole> = {
  '*': 'amlNamespace',
  'azureml-fe-xxx': 'azuremlFe',
  'azureml-fe': 'azuremlFe',
  'amlarc-identity-proxy-xxx': 'identityProxy',
  'deployed model pods': 'modelPods',
  'model pods': 'modelPods',
  'kube-dns': 'kubeDns',
  'konnectivity-agent': 'konnectivityAgent',
  '(not stated)': 'amlNamespace',
}

function clusterRole(end: Record<string, string>): ClusterRole {
  if (end.target === 'kubernetes-api-server') return 'apiServer'
  const role = ROLE_BY_PODS[end.pods ?? '']
  if (!role) throw new Error(`unknown in-cluster peer ${JSON.stringify(end)}`)
  return role
}

function parseTag(value: string): { tag: string; regional: boolean; decisions: string[] } {
  // Values may carry prose after the tag ("AzureMachineLearning.<region> (IP ranges of …)").
  const token = value.split(' ')[0] ?? value
  const regionalSuffix = /\.(<region>|<Region>|region|<RegionName>)$/
  const regional = regionalSuffix.test(token)
  const base = token.replace(regionalSuffix, '')
  if (!/^[A-Za-z]+(\.[A-Za-z]+)?$/.test(base)) throw new Error(`unreadable service tag '${value}'`)
  const spelled = tagSpellings[base]
  if (!spelled) return { tag: base, regional, decisions: regional ? ['D20'] : [] }
  return {
    tag: spelled.tag,
    regional: spelled.regional ?? regional,
    decisions: [spelled.decision, ...(regional ? ['D20'] : [])],
  }
}

/**
 * The AKS network rules written as alternatives (`*:1194 or AzureCloud.<Region>:1194 or …`), the
 * same row numbers in each cloud's table: the tag (D17), NTP, custom DNS and API server (D18).
 * Azure Global exempts tunnel and NTP rows for current clusters (D17); the US Government and
 * 21Vianet tables do not (D27).
 */
function aksNetworkRule(record: ReferenceRecord): Draft | undefined {
  const row = /^aks-core-(?:(usgov|china)-)?(\d\d)$/.exec(record.id)
  if (!row) return undefined
  const global = row[1] === undefined
  const tunnel = global
    ? { condition: 'aksLegacyTunnel' as const, decisions: ['D17'] }
    : { decisions: ['D17', 'D27'] }
  switch (row[2]) {
    case '01':
    case '02':
    case '15':
      return { destination: { kind: 'serviceTag', tag: 'AzureCloud', regional: true }, ...tunnel }
    case '03':
      return { destination: { kind: 'fqdn', pattern: 'ntp.ubuntu.com' }, ...tunnel }
    case '04':
      return { destination: { kind: 'address', role: 'customDns' }, decisions: ['D18'] }
    case '05':
      return { destination: { kind: 'address', role: 'apiServer' }, decisions: ['D18'] }
    default:
      return global ? undefined : { ...hostDraft(record), decisions: ['D27'] }
  }
}

/** A host record's destination: the path split off (D13), placeholders canonical. */
function hostDraft(record: ReferenceRecord): Draft {
  const raw = record.host ?? record.value.replace(/^https?:\/\//, '')
  const slash = raw.indexOf('/')
  // One table writes a wildcard as a leading dot (`.data.mcr.microsoft.com`, D27).
  const pattern = canonicalPlaceholders(slash >= 0 ? raw.slice(0, slash) : raw).replace(/^\./, '*.')
  const urlPath = record.urlPath ?? (slash >= 0 ? raw.slice(slash) : undefined)
  return {
    destination: urlPath ? { kind: 'fqdn', pattern, urlPath } : { kind: 'fqdn', pattern },
    decisions: urlPath ? ['D13'] : [],
  }
}

/** The record-specific shape: destination, and the decisions that fix its gaps. */
function draft(record: ReferenceRecord): Draft {
  const aks = aksNetworkRule(record)
  if (aks) return aks
  if (record.routing) {
    return {
      destination: {
        kind: 'route',
        addressPrefix: record.routing.addressPrefix ?? `${record.value}`,
        nextHop: 'Internet',
      },
      decisions: ['D19'],
    }
  }
  switch (record.kind) {
    case 'fqdn':
      return hostDraft(record)
    case 'serviceTag': {
      if (record.direction === 'inbound') {
        const parsed = parseTag(record.inbound?.source ?? record.value)
        return {
          source: { kind: 'serviceTag', tag: parsed.tag },
          destination: { kind: 'serviceTag', tag: 'VirtualNetwork', regional: false },
          decisions: parsed.decisions,
        }
      }
      const parsed = parseTag(record.value)
      return {
        destination: { kind: 'serviceTag', tag: parsed.tag, regional: parsed.regional },
        decisions: parsed.decisions,
      }
    }
    case 'inCluster': {
      if (!record.inCluster) throw new Error(`${record.id}: in-cluster record without peers`)
      return {
        destination: {
          kind: 'inCluster',
          from: clusterRole(record.inCluster.from),
          to: clusterRole(record.inCluster.to),
        },
        decisions: ['k8s-in-06', 'k8s-in-07'].includes(record.id) ? ['D16'] : [],
      }
    }
    case 'privateEndpoint':
      return { destination: { kind: 'privateEndpoint', target: record.value }, decisions: ['D19'] }
    case 'serviceEndpointPolicy':
      return {
        destination: { kind: 'serviceEndpointPolicy', alias: record.value },
        decisions: ['D19'],
      }
    case 'portConstraint':
      return {
        destination: { kind: 'portConstraint', subject: record.value },
        decisions: record.id === 'pia-proxy-01' ? [] : ['D12'],
      }
    case 'ip':
      throw new Error(`${record.id}: address record without a mapping`)
  }
}

const DEFAULT_PORTS: PortRange[] = [{ from: 443, to: 443 }]

function resolvePortsAndProtocol(
  record: ReferenceRecord,
  shape: Draft,
): { protocol: Protocol; ports: PortRange[]; decisions: string[] } {
  const decisions: string[] = []
  let protocol: Protocol
  if (record.protocol === 'TCP/UDP') throw new Error(`${record.id}: split before resolving`)
  if (record.protocol === 'unspecified') {
    protocol = 'TCP'
    decisions.push('D11')
  } else protocol = record.protocol
  let ports = parsePorts(record.ports)
  const destination = shape.destination
  if (record.ports.length === 0) {
    if (destination.kind === 'inCluster') {
      if (destination.to === 'apiServer') ports = DEFAULT_PORTS
      // The firewall article gives azureml-fe → model pods as 5001; the inference article no port.
      if (destination.from === 'azuremlFe' && destination.to === 'modelPods')
        ports = [{ from: 5001, to: 5001 }]
      if (destination.to === 'kubeDns') ports = [{ from: 53, to: 53 }]
      decisions.push('D11')
    } else if (destination.kind === 'fqdn' || destination.kind === 'serviceTag') {
      ports = DEFAULT_PORTS
      decisions.push(record.id.startsWith('mvnet-req') ? 'D15' : 'D11')
    }
  }
  if (record.id === 'mvnet-req-01') ports = [{ from: 44224, to: 44224 }]
  if (destination.kind === 'inCluster' && destination.to === 'kubeDns') protocol = 'ANY'
  if (['basic-out-04', 'train-out-01', 'mvnet-req-04'].includes(record.id)) {
    protocol = 'ANY'
    decisions.push('D03')
  }
  return { protocol, ports, decisions }
}

const COMPUTE_CONDITION_OVERRIDES: Record<string, Condition> = {
  'mvnet-req-01': 'computePublicIp',
  'inf-out-01': 'aksInferenceRestrictedOutbound',
}

/** D28: Arc rows the Arc network requirements scope to a feature, by the feature's condition. */
const ARC_FEATURE_ROWS: Partial<Record<Condition, readonly string[]>> = {
  arcClusterConnect: [
    ...['arc-11', 'arc-12', 'arc-13', 'arc-14', 'arc-17'],
    ...['arc-27', 'arc-28', 'arc-29', 'arc-30', 'arc-32'],
    ...['arc-41', 'arc-42', 'arc-43', 'arc-44', 'arc-47'],
  ],
  arcAzureRbac: ['arc-15', 'arc-31', 'arc-45'],
  arcOnboarding: ['arc-08'],
}

function arcFeature(id: string): Condition | undefined {
  const entry = Object.entries(ARC_FEATURE_ROWS).find(([, ids]) => ids.includes(id))
  return entry ? ConditionSchema.parse(entry[0]) : undefined
}

/** D29: hosts the docs give for named regions only (no `<region>` form), by record. */
const DOCUMENTED_REGIONS: Record<string, readonly string[]> = {
  'arc-32': ['usgovvirginia'],
}

/** D26: rows of the Azure ML Kubernetes table that name no cloud apply in every cloud. */
const CLOUD_NEUTRAL_ROWS = ['k8s-out-10', 'k8s-out-11', 'k8s-out-12', 'k8s-out-13']
/** D26: storage rows, carried with the storage suffix the firewall article gives each cloud. */
const STORAGE_ROWS = ['k8s-out-02', 'k8s-out-03', 'k8s-out-06']

/** Decisions a record's id or destination calls for, beyond those of its shape. */
function extraDecisions(id: string, destination: RequirementDestination): string[] {
  const extra: string[] = []
  if (arcFeature(id)) extra.push('D28')
  if (DOCUMENTED_REGIONS[id]) extra.push('D29')
  if (CLOUD_NEUTRAL_ROWS.includes(id) || STORAGE_ROWS.includes(id)) extra.push('D26')
  if (
    destination.kind === 'serviceTag' &&
    ['AzureFrontDoor.FirstParty', 'AzureFrontDoor.FrontEnd'].includes(destination.tag)
  )
    extra.push('D25')
  return extra
}

/** D26: a storage row of the Kubernetes table for a sovereign cloud (`k8s-out-02@usgov`). */
function sovereignStorageCopies(record: CatalogRecord): CatalogRecord[] {
  if (!STORAGE_ROWS.includes(record.id) || record.destination.kind !== 'fqdn') return []
  const { pattern } = record.destination
  return (['usgov', 'china'] as const).map((cloud) =>
    CatalogRecordSchema.parse({
      ...record,
      id: `${record.id}@${cloud}`,
      destination: {
        kind: 'fqdn',
        pattern: pattern.replace(cloudSuffixes.public.storage, cloudSuffixes[cloud].storage),
      },
      applicability: { ...record.applicability, clouds: [cloud] },
    }),
  )
}

function applicationProtocols(
  destination: RequirementDestination,
  protocol: Protocol,
  ports: readonly PortRange[],
): Requirement['applicationProtocols'] {
  if (destination.kind !== 'fqdn' || protocol === 'UDP') return []
  const result: Requirement['applicationProtocols'] = []
  if (ports.some((range) => range.from <= 80 && 80 <= range.to)) result.push('Http')
  if (ports.some((range) => range.from <= 443 && 443 <= range.to)) result.push('Https')
  return result
}

const WEBSOCKET_HOSTS = /(^|\.)instances\.azureml\.|^\*\.servicebus\./

function risks(destination: RequirementDestination): Risk[] {
  if (destination.kind === 'serviceTag' && destination.tag === 'Storage')
    return [
      {
        code: 'exfiltration',
        message:
          'Storage.<region> reaches every storage account in the region, not only yours; the exfiltration article mitigates it with a service endpoint policy.',
      },
    ]
  if (destination.kind === 'serviceTag' && destination.tag === 'AzureFrontDoor.FrontEnd')
    return [
      {
        code: 'exfiltration',
        message:
          'AzureFrontDoor.FrontEnd reaches any Front Door site; the exfiltration article replaces it with ml.azure.com and the AutoML host.',
      },
    ]
  if (
    destination.kind === 'fqdn' &&
    /^\*\.(blob|table|queue|file|dfs)\.core\./.test(destination.pattern)
  )
    return [
      {
        code: 'exfiltration',
        message: `${destination.pattern} reaches storage accounts of every tenant; prefer a service endpoint policy for Microsoft storage.`,
      },
    ]
  return []
}

/** Turns one reference record into catalog records (two when the docs give `TCP/UDP`). */
export function importRecord(record: ReferenceRecord): CatalogRecord[] {
  if (record.protocol === 'TCP/UDP') {
    // mvnet-req-02: "TCP/UDP 18881, 5831" is TCP 18881 (IntelliSense) and UDP 5831 (D15).
    return [
      ...importRecord({ ...record, protocol: 'TCP', ports: [18881] }),
      ...importRecord({ ...record, id: `${record.id}#udp`, protocol: 'UDP', ports: [5831] }),
    ].map((requirement) => ({
      ...requirement,
      decisions: [...new Set([...requirement.decisions, 'D15'])].sort(),
    }))
  }
  const shape = draft(record)
  const resolved = resolvePortsAndProtocol(record, shape)
  const condition =
    shape.condition ??
    COMPUTE_CONDITION_OVERRIDES[record.id] ??
    arcFeature(record.id) ??
    ConditionSchema.parse(record.condition)
  const destination = shape.destination
  const regions = DOCUMENTED_REGIONS[record.id]
  const cloudList =
    record.cloud === 'all' || CLOUD_NEUTRAL_ROWS.includes(record.id)
      ? (['public', 'usgov', 'china'] as const).filter(
          (cloud) => !(record.notNeededIn ?? []).includes(cloud),
        )
      : [record.cloud]
  const requirement: CatalogRecord = {
    id: record.id,
    summary: record.description,
    scenario: record.scenario,
    direction: record.direction,
    ...(shape.source ? { source: shape.source } : {}),
    destination,
    docValue: record.value,
    protocol: resolved.protocol,
    ports: resolved.ports,
    portsStated: record.portsStated,
    applicationProtocols: applicationProtocols(destination, resolved.protocol, resolved.ports),
    websocket: destination.kind === 'fqdn' && WEBSOCKET_HOSTS.test(destination.pattern),
    applicability: {
      computeKinds: record.appliesTo.computeKinds as Requirement['applicability']['computeKinds'],
      training: record.appliesTo.training,
      inference: record.appliesTo.inference,
      clouds: [...cloudList],
      condition,
      ...(regions ? { regions: [...regions] } : {}),
    },
    level: record.requirement,
    status: record.status,
    externalPrerequisite: record.externalPrerequisite,
    risks: risks(destination),
    provenance: provenance(record.source),
    alsoListedIn: (record.alsoListedIn ?? []).map(provenance),
    decisions: [
      ...new Set([
        ...shape.decisions,
        ...resolved.decisions,
        ...extraDecisions(record.id, destination),
      ]),
    ].sort(),
    ...(record.note ? { note: record.note } : {}),
  }
  return [CatalogRecordSchema.parse(requirement)]
}

/**
 * Every record of the reference, in its order, then the supplementary records transcribed from the
 * same pages (`supplement.ts`); sovereign copies follow their record (D26). Throws on a record it
 * cannot map.
 */
export function importReference(
  document: ReferenceDocument,
  supplement: readonly ReferenceRecord[] = supplementRecords,
): CatalogRecord[] {
  return [...document.records, ...supplement].flatMap((record) => {
    try {
      return importRecord(record).flatMap((imported) => [
        imported,
        ...sovereignStorageCopies(imported),
      ])
    } catch (error) {
      throw new Error(`${record.id}: ${(error as Error).message}`)
    }
  })
}
