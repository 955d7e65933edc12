import * as z from 'zod'
import { hasControlCharacters } from '../extraRequirements'
import { environmentFileKind, environmentFileNames } from './fileKinds'

/** A path to an environment file, relative to the profile (or absolute). */
const EnvironmentFilePathSchema = z
  .string()
  .min(1, 'a file path, e.g. environment.yml')
  .max(1024, 'at most 1024 characters')
  .refine((path) => !hasControlCharacters(path), 'a file path without control characters')
  .refine((path) => environmentFileKind(path) !== undefined, {
    message: `must be ${environmentFileNames}`,
  })

/**
 * `features.pythonPackages`: `false`, `true` (the generic list of the docs), or the environment
 * files whose package sources to allow instead: `{ from: [environment.yml, requirements.txt] }`.
 */
export const PythonPackagesSchema = z
  .union(
    [
      z.boolean(),
      z.strictObject({
        /** Environment files, relative to the profile: their package sources replace the generic list. */
        from: z
          .array(EnvironmentFilePathSchema)
          .min(1, 'list your environment files, e.g. [environment.yml]'),
      }),
    ],
    {
      error:
        'must be true, false or { from: [your environment files] }, e.g. { from: [environment.yml] }',
    },
  )
  .default(false)

/** `features.pythonPackages` after validation. */
export type PythonPackages = z.infer<typeof PythonPackagesSchema>

/** The environment files a profile names in `features.pythonPackages.from` (none for a boolean). */
export function environmentFilesOf(pythonPackages: PythonPackages): readonly string[] {
  return typeof pythonPackages === 'object' ? pythonPackages.from : []
}
