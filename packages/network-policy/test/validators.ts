import type { RenderedFile } from '@aml-egress/core'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { NetworkPolicy as NetworkPolicyModel } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { parseAllDocuments } from 'yaml'
import ciliumSchema from '../schemas/cilium.io-ciliumnetworkpolicy_v2.nodesc.schema.json'
import networkPolicySchema from '../schemas/k8s-networkpolicy-v1.strict.schema.json'

const ajv = new Ajv({ allErrors: true, strict: false })
addFormats(ajv)
// The Cilium CRD uses OpenAPI formats; the recipe registers them as permissive.
for (const format of ['cidr', 'int32', 'idn-hostname']) ajv.addFormat(format, true)
const validateNetworkPolicySchema = ajv.compile(networkPolicySchema)
const validateCiliumSchema = ajv.compile(ciliumSchema)

/** Every YAML document of the files, as plain objects. */
export function documentsOf(files: readonly RenderedFile[]): Record<string, unknown>[] {
  return files.flatMap((file) =>
    parseAllDocuments(file.contents).map((document) => {
      if (document.errors.length > 0)
        throw new Error(`${file.path}: ${document.errors[0]?.message}`)
      return document.toJS() as Record<string, unknown>
    }),
  )
}

/** Problems of one document: strict schema (ajv) and kubernetes-models, or the Cilium CRD. */
export function schemaProblems(document: Record<string, unknown>): string[] {
  if (document.kind === 'NetworkPolicy') {
    const problems = validateNetworkPolicySchema(document)
      ? []
      : (validateNetworkPolicySchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
    try {
      new NetworkPolicyModel(document).validate()
    } catch (error) {
      problems.push(`kubernetes-models: ${String(error)}`)
    }
    return problems
  }
  if (document.kind === 'CiliumNetworkPolicy')
    return validateCiliumSchema(document)
      ? []
      : (validateCiliumSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
  return [`unexpected kind ${String(document.kind)}`]
}
