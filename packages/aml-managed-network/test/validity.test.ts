import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Plan, parseProfile, type RenderedFile, resolvePlan } from '@aml-egress/core'
import { scenarios } from '@aml-egress/test-matrix'
import { parse as parseHcl } from '@cdktf/hcl2json'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import {
  isValidRuleName,
  type ManagedNetworkRenderOptions,
  renderManagedNetwork,
} from '../src/index'
import { networkSchemaErrors, plan, rule, ruleSchemaErrors, WORKSPACE } from './helpers'

// Validity on top of the matrix: ARM against the ARM schemas (ajv), the YAML parsed back with the
// `yaml` library, the Terraform with HashiCorp's parser, the script run by a real shell with a
// stand-in `az` that prints its arguments. Each shape is read by its own tool, not our reader,
// and the four must say the same rules.

const DATA_ID = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data(eu)/providers/Microsoft.Storage/storageAccounts/contosodata`

/** Every kind of rule the renderer writes: FQDN, service tag (TCP and a UDP fallback), private endpoint. */
const widePlan = plan([
  rule({ id: 'pypi', destination: { kind: 'fqdn', fqdn: 'pypi.org' } }),
  rule({
    id: 'rstudio',
    destination: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
    ports: [{ from: 8787, to: 8787 }],
    scenarios: ['rstudio-on-compute-instance'],
  }),
  rule({
    id: 'udp-host',
    destination: { kind: 'fqdn', fqdn: '*.tundra.westeurope.example.net' },
    protocol: 'UDP',
    ports: [{ from: 5831, to: 5831 }],
    serviceTagFallbacks: ['AzureMachineLearning'],
    scenarios: ['custom'],
  }),
  rule({
    id: 'data-file',
    destination: { kind: 'fqdn', fqdn: 'contosodata.file.core.windows.net' },
    ports: [
      { from: 443, to: 443 },
      { from: 445, to: 445 },
    ],
    requirementIds: ['host-aml-06'],
    scenarios: ['microsoft-hosts-azureml'],
  }),
])
const wideOptions: ManagedNetworkRenderOptions = { privateEndpoints: { contosodata: DATA_ID } }

/**
 * Four workspaces in two regions: rules for all, a mirror per region, and rules one workspace
 * alone needs: a private endpoint to its storage account (B), a UDP service tag rule (C), and
 * the RStudio tag rule on one more port (A), which gives A a rule of the same name as B's, C's
 * and D's with other ports.
 */
const [A, B, C, D] = [1, 2, 3, 4].map((n) => `0000000${n}-0000-4000-8000-00000000000${n}`) as [
  string,
  string,
  string,
  string,
]
const fleetPlan = plan([
  rule({ id: 'pypi', destination: { kind: 'fqdn', fqdn: 'pypi.org' }, workspaces: [] }),
  rule({
    id: 'rstudio',
    destination: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
    ports: [{ from: 8787, to: 8787 }],
    scenarios: ['rstudio-on-compute-instance'],
    workspaces: [],
  }),
  rule({
    id: 'eu',
    destination: { kind: 'fqdn', fqdn: 'eu.mirror.example.com' },
    workspaces: [A, B],
  }),
  rule({
    id: 'us',
    destination: { kind: 'fqdn', fqdn: 'us.mirror.example.com' },
    workspaces: [C, D],
  }),
  rule({
    id: 'data-file',
    destination: { kind: 'fqdn', fqdn: 'contosodata.file.core.windows.net' },
    requirementIds: ['host-aml-06'],
    scenarios: ['microsoft-hosts-azureml'],
    workspaces: [B],
  }),
  rule({
    id: 'udp-host',
    destination: { kind: 'fqdn', fqdn: '*.tundra.eastus.example.net' },
    protocol: 'UDP',
    ports: [{ from: 5831, to: 5831 }],
    serviceTagFallbacks: ['AzureMachineLearning'],
    scenarios: ['custom'],
    workspaces: [C],
  }),
  rule({
    id: 'intellisense',
    destination: { kind: 'serviceTag', tag: 'AzureMachineLearning' },
    ports: [{ from: 18881, to: 18881 }],
    scenarios: ['custom'],
    workspaces: [A],
  }),
])

const cases: { name: string; plan: Plan; options?: ManagedNetworkRenderOptions }[] = [
  ...scenarios.map((scenario) => ({
    name: scenario.id,
    plan: resolvePlan(parseProfile(scenario.profile)),
  })),
  { name: 'every rule type', plan: widePlan, options: wideOptions },
  { name: 'four workspaces with rules of their own', plan: fleetPlan, options: wideOptions },
  {
    name: 'no rule naming a workspace',
    plan: plan([
      rule({ id: 'pypi', destination: { kind: 'fqdn', fqdn: 'pypi.org' }, workspaces: [] }),
    ]),
  },
]

type Json = Record<string, unknown>
/** A rule as every shape can state it, for comparing the shapes. */
type Stated = { name: string; type: string; values: string[] }
/** Each workspace's rules as one shape states them (`*`: every workspace). */
type ByWorkspace = Map<string, Stated[]>

function byName(a: Stated, b: Stated): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

function push(map: ByWorkspace, workspace: string, stated: Stated): void {
  map.set(workspace, [...(map.get(workspace) ?? []), stated].sort(byName))
}

/** The rules of one ARM resource, checked against the schema. */
function armRule(resource: Json): Stated {
  expect(ruleSchemaErrors(resource), JSON.stringify(resource)).toStrictEqual([])
  const properties = resource.properties as Json
  const destination = properties.destination
  const name = /'([^']+)'\)\]$/.exec(String(resource.name))?.[1] ?? ''
  const values =
    typeof destination === 'string'
      ? [destination]
      : Object.entries(destination as Json)
          .filter(([key]) => key !== 'action')
          .map(([, value]) => String(value))
  return { name, type: String(properties.type), values }
}

/**
 * Each workspace's rules in the ARM template: the resources without a condition, and those whose
 * condition, `equals(toLower(parameters('workspaceId')), '<id>')`, is true for it.
 */
function armRules(file: RenderedFile, workspaces: readonly string[]): ByWorkspace {
  const template = JSON.parse(file.contents) as { parameters: Json; resources: Json[] }
  const parameter = template.parameters.workspaceId as Json | undefined
  expect(parameter?.allowedValues ?? []).toStrictEqual(workspaces)
  const result: ByWorkspace = new Map()
  const every: Stated[] = []
  for (const resource of template.resources) {
    const condition = resource.condition
    if (condition === undefined) every.push(armRule(resource))
    else {
      const id = /^\[equals\(toLower\(parameters\('workspaceId'\)\), '([^']+)'\)\]$/.exec(
        String(condition),
      )?.[1]
      expect(workspaces.map((w) => w.toLowerCase())).toContain(id)
      push(result, workspaces.find((w) => w.toLowerCase() === id) ?? '', armRule(resource))
    }
  }
  const outboundRules = Object.fromEntries(
    template.resources.map((r) => [armRule(r).name, r.properties]),
  )
  expect(
    networkSchemaErrors({ isolationMode: 'AllowOnlyApprovedOutbound', outboundRules }),
  ).toStrictEqual([])
  for (const id of workspaces.length > 0 ? workspaces : ['*'])
    for (const stated of every) push(result, id, stated)
  return result
}

function yamlDocumentRules(file: RenderedFile): Stated[] {
  const document = parseYaml(file.contents) as { managed_network: { outbound_rules: Json[] } }
  const types: Json = {
    fqdn: 'FQDN',
    service_tag: 'ServiceTag',
    private_endpoint: 'PrivateEndpoint',
  }
  return document.managed_network.outbound_rules.map((item) => ({
    name: String(item.name),
    type: String(types[String(item.type)]),
    values:
      typeof item.destination === 'string'
        ? [item.destination]
        : Object.values(item.destination as Json).map(String),
  }))
}

/** Each workspace's YAML: its own `workspace-<id>.yaml`, or the set's `workspace.yaml`. */
function yamlRules(files: readonly RenderedFile[], workspaces: readonly string[]): ByWorkspace {
  const result: ByWorkspace = new Map()
  const shared = files.find((file) => file.path.endsWith('/workspace.yaml'))
  const listed = [...(shared?.contents.matchAll(/^# {3}- (\S+)$/gm) ?? [])].map((m) => m[1])
  for (const id of workspaces.length > 0 ? workspaces : ['*']) {
    const own = files.find((file) => file.path.endsWith(`/workspace-${id}.yaml`))
    // The set's YAML lists the workspaces it is for: those without a YAML of their own.
    if (!own && id !== '*') expect(listed).toContain(id)
    const file = own ?? shared
    expect(file, id).toBeDefined()
    for (const stated of yamlDocumentRules(file as RenderedFile)) push(result, id, stated)
  }
  return result
}

const TERRAFORM_KINDS: Record<string, [type: string, attributes: string[]]> = {
  azurerm_machine_learning_workspace_network_outbound_rule_fqdn: ['FQDN', ['destination_fqdn']],
  azurerm_machine_learning_workspace_network_outbound_rule_service_tag: [
    'ServiceTag',
    ['service_tag', 'protocol', 'port_ranges'],
  ],
  azurerm_machine_learning_workspace_network_outbound_rule_private_endpoint: [
    'PrivateEndpoint',
    ['service_resource_id', 'sub_resource_target', 'spark_enabled'],
  ],
}

/**
 * Each workspace's resources, as HashiCorp's parser reads the file: `for_each` over the set's
 * workspaces (`local.workspaces`), or one workspace's resource ID from the map.
 */
async function terraformRules(
  file: RenderedFile,
  workspaces: readonly string[],
): Promise<ByWorkspace> {
  const json = (await parseHcl(file.path, file.contents)) as {
    resource?: Record<string, Json>
    locals?: Json[]
  }
  const locals = json.locals?.[0]?.workspaces
  if (workspaces.length > 0) expect(locals).toStrictEqual(workspaces)
  else expect(locals).toBe(`$\{keys(var.workspace_resource_ids)}`)
  const result: ByWorkspace = new Map()
  for (const [type, resources] of Object.entries(json.resource ?? {}))
    for (const list of Object.values(resources)) {
      const body = (list as Json[])[0] as Json
      const [kind, attributes] = TERRAFORM_KINDS[type] ?? ['unknown', []]
      const stated = {
        name: String(body.name),
        type: kind,
        values: attributes.map((a) => String(body[a])),
      }
      const own = /^\$\{var\.workspace_resource_ids\["([^"]+)"\]\}$/.exec(String(body.workspace_id))
      const meta = own ? [] : ['for_each']
      expect(Object.keys(body).sort()).toStrictEqual(
        ['name', 'workspace_id', ...meta, ...attributes].sort(),
      )
      if (own) push(result, own[1] ?? '', stated)
      else {
        expect(body.for_each).toBe(`$\{toset(local.workspaces)}`)
        expect(body.workspace_id).toBe(`$\{var.workspace_resource_ids[each.key]}`)
        for (const id of workspaces.length > 0 ? workspaces : ['*']) push(result, id, stated)
      }
    }
  return result
}

/** A workspace name and resource group for each id: shell-special characters on purpose. */
const nameOf = (id: string) => `ws-${id.slice(0, 8)}`
const groupOf = (id: string) => `rg(${id.slice(0, 8)}).eu`

const PRINT_ARGUMENTS = 'for a in "$@"; do printf "%s\\n" "$a"; done\necho\n'

/**
 * Runs the script with an `az` that prints one argument a line and a blank line a command (after
 * `before`, more shell for the stand-in).
 */
function runScript(file: RenderedFile, list: string, before = ''): string[][] {
  const directory = mkdtempSync(join(tmpdir(), 'aml-mn-'))
  try {
    writeFileSync(join(directory, 'az'), `#!/bin/sh\n${before}${PRINT_ARGUMENTS}`)
    chmodSync(join(directory, 'az'), 0o755)
    writeFileSync(join(directory, 'rules.sh'), file.contents)
    const output = execFileSync('sh', [join(directory, 'rules.sh')], {
      encoding: 'utf8',
      input: list,
      env: { PATH: `${directory}:/usr/bin:/bin` },
    })
    return output
      .split('\n\n')
      .map((command) => command.split('\n').filter(Boolean))
      .filter((words) => words.length > 0)
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

