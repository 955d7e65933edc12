import * as z from 'zod'
import type { CustomRequirement } from './catalog/schema'
import { DiagnosticSchema } from './diagnostics'
import { FlowProtocolSchema, PortRangeSchema, ProtocolSchema } from './ports'
import type { ReadonlyDeep } from './readonly'

/** Kubernetes labels, `key: value`. */
export const LabelsSchema = z.record(z.string(), z.string())

/**
 * One side of a rule. `addresses` are IPv4 CIDRs; `pods` select pods by namespace name and labels
 * (`podLabels: {}` selects every pod of those namespaces); `apiServer` is the Kubernetes API server,
 * whose addresses come from the profile (empty when unknown).
 */
export const RuleEndpointSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('fqdn'),
    /** Exact host (`ml.azure.com`) or leading wildcard (`*.blob.core.windows.net`), lower case. */
    fqdn: z.string(),
    /** A URL path the docs name under this host; only a TLS-inspecting proxy can filter on it. */
    urlPath: z.string().optional(),
  }),
  z.object({
    kind: z.literal('serviceTag'),
    /** Service tag as Azure spells it, regional where the docs ask (`Storage.WestEurope`). */
    tag: z.string(),
  }),
  z.object({ kind: z.literal('addresses'), addresses: z.array(z.string()) }),
  z.object({
    kind: z.literal('pods'),
    /** Namespace names (matched through the `kubernetes.io/metadata.name` label). */
    namespaces: z.array(z.string()),
    podLabels: LabelsSchema,
  }),
  z.object({ kind: z.literal('apiServer'), addresses: z.array(z.string()) }),
])
/** One side of a plan rule: host pattern, service tag, addresses, pods or API server. */
export type RuleEndpoint = ReadonlyDeep<z.infer<typeof RuleEndpointSchema>>

export const RuleDirectionSchema = z.enum(['outbound', 'inbound', 'inCluster'])
/** Direction of a rule: `outbound`, `inbound` or `inCluster`. */
export type RuleDirection = z.infer<typeof RuleDirectionSchema>

export const LevelSchema = z.enum(['required', 'conditional', 'recommended', 'informational'])
/** How strongly the docs ask for a rule: required, conditional, recommended or informational. */
export type Level = z.infer<typeof LevelSchema>

/** Why a rule deserves care, e.g. a destination that also reaches other tenants' data. */
export const RiskSchema = z.object({
  code: z.enum(['exfiltration', 'broad-wildcard', 'unresolved-address']),
  message: z.string(),
})
/** Why a rule deserves care (exfiltration, broad wildcard, unresolved address). */
export type Risk = z.infer<typeof RiskSchema>

/** One concrete, normalised rule of a plan. */
export const PlanRuleSchema = z.object({
  /** Stable identity: direction, protocol, source and destination. Ports are merged into it. */
  id: z.string(),
  direction: RuleDirectionSchema,
  source: RuleEndpointSchema,
  destination: RuleEndpointSchema,
  protocol: ProtocolSchema,
  /** Destination ports; empty means every port. */
  ports: z.array(PortRangeSchema),
  /** Set when the docs reach this host with HTTP(S) on 80/443, which decides firewall rule types. */
  applicationProtocols: z.array(z.enum(['Http', 'Https'])),
  /** WebSocket upgrade must pass (Jupyter on `*.instances.azureml.ms`, Arc's `*.servicebus.*`). */
  websocket: z.boolean(),
  /** The strongest level of the requirements behind this rule. */
  level: LevelSchema,
  /**
   * The documented service-tag equivalents of a host rule (one per region for a fleet), for targets
   * that cannot express the host on this protocol and port (e.g. a wildcard on UDP). Using them
   * widens the rule: say so. Empty when the docs give no equivalent.
   */
  serviceTagFallbacks: z.array(z.string()),
  /** Catalog requirement ids behind this rule, sorted. */
  requirementIds: z.array(z.string()),
  /** Catalog scenarios behind this rule, sorted. */
  scenarios: z.array(z.string()),
  /** Ids of the workspaces that need this rule; empty for estate-wide needs. */
  workspaces: z.array(z.string()),
  risks: z.array(RiskSchema),
  /** Narrower hosts that this rule covers and that were folded into it, with their requirements. */
  subsumes: z.array(z.object({ fqdn: z.string(), requirementIds: z.array(z.string()) })),
})
/** One normalised rule of a plan. */
export type PlanRule = ReadonlyDeep<z.infer<typeof PlanRuleSchema>>

/**
 * The resolved, normalised set of rules for one profile. Formats only ever see plans. Read-only:
 * rules share equal lists (a requirement's ids, a region's fallback tags), so editing one rule's
 * list would change others; copy a rule before changing it.
 */
export const PlanSchema = z.object({
  catalog: z.object({ version: z.string(), docDate: z.string() }),
  cloud: z.enum(['public', 'usgov', 'china']),
  /** How destinations were chosen where the docs offer both forms. */
  destinationStyle: z.enum(['hosts', 'serviceTags']),
  sourceAddresses: z.array(z.string()),
  rules: z.array(PlanRuleSchema),
  /**
   * Things the docs require that are not firewall rules (private endpoints, routes, policies), and
   * what the resolver left out (a service tag the cloud does not publish, a host not documented).
   */
  advisories: z.array(DiagnosticSchema),
  /** The published service-tags file whose names the plan's tags were checked against. */
  serviceTags: z
    .object({
      file: z.string(),
      date: z.string().optional(),
      changeNumber: z.number().optional(),
      bundled: z.boolean(),
    })
    .optional(),
  /**
   * The requirements of your own the rules name (the profile's `extraRequirements`, package
   * index hosts from environment files), so that a plan explains every id it uses; absent when
   * there are none. Catalog ids are looked up with `findRequirement`, or both with `planRequirement`.
   */
  customRequirements: z
    .array(
      // Checked by CustomRequirementSchema where they are made; a plan only carries them.
      z.custom<CustomRequirement>(
        (value) => typeof value === 'object' && value !== null && 'provenance' in value,
      ),
    )
    .optional(),
})
/** The normalised rules a profile needs; what every format renders. */
export type Plan = ReadonlyDeep<z.infer<typeof PlanSchema>>

/** One end of a concrete flow. */
export const FlowEndpointSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('host'),
    host: z.string(),
    /** Service tags whose address ranges contain this host, for tag-based evaluators. */
    serviceTags: z.array(z.string()).default([]),
  }),
  z.object({ kind: z.literal('serviceTag'), tag: z.string() }),
  z.object({ kind: z.literal('address'), address: z.string() }),
  z.object({ kind: z.literal('pod'), namespace: z.string(), labels: LabelsSchema }),
  z.object({ kind: z.literal('apiServer'), address: z.string().optional() }),
])
/** One end of a flow: a host, service tag, address, pod or the API server. */
export type FlowEndpoint = z.input<typeof FlowEndpointSchema>

/** One connection: what scenarios assert, what readers answer about, what `check` reports. */
export const FlowSchema = z.object({
  direction: RuleDirectionSchema,
  source: FlowEndpointSchema,
  destination: FlowEndpointSchema,
  protocol: FlowProtocolSchema,
  port: z.number().int().min(1).max(65535),
})
/** One concrete connection: direction, both ends, protocol and port. */
export type Flow = z.input<typeof FlowSchema>

/** A flow derived from a plan rule, with the rule it proves. */
export type PlanFlow = Flow & { ruleId: string; level: Level; requirementIds: readonly string[] }
