/**
 * Which service tag the docs pair with which hosts. The firewall article gives the same needs
 * twice: as service tags (basic configuration, for Azure Firewall and NSGs) and as host lists (for
 * other firewalls). This table is that pairing, read off the purposes both tables name (D21).
 */
type Equivalent = {
  tag: string
  /** The docs name the regional form (`Storage.<region>`). */
  regional: boolean
  /** Catalog host patterns (placeholders in braces) this tag covers. */
  hosts: RegExp
  /** Further tags the same hosts stand for (MCR content is served through AzureFrontDoor.FirstParty). */
  alsoCovers?: readonly string[]
}

const equivalents: readonly Equivalent[] = [
  {
    tag: 'AzureActiveDirectory',
    regional: false,
    hosts: /^(login\.microsoftonline\.(com|us)|login\.chinacloudapi\.cn)$/,
  },
  {
    tag: 'AzureResourceManager',
    regional: false,
    hosts: /^management\.(azure\.(com|us|cn)|usgovcloudapi\.net|chinacloudapi\.cn)$/,
  },
  {
    tag: 'AzureMachineLearning',
    regional: false,
    hosts:
      /(^|\.)(azureml\.(ms|net|us|cn)|ml\.azure\.(us|cn)|notebooks\.(azure\.net|usgovcloudapi\.net|chinacloudapi\.cn))$/,
  },
  { tag: 'BatchNodeManagement', regional: true, hosts: /\.batch\.azure\.com$/ },
  {
    tag: 'Storage',
    regional: true,
    hosts:
      /^(\*|\{storageAccount\})\.(blob|file|dfs|table|queue)\.core\.(windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)$/,
  },
  {
    tag: 'AzureKeyVault',
    regional: true,
    hosts: /^\*\.vault\.(azure\.net|usgovcloudapi\.net|azure\.cn)$/,
  },
  {
    tag: 'MicrosoftContainerRegistry',
    regional: false,
    hosts: /^(mcr\.microsoft\.com|\*\.data\.mcr\.microsoft\.com)$/,
    // The exfiltration page: "MicrosoftContainerRegistry and AzureFrontDoor.FirstParty, or the FQDNs".
    alsoCovers: ['AzureFrontDoor.FirstParty'],
  },
  {
    tag: 'AzureMonitor',
    regional: false,
    hosts:
      /^(dc\.applicationinsights\.(azure|microsoft)\.com|dc\.services\.visualstudio\.com|\*\.in\.applicationinsights\.azure\.com)$/,
  },
  {
    tag: 'AzureFrontDoor.FrontEnd',
    regional: false,
    hosts: /^(ml\.azure\.com|automlresources-prod\.azureedge\.net)$/,
  },
  {
    tag: 'AzureContainerRegistry',
    regional: true,
    hosts: /^\{containerRegistry\}(\.\{region\}\.data)?\.azurecr\.io$/,
  },
]

/**
 * The documented service tag for a catalog host pattern, if any.
 * @example serviceTagForHost('*.blob.core.windows.net') // { tag: 'Storage', regional: true }
 */
export function serviceTagForHost(
  pattern: string,
): { tag: string; regional: boolean; alsoCovers: readonly string[] } | undefined {
  const found = equivalents.find((equivalent) => equivalent.hosts.test(pattern))
  return found && { tag: found.tag, regional: found.regional, alsoCovers: found.alsoCovers ?? [] }
}