const SCRIPT_TYPES: Json = {
  fqdn: 'FQDN',
  service_tag: 'ServiceTag',
  private_endpoint: 'PrivateEndpoint',
}

/** A `set` command as a rule, its workspace name and group checked. */
function scriptRule(words: readonly string[]): { workspace: string; stated: Stated } {
  const flag = (name: string) => words[words.indexOf(`--${name}`) + 1] ?? ''
  const type = String(SCRIPT_TYPES[flag('type')])
  const values =
    type === 'FQDN'
      ? [flag('destination')]
      : type === 'ServiceTag'
        ? [flag('service-tag'), flag('protocol'), flag('port-ranges')]
        : [
            flag('service-resource-id'),
            flag('subresource-target'),
            String(words.includes('--spark-enabled')),
          ]
  expect(words.slice(0, 4)).toStrictEqual(['ml', 'workspace', 'outbound-rule', 'set'])
  return { workspace: flag('workspace-name'), stated: { name: flag('rule'), type, values } }
}

/**
 * The script run by `sh` on a list of the set's workspaces and one of another set, with a comment
 * and a last line without a newline: each workspace's `az` commands.
 */
function scriptRules(file: RenderedFile, workspaces: readonly string[]): ByWorkspace {
  const ids = workspaces.length > 0 ? workspaces : ['*']
  const lines = ids.map((id) => `${id} ${nameOf(id)} ${groupOf(id)}`)
  const list = ['# id name group', 'ffffffff-0000-4000-8000-000000000000 other rg', ...lines]
  const commands = runScript(file, list.join('\n'))
  const updated = commands.filter((words) => words[2] === 'update')
  // The set's workspaces alone, once each; every workspace listed when the set is for every one.
  const expected = workspaces.length > 0 ? ids.map(nameOf) : ['other', ...ids.map(nameOf)]
  expect(updated.map((words) => words[4])).toStrictEqual(expected)
  const result: ByWorkspace = new Map()
  for (const words of commands.filter((w) => w[2] === 'outbound-rule')) {
    const { workspace, stated } = scriptRule(words)
    const id = ids.find((candidate) => nameOf(candidate) === workspace)
    if (!id) continue
    expect(words[words.indexOf('--resource-group') + 1]).toBe(groupOf(id))
    push(result, id, stated)
  }
  return result
}

