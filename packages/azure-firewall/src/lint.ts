import { createDiagnostic, type Diagnostic, type DiagnosticInput } from '@aml-egress/core'
import { formatName } from './descriptor'
import { looksLikeHostName } from './evaluate'
import type {
  ApplicationRule,
  FirewallPolicy,
  ModelOrigin,
  NetworkRule,
  RuleCollectionGroup,
} from './model'

/** Global service tags whose regional form is enough for a workspace. */
const regionalTags = new Set([
  'storage',
  'sql',
  'azurekeyvault',
  'eventhub',
  'servicebus',
  'azurecosmosdb',
  'azurecontainerregistry',
])

/** Ports whose traffic is not HTTP: an application rule on them cannot pass it. */
const nonHttpPorts = new Set([22, 53, 445, 3389])

/** Where a finding is, and what it says about the rule it concerns. */
type Finding = Omit<DiagnosticInput, 'format'>

/** One rule in its collection: `group/collection/rule`, and whether the collection allows. */
type RuleContext = { where: string; allow: boolean; location: Pick<Finding, 'location'> }

function locationOf(origin: ModelOrigin | undefined): Pick<Finding, 'location'> {
  if (!origin?.file) return {}
  return {
    location: origin.line ? { file: origin.file, line: origin.line } : { file: origin.file },
  }
}

function destinationAddressFinding(entry: string, rule: RuleContext): Finding | undefined {
  const { where, allow, location } = rule
  if (looksLikeHostName(entry))
    return {
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message: `${where}: destinationAddresses holds host name ${entry}; network rules take host names only in destinationFqdns (and Azure rejects this), so it matches nothing.`,
      ...location,
    }
  if (allow && regionalTags.has(entry.toLowerCase()))
    return {
      code: 'AML_EGRESS_OVER_BROAD_RULE',
      message: `${where}: global service tag ${entry} reaches every region; the regional tag (${entry}.<Region>) is enough.`,
      ...location,
    }
  if (allow && (entry === '*' || entry === '0.0.0.0/0'))
    return {
      code: 'AML_EGRESS_OVER_BROAD_RULE',
      message: `${where}: destination ${entry} allows any address.`,
      ...location,
    }
  return undefined
}

function networkRuleFindings(
  rule: NetworkRule,
  context: RuleContext & { dnsProxy: boolean | undefined },
): Finding[] {
  const { where, location, dnsProxy } = context
  const findings = rule.destinationAddresses.flatMap(
    (entry) => destinationAddressFinding(entry, context) ?? [],
  )
  for (const fqdn of rule.destinationFqdns)
    if (fqdn.includes('*'))
      findings.push({
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        message: `${where}: destinationFqdns ${fqdn} is a wildcard; network-rule FQDNs take no wildcards (use an application rule, or a service tag), so it matches nothing.`,
        ...location,
      })
  if (rule.destinationFqdns.length > 0 && dnsProxy !== true)
    findings.push({
      code: 'AML_EGRESS_DNS_PROXY_REQUIRED',
      // A warning when the proxy is known to be off; advice when its setting was not read.
      severity: dnsProxy === false ? 'warning' : 'info',
      message: `${where} uses destinationFqdns: the policy needs DNS proxy on${dnsProxy === false ? ', and it is off' : ' (its setting was not in the files read)'}.`,
      ...location,
    })
  return findings
}

function applicationRuleFindings(rule: ApplicationRule, context: RuleContext): Finding[] {
  const { where, allow, location } = context
  const findings: Finding[] = []
  for (const protocol of rule.protocols)
    if (protocol.protocolType !== 'Mssql' && nonHttpPorts.has(protocol.port))
      findings.push({
        code: 'AML_EGRESS_UNSUPPORTED_FEATURE',
        message: `${where}: an application rule on port ${protocol.port} inspects the traffic as ${protocol.protocolType}; it cannot pass non-HTTP traffic such as SMB. Use a network rule.`,
        ...location,
      })
  for (const protocol of rule.protocols) {
    const expected = protocol.port === 443 ? 'Https' : protocol.port === 80 ? 'Http' : undefined
    if (allow && expected && protocol.protocolType !== expected)
      findings.push({
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        message: `${where}: ${protocol.protocolType}:${protocol.port} matches no ${expected === 'Https' ? 'HTTPS' : 'HTTP'} traffic; Azure Firewall matches TLS by SNI only with Https and reads the Host header only with Http. Write ${expected}:${protocol.port}.`,
        ...location,
      })
  }
  for (const fqdn of rule.targetFqdns)
    if (allow && (fqdn === '*' || (fqdn.startsWith('*') && !fqdn.startsWith('*.'))))
      findings.push({
        code: 'AML_EGRESS_OVER_BROAD_RULE',
        message: `${where}: target ${fqdn} ${fqdn === '*' ? 'allows any host' : `also matches hosts that merely end in ${fqdn.slice(1)}`}.`,
        ...location,
      })
  if (rule.targetUrls.length > 0 && !rule.terminateTLS)
    findings.push({
      code: 'AML_EGRESS_READ_UNSUPPORTED',
      message: `${where}: targetUrls need terminateTLS (Premium); Azure rejects the rule as written.`,
      ...location,
    })
  return findings
}

function ruleFindings(policy: FirewallPolicy, group: RuleCollectionGroup): Finding[] {
  return group.ruleCollections.flatMap((collection) => {
    if (collection.collectionType !== 'filter') return []
    return collection.rules.flatMap((rule) => {
      const context = {
        where: `${group.name}/${collection.name}/${rule.name}`,
        allow: collection.action === 'Allow',
        location: locationOf(rule.origin),
      }
      return rule.ruleType === 'NetworkRule'
        ? networkRuleFindings(rule, { ...context, dnsProxy: policy.dnsProxy })
        : applicationRuleFindings(rule, context)
    })
  })
}

function sharedPriorityFindings(group: RuleCollectionGroup): Finding[] {
  const findings: Finding[] = []
  const seen = new Map<number, string>()
  for (const collection of group.ruleCollections) {
    const other = seen.get(collection.priority)
    if (other && other !== collection.name)
      findings.push({
        code: 'AML_EGRESS_READ_UNSUPPORTED',
        message: `Group ${group.name}: collections ${other} and ${collection.name} share priority ${collection.priority}; Azure requires unique priorities.`,
        ...(group.origin?.file ? { location: { file: group.origin.file } } : {}),
      })
    seen.set(collection.priority, collection.name)
  }
  return findings
}

/**
 * What Azure rejects or a reviewer should see in a policy that was read: host names and wildcards
 * where they match nothing, over-broad allows, FQDNs without the DNS proxy, application rules on
 * non-HTTP ports, URLs without TLS inspection, collections sharing a priority.
 * @example lintPolicy(policy) // [{ code: 'AML_EGRESS_OVER_BROAD_RULE', … }]
 */
export function lintPolicy(policy: FirewallPolicy): Diagnostic[] {
  return policy.ruleCollectionGroups
    .flatMap((group) => ruleFindings(policy, group))
    .concat(policy.ruleCollectionGroups.flatMap(sharedPriorityFindings))
    .map((finding) => createDiagnostic({ ...finding, format: formatName }))
}
