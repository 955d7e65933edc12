import * as z from 'zod'

/**
 * The shape of the reference compilation of Microsoft's docs (`aml-requirements.json`,
 * schemaVersion 1). Only what the importer reads is modelled; unknown fields pass through.
 */
const ReferenceSourceSchema = z.object({
  repo: z.string(),
  path: z.string(),
  commit: z.string().nullable(),
  msDate: z.string(),
  section: z.string(),
})

const PortValueSchema = z.union([z.number().int(), z.string()])

export const ReferenceRecordSchema = z.looseObject({
  id: z.string(),
  scenario: z.string(),
  description: z.string(),
  direction: z.enum(['outbound', 'inbound', 'inCluster', 'unspecified']),
  kind: z.enum([
    'fqdn',
    'serviceTag',
    'inCluster',
    'privateEndpoint',
    'serviceEndpointPolicy',
    'portConstraint',
    'ip',
  ]),
  value: z.string(),
  ports: z.array(PortValueSchema),
  portsStated: z.boolean(),
  protocol: z.enum(['TCP', 'UDP', 'ANY', 'TCP/UDP', 'unspecified']),
  appliesTo: z.object({
    training: z.boolean(),
    inference: z.boolean(),
    computeKinds: z.array(z.string()),
  }),
  cloud: z.enum(['public', 'usgov', 'china', 'all']),
  condition: z.string(),
  requirement: z.enum(['required', 'conditional', 'recommended', 'informational']),
  status: z.enum(['current', 'historical', 'conflicting']),
  placeholders: z.array(z.string()),
  azureFirewallRuleType: z.enum(['application', 'network']).nullable(),
  externalPrerequisite: z.boolean(),
  source: ReferenceSourceSchema,
  alsoListedIn: z.array(ReferenceSourceSchema).optional(),
  note: z.string().optional(),
  docLabel: z.string().optional(),
  host: z.string().optional(),
  urlPath: z.string().optional(),
  notNeededIn: z.array(z.string()).optional(),
  routing: z.looseObject({ type: z.string(), addressPrefix: z.string().optional() }).optional(),
  inCluster: z
    .object({
      from: z.record(z.string(), z.string()),
      to: z.record(z.string(), z.string()),
    })
    .optional(),
  inbound: z.looseObject({ source: z.string() }).optional(),
})
export type ReferenceRecord = z.infer<typeof ReferenceRecordSchema>

export const ReferenceDocumentSchema = z.looseObject({
  schemaVersion: z.literal(1),
  records: z.array(ReferenceRecordSchema),
})
export type ReferenceDocument = z.infer<typeof ReferenceDocumentSchema>