/** A set's workspace ids, as its script lists them in its `case` branches. */
function setWorkspaces(script: RenderedFile): string[] {
  return [...script.contents.matchAll(/^ {2}'([^']+)'\)/gm)].map((m) => m[1] ?? '')
}

describe('aml-managed-network output validity', () => {
  for (const { name, plan: casePlan, options } of cases)
    it(`${name}: ARM is schema-valid, and ARM, YAML, Terraform and the script state the same rules for each workspace`, async () => {
      const { files } = renderManagedNetwork(casePlan, options)
      const directories = new Set(files.map((file) => file.path.split('/').slice(0, -1).join('/')))
      for (const directory of [...directories].filter((d) => d !== 'aml-managed-network')) {
        const inSet = files.filter((file) => file.path.startsWith(`${directory}/`))
        const get = (base: string) =>
          inSet.find((file) => file.path === `${directory}/${base}`) as RenderedFile
        const workspaces = setWorkspaces(get('outbound-rules.sh'))
        const arm = armRules(get('outbound-rules.json'), workspaces)
        for (const stated of [...arm.values()].flat())
          expect(isValidRuleName(stated.name), stated.name).toBe(true)
        expect(yamlRules(inSet, workspaces)).toStrictEqual(arm)
        expect(await terraformRules(get('outbound-rules.tf'), workspaces)).toStrictEqual(arm)
        expect(scriptRules(get('outbound-rules.sh'), workspaces)).toStrictEqual(arm)
      }
    })

  it('writes every rule type for the wide plan, from the plan by hand', () => {
    const { files } = renderManagedNetwork(widePlan, wideOptions)
    const yaml = files.find(
      (file) => file.path === `aml-managed-network/${WORKSPACE}/workspace.yaml`,
    )
    expect(yamlDocumentRules(yaml as RenderedFile).sort(byName)).toStrictEqual([
      { name: 'fqdn-pypi-org', type: 'FQDN', values: ['pypi.org'] },
      { name: 'pe-contosodata-file', type: 'PrivateEndpoint', values: [DATA_ID, 'file', 'false'] },
      {
        name: 'tag-azuremachinelearning-tcp',
        type: 'ServiceTag',
        values: ['AzureMachineLearning', 'TCP', '8787'],
      },
      {
        name: 'tag-azuremachinelearning-udp',
        type: 'ServiceTag',
        values: ['AzureMachineLearning', 'UDP', '5831'],
      },
    ])
    expect(readFileSync(new URL('../schemas/README.md', import.meta.url), 'utf8')).toContain(
      'a1454431',
    )
  })

  it('gives each of four workspaces its rules, from the plan by hand, in as many sets as differ', async () => {
    const { files } = renderManagedNetwork(fleetPlan, wideOptions)
    const scripts = files.filter((file) => file.path.endsWith('/outbound-rules.sh'))
    const names = new Map<string, string[]>()
    for (const script of scripts)
      for (const [id, rules] of scriptRules(script, setWorkspaces(script)))
        names.set(
          id,
          rules.map((r) => `${r.name} ${r.values.join(' ')}`),
        )
    const pypi = 'fqdn-pypi-org pypi.org'
    const tcp = (ports: string) => `tag-azuremachinelearning-tcp AzureMachineLearning TCP ${ports}`
    const eu = 'fqdn-eu-mirror-example-com eu.mirror.example.com'
    const us = 'fqdn-us-mirror-example-com us.mirror.example.com'
    expect(Object.fromEntries(names)).toStrictEqual({
      [A]: [eu, pypi, tcp('8787,18881')],
      [B]: [eu, pypi, `pe-contosodata-file ${DATA_ID} file false`, tcp('8787')],
      [C]: [pypi, us, tcp('8787'), 'tag-azuremachinelearning-udp AzureMachineLearning UDP 5831'],
      [D]: [pypi, us, tcp('8787')],
    })
    // B, C and D need the tag rule on 8787, A on 8787 and 18881 (its own rule): A's set rules
    // lack it, B's have it, so A and B share no set though both are in the EU; C and D do.
    expect(scripts.map((script) => setWorkspaces(script))).toStrictEqual([[A], [B], [C, D]])
  })

  it('applies every listed workspace even when az reads its standard input', () => {
    const { files } = renderManagedNetwork(fleetPlan, wideOptions)
    const script = files.find(
      (f) => f.path.endsWith('.sh') && setWorkspaces(f).includes(C),
    ) as RenderedFile
    const list = [C, D].map((id) => `${id} ${nameOf(id)} ${groupOf(id)}`).join('\n')
    const updated = runScript(script, list, 'cat > /dev/null\n').filter((w) => w[2] === 'update')
    expect(updated.map((words) => words[4])).toStrictEqual([nameOf(C), nameOf(D)])
  })

  it('stops, naming the fix, when a line of the list has no resource group', () => {
    const { files } = renderManagedNetwork(widePlan, wideOptions)
    const script = files.find((file) => file.path.endsWith('/outbound-rules.sh')) as RenderedFile
    expect(() => runScript(script, `${WORKSPACE} ws\n`)).toThrow(
      /a line needs <workspace id> <workspace name> <resource group>/,
    )
  })
})
