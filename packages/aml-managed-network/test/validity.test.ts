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
    scenarios: ['microsoft-hosts-azureml'],
  }),
])
const wideOptions: ManagedNetworkRenderOptions = { privateEndpoints: { contosodata: DATA_ID } }

const cases: { name: string; plan: Plan; options?: ManagedNetworkRenderOptions }[] = [
  ...scenarios.map((scenario) => ({
    name: scenario.id,
    plan: resolvePlan(parseProfile(scenario.profile)),
  })),
  { name: 'every rule type', plan: widePlan, options: wideOptions },
]

type Json = Record<string, unknown>
/** A rule as every shape can state it, for comparing the shapes. */
type Stated = { name: string; type: string; values: string[] }

function byName(a: Stated, b: Stated): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

function armRules(file: RenderedFile): Stated[] {
  const template = JSON.parse(file.contents) as { resources: Json[] }
  return template.resources.map((resource) => {
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
  })
}

function yamlRules(file: RenderedFile): Stated[] {
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

async function terraformRules(file: RenderedFile): Promise<Stated[]> {
  const json = (await parseHcl(file.path, file.contents)) as { resource?: Record<string, Json> }
  const kinds: Record<string, [type: string, attributes: string[]]> = {
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
  return Object.entries(json.resource ?? {}).flatMap(([type, resources]) =>
    Object.values(resources).map((list) => {
      const body = (list as Json[])[0] as Json
      const [kind, attributes] = kinds[type] ?? ['unknown', []]
      expect(body.workspace_id).toBe(`$\{var.workspace_id}`)
      expect(Object.keys(body).sort()).toStrictEqual(['name', 'workspace_id', ...attributes].sort())
      return { name: String(body.name), type: kind, values: attributes.map((a) => String(body[a])) }
    }),
  )
}

/** Runs the script with an `az` that prints one argument a line and a blank line a command. */
function scriptRules(file: RenderedFile): Stated[] {
  const directory = mkdtempSync(join(tmpdir(), 'aml-mn-'))
  try {
    writeFileSync(
      join(directory, 'az'),
      '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\necho\n',
    )
    chmodSync(join(directory, 'az'), 0o755)
    writeFileSync(join(directory, 'rules.sh'), file.contents)
    const output = execFileSync('sh', [join(directory, 'rules.sh')], {
      encoding: 'utf8',
      env: { PATH: `${directory}:/usr/bin:/bin`, WORKSPACE_NAME: 'ws', RESOURCE_GROUP: 'rg' },
    })
    const commands = output.split('\n\n').map((command) => command.split('\n').filter(Boolean))
    expect(commands[0]).toStrictEqual([
      'ml',
      'workspace',
      'update',
      '--name',
      'ws',
      '--resource-group',
      'rg',
      '--managed-network',
      'allow_only_approved_outbound',
    ])
    return commands
      .slice(1)
      .filter((words) => words.length > 0)
      .map((words) => {
        const flag = (name: string) => words[words.indexOf(`--${name}`) + 1] ?? ''
        const types: Json = {
          fqdn: 'FQDN',
          service_tag: 'ServiceTag',
          private_endpoint: 'PrivateEndpoint',
        }
        const type = String(types[flag('type')])
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
        expect(words.slice(0, 8)).toStrictEqual([
          'ml',
          'workspace',
          'outbound-rule',
          'set',
          '--workspace-name',
          'ws',
          '--resource-group',
          'rg',
        ])
        return { name: flag('rule'), type, values }
      })
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

describe('aml-managed-network output validity', () => {
  for (const { name, plan: casePlan, options } of cases)
    it(`${name}: ARM is schema-valid, and ARM, YAML, Terraform and the script state the same rules`, async () => {
      const { files } = renderManagedNetwork(casePlan, options)
      const directories = new Set(files.map((file) => file.path.split('/').slice(0, -1).join('/')))
      for (const directory of [...directories].filter((d) => d !== 'aml-managed-network')) {
        const get = (base: string) =>
          files.find((file) => file.path === `${directory}/${base}`) as RenderedFile
        const arm = armRules(get('outbound-rules.json'))
        const resources = (JSON.parse(get('outbound-rules.json').contents) as { resources: Json[] })
          .resources
        for (const resource of resources)
          expect(ruleSchemaErrors(resource), JSON.stringify(resource)).toStrictEqual([])
        const outboundRules = Object.fromEntries(
          resources.map((r, i) => [arm[i]?.name, r.properties]),
        )
        expect(
          networkSchemaErrors({ isolationMode: 'AllowOnlyApprovedOutbound', outboundRules }),
        ).toStrictEqual([])
        for (const stated of arm) expect(isValidRuleName(stated.name), stated.name).toBe(true)
        const expected = [...arm].sort(byName)
        expect(yamlRules(get('workspace.yaml')).sort(byName)).toStrictEqual(expected)
        expect((await terraformRules(get('outbound-rules.tf'))).sort(byName)).toStrictEqual(
          expected,
        )
        expect(scriptRules(get('outbound-rules.sh')).sort(byName)).toStrictEqual(expected)
      }
    })

  it('writes every rule type for the wide plan, from the plan by hand', () => {
    const { files } = renderManagedNetwork(widePlan, wideOptions)
    const yaml = files.find(
      (file) => file.path === `aml-managed-network/${WORKSPACE}/workspace.yaml`,
    )
    expect(yamlRules(yaml as RenderedFile).sort(byName)).toStrictEqual([
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
})
