import { once } from 'node:events'
import { createWriteStream } from 'node:fs'

/**
 * Deterministic deny logs for the diagnose bench: the same bytes at every run (a linear
 * congruential generator, no clock), a mix of allowed and denied requests to AML hosts of the
 * bench profile, AML hosts outside it and unrelated hosts, from a few hundred clients.
 */

const HOSTS = [
  'ml.azure.com',
  'graph.microsoft.com',
  'mcr.microsoft.com',
  'westeurope.api.azureml.ms',
  'amlstore01.blob.core.windows.net',
  'amlstore01.file.core.windows.net',
  'management.azure.com',
  'login.microsoftonline.com',
  'pypi.org',
  'files.pythonhosted.org',
  'update.code.visualstudio.com',
  'archive.ubuntu.com',
  'www.example.com',
  'github.com',
  'registry.npmjs.org',
  'objects.githubusercontent.com',
]

/** A repeatable pseudo-random sequence in [0, 1). */
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

async function writeLines(
  path: string,
  count: number,
  line: (index: number, random: () => number) => string,
): Promise<number> {
  const out = createWriteStream(path)
  const random = generator(19)
  let bytes = 0
  let batch: string[] = []
  for (let index = 0; index < count; index++) {
    const text = line(index, random)
    bytes += text.length + 1
    batch.push(text)
    if (batch.length === 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain')
      batch = []
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`)
  out.end()
  await once(out, 'finish')
  return bytes
}

const pick = <T>(values: readonly T[], random: () => number): T =>
  values[Math.floor(random() * values.length)] as T

/** A Squid access.log in the native logformat: a third of the lines are TCP_DENIED/403. */
export function writeSquidLog(path: string, lines: number): Promise<number> {
  const start = 1_748_855_000
  return writeLines(path, lines, (index, random) => {
    const host = pick(HOSTS, random)
    const client = `10.20.${1 + Math.floor(random() * 4)}.${1 + Math.floor(random() * 250)}`
    const time = `${start + Math.floor(index / 20)}.${String(index % 1000).padStart(3, '0')}`
    const denied = random() < 0.34
    const http = host === 'archive.ubuntu.com'
    const request = http ? `GET http://${host}/ubuntu/dists/jammy/InRelease` : `CONNECT ${host}:443`
    const result = denied
      ? 'TCP_DENIED/403 3449'
      : http
        ? 'TCP_MISS/200 9120'
        : 'TCP_TUNNEL/200 52311'
    const hierarchy = denied ? 'HIER_NONE/- text/html' : 'HIER_DIRECT/20.60.40.4 -'
    return `${time} ${String(Math.floor(random() * 900)).padStart(6)} ${client} ${result} ${request} - ${hierarchy}`
  })
}

/** An Azure Firewall diagnostic-setting export (JSON Lines) of AZFWApplicationRule records. */
export function writeFirewallLog(path: string, records: number): Promise<number> {
  const resourceId =
    '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG-HUB/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/FW-HUB'
  const start = Date.UTC(2025, 5, 2, 9, 0, 0)
  return writeLines(path, records, (index, random) => {
    const denied = random() < 0.34
    const time = new Date(start + index * 10).toISOString().replace('Z', '0000Z')
    const properties = {
      Protocol: 'HTTPS',
      SourceIp: `10.20.${1 + Math.floor(random() * 4)}.${1 + Math.floor(random() * 250)}`,
      SourcePort: 40_000 + Math.floor(random() * 20_000),
      DestinationPort: 443,
      Fqdn: pick(HOSTS, random),
      TargetUrl: '',
      Action: denied ? 'Deny' : 'Allow',
      Policy: denied ? '' : 'fwpol-hub',
      RuleCollectionGroup: denied ? '' : 'rcg-aml',
      RuleCollection: denied ? '' : 'rc-aml-allow',
      Rule: denied ? '' : 'allow-aml',
      ActionReason: denied ? 'Default Action' : '',
      IsTlsInspected: false,
      WebCategory: '',
      IsExplicitProxyRequest: false,
    }
    return JSON.stringify({ time, resourceId, category: 'AZFWApplicationRule', properties })
  })
}
