/**
 * The target's own typed model: the Kubernetes `networking.k8s.io/v1` NetworkPolicy and the
 * `cilium.io/v2` CiliumNetworkPolicy subset we render, the Azure service-tags file, and the
 * normalised policy model the evaluator works on (both kinds read into one shape).
 */

import type { EvaluationIndex } from './evaluationIndex'

/** `matchExpressions` operators of a Kubernetes label selector. */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'

/** One `matchExpressions` entry. */
export type LabelSelectorRequirement = {
  key: string
  operator: SelectorOperator
  /** Required (non-empty) for In/NotIn, absent for Exists/DoesNotExist. */
  values?: string[]
}

/** A Kubernetes label selector; `{}` selects everything. */
export type LabelSelector = {
  matchLabels?: Record<string, string>
  matchExpressions?: LabelSelectorRequirement[]
}

/** `ipBlock` of a NetworkPolicy peer: must be alone in its peer. */
export type IpBlock = {
  cidr: string
  /** Strict subsets of `cidr`. */
  except?: string[]
}

/** One element of `to`/`from`: podSelector and namespaceSelector in one element are ANDed. */
export type NetworkPolicyPeer = {
  podSelector?: LabelSelector
  namespaceSelector?: LabelSelector
  ipBlock?: IpBlock
}

/** One element of `ports`. Ports are integers (a string is a named port). */
export type NetworkPolicyPort = {
  protocol?: 'TCP' | 'UDP' | 'SCTP'
  port?: number | string
  /** Only with a numeric `port`, and `endPort >= port`. */
  endPort?: number
}

/** `egress[i]`: peers ORed, ports ORed, peers AND ports. */
export type NetworkPolicyEgressRule = { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }
/** `ingress[i]`. */
export type NetworkPolicyIngressRule = { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }

/** Object metadata we write: name, namespace, labels, annotations. */
export type ObjectMeta = {
  name: string
  namespace?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

/** `networking.k8s.io/v1` NetworkPolicy. */
export type NetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1'
  kind: 'NetworkPolicy'
  metadata: ObjectMeta
  spec: {
    podSelector: LabelSelector
    policyTypes?: ('Ingress' | 'Egress')[]
    ingress?: NetworkPolicyIngressRule[]
    egress?: NetworkPolicyEgressRule[]
  }
}

/** A Cilium port: `port` is a string in the CRD (`"0"` = every port), `endPort` an integer. */
export type CiliumPort = {
  port: string
  endPort?: number
  protocol?: 'TCP' | 'UDP' | 'SCTP' | 'ANY'
}

/** `toFQDNs` entry: exactly one of the two. */
export type CiliumFqdnSelector = { matchName: string } | { matchPattern: string }

/** `toPorts` entry (at most 40 ports each, per the CRD). */
export type CiliumPortRule = {
  ports: CiliumPort[]
  rules?: { dns: CiliumFqdnSelector[] }
}

/** The egress rule fields we render. */
export type CiliumEgressRule = {
  toEndpoints?: LabelSelector[]
  toEntities?: string[]
  toFQDNs?: CiliumFqdnSelector[]
  toCIDRSet?: { cidr: string; except?: string[] }[]
  toPorts?: CiliumPortRule[]
}

/** `cilium.io/v2` CiliumNetworkPolicy (namespaced). */
export type CiliumNetworkPolicy = {
  apiVersion: 'cilium.io/v2'
  kind: 'CiliumNetworkPolicy'
  metadata: ObjectMeta
  spec: {
    endpointSelector: LabelSelector
    egress?: CiliumEgressRule[]
  }
}

/** The weekly Azure `ServiceTags_Public.json` (download id 56519): core's type, one for every reader. */
export type { ServiceTagsFile } from '@aml-egress/core'

/** Three-valued result: configs we did not write can hold what we cannot decide. */
export type Tri = 'yes' | 'no' | 'unknown'

/** Which namespaces a pod peer covers. */
export type NamespaceMatch =
  /** The policy's own namespace. */
  | { kind: 'same' }
  /** Every namespace (Cilium selectors that name the namespace themselves). */
  | { kind: 'any' }
  /** Namespaces whose labels match; only `kubernetes.io/metadata.name` is known for a flow. */
  | { kind: 'selector'; selector: LabelSelector }

/** One normalised peer of a rule, from either policy kind. */
export type PolicyPeer =
  | { kind: 'pods'; namespaces: NamespaceMatch; pods: LabelSelector; cilium: boolean }
  | { kind: 'cidr'; cidr: string; except: string[] }
  | { kind: 'fqdn'; matchName?: string; matchPattern?: string }
  | { kind: 'entity'; entity: string }
  /** Something the reader cannot evaluate (toServices, a named CIDR group, …). */
  | { kind: 'unsupported'; what: string }

/** One normalised port match. `port` undefined = every port of the protocol. */
export type PortMatch = {
  protocol: 'TCP' | 'UDP' | 'SCTP' | 'ANY'
  port?: number
  endPort?: number
  /** A named port: the pod's container ports decide, which a flow does not carry. */
  namedPort?: string
  /** Cilium L7 rules on this port. */
  l7?: { kind: 'dns'; allowsAllNames: boolean } | { kind: 'http' | 'kafka' | 'other' }
}

/** One normalised rule: `'all'` peers or ports when the list is empty or missing. */
export type PolicyRule = {
  peers: PolicyPeer[] | 'all'
  ports: PortMatch[] | 'all'
  line?: number
}

/** One policy (NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy), normalised. */
export type EffectivePolicy = {
  kind: 'NetworkPolicy' | 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy'
  name: string
  /** Absent for the cluster-wide kind. */
  namespace?: string
  file: string
  line?: number
  /** The pods the policy applies to (Cilium: `endpointSelector`). */
  subject: LabelSelector
  /** Cilium selector keys (`k8s:` prefixes, namespace pseudo-labels) apply to `subject`. */
  cilium: boolean
  /** Rules when the policy isolates egress; absent when it does not touch egress. */
  egress?: PolicyRule[]
  ingress?: PolicyRule[]
  /** Per direction, why the policy cannot be evaluated (deny rules, node selectors, …). */
  opaque?: { egress?: string; ingress?: string }
}

/** The reader's model: what `evaluate` answers questions about. */
export type NetworkPolicyConfig = {
  /**
   * Built by the reader (or `withEvaluationIndex`) so that evaluating many flows looks up rules by
   * host; rebuilt when `policies` or `serviceTags` are replaced. Treat the config as read-only.
   */
  readonly evaluationIndex?: EvaluationIndex
  policies: EffectivePolicy[]
  /**
   * Namespace whose pods stand for the plan's compute subnets (flows with an `address` source):
   * from our `aml-egress.io/source-namespace` annotation, else `azureml`.
   */
  sourceNamespace: string
  /**
   * The compute subnets that namespace stands for (`aml-egress.io/source-addresses`); an address
   * outside them is not one of its pods. Absent for hand-written configs: every address maps.
   */
  sourceAddresses?: string[]
  /** Service tag name (lower case) → IPv4 prefixes, when a service-tags file was read. */
  serviceTags?: Record<string, string[]>
  /** Documents of policy kinds we do not model, which could decide any flow. */
  opaque: { file: string; line?: number; what: string }[]
}
