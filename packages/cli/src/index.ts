// The CLI's programmatic API: run the whole CLI, or one command's function with an injected Io.
export {
  type CheckCommandOptions,
  type CheckedFlow,
  type CheckReport,
  type FlowStatus,
  formatCheckMarkdown,
  formatCheckReport,
  runCheck,
} from './commands/check'
export { type CompareCommandOptions, type CompareReport, runCompare } from './commands/compare'
export {
  type DiagnoseCommandOptions,
  parseTimeFlag,
  runDiagnose,
  serviceTagIndexFromFile,
} from './commands/diagnose'
export { type ExplainCommandOptions, type Explanation, runExplain } from './commands/explain'
export { type InitCommandOptions, runInit, starterProfile } from './commands/init'
export { type ListCommandOptions, runList } from './commands/list'
export { type ProbeCommandOptions, type ProbeNetwork, runProbe } from './commands/probe'
export { type RenderCommandOptions, runRender } from './commands/render'
export { formatDiagnoseMarkdown, formatDiagnoseText } from './diagnoseOutput'
export {
  environmentFileLimit,
  includeDepthLimit,
  readEnvironmentFiles,
} from './environmentFiles'
export { type FormatFlags, renderOptionsFor } from './formatOptions'
export { type EntryKind, type FileBatch, type FileChange, type Io, nodeIo } from './io'
export { type OpenedLog, openLog } from './logFiles'
export { cliVersion, runCli, versionLine } from './main'
export { loadProfile, loadProfileFile } from './profile'
export {
  type FormatRegistry,
  formatNames,
  formatRegistry,
  type LogReaderRegistry,
  loadFormats,
  loadLogReaders,
  logReaderRegistry,
  type RegisteredFormat,
  type RenderOptionValues,
} from './registry'
