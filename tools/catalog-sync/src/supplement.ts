import type { ReferenceRecord } from './reference'

/**
 * Records the reference compilation leaves out ("Government and 21Vianet variants exist in that
 * article (not reproduced here)"), transcribed from the same AKS article at the same commit, with
 * the section each row is in. `catalog-sync import` appends them to the reference's records, so
 * they carry provenance and go through the same importer as every other record.
 */
const AKS_ARTICLE = {
  repo: 'MicrosoftDocs/azure-aks-docs',
  path: 'articles/aks/outbound-rules-control-egress.md',
  commit: '126786f03e562aca0dde65db199893cb8f04a5a1',
  msDate: '2023-06-13',
} as const

const NOTE =
  'Transcribed for aml-egress from the AKS article (issue #17): the reference compilation lists the Azure Global rows only.'

type Row = {
  id: string
  value: string
  description: string
  ports: number[]
  protocol: 'TCP' | 'UDP'
  kind: 'fqdn' | 'serviceTag' | 'ip'
  section: string
}

function record(
  row: Row,
  cloud: ReferenceRecord['cloud'],
  scenario: string,
  condition: string,
): ReferenceRecord {
  return {
    id: row.id,
    scenario,
    description: row.description,
    direction: 'outbound',
    kind: row.kind,
    value: row.value,
    ports: row.ports,
    portsStated: true,
    protocol: row.protocol,
    appliesTo: { training: true, inference: true, computeKinds: ['kubernetesCompute'] },
    cloud,
    condition,
    requirement: 'required',
    status: 'current',
    placeholders: row.value.includes('<') ? ['<location>'] : [],
    azureFirewallRuleType:
      row.kind === 'fqdn' && row.ports.includes(443) ? 'application' : 'network',
    externalPrerequisite: true,
    source: { ...AKS_ARTICLE, section: row.section },
    note: NOTE,
  }
}

const TUNNEL = 'For tunneled secure communication between the nodes and the control plane.'
const NODE_API = 'Node <-> API server communication.'
const MCR = 'Access images in Microsoft Container Registry (MCR), e.g. coreDNS.'
const MCR_CDN = 'MCR storage backed by the Azure content delivery network (CDN).'
const ARM = 'Kubernetes operations against the Azure API.'
const ENTRA = 'Microsoft Entra authentication.'
const PACKAGES = 'Microsoft packages repository for cached apt-get operations.'
const BINARIES = 'Repository to download and install required binaries like kubenet and Azure CNI.'
const NTP = 'Network Time Protocol (NTP) time synchronization on Linux nodes.'
const DNS = 'Custom DNS servers must be reachable from the nodes.'
const API_IP = 'Pods/deployments that access the API server use the API IP.'

function tunnelRow(id: string, port: number, protocol: 'TCP' | 'UDP', section: string): Row {
  const value = `*:${port} or AzureCloud.<Region>:${port} or RegionCIDRs:${port} or APIServerPublicIP:${port}`
  return { id, value, description: TUNNEL, ports: [port], protocol, kind: 'serviceTag', section }
}

function networkRows(prefix: string, first: number, section: string): Row[] {
  const id = (offset: number) => `${prefix}-${String(first + offset).padStart(2, '0')}`
  return [
    {
      id: id(0),
      value: '*:123 or ntp.ubuntu.com:123',
      description: NTP,
      ports: [123],
      protocol: 'UDP',
      kind: 'fqdn',
      section,
    },
    {
      id: id(1),
      value: 'CustomDNSIP:53',
      description: DNS,
      ports: [53],
      protocol: 'UDP',
      kind: 'ip',
      section,
    },
    {
      id: id(2),
      value: 'APIServerPublicIP:443',
      description: API_IP,
      ports: [443],
      protocol: 'TCP',
      kind: 'ip',
      section,
    },
  ]
}

function fqdnRows(
  rows: readonly (readonly [id: string, value: string, description: string])[],
  section: string,
): Row[] {
  return rows.map(([id, value, description]) => ({
    id,
    value,
    description,
    ports: [443],
    protocol: 'TCP',
    kind: 'fqdn',
    section,
  }))
}

