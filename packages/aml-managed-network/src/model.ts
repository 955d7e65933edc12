import type { DiagnosticDetailOption, PortRange, Protocol } from '@aml-egress/core'
import type { ManagedNetworkEvaluationIndex } from './evaluateIndex'

/** A workspace's managed network mode, as ARM spells it. */
export type IsolationMode = 'Disabled' | 'AllowInternetOutbound' | 'AllowOnlyApprovedOutbound'

/** Who made a rule: users make `UserDefined` ones, Azure ML the `Required` ones. */
export type RuleCategory = 'Required' | 'Recommended' | 'UserDefined' | 'Dependency'

/** A rule's state; `Inactive` rules (turned off, or not provisioned yet) allow nothing. */
export type RuleStatus = 'Inactive' | 'Active' | 'Provisioning' | 'Deleting' | 'Failed'

/** Where a rule was read: file and line (1-based), when the reader knows it. */
export type RuleLocation = { file: string; line?: number }

type RuleCommon = {
  /** The rule name: `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$`. */
  name: string
  category?: RuleCategory
  status?: RuleStatus
  /** Set by the reader. */
  location?: RuleLocation
  /**
   * Set by the reader: the one workspace of a rule set this rule is for (a rule no other workspace
   * needs); absent, the rule is for every workspace of the set.
   */
  workspace?: string
}

/** An FQDN rule: HTTP 80 and HTTPS 443 to a host or `*.` pattern, through the managed firewall. */
export type FqdnRule = RuleCommon & { type: 'FQDN'; destination: string }

/** A service tag rule: a tag (or address prefixes, which replace it), protocol and ports. */
export type ServiceTagRule = RuleCommon & {
  type: 'ServiceTag'
  serviceTag: string
  /** `TCP`, `UDP`, `ICMP` or `*`. */
  protocol: string
  /** One string, as every shape writes it: `443`, `80,8080-8089`, `*`. */
  portRanges: string
  addressPrefixes?: readonly string[]
  /** `Deny` is in the schema; its order against other rules is not documented. */
  action?: 'Allow' | 'Deny'
}

/** A private endpoint rule: every TCP port of one sub-resource of an Azure resource. */
export type PrivateEndpointRule = RuleCommon & {
  type: 'PrivateEndpoint'
  serviceResourceId: string
  subresourceTarget: string
  sparkEnabled: boolean
  /** Hosts that resolve to this private endpoint (e.g. an Application Gateway). */
  fqdns?: readonly string[]
}

/** One outbound rule of a workspace's managed network. */
export type OutboundRule = FqdnRule | ServiceTagRule | PrivateEndpointRule

/**
 * A rule Azure ML applies itself in a managed network (its required configuration), as listed in
 * `managed-by-aml.json`: what `check` needs to answer for the flows no user-defined rule carries.
 */
export type AmlManagedRule = {
  destination: { fqdn: string } | { serviceTag: string }
  protocol: Protocol
  /** Empty: every port. */
  ports: readonly PortRange[]
  /** Workspace ids; empty: every workspace. */
  workspaces: readonly string[]
  requirementIds: readonly string[]
}

/** What `managed-by-aml.json` says: the rules Azure ML applies itself, and for which sources. */
export type AmlManagedList = {
  isolationMode: IsolationMode
  /** The profile's compute subnets: flows from elsewhere are not Azure ML compute's. */
  sourceAddresses: readonly string[]
  workspaces: readonly string[]
  rules: readonly AmlManagedRule[]
  location: RuleLocation
}

/**
 * One directory's managed network as read: a rule set the renderer wrote for its workspaces, or one
 * workspace's own files; its mode (when a file says it) and its rules.
 */
export type ManagedNetworkWorkspace = {
  /** The directory of its files. */
  key: string
  /**
   * The workspace ids the files say they are for (sorted); absent or empty when they say none:
   * the directory is one workspace, named by its last path segment.
   */
  workspaces?: string[]
  isolationMode?: IsolationMode
  /** Where the mode was read. */
  modeLocation?: RuleLocation
  rules: OutboundRule[]
  /** Rules or commands that could not be interpreted: a flow no rule allows is unknown. */
  opaque: RuleLocation[]
}

/**
 * Everything read: each workspace's rules, the list of rules Azure ML applies itself, and the index
 * the evaluator looks rules up in (the reader builds it once; without it each evaluation builds
 * its own).
 */
export type ManagedNetworkConfig = {
  workspaces: ManagedNetworkWorkspace[]
  amlManaged?: AmlManagedList
  readonly evaluationIndex?: ManagedNetworkEvaluationIndex
}

/** Which files `render` writes. */
export type ManagedNetworkOutput = 'all' | 'yaml' | 'cli' | 'arm' | 'terraform'

/** Options of `renderManagedNetwork`. */
export type ManagedNetworkRenderOptions = DiagnosticDetailOption & {
  /** The mode the rules are for (default `allow_only_approved_outbound`). */
  isolationMode?: 'allow_only_approved_outbound' | 'allow_internet_outbound'
  /** Which shapes to write (default `all`); `managed-by-aml.json` is always written. */
  output?: ManagedNetworkOutput
  /** Firewall SKU for FQDN rules, written to the YAML; absent: the workspace keeps its own. */
  firewallSku?: 'standard' | 'basic'
  /**
   * Storage accounts reached through a private endpoint rule, by name → ARM resource ID. Azure ML
   * creates the private endpoint to the workspace's default storage account itself; list the
   * others here.
   */
  privateEndpoints?: Readonly<Record<string, string>>
}
