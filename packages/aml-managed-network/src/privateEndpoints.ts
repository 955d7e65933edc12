import { createDiagnostic, type Diagnostic } from '@aml-egress/core'
import { FORMAT_NAME } from './descriptor'

/** Storage account names: 3 to 24 lower-case letters and digits. */
const ACCOUNT = /^[a-z0-9]{3,24}$/
/** A storage account's ARM resource ID; the last group is the account name. */
const STORAGE_ID =
  /^\/subscriptions\/[0-9A-Fa-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Storage\/storageAccounts\/([a-z0-9]{3,24})$/i

/** The valid entries of the `privateEndpoints` option, and an error for each invalid one. */
export type PrivateEndpointTargets = {
  byAccount: ReadonlyMap<string, string>
  diagnostics: Diagnostic[]
}

function invalid(path: string, message: string): Diagnostic {
  return createDiagnostic({
    code: 'AML_EGRESS_INVALID_INPUT',
    message,
    format: FORMAT_NAME,
    path: ['privateEndpoints', path],
    help: 'privateEndpoints maps a storage account name to its resource ID: { "contosodata": "/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/contosodata" }',
  })
}

/**
 * Checks the `privateEndpoints` option (JSON from a file, so anything): each key a storage
 * account name, each value that account's resource ID. Invalid entries are left out with an error.
 * @example privateEndpointTargets({ contosodata: '/subscriptions/…/storageAccounts/contosodata' })
 */
export function privateEndpointTargets(input: unknown): PrivateEndpointTargets {
  const byAccount = new Map<string, string>()
  const diagnostics: Diagnostic[] = []
  if (input === undefined) return { byAccount, diagnostics }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { byAccount, diagnostics: [invalid('', 'privateEndpoints must be a JSON object')] }
  for (const [account, id] of Object.entries(input)) {
    const match = typeof id === 'string' ? STORAGE_ID.exec(id) : null
    if (!ACCOUNT.test(account))
      diagnostics.push(
        invalid(
          account,
          `'${account}' is not a storage account name (3-24 lower-case letters and digits)`,
        ),
      )
    else if (!match || match[1]?.toLowerCase() !== account)
      diagnostics.push(
        invalid(
          account,
          `privateEndpoints.${account} must be the resource ID of storage account ${account}`,
        ),
      )
    else byAccount.set(account, id as string)
  }
  return { byAccount, diagnostics }
}
