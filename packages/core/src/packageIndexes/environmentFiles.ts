import { scanCondaEnvironment } from './conda'
import { environmentFileKind } from './fileKinds'
import { scanRequirementsTxt } from './requirementsTxt'
import type { EnvironmentFileKind, EnvironmentFileScan } from './scan'
import { scanPipfile, scanPixiManifest, scanPyproject } from './toml'

/**
 * Reads the package sources an environment file names, from its text (no I/O: `-r` includes are
 * listed in `includes` for the caller to read, bounded). Never holds credentials; lines it does not
 * understand are diagnostics with file and line, and add no host.
 * @example parseEnvironmentFile({ path: 'requirements.txt', text: '--index-url https://pypi.contoso.com/simple\nnumpy\n' })
 */
export function parseEnvironmentFile(input: {
  path: string
  text: string
  /** The file named in the profile that included this one (`-r`); default: this file. */
  root?: string
  /** Read as this kind whatever the name (an included file is always a requirements file). */
  kind?: EnvironmentFileKind
}): EnvironmentFileScan {
  const kind = input.kind ?? environmentFileKind(input.path) ?? 'requirements'
  switch (kind) {
    case 'requirements':
      return scanRequirementsTxt(input)
    case 'conda':
      return scanCondaEnvironment(input)
    case 'pyproject':
      return scanPyproject(input)
    case 'pixi':
      return scanPixiManifest(input)
    case 'pipfile':
      return scanPipfile(input)
  }
}
