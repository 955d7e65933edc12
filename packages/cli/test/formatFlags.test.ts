import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runRender } from '../src/commands/render'
import { runCli } from '../src/main'
import { formatRegistry, loadFormats } from '../src/registry'
import { clusterProfileText, createMemoryIo, fakeRegistry, fixturePath } from './helpers'

/** The published tag names of each cloud (the test matrix's copy of the reference). */
const publishedNames = JSON.parse(
  readFileSync(
    new URL(
      '../../../tools/test-matrix/fixtures/service-tags/service-tag-names.json',
      import.meta.url,
    ),
    'utf8',
  ),
) as { clouds: Record<string, { tags: [string, string, string][] }> }

const contoso = readFileSync(fixturePath('profiles/contoso.yaml'), 'utf8')
const contosoTags = readFileSync(fixturePath('profiles/contoso-tags.yaml'), 'utf8')

/** `aml-egress render -p p.yaml -o out ARGS` in memory, with the real formats. */
async function render(args: readonly string[], files: Record<string, string> = {}) {
  const memory = createMemoryIo({ files: { 'p.yaml': contoso, ...files } })
  const code = await runCli(['render', '-p', 'p.yaml', '-o', 'out', '--quiet', ...args], memory.io)
  return { ...memory, code }
}

describe('cli: render flags from the format descriptors', () => {
  it('writes the --base-priority (integer) as the priority of the first rule collection group', async () => {
    const { code, files } = await render([
      '-f',
      'azure-firewall',
      '--base-priority',
      '700',
      '--arm-files',
      'groups',
    ])
    expect(code).toBe(0)
    const group = files.get('out/azure-firewall/rule-collection-groups/aml-egress.json') ?? ''
    expect(group).toContain('"priority": 700,')
  })

  it('writes only the ARM template by default, and the plain group files for --arm-files groups', async () => {
    const template = await render(['-f', 'azure-firewall'])
    const written = (files: Map<string, string>) =>
      [...files.keys()].filter((path) => path.startsWith('out/')).sort()
    expect(written(template.files)).toStrictEqual([
      'out/.aml-egress-manifest.json',
      'out/azure-firewall/azuredeploy.json',
    ])
    const groups = await render(['-f', 'azure-firewall', '--arm-files', 'groups'])
    expect(written(groups.files)).toStrictEqual([
      'out/.aml-egress-manifest.json',
      'out/azure-firewall/rule-collection-groups/aml-egress.json',
    ])
  })

  it('returns exit 2 naming the flag for a --wildcard-depth that is not an integer, writing nothing', async () => {
    const { code, stderr, writes } = await render(['-f', 'cilium', '--wildcard-depth', 'abc'])
    expect(code).toBe(2)
    expect(stderr()).toContain("--wildcard-depth must be an integer, got 'abc'")
    expect(writes).toStrictEqual([])
  })

  it('writes a standalone squid.conf for --mode standalone (choice), and rejects other values', async () => {
    const standalone = await render(['-f', 'squid', '--mode', 'standalone', '--http-port', '3129'])
    expect(standalone.code).toBe(0)
    // A standalone config listens itself; an include fragment has no http_port.
    expect(standalone.files.get('out/squid/squid.conf')).toMatch(/^http_port 3129$/m)
    const wrong = await render(['-f', 'squid', '--mode', 'fragment'])
    expect(wrong.code).toBe(2)
    expect(wrong.stderr()).toContain(
      'Invalid value for argument: --mode (fragment). Expected one of: include, standalone.',
    )
  })

  it('writes the policies into the --namespace (string) given', async () => {
    const { code, files } = await render(['-f', 'network-policy', '--namespace', 'ml-extension'])
    expect(code).toBe(0)
    expect(files.get('out/kubernetes/network-policies.yaml')).toContain('namespace: ml-extension')
  })

  it('writes the default-deny policy with --default-deny (boolean) only', async () => {
    const on = await render(['-f', 'network-policy', '--default-deny'])
    expect(on.files.get('out/kubernetes/network-policies.yaml')).toContain(
      'name: aml-egress-default-deny',
    )
    const off = await render(['-f', 'network-policy', '--no-default-deny'])
    expect(off.code).toBe(0)
    expect(off.files.get('out/kubernetes/network-policies.yaml')).not.toContain(
      'aml-egress-default-deny',
    )
  })

  it('renders a service tag as the ipBlocks of the --service-tags file (jsonFile)', async () => {
    // GIVEN a public tags file with every published name, whose Storage.WestEurope has one made-up range
    const tags = {
      changeNumber: 1,
      cloud: 'Public',
      values: (publishedNames.clouds.public?.tags ?? []).map(([name, region]) => ({
        name,
        properties: {
          region,
          addressPrefixes: name === 'Storage.WestEurope' ? ['192.0.2.0/24'] : [],
        },
      })),
    }
    const { code, files } = await render(['-f', 'network-policy', '--service-tags', 'tags.json'], {
      'p.yaml': contosoTags,
      'tags.json': JSON.stringify(tags),
    })
    expect(code).toBe(0)
    expect(files.get('out/kubernetes/network-policies.yaml')).toMatch(
      /- ipBlock:\n\s+cidr: 192\.0\.2\.0\/24/,
    )
  })

  it('returns exit 2 naming the flag for a --service-tags file that is missing or not JSON', async () => {
    const missing = await render(['-f', 'network-policy', '--service-tags', 'none.json'])
    expect(missing.code).toBe(2)
    expect(missing.stderr()).toContain("--service-tags: cannot read 'none.json'")
    const broken = await render(['-f', 'network-policy', '--service-tags', 'tags.json'], {
      'tags.json': '{"values": [',
    })
    expect(broken.code).toBe(2)
    expect(broken.stderr()).toContain("--service-tags: 'tags.json' is not JSON")
    expect(broken.writes).toStrictEqual([])
  })

  it('checks the plan against a --service-tags file for any format, and says which file it used', async () => {
    const government = readFileSync(
      new URL(
        '../../../tools/test-matrix/fixtures/service-tags/ServiceTags_AzureGovernment_20260720.json',
        import.meta.url,
      ),
      'utf8',
    )
    const profile = contoso.replace(/westeurope/g, 'usgovvirginia').replace(/^cloud: .*$/m, '')
    const memory = createMemoryIo({
      files: {
        'gov.yaml': `cloud: usgov\n${profile}`,
        'ServiceTags_AzureGovernment_20260720.json': government,
      },
    })
    const args = ['render', '-p', 'gov.yaml', '-o', 'out', '-f', 'squid']
    const code = await runCli(
      [...args, '--service-tags', 'ServiceTags_AzureGovernment_20260720.json'],
      memory.io,
    )
    expect(code).toBe(0)
    expect(memory.stdout()).toContain(
      'service tags checked against ServiceTags_AzureGovernment_20260720.json (2026-07-20, change 402)',
    )
    // The public profile with the Government file: bad input, nothing written.
    const mismatch = await render(['-f', 'squid', '--service-tags', 'gov.json'], {
      'gov.json': government,
    })
    expect(mismatch.code).toBe(2)
    expect(mismatch.stderr()).toContain(
      "'gov.json' is the usgov cloud's file, but the profile's cloud is 'public'",
    )
    expect(mismatch.writes).toStrictEqual([])
  })

  it('returns exit 2 naming the formats that take a flag the chosen ones do not', async () => {
    const { code, stderr } = await render(['-f', 'azure-firewall', '--namespace', 'x'])
    expect(code).toBe(2)
    expect(stderr()).toContain(
      '--namespace applies to the cilium and network-policy formats only, not to azure-firewall',
    )
    const mode = await render(['-f', 'terraform', '--mode', 'standalone'])
    expect(mode.stderr()).toContain('--mode applies to the squid format only, not to terraform')
    expect(mode.stderr()).toContain('fix: drop --mode, or add --format squid')
  })

  it('returns exit 2 for a flag no format takes', async () => {
    const { code, stderr } = await render(['-f', 'squid', '--wildcard-dept', '3'])
    expect(code).toBe(2)
    expect(stderr()).toContain("unknown option '--wildcard-dept' for 'render'")
  })

  it('returns every format with its flags and their defaults in render --help', async () => {
    const { io, stdout } = createMemoryIo()
    expect(await runCli(['render', '--help'], io)).toBe(0)
    for (const format of await loadFormats()) {
      expect(stdout()).toContain(`${format.name}`)
      for (const spec of format.renderOptions) {
        expect(stdout()).toContain(`--${spec.type === 'boolean' ? '[no-]' : ''}${spec.flag}`)
        if (spec.default !== undefined) expect(stdout()).toContain(`(default: ${spec.default})`)
      }
    }
    expect(stdout()).toContain('--[no-]dns-proxy')
    expect(stdout()).toContain('--mode <include|standalone>')
  })

  it('returns what each format reads in check --help', async () => {
    const { io, stdout } = createMemoryIo()
    expect(await runCli(['check', '--help'], io)).toBe(0)
    for (const format of await loadFormats())
      expect(stdout()).toContain(`${format.title} (reads ${format.fileExtensions.join(', ')})`)
  })

  it('declares each flag with one type across formats', async () => {
    const types = new Map<string, string>()
    for (const format of await loadFormats(formatRegistry))
      for (const spec of format.renderOptions) {
        expect(types.get(spec.flag) ?? spec.type, `--${spec.flag}`).toBe(spec.type)
        types.set(spec.flag, spec.type)
      }
  })
})

