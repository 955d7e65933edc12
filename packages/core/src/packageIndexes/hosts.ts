/**
 * The documented hosts behind well-known Python package sources: what a name in an environment
 * file (a conda channel name, PyPI as the default index) stands for, and the file host an index
 * hands downloads to. Nothing here is inferred from traffic: each entry cites where it is written.
 * A host not listed is taken from its URL as written, and nothing is added to it.
 */

/** A package source's hosts, with where that is documented. */
export type DocumentedHosts = {
  hosts: readonly string[]
  /** The pages that say so. */
  sources: readonly string[]
}

/**
 * PyPI, pip's default index (`--index-url` defaults to `https://pypi.org/simple`): the index on
 * pypi.org, its files on files.pythonhosted.org (the Simple and JSON APIs link every file there;
 * the catalog's decision D10 allows `*.pythonhosted.org` for the same reason).
 */
export const pypiHosts: DocumentedHosts = {
  hosts: ['pypi.org', 'files.pythonhosted.org'],
  sources: [
    'https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-i',
    'https://docs.pypi.org/api/',
    'aml-egress decision D10',
  ],
}

/**
 * conda's `defaults` channel: `default_channels`, which Anaconda's installers set to
 * repo.anaconda.com (`pkgs/main`, `pkgs/r`, and `pkgs/msys2` on Windows).
 */
export const condaDefaultsHosts: DocumentedHosts = {
  hosts: ['repo.anaconda.com'],
  sources: [
    'https://www.anaconda.com/docs/getting-started/working-with-conda/reference/default-channels',
    'https://docs.conda.io/projects/conda/en/latest/user-guide/configuration/settings.html#default-channels-default-channels',
  ],
}

/**
 * A conda channel given by name (`conda-forge`, `pytorch`, `nvidia`, `bioconda`,
 * `conda-forge/label/dev`): `channel_alias` + name, and `channel_alias` defaults to
 * https://conda.anaconda.org.
 */
export const condaChannelAliasHosts: DocumentedHosts = {
  hosts: ['conda.anaconda.org'],
  sources: [
    'https://docs.conda.io/projects/conda/en/latest/user-guide/configuration/settings.html#channel-alias-channel-alias',
  ],
}

/** Index hosts that serve their files from another host, where the index documents it. */
export const indexFileHosts: Readonly<Record<string, DocumentedHosts>> = {
  'pypi.org': { hosts: ['files.pythonhosted.org'], sources: pypiHosts.sources },
}

/** The whole documented mapping, for docs and tools: what each name stands for. */
export const packageSourceHosts = {
  pypi: pypiHosts,
  condaDefaults: condaDefaultsHosts,
  condaChannelAlias: condaChannelAliasHosts,
  indexFiles: indexFileHosts,
} as const

/** Default port of each URL scheme a package source can use. */
export const schemePorts: Readonly<Record<string, number>> = {
  'https:': 443,
  'http:': 80,
  'ssh:': 22,
  'git:': 9418,
}
