import { readFileSync } from 'node:fs'
import { catalog } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { createMemoryIo, fixturePath } from '../../test/helpers'
import { runCli } from '../main'
import { type CompareReport, runCompare } from './compare'

/** An in-memory Io holding a profile and a dependencies file from test/fixtures. */
function setup(profile: string, dependencies: string) {
  const profilePath = fixturePath(`profiles/${profile}`)
  const file = fixturePath(`dependencies/${dependencies}`)
  const memory = createMemoryIo({
    files: {
      [profilePath]: readFileSync(profilePath, 'utf8'),
      [file]: readFileSync(file, 'utf8'),
    },
  })
  return { ...memory, profile: profilePath, file }
}

describe('cli: compare', () => {
  it('returns exit 1 and the endpoints an AKS workspace reports that its plan lacks', async () => {
    // GIVEN an AKS workspace (aks.yaml) whose API also reports the public-cloud sign-in on port 80
    // and the default storage's file share, which the Kubernetes tables of the docs do not list
    const { io, stdout, profile, file } = setup('aks.yaml', 'aks-westeurope.json')
    // WHEN compared with its plan
    const code = await runCompare({ profile, file, json: true }, { io })
    const report = JSON.parse(stdout()) as CompareReport
    // THEN those three (domain, port) pairs are reported, the rest is allowed
    expect(code).toBe(1)
    expect(report.missingFromPlan).toStrictEqual([
      { category: 'Azure Active Directory', domainName: 'login.microsoftonline.com', port: 80 },
      { category: 'Azure Storage', domainName: 'fraudmlstore.file.core.windows.net', port: 443 },
      { category: 'Azure Storage', domainName: 'fraudmlstore.file.core.windows.net', port: 445 },
    ])
    expect(report.summary).toStrictEqual({
      reported: 14,
      allowed: 11,
      missingFromPlan: 3,
      notReported: report.notReported.length,
    })
    // A reported wildcard is matched as a host under it; a queue account under the plan's wildcard.
    const ruleOf = (domain: string) => report.reported.find((e) => e.domainName === domain)?.ruleId
    expect(ruleOf('*.data.mcr.microsoft.com')).toBe('outbound/tcp/*.data.mcr.microsoft.com')
    expect(ruleOf('fraudmlstore.queue.core.windows.net')).toBe(
      'outbound/tcp/*.queue.core.windows.net',
    )
    // Kubernetes-only needs (packages, Arc marketplace) are in the plan but not in the API's list.
    expect(report.notReported.map((rule) => rule.destination)).toContain('pypi.org')
    expect(report.catalog).toStrictEqual({ version: catalog.version, docDate: catalog.docDate })
  })

  it('returns exit 0 when every endpoint a Government workspace reports is allowed', async () => {
    // GIVEN a US Gov Virginia workspace: *.usgovcloudapi.net storage, *.ml.azure.us API, and an
    // endpoint without endpointDetails (the API's default, 443)
    const { io, stdout, profile, file } = setup('usgov.yaml', 'usgov-virginia.json')
    const code = await runCompare({ profile, file }, { io })
    expect(code).toBe(0)
    expect(stdout()).toContain(
      'Azure Machine Learning  usgovvirginia.api.ml.azure.us           443   outbound/tcp/*.ml.azure.us',
    )
    expect(stdout()).not.toContain('not allowed by the plan')
    expect(stdout().trimEnd().split('\n').at(-1)).toBe(
      `10 reported endpoints: 10 allowed by the plan, 0 missing from the plan; 12 plan host rules not reported (catalog ${catalog.version}, docs ${catalog.docDate})`,
    )
  })

  it('returns only the findings and the summary with quiet', async () => {
    const { io, stdout, profile, file } = setup('aks.yaml', 'aks-westeurope.json')
    await runCompare({ profile, file, quiet: true }, { io })
    expect(stdout().split('\n').slice(0, 5)).toStrictEqual([
      'reported by the workspace, not allowed by the plan',
      '  CATEGORY                DOMAIN                              PORT',
      '  Azure Active Directory  login.microsoftonline.com           80',
      '  Azure Storage           fraudmlstore.file.core.windows.net  443',
      '  Azure Storage           fraudmlstore.file.core.windows.net  445',
    ])
    expect(stdout()).not.toContain('reported and allowed')
    expect(stdout()).not.toContain('not reported by the workspace')
  })

  it('returns exit 2 naming every zod issue path for a malformed file', async () => {
    const { io, stderr, stdout, profile, file } = setup('aks.yaml', 'malformed.json')
    expect(await runCli(['compare', '-p', profile, file], io)).toBe(2)
    expect(stderr()).toContain(
      '  ✖ value[0].properties.endpoints[0].endpointDetails[0].port: Invalid input: expected number, received string\n',
    )
    expect(stderr()).toContain('  ✖ value[0].properties.endpoints[1].domainName: ')
    expect(stderr()).toContain('fix: save the API response as it is: az rest --method get')
    expect(stdout()).toBe('')
  })

  it('returns exit 2 for a file that is not JSON, a missing file, and two files', async () => {
    const { io, stderr, profile } = setup('aks.yaml', 'aks-westeurope.json')
    await io.writeFile('deps.json', '{"value": [')
    expect(await runCli(['compare', '-p', profile, 'deps.json'], io)).toBe(2)
    expect(stderr()).toContain("error 'deps.json' is not JSON: ")
    expect(await runCli(['compare', '-p', profile, 'missing.json'], io)).toBe(2)
    expect(stderr()).toContain("error cannot read 'missing.json': no such file")
    expect(await runCli(['compare', '-p', profile, 'a.json', 'b.json'], io)).toBe(2)
    expect(stderr()).toContain('compare takes one dependencies file, got 2')
  })
})
