/**
 * `@aml-egress/core/environment-files`: reading the package sources your environment files name
 * (requirements files, conda environments, `pyproject.toml`, `pixi.toml`, `Pipfile`), for
 * `resolvePlan`'s `environmentFiles`, and the documented hosts behind well-known sources. A
 * separate entry so that resolving and rendering do not ship the parsers; the scans' types
 * (`EnvironmentFileScan`, …) are in the main entry, next to `resolvePlan`.
 * @module
 */
export { parseEnvironmentFile } from './packageIndexes/environmentFiles'
export { environmentFileKind } from './packageIndexes/fileKinds'
export { type DocumentedHosts, packageSourceHosts } from './packageIndexes/hosts'
export { type PackageHost, packageIndexHosts } from './packageIndexes/packageHosts'
