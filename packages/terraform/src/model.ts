/**
 * What the Terraform format reads and renders. The firewall part IS the `@aml-egress/azure-firewall`
 * model (one model, two serialisations: ARM JSON there, HCL here); only NSG rules and the HCL
 * specifics live in this package.
 */
import type { FirewallPolicyConfig, ModelOrigin } from '@aml-egress/azure-firewall'
import type { DiagnosticDetailOption } from '@aml-egress/core'
import type { NsgIndex } from './nsgIndex'

/** `protocol` of an NSG rule as azurerm spells it; `*` is any. */
export type NsgProtocol = '*' | 'Tcp' | 'Udp' | 'Icmp' | 'Ah' | 'Esp'

/** One NSG security rule (`azurerm_network_security_rule` or an inline `security_rule`). */
export type NsgRule = {
  /** Terraform address, e.g. `azurerm_network_security_rule.aml_in_tcp_44224`. */
  address: string
  /** The rule's Azure name. */
  name: string
  /**
   * The NSG it belongs to: `<resource group>/<nsg name>`. An unresolved part stays as its
   * expression text, so rules sharing `var.network_security_group_name` still group together.
   */
  networkSecurityGroup: string
  /** 100–4096; lower first. Absent when unresolved. */
  priority?: number
  direction: 'Inbound' | 'Outbound'
  access: 'Allow' | 'Deny'
  protocol: NsgProtocol
  /** Prefixes: `*`, CIDR, IP or service tag (`AzureMachineLearning`, `Storage.WestEurope`). */
  sourceAddressPrefixes: string[]
  /** `*`, `N` or `N-M`. */
  sourcePortRanges: string[]
  destinationAddressPrefixes: string[]
  destinationPortRanges: string[]
  description?: string
  /** Field names the reader could not resolve; flows that depend on them are unknown. */
  unresolved?: string[]
  /** True when the resource may not exist (an unresolved `count` or `for_each`). */
  conditional?: boolean
  origin?: ModelOrigin
}

/** A construct read but not modelled that may allow or deny outbound flows. */
export type OpaqueElement = {
  /** Terraform address or block path. */
  address: string
  /** Why it could not be modelled. */
  reason: string
  /** The traffic it can decide: outbound through the firewall, or the flows an NSG carries. */
  affects: 'firewall' | 'nsg'
  origin?: ModelOrigin
}

/** The config type of the `terraform` format. */
export type TerraformConfig = {
  /** Rule collection groups read from `azurerm_firewall_policy_rule_collection_group`. */
  firewallPolicy: FirewallPolicyConfig
  /** NSG rules, in file order. */
  nsgRules: NsgRule[]
  /** Constructs that make dependent flows unknown. */
  opaque: OpaqueElement[]
  /** The NSG rules prepared for evaluation (the reader builds it once; without it each evaluation builds its own). */
  readonly nsgIndex?: NsgIndex
}

/** Options of `renderTerraform`. */
export type TerraformRenderOptions = DiagnosticDetailOption & {
  /** Directory of the module in the output, POSIX, relative. Default `terraform`. */
  directory?: string
  /** Name of the rule collection group. Default `aml-egress`. */
  ruleCollectionGroupName?: string
  /** Default of `var.base_priority`, the priority of the (first) rule collection group. Default 500. */
  basePriority?: number
  /** Default of `var.nsg_base_priority`, the first NSG rule priority. Default 1000. */
  nsgBasePriority?: number
  /**
   * The firewall policy has DNS proxy on, so exact hosts on non-HTTP ports become network-rule
   * FQDNs. Default true (with a DNS_PROXY_REQUIRED diagnostic); false uses service tags.
   */
  dnsProxy?: boolean
  /**
   * Serialised bytes per rule collection group before a split. Default 1,000,000: the 1 MB limit
   * of policies created before July 2022; newer policies allow 2 MB (2,000,000).
   */
  maxGroupBytes?: number
}
