import { loadFormats } from '@aml-egress/cli'
import type { FuzzedFormat } from '../src/properties'
import { injectionChecks } from './injection'

/** Every format of the CLI's registry, with the injection check of its syntax where one exists. */
export async function loadFuzzedFormats(): Promise<FuzzedFormat[]> {
  return (await loadFormats()).map((format) => ({
    ...format,
    injected: injectionChecks[format.name],
  }))
}