const SECTION = 'Required outbound network rules and FQDNs for AKS clusters'
const GOV_NETWORK = `${SECTION} / Azure US Government required network rules`
const GOV_FQDN = `${SECTION} / Azure US Government required FQDN / application rules`
const CN_NETWORK = `${SECTION} / Microsoft Azure operated by 21Vianet required network rules`
const CN_FQDN = `${SECTION} / Microsoft Azure operated by 21Vianet required FQDN / application rules`
const GPU = 'GPU enabled AKS clusters required FQDN / application rules'

/** Numbered as the Azure Global records (`aks-core-01` … `-13`) where the rows match. */
const usgovRows: Row[] = [
  tunnelRow('aks-core-usgov-01', 1194, 'UDP', GOV_NETWORK),
  tunnelRow('aks-core-usgov-02', 9000, 'TCP', GOV_NETWORK),
  ...networkRows('aks-core-usgov', 3, GOV_NETWORK),
  ...fqdnRows(
    [
      ['aks-core-usgov-06', '*.hcp.<location>.cx.aks.containerservice.azure.us', NODE_API],
      ['aks-core-usgov-07', 'mcr.microsoft.com', MCR],
      ['aks-core-usgov-08', '*.data.mcr.microsoft.com', MCR_CDN],
      ['aks-core-usgov-10', 'management.usgovcloudapi.net', ARM],
      ['aks-core-usgov-11', 'login.microsoftonline.us', ENTRA],
      ['aks-core-usgov-12', 'packages.microsoft.com', PACKAGES],
      ['aks-core-usgov-13', 'acs-mirror.azureedge.net', BINARIES],
    ],
    GOV_FQDN,
  ),
]

const chinaRows: Row[] = [
  tunnelRow('aks-core-china-01', 1194, 'UDP', CN_NETWORK),
  tunnelRow('aks-core-china-02', 9000, 'TCP', CN_NETWORK),
  ...networkRows('aks-core-china', 3, CN_NETWORK),
  ...fqdnRows(
    [
      ['aks-core-china-06', '*.hcp.<location>.cx.prod.service.azk8s.cn', NODE_API],
      ['aks-core-china-07', 'mcr.microsoft.com', MCR],
      // Written `.data.mcr.microsoft.com` in this table; the other clouds' tables write `*.`.
      ['aks-core-china-08', '.data.mcr.microsoft.com', MCR_CDN],
      ['aks-core-china-10', 'management.chinacloudapi.cn', ARM],
      ['aks-core-china-11', 'login.chinacloudapi.cn', ENTRA],
      ['aks-core-china-12', 'packages.microsoft.com', PACKAGES],
      ['aks-core-china-13', '*.azk8s.cn', BINARIES],
      ['aks-core-china-14', '*.tun.<location>.cx.prod.service.azk8s.cn', NODE_API],
    ],
    CN_FQDN,
  ),
  tunnelRow('aks-core-china-15', 22, 'TCP', CN_NETWORK),
]

const GPU_DRIVERS = 'Driver installation and operation on GPU-based nodes.'
const gpuRows = fqdnRows(
  [
    ['aks-gpu-01', 'nvidia.github.io', GPU_DRIVERS],
    ['aks-gpu-02', 'us.download.nvidia.com', GPU_DRIVERS],
    ['aks-gpu-03', 'download.docker.com', GPU_DRIVERS],
  ],
  GPU,
)

/** The supplementary records, in catalog order. */
export const supplementRecords: readonly ReferenceRecord[] = [
  ...usgovRows.map((row) => record(row, 'usgov', 'aks-core-egress', 'aksCluster')),
  ...chinaRows.map((row) => record(row, 'china', 'aks-core-egress', 'aksCluster')),
  ...gpuRows.map((row) => record(row, 'all', 'aks-gpu-node-pools', 'aksGpuNodePools')),
]
