import { cidrContains, isIpv4Cidr } from '@aml-egress/core'
import type {
  CiliumEgressRule,
  CiliumFqdnSelector,
  CiliumNetworkPolicy,
  CiliumPort,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  ObjectMeta,
} from './model'

/*
 * The API server's rules that JSON Schema cannot express (kubernetes/kubernetes
 * pkg/apis/networking/validation/validation.go and apimachinery's label validation). Rendering
 * checks every document with these before writing it; the reader reuses them to flag configs the
 * API server would reject.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/

/** A DNS-1123 subdomain (object names): lower case, ≤ 253 characters. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name)
}

/** A DNS-1123 label (namespace names): lower case, ≤ 63 characters. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name)
}

/**
 * A label key: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 alphanumerics with `-_.` inside.
 * @example isValidLabelKey('kubernetes.io/metadata.name') // true
 */
export function isValidLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/')
  const name = slash === -1 ? key : key.slice(slash + 1)
  const prefix = slash === -1 ? undefined : key.slice(0, slash)
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return false
  return name.length <= 63 && LABEL_NAME.test(name)
}

/** A label value: empty, or ≤ 63 alphanumerics with `-_.` inside. */
export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && LABEL_NAME.test(value))
}

/** An IANA service name (named port): ≤ 15, lower case, at least one letter, no `--`. */
export function isValidNamedPort(name: string): boolean {
  return name.length <= 15 && IANA_SVC_NAME.test(name) && /[a-z]/.test(name) && !name.includes('--')
}

/** An IPv4 CIDR with an explicit prefix length, as Kubernetes parses `ipBlock.cidr`. */
export function isValidIpBlockCidr(cidr: string): boolean {
  return cidr.includes('/') && isIpv4Cidr(cidr)
}

function prefixLength(cidr: string): number {
  return Number(cidr.split('/')[1] ?? 32)
}

/** `except` must be a strict subset of `cidr`. */
export function isStrictSubset(cidr: string, except: string): boolean {
  if (!isValidIpBlockCidr(cidr) || !isValidIpBlockCidr(except)) return false
  return cidrContains(cidr, except) && prefixLength(except) > prefixLength(cidr)
}

function validateLabels(labels: Record<string, string>, path: string): string[] {
  const problems: string[] = []
  for (const [key, value] of Object.entries(labels)) {
    if (!isValidLabelKey(key)) problems.push(`${path}: invalid label key ${JSON.stringify(key)}`)
    if (typeof value !== 'string' || !isValidLabelValue(value))
      problems.push(`${path}.${key}: invalid label value ${JSON.stringify(value)}`)
  }
  return problems
}

/** Label selector rules: valid keys and values; In/NotIn need values, Exists/DoesNotExist none. */
export function validateSelector(selector: LabelSelector, path: string): string[] {
  const problems = validateLabels(selector.matchLabels ?? {}, `${path}.matchLabels`)
  for (const [index, requirement] of (selector.matchExpressions ?? []).entries()) {
    const at = `${path}.matchExpressions[${index}]`
    if (!isValidLabelKey(requirement.key)) problems.push(`${at}: invalid key`)
    const values = requirement.values ?? []
    if ((requirement.operator === 'In' || requirement.operator === 'NotIn') && values.length === 0)
      problems.push(`${at}: ${requirement.operator} needs values`)
    if (
      (requirement.operator === 'Exists' || requirement.operator === 'DoesNotExist') &&
      values.length > 0
    )
      problems.push(`${at}: ${requirement.operator} must not have values`)
    for (const value of values)
      if (!isValidLabelValue(value)) problems.push(`${at}: invalid value ${JSON.stringify(value)}`)
  }
  return problems
}

