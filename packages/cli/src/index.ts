export { colorsEnabled, createPaint, type Paint, stripAnsi } from './color'
export {
  type CliCommand,
  type CliCommandDefinition,
  type CommandContext,
  commandHelp,
  defineCliCommand,
  parseCommandArgs,
} from './command'
export {
  type CheckCommandOptions,
  type CheckedFlow,
  type CheckReport,
  checkCommand,
  checkConfig,
  type FlowStatus,
  formatCheckMarkdown,
  formatCheckReport,
  missingCapabilities,
  runCheck,
} from './commands/check'
export {
  type CompareCommandOptions,
  type CompareReport,
  compareCommand,
  formatCompareReport,
  runCompare,
} from './commands/compare'
export {
  catalogPatternMatches,
  describeProvenance,
  type ExplainCommandOptions,
  type Explanation,
  explainCommand,
  explainQuery,
  type RequirementMatch,
  runExplain,
} from './commands/explain'
export {
  type InitCommandOptions,
  initCommand,
  runInit,
  STARTER_SCHEMA_PATH,
  starterProfile,
} from './commands/init'
export {
  catalogScenarios,
  describeEndpoint,
  type ListCommandOptions,
  listCommand,
  requirementsMarkdown,
  runList,
} from './commands/list'
export {
  formatProbeReport,
  type ProbeCommandOptions,
  type ProbeNetwork,
  probeCommand,
  runProbe,
} from './commands/probe'
export {
  type FileStatus,
  outputPaths,
  type RenderCommandOptions,
  renderCommand,
  runRender,
  selectFormats,
} from './commands/render'
export { schemaCommand } from './commands/schema'
export { unifiedDiff } from './diff'
export { type DocRow, groupDocRows, portColumn } from './docRows'
export { isProfileError, isUsageError, type ProfileErrorLike, UsageError } from './errors'
export { type Io, nodeIo, writeFileAtomic } from './io'
export { cliVersion, commands, runCli, versionLine } from './main'
export { FOREIGN_STORAGE_ACCOUNT, type OverBroadProbe, overBroadProbes } from './probes'
export { loadProfile } from './profile'
export {
  adaptFormat,
  type CliFormat,
  type CliRenderOptions,
  type FormatRegistry,
  formatNames,
  formatRegistry,
  type OpenedConfig,
} from './registry'
export { suggest } from './suggest'
export { formatTable, markdownCell, markdownTable } from './table'
