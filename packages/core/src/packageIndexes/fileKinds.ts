import type { EnvironmentFileKind } from './scan'

/** The file names aml-egress reads, by kind, for messages. */
export const environmentFileNames =
  'a requirements file (*.txt, *.in), a conda environment (*.yml, *.yaml), pyproject.toml, pixi.toml or Pipfile'

/**
 * The kind of an environment file, from its name: `requirements*.txt` and any `*.txt`/`*.in` are
 * requirements files, `*.yml`/`*.yaml` conda environments; `pyproject.toml`, `pixi.toml`, `Pipfile`.
 */
export function environmentFileKind(path: string): EnvironmentFileKind | undefined {
  const name = path.split(/[/\\]/).at(-1) ?? ''
  if (name === 'Pipfile') return 'pipfile'
  if (name === 'pyproject.toml') return 'pyproject'
  if (name === 'pixi.toml') return 'pixi'
  if (/\.(txt|in)$/i.test(name)) return 'requirements'
  if (/\.ya?ml$/i.test(name)) return 'conda'
  return undefined
}
