import type { RenderedFile } from '@aml-egress/core'
import type { Failure } from '../src/properties'

type InjectionCheck = (files: readonly RenderedFile[]) => Failure[]

const YAML_TOP_LINE = /^(apiVersion|kind|metadata|spec):/

/** Lines of every file that match `foreign`, as failures naming the format and file. */
function foreignLines(input: {
  format: string
  files: readonly RenderedFile[]
  what: string
  foreign: (line: string) => boolean
}): Failure[] {
  return input.files.flatMap((file) =>
    file.contents
      .split('\n')
      .filter(input.foreign)
      .map((line) => `${input.format}: ${file.path}: ${input.what}: ${line}`),
  )
}

/** A line at column 0 is a top-level key of a YAML document: only a Kubernetes object's. */
const kubernetesYaml =
  (format: string): InjectionCheck =>
  (files) =>
    foreignLines({
      format,
      files,
      what: 'unexpected top-level YAML line',
      foreign: (line) => /^[^\s#-]/.test(line) && !YAML_TOP_LINE.test(line),
    })

/**
 * The lines a managed-network rule set script is made of: comments, the `rule_set` function of
 * `az ml` commands, and the loop over the list with a `case` branch per workspace id.
 */
const MANAGED_NETWORK_SCRIPT_LINES = [
  /^\s*(#|$)/,
  /^(set -eu|rule_set\(\) \{|\}|done 3<&0 <\/dev\/null)$/,
  /^while read -r id name group _ <&3 \|\| \[ -n "\$id" \]; do$/,
  /^ {2}(case \$id in|esac|'' \| '#'\*\) ;;|\*\) rule_set "\$name" "\$group" ;;)$/,
  /^ {2}: "\$\{2:\?/,
  /^ +az ml workspace (update|outbound-rule set) /,
  /^ +--rule '/,
  /^ {2}'[0-9A-Za-z-]+'\)( rule_set "\$name" "\$group" ;;)?$/,
  /^ {4}(rule_set "\$name" "\$group"|;;)$/,
]

/**
 * Syntax a profile value could only have reached the output by injection, by format: a squid
 * `http_access allow` line that is not ours (`http_access allow all`), a Terraform template
 * sequence (`${`, `%{`; the renderer writes none), a YAML document with keys beyond a Kubernetes
 * object's; for aml-managed-network, a script or YAML line it does not write. A format without an entry is fuzzed without this check.
 */
export const injectionChecks: Readonly<Record<string, InjectionCheck>> = {
  squid: (files) =>
    foreignLines({
      format: 'squid',
      files,
      what: 'foreign http_access line',
      foreign: (line) =>
        /^\s*http_access\s+allow\b/.test(line) &&
        !/^http_access allow aml_egress_sources /.test(line),
    }),
  terraform: (files) =>
    files
      .filter((file) => /\$\{|%\{/.test(file.contents))
      .map((file) => `terraform: ${file.path}: a template sequence (\${ or %{) reached the HCL`),
  'network-policy': kubernetesYaml('network-policy'),
  'aml-managed-network': (files) => [
    ...files
      .filter((file) => file.path.endsWith('.tf') && /\$\{|%\{/.test(file.contents))
      .map((file) => `aml-managed-network: ${file.path}: a template sequence reached the HCL`),
    ...foreignLines({
      format: 'aml-managed-network',
      files: files.filter((file) => file.path.endsWith('.sh')),
      what: 'a script line the renderer does not write',
      foreign: (line) => !MANAGED_NETWORK_SCRIPT_LINES.some((pattern) => pattern.test(line)),
    }),
    ...foreignLines({
      format: 'aml-managed-network',
      files: files.filter((file) => file.path.endsWith('.yaml')),
      what: 'unexpected top-level YAML line',
      foreign: (line) => /^[^\s#]/.test(line) && line !== 'managed_network:',
    }),
  ],
  cilium: kubernetesYaml('cilium'),
}
