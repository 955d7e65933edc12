export type {
  ConnectFn,
  ConnectStep,
  DnsStep,
  NotProbed,
  ProbeOptions,
  ProbeProgress,
  ProbeReport,
  ProbeResult,
  ProbeStatus,
  ProbeSummary,
  ProbeTarget,
  ResolveFn,
  StepFailure,
  TlsHandshakeFn,
  TlsStep,
  TlsVerifyOptions,
} from './model'
export {
  type CodedError,
  codedError,
  errorCode,
  nodeConnect,
  nodeHandshake,
  nodeResolve,
  withTimeout,
} from './net'
export {
  isCertificateError,
  PROBE_DEFAULTS,
  PROXIED_PORTS,
  probeHint,
  probePlan,
} from './probe'
export {
  PROXY_NO_ANSWER,
  type ProxyAddress,
  type ProxyResponse,
  parseProxyUrl,
  proxyRequest,
} from './proxy'
export { HTTPS_PORT, probeTargets, targetHost } from './targets'
