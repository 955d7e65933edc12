// The command lines `--help` and `init` show, in one place: the only CLI text that names formats
// besides the registry (a new format needs no example to be listed, flagged and checked).

/** The profile file name every example uses. */
const profile = 'aml-egress.yaml'

/** The first command to run after writing a profile. */
export function firstRender(profilePath: string = profile): string {
  return `aml-egress render --profile ${profilePath} --format azure-firewall --out out`
}

/** EXAMPLES of `aml-egress --help`. */
export const rootExamples: readonly string[] = [
  'aml-egress init --compute computeInstance,computeCluster --region westeurope',
  firstRender(),
  `aml-egress check --profile ${profile} --format squid /etc/squid/squid.conf`,
  'aml-egress explain pypi.org',
  `aml-egress probe --profile ${profile} --proxy http://10.0.0.4:3128`,
  `aml-egress compare --profile ${profile} dependencies.json`,
  `aml-egress diagnose --profile ${profile} /var/log/squid/access.log`,
]

/** EXAMPLES of `aml-egress render --help`. */
export const renderExamples: readonly string[] = [
  firstRender(),
  `aml-egress render -p ${profile} -f squid --mode standalone -o /etc/squid/conf.d`,
  `aml-egress render -p ${profile} -f network-policy --service-tags ServiceTags_Public.json -o out`,
  `aml-egress render -p ${profile} -f all -o out --check   # CI: fail when out/ is stale`,
]

/** EXAMPLES of `aml-egress check --help`. */
export const checkExamples: readonly string[] = [
  `aml-egress check --profile ${profile} --format squid /etc/squid/squid.conf`,
  `aml-egress check -p ${profile} -f azure-firewall policy.json --output markdown`,
  `aml-egress check -p ${profile} -f terraform main.tf variables.tf --json`,
]