function validateMeta(metadata: ObjectMeta): string[] {
  const problems: string[] = []
  if (!isDns1123Subdomain(metadata.name))
    problems.push(`metadata.name: ${JSON.stringify(metadata.name)} is not a DNS-1123 subdomain`)
  if (metadata.namespace !== undefined && !isDns1123Label(metadata.namespace))
    problems.push(`metadata.namespace: ${JSON.stringify(metadata.namespace)} is not a DNS label`)
  problems.push(...validateLabels(metadata.labels ?? {}, 'metadata.labels'))
  for (const key of Object.keys(metadata.annotations ?? {}))
    if (!isValidLabelKey(key)) problems.push(`metadata.annotations: invalid key ${key}`)
  return problems
}

function validatePeer(peer: NetworkPolicyPeer, path: string): string[] {
  const problems: string[] = []
  if (!peer.podSelector && !peer.namespaceSelector && !peer.ipBlock)
    problems.push(`${path}: a peer needs podSelector, namespaceSelector or ipBlock`)
  if (peer.ipBlock && (peer.podSelector || peer.namespaceSelector))
    problems.push(`${path}: ipBlock may not be combined with a selector`)
  if (peer.podSelector) problems.push(...validateSelector(peer.podSelector, `${path}.podSelector`))
  if (peer.namespaceSelector)
    problems.push(...validateSelector(peer.namespaceSelector, `${path}.namespaceSelector`))
  if (peer.ipBlock) {
    const { cidr, except = [] } = peer.ipBlock
    if (!isValidIpBlockCidr(cidr)) problems.push(`${path}.ipBlock.cidr: invalid CIDR ${cidr}`)
    for (const item of except)
      if (!isStrictSubset(cidr, item))
        problems.push(`${path}.ipBlock.except: ${item} is not a strict subset of ${cidr}`)
  }
  return problems
}

function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535
}

function validatePort(port: NetworkPolicyPort, path: string): string[] {
  const problems: string[] = []
  if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol))
    problems.push(`${path}.protocol: must be TCP, UDP or SCTP`)
  if (typeof port.port === 'string' && !isValidNamedPort(port.port))
    problems.push(`${path}.port: ${JSON.stringify(port.port)} is not a valid named port`)
  if (typeof port.port === 'number' && !isPortNumber(port.port))
    problems.push(`${path}.port: must be an integer 1–65535`)
  if (port.endPort !== undefined) {
    if (!isPortNumber(port.port)) problems.push(`${path}.endPort: needs a numeric port`)
    else if (!isPortNumber(port.endPort) || port.endPort < port.port)
      problems.push(`${path}.endPort: must be an integer ≥ port and ≤ 65535`)
  }
  return problems
}

/**
 * Problems the API server would report for this NetworkPolicy, beyond its JSON schema.
 * @example validateNetworkPolicy(policy) // [] when kubectl apply would accept it
 */
export function validateNetworkPolicy(policy: NetworkPolicy): string[] {
  const problems = validateMeta(policy.metadata)
  const { spec } = policy
  problems.push(...validateSelector(spec.podSelector, 'spec.podSelector'))
  const types = spec.policyTypes ?? []
  if (types.length > 2 || new Set(types).size !== types.length)
    problems.push('spec.policyTypes: at most Ingress and Egress, once each')
  for (const [i, rule] of (spec.egress ?? []).entries()) {
    for (const [j, peer] of (rule.to ?? []).entries())
      problems.push(...validatePeer(peer, `spec.egress[${i}].to[${j}]`))
    for (const [j, port] of (rule.ports ?? []).entries())
      problems.push(...validatePort(port, `spec.egress[${i}].ports[${j}]`))
  }
  for (const [i, rule] of (spec.ingress ?? []).entries()) {
    for (const [j, peer] of (rule.from ?? []).entries())
      problems.push(...validatePeer(peer, `spec.ingress[${i}].from[${j}]`))
    for (const [j, port] of (rule.ports ?? []).entries())
      problems.push(...validatePort(port, `spec.ingress[${i}].ports[${j}]`))
  }
  return problems
}

// The CRD's patterns (Cilium 1.18.2), repeated here so a bad name never reaches the output.
const CILIUM_MATCH_NAME = /^([-a-zA-Z0-9_]+[.]?)+$/
const CILIUM_MATCH_PATTERN = /^([-a-zA-Z0-9_*]+[.]?)+$/

