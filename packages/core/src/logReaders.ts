/**
 * `@aml-egress/core/log-readers`: what a deny-log reader is built from — the reader contract
 * (`LogReader`, the `DeniedRecord` it sends to a `LogSink`) and the streaming splitters that never
 * keep more than a line or a record. The format packages' readers use it; classifying what they
 * read is `@aml-egress/core/diagnose`. A separate entry so that rendering loads neither.
 * @module
 */
export { forEachJsonRecord, type JsonRecordSink, peekFirstLine, readJsonLog } from './diagnose/json'
export type {
  DeniedRecord,
  LogChunks,
  LogDestination,
  LogPod,
  LogProtocol,
  LogReader,
  LogSink,
} from './diagnose/model'
export {
  completeUtf8Length,
  decodeChunks,
  forEachLine,
  MAX_LINE_LENGTH,
  parseCsvLine,
} from './diagnose/text'
