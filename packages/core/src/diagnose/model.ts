/**
 * The types of `diagnose`: what a deny-log reader hands over (one normalised denied flow per
 * record), and what the classifier reports. Readers live in the package of the engine that writes
 * the log (Squid access.log in @aml-egress/squid, …); core holds the contract, the aggregation and
 * the classification, and does no I/O.
 */

/** Transport of a denied flow, as logs name it. */
export type LogProtocol = 'TCP' | 'UDP' | 'ICMP'

/** Kubernetes pod identity as flow logs carry it: namespace and labels. */
export type LogPod = { namespace: string; labels: Readonly<Record<string, string>> }

/** Where a denied flow went, as far as the log says. */
export type LogDestination =
  | { kind: 'host'; host: string }
  | { kind: 'address'; address: string }
  | ({ kind: 'pod' } & LogPod)
  | { kind: 'apiServer'; address?: string | undefined }

/** One denied flow, normalised from one log record. */
export type DeniedRecord = {
  /** Milliseconds since the epoch (UTC); undefined when the record has no readable time. */
  time: number | undefined
  /** Client address (IPv4 or IPv6), when the log names it. */
  source: string | undefined
  /** The client pod, for Kubernetes flow logs. */
  sourcePod?: LogPod | undefined
  destination: LogDestination
  /** Destination port; undefined for ICMP and for denials that name only a host (a DNS-proxy drop). */
  port: number | undefined
  protocol: LogProtocol
}

/** Where a reader sends what it reads, record by record (no record is kept). */
export type LogSink = {
  /** A denied flow. */
  denied(record: DeniedRecord): void
  /** A well-formed record that is not a deny: allowed traffic, other categories, other tables. */
  ignored(): void
  /** A record the reader could not parse: `at` is its line (or record) number, 1-based. */
  malformed(at: number, text: string, reason: string): void
}

/** Text or bytes (UTF-8), in order: a file or stream, already decompressed. */
export type LogChunks = AsyncIterable<string | Uint8Array>

/**
 * A reader of one log family, implemented by the package that owns the engine. `detect` sees the
 * first bytes of a file as text; `read` streams the whole file into the sink and never throws for
 * bad records (they go to `malformed`).
 */
export type LogReader = {
  /** CLI name for `--input-format`, e.g. `squid`. */
  name: string
  /** Human title, e.g. `Squid access.log (squid, common, combined)`. */
  title: string
  /** The format whose renderer writes the fix for a flow this engine denied (`squid`). */
  fixFormat: string
  /** When that format writes several files, the one that carries the rule (a path it renders). */
  fixFile?: string
  /** Does this text (the start of a file) look like this family? */
  detect(head: string): boolean
  /** Streams the whole log into the sink, record by record. */
  read(chunks: LogChunks, sink: LogSink): Promise<void>
}

/** What a denied flow is for this profile. */
export type Classification = 'required' | 'aml-not-in-profile' | 'unrelated'

/** A profile setting that would add a catalog requirement the profile does not select. */
export type ProfileChange = {
  requirementId: string
  /** Each setting the requirement needs that the profile lacks, e.g. `features.vscode`. */
  settings: string[]
}

/** One aggregated denied flow (destination × port × protocol) and what it means. */
export type DiagnosedFlow = {
  /** The log family it was read from (`squid`, `azure-firewall`, …). */
  log: string
  /** Host name, IP address, `pod:<namespace>/<labels>` or `apiserver`. */
  destination: string
  port: number | null
  protocol: LogProtocol
  /** Denied records of this flow. */
  count: number
  /** ISO 8601 UTC; null when no record had a readable time. */
  firstSeen: string | null
  lastSeen: string | null
  /** Distinct sources, sorted (at most `sourceLimit`; `sourceCount` is the full count). */
  sources: string[]
  sourceCount: number
  classification: Classification
  /** Catalog requirements behind the flow: the plan's (required) or the catalog's (not in profile). */
  requirementIds: string[]
  scenarios: string[]
  /** Doc page and section of each requirement: `path § section`. */
  sections: string[]
  /** Plan rules that allow the flow (required). */
  ruleIds: string[]
  /** For `aml-not-in-profile`: what would add each requirement to the profile. */
  profileChanges: ProfileChange[]
  /** Service tags whose prefixes contain an address destination (with a service-tags file). */
  serviceTags: string[]
  /** The rule that fixes it, in the engine's own syntax: the renderer's output for those rules. */
  fix: string | null
  /** The format that rendered `fix`. */
  fixFormat: string | null
  /** One sentence more, when something limits the answer (no tag file, source outside the plan). */
  note: string | null
}

/** Per input file: what its reader saw. */
export type DiagnosedFile = {
  path: string
  /** Reader name. */
  format: string
  records: number
  denied: number
  ignored: number
  malformed: number
}

/** A malformed record, for the report (the first few per file). */
export type MalformedRecord = { path: string; at: number; reason: string; text: string }

/** `diagnose`'s report: also the stable `--json` shape. */
export type DiagnoseReport = {
  flows: DiagnosedFlow[]
  summary: {
    flows: number
    required: number
    amlNotInProfile: number
    unrelated: number
    /** Denied records counted into flows (after the time and source filters). */
    deniedRecords: number
    /** Denied records left out by `--since`, `--until` or `--source`. */
    filteredOut: number
    ignoredRecords: number
    malformedRecords: number
    files: DiagnosedFile[]
    malformed: MalformedRecord[]
    catalog: { version: string; docDate: string }
  }
}