function isValidFqdnSelector(selector: CiliumFqdnSelector): boolean {
  return 'matchName' in selector
    ? selector.matchName.length <= 255 && CILIUM_MATCH_NAME.test(selector.matchName)
    : selector.matchPattern.length <= 255 && CILIUM_MATCH_PATTERN.test(selector.matchPattern)
}

function fqdnSelectorProblem(selector: CiliumFqdnSelector, path: string): string {
  return 'matchName' in selector
    ? `${path}.matchName: invalid ${JSON.stringify(selector.matchName)}`
    : `${path}.matchPattern: invalid ${JSON.stringify(selector.matchPattern)}`
}

const CILIUM_PORT = /^\d{1,5}$/

function ciliumPortProblem(port: CiliumPort): string | undefined {
  const number = CILIUM_PORT.test(port.port) ? Number(port.port) : undefined
  if (number === undefined || number > 65535) return '.port: must be a number 0–65535'
  if (port.endPort !== undefined && (port.endPort < number || port.endPort > 65535))
    return '.endPort: must be ≥ port and ≤ 65535'
  return undefined
}

/** Cilium label keys carry a source prefix (`k8s:app`); the rest is a Kubernetes label key. */
function withoutCiliumSource(selector: LabelSelector): LabelSelector {
  const strip = (key: string): string => key.replace(/^(k8s|any):/, '')
  return {
    ...(selector.matchLabels
      ? {
          matchLabels: Object.fromEntries(
            Object.entries(selector.matchLabels).map(([key, value]) => [strip(key), value]),
          ),
        }
      : {}),
    ...(selector.matchExpressions
      ? {
          matchExpressions: selector.matchExpressions.map((requirement) => ({
            ...requirement,
            key: strip(requirement.key),
          })),
        }
      : {}),
  }
}

/** Problems Cilium would report for this CiliumNetworkPolicy, beyond its CRD schema. */
export function validateCiliumNetworkPolicy(policy: CiliumNetworkPolicy): string[] {
  const problems = validateMeta(policy.metadata)
  problems.push(
    ...validateSelector(withoutCiliumSource(policy.spec.endpointSelector), 'spec.endpointSelector'),
  )
  policy.spec.egress?.forEach((rule, index) => {
    addCiliumEgressRuleProblems(rule, `spec.egress[${index}]`, problems)
  })
  return problems
}

function addCiliumEgressRuleProblems(rule: CiliumEgressRule, at: string, problems: string[]): void {
  rule.toEndpoints?.forEach((selector, j) => {
    problems.push(...validateSelector(withoutCiliumSource(selector), `${at}.toEndpoints[${j}]`))
  })
  rule.toFQDNs?.forEach((selector, j) => {
    if (!isValidFqdnSelector(selector))
      problems.push(fqdnSelectorProblem(selector, `${at}.toFQDNs[${j}]`))
  })
  rule.toCIDRSet?.forEach((set, j) => {
    if (!isValidIpBlockCidr(set.cidr)) problems.push(`${at}.toCIDRSet[${j}]: invalid CIDR`)
    for (const item of set.except ?? [])
      if (!isStrictSubset(set.cidr, item))
        problems.push(`${at}.toCIDRSet[${j}].except: ${item} is not inside ${set.cidr}`)
  })
  rule.toPorts?.forEach((portRule, j) => {
    if (portRule.ports.length > 40) problems.push(`${at}.toPorts[${j}]: more than 40 ports`)
    portRule.ports.forEach((port, k) => {
      const problem = ciliumPortProblem(port)
      if (problem) problems.push(`${at}.toPorts[${j}].ports[${k}]${problem}`)
    })
    portRule.rules?.dns.forEach((selector, k) => {
      if (!isValidFqdnSelector(selector))
        problems.push(fqdnSelectorProblem(selector, `${at}.toPorts[${j}].rules.dns[${k}]`))
    })
  })
}
