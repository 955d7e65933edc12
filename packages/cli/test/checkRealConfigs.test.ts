import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type CheckReport, runCheck } from '../src/commands/check'
import { nodeIo } from '../src/io'
import { readReferencedFiles } from '../src/references'
import { formatRegistry } from '../src/registry'
import { createMemoryIo, fixturePath } from './helpers'

const profile = fixturePath('profiles/contoso.yaml')
const stock = (file: string) => readFileSync(fixturePath(`squid/debian-stock/${file}`), 'utf8')

/** `check -f squid` in memory with the given files on the "disk"; the first file is passed. */
async function checkSquid(disk: Record<string, string>, output: 'json' | 'table' = 'json') {
  const { io, stdout } = createMemoryIo({
    files: { [profile]: readFileSync(profile, 'utf8'), ...disk },
  })
  const main = Object.keys(disk)[0] ?? ''
  const code = await runCheck(
    { profile, format: 'squid', files: [main], output },
    { io, formats: formatRegistry },
  )
  return { code, stdout: stdout() }
}

describe('cli: check on real-world configs (issue #18)', () => {
  it("returns exit 1 and every proxied flow BLOCKED for Debian's stock squid.conf passed alone", async () => {
    // GIVEN Debian's stock config (`include /etc/squid/conf.d/*.conf`, then `allow localhost`,
    // `deny all`) and its conf.d on disk; only the main file is named
    const { code, stdout } = await checkSquid({
      '/etc/squid/squid.conf': stock('squid.conf'),
      '/etc/squid/conf.d/debian.conf': stock('conf.d/debian.conf'),
    })
    // THEN conf.d is read, nothing is unknown, and the subnet's flows hit `deny all`
    const report = JSON.parse(stdout) as CheckReport
    expect(report.files).toStrictEqual(['/etc/squid/squid.conf', '/etc/squid/conf.d/debian.conf'])
    expect(code).toBe(1)
    expect(report.summary.unknown).toBe(0)
    expect(report.summary.allowed).toBe(0)
    expect(report.notRead).toStrictEqual([])
  })

  it.skipIf(!existsSync('/etc/squid/squid.conf'))(
    'returns exit 1 and no unknown flow for this machine’s /etc/squid/squid.conf',
    async () => {
      let out = ''
      const io = {
        ...nodeIo(),
        stdout: (text: string) => {
          out += text
        },
      }
      const code = await runCheck(
        { profile, format: 'squid', files: ['/etc/squid/squid.conf'], output: 'json' },
        { io, formats: formatRegistry },
      )
      const report = JSON.parse(out) as CheckReport
      expect({ code, unknown: report.summary.unknown }).toStrictEqual({ code: 1, unknown: 0 })
    },
  )

  it('names the include that is neither given nor on disk, and says to pass it', async () => {
    // GIVEN the stock config whose conf.d is not on this disk
    const { code, stdout } = await checkSquid(
      { '/etc/squid/squid.conf': stock('squid.conf') },
      'table',
    )
    // THEN flows are unknown (exit 0), and the report says plainly which file was not read
    expect(code).toBe(0)
    expect(stdout).toContain(
      'files not read\n  /etc/squid/conf.d/*.conf (named at /etc/squid/squid.conf:25): not among the given files and not on this disk\n',
    )
  })

  it('returns the files a glob names in sorted order, skipping hidden ones and directories', async () => {
    const { io } = createMemoryIo({
      files: {
        '/p/conf.d/b.conf': 'http_access allow all\n',
        '/p/conf.d/a.conf': '',
        '/p/conf.d/.hidden.conf': '',
        '/p/conf.d/notes.txt': '',
      },
    })
    const squid = await formatRegistry.squid!()
    const { files, missing } = await readReferencedFiles({
      io,
      format: squid,
      files: [{ path: '/p/squid.conf', contents: 'include /p/conf.d/*.conf\n' }],
    })
    expect(files.map((file) => file.path)).toStrictEqual([
      '/p/squid.conf',
      '/p/conf.d/a.conf',
      '/p/conf.d/b.conf',
    ])
    expect(missing).toStrictEqual([])
  })

  it('stops at an include loop on disk and leaves the verdict to the reader (exit 2)', async () => {
    const { io } = createMemoryIo({
      files: {
        [profile]: readFileSync(profile, 'utf8'),
        '/p/a.conf': 'include /p/b.conf\n',
        '/p/b.conf': 'include /p/a.conf\n',
      },
    })
    await expect(
      runCheck({ profile, format: 'squid', files: ['/p/a.conf'] }, { io, formats: formatRegistry }),
    ).rejects.toThrow('squid could not parse a file; nothing was checked')
  })

  it('returns the tfvars value, not the default, for a directory and for its main.tf (terraform)', async () => {
    // GIVEN a rule to the AzureMachineLearning tag (*.azureml.ms is in it) over var.subnets,
    // whose default is another subnet,, and terraform.tfvars
    // setting the profile's subnet, as `terraform apply` in that directory would use it
    const main = `variable "subnets" {
  default = ["192.168.0.0/24"]
}
resource "azurerm_firewall_policy_rule_collection_group" "g" {
  name               = "g"
  firewall_policy_id = "x"
  priority           = 100
  network_rule_collection {
    name     = "n"
    priority = 100
    action   = "Allow"
    rule {
      name                  = "r"
      protocols             = ["TCP"]
      source_addresses      = var.subnets
      destination_addresses = ["AzureMachineLearning"]
      destination_ports     = ["443"]
    }
  }
}
`
    for (const given of ['/infra', '/infra/main.tf']) {
      const { io, stdout } = createMemoryIo({
        files: {
          [profile]: readFileSync(profile, 'utf8'),
          '/infra/main.tf': main,
          '/infra/terraform.tfvars': 'subnets = ["10.20.0.0/24"]\n',
          '/infra/prod.tfvars': 'subnets = ["172.16.0.0/24"]\n',
        },
      })
      await runCheck(
        { profile, format: 'terraform', files: [given], output: 'json' },
        { io, formats: formatRegistry },
      )
      const report = JSON.parse(stdout()) as CheckReport
      // THEN terraform.tfvars is read (prod.tfvars is a -var-file, never loaded by itself)
      expect(report.files).toStrictEqual(['/infra/main.tf', '/infra/terraform.tfvars'])
      const flow = report.flows.find(
        (f) => f.description === 'tcp/443 10.20.0.1 → aml-egress-sample.azureml.ms',
      )
      expect(flow?.status).toBe('allowed')
    }
  })

  it('prints each over-broad rule once: the reader’s own findings are not repeated as diagnostics', async () => {
    // GIVEN a policy with `*pytorch.org` and a `*` catch-all, which the reader's lint and the
    // over-broad probes both find
    const fixture = fixturePath('azure-firewall/portal-missing-445-wildcards.json')
    const { io, stdout } = createMemoryIo({
      files: { [profile]: readFileSync(profile, 'utf8'), [fixture]: readFileSync(fixture, 'utf8') },
    })
    await runCheck(
      { profile, format: 'azure-firewall', files: [fixture] },
      { io, formats: formatRegistry },
    )
    // THEN each rule is one finding, in the over-broad section only
    const text = stdout()
    expect(text.match(/AML_EGRESS_OVER_BROAD_RULE/g)?.length).toBe(2)
    expect(text).toContain('; 2 over-broad rule findings\n')
    expect(text).not.toContain('reader diagnostics')
  })
})