describe('cli: render flags, generic (a test format)', () => {
  const profile = clusterProfileText

  it('passes the flags as the format options and loads only the chosen format', async () => {
    const { registry, loads } = fakeRegistry()
    const { io, files } = createMemoryIo({ files: { 'p.yaml': profile } })
    const argv = ['render', '-p', 'p.yaml', '-f', 'fake', '-o', 'out', '--upper', '--limit', '3']
    expect(await runCli(argv, io, { formats: registry })).toBe(0)
    expect(files.get('out/fake/hosts.txt')).toMatch(/^# limit 3\n(.*\n)*ML\.AZURE\.COM\n/)
    // Its flags are known before parsing and the format is loaded again to render: the same one.
    expect(new Set(loads)).toStrictEqual(new Set(['fake']))
  })

  it('renders with the format defaults (no options at all) when no flag is given', async () => {
    const { registry } = fakeRegistry()
    const { io, files } = createMemoryIo({ files: { 'p.yaml': profile } })
    await runRender({ profile: 'p.yaml', format: 'fake', out: 'out' }, { io, formats: registry })
    expect(files.get('out/fake/hosts.txt')).not.toContain('# limit')
    expect(files.get('out/fake/hosts.txt')).toContain('\nml.azure.com\n')
  })

  it('returns exit 2 for a value the flag type refuses, loading no other format', async () => {
    const { registry, loads } = fakeRegistry()
    const { io, stderr } = createMemoryIo({ files: { 'p.yaml': profile } })
    const argv = ['render', '-p', 'p.yaml', '-f', 'fake', '-o', 'out', '--limit', '2.5']
    expect(await runCli(argv, io, { formats: registry })).toBe(2)
    expect(stderr()).toContain("--limit must be an integer, got '2.5'")
    expect(new Set(loads)).toStrictEqual(new Set(['fake']))
  })
})
