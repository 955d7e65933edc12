import type { FileReference, RenderedFile } from '@aml-egress/core'

/** Terraform loads these from the root module's directory without being asked (in this order). */
const AUTO_LOADED = [
  'terraform.tfvars',
  'terraform.tfvars.json',
  '*.auto.tfvars',
  '*.auto.tfvars.json',
]

/**
 * The variable files `terraform plan` loads by itself from the directory of each given `.tf`
 * file: `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars` and `*.auto.tfvars.json`.
 * Each is optional. A caller with a disk reads them so that their values, not the defaults,
 * decide the verdicts.
 * @example terraformReferences([{ path: 'infra/main.tf', contents }]) // infra/terraform.tfvars, …
 */
export function terraformReferences(files: readonly RenderedFile[]): FileReference[] {
  const directories = new Set<string>()
  for (const file of files)
    if (file.path.endsWith('.tf') || file.path.endsWith('.tf.json')) {
      const slash = file.path.lastIndexOf('/')
      directories.add(slash === -1 ? '' : file.path.slice(0, slash + 1))
    }
  return [...directories].flatMap((directory) =>
    AUTO_LOADED.map((name) => ({ path: `${directory}${name}`, required: false })),
  )
}
