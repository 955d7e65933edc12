import { loadFormats, type RegisteredFormat } from '@aml-egress/cli'

/** Every format the CLI registers, rendered with default options: the full plan each time. */
export const formats: readonly RegisteredFormat[] = await loadFormats()
