import { readFileSync } from 'node:fs'
import { catalog } from '@aml-egress/core'
import { describe, expect, it } from 'vitest'
import { createMemoryIo, fixturePath } from '../../test/helpers'
import { runList } from './list'

/** The table rows of a Markdown document. */
const tableRows = (markdown: string) =>
  markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))

describe('cli: list', () => {
  it('returns the firewall article Kubernetes outbound table row for row for --scenario kubernetes-compute', async () => {
    // GIVEN the catalog, WHEN listing the Kubernetes scenario as Markdown
    const { io, stdout } = createMemoryIo()
    const code = await runList({ scenario: 'kubernetes-compute', format: 'markdown' }, { io })
    // THEN the six rows of aml-requirements.md §7.2 (how-to-access-azureml-behind-firewall.md,
    // "Scenario: Use Kubernetes compute"), endpoints as the docs spell them, ✔ / N/A as printed there
    expect(code).toBe(0)
    expect(tableRows(stdout())).toStrictEqual([
      '| Outbound endpoint | Port | Description | Training | Inference |',
      '| `*.kusto.windows.net`, `*.table.core.windows.net`, `*.queue.core.windows.net` | 443 | Upload system logs to Kusto. | ✔ | ✔ |',
      '| `<your ACR name>.azurecr.io`, `<your ACR name>.<region>.data.azurecr.io` | 443 | Azure Container Registry: pull Docker images for ML workloads. | ✔ | ✔ |',
      '| `<your storage account name>.blob.core.windows.net` | 443 | Azure Blob storage: fetch project scripts, data or models; upload job logs/outputs. | ✔ | ✔ |',
      '| `<your workspace ID>.workspace.<region>.api.azureml.ms`, `<region>.experiments.azureml.net`, `<region>.api.azureml.ms` | 443 | Azure Machine Learning service API. | ✔ | ✔ |',
      '| `pypi.org` | 443 | Python package index: install pip packages for training job environment initialization. | ✔ | N/A |',
      '| `archive.ubuntu.com`, `security.ubuntu.com`, `ppa.launchpad.net` | 80 | Download the necessary security patches. | ✔ | N/A |',
    ])
  })

  it('returns the same six rows with the profile values filled in for a Kubernetes profile', async () => {
    // GIVEN an AKS profile (workspace 7d0e9c52-…, westeurope, fraudmlstore, fraudmlacr)
    const profile = fixturePath('profiles/aks.yaml')
    const { io, stdout } = createMemoryIo({
      files: { [profile]: readFileSync(profile, 'utf8') },
    })
    // WHEN listing its plan as Markdown for the Kubernetes scenario
    await runList({ profile, scenario: 'kubernetes-compute', format: 'markdown' }, { io })
    // THEN §7.2's rows with <placeholders> replaced by hand from the profile
    expect(tableRows(stdout()).slice(1)).toStrictEqual([
      '| `*.kusto.windows.net`, `*.table.core.windows.net`, `*.queue.core.windows.net` | 443 | Upload system logs to Kusto. | ✔ | ✔ |',
      '| `fraudmlacr.azurecr.io`, `fraudmlacr.westeurope.data.azurecr.io` | 443 | Azure Container Registry: pull Docker images for ML workloads. | ✔ | ✔ |',
      '| `fraudmlstore.blob.core.windows.net` | 443 | Azure Blob storage: fetch project scripts, data or models; upload job logs/outputs. | ✔ | ✔ |',
      '| `7d0e9c52-1b3a-4f6e-8c2d-5a9b0e1f3c47.workspace.westeurope.api.azureml.ms`, `westeurope.experiments.azureml.net`, `westeurope.api.azureml.ms` | 443 | Azure Machine Learning service API. | ✔ | ✔ |',
      '| `pypi.org` | 443 | Python package index: install pip packages for training job environment initialization. | ✔ | N/A |',
      '| `archive.ubuntu.com`, `security.ubuntu.com`, `ppa.launchpad.net` | 80 | Download the necessary security patches. | ✔ | N/A |',
    ])
  })

  it('returns the plan rules as JSON with a profile', async () => {
    const profile = fixturePath('profiles/contoso-tags.yaml')
    const { io, stdout } = createMemoryIo({ files: { [profile]: readFileSync(profile, 'utf8') } })
    await runList({ profile, format: 'json' }, { io })
    const output = JSON.parse(stdout()) as { rules: { destination: { tag?: string } }[] }
    // The basic configuration's regional storage tag for westeurope (D20 spelling).
    expect(output.rules.map((rule) => rule.destination.tag)).toContain('Storage.WestEurope')
  })

  it('returns the catalog version and doc date in the JSON, with and without a profile (issue #11)', async () => {
    const catalogOnly = createMemoryIo()
    await runList({ format: 'json' }, { io: catalogOnly.io })
    const expected = { version: catalog.version, docDate: catalog.docDate }
    expect((JSON.parse(catalogOnly.stdout()) as { catalog: unknown }).catalog).toStrictEqual(
      expected,
    )
    const profile = fixturePath('profiles/aks.yaml')
    const withProfile = createMemoryIo({ files: { [profile]: readFileSync(profile, 'utf8') } })
    await runList({ profile, format: 'json' }, { io: withProfile.io })
    expect((JSON.parse(withProfile.stdout()) as { catalog: unknown }).catalog).toStrictEqual(
      expected,
    )
  })

  it('throws a usage error with a suggestion when the scenario is unknown', async () => {
    const { io } = createMemoryIo()
    await expect(runList({ scenario: 'kubernetes' }, { io })).rejects.toMatchObject({
      code: 'AML_EGRESS_USAGE',
      message: "unknown scenario 'kubernetes'; did you mean 'kubernetes-compute'?",
    })
  })
})
