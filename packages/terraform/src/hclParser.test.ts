import { afterEach, describe, expect, it, vi } from 'vitest'

describe('format: terraform, a broken install (issue #18)', () => {
  afterEach(() => {
    vi.doUnmock('@cdktf/hcl2json')
    vi.resetModules()
  })

  it('throws an internal error, not a syntax error of the file, when the HCL parser cannot load', async () => {
    // GIVEN an install where @cdktf/hcl2json is missing (a global install of a CLI that did not
    // depend on it, or a pnpm-like layout)
    vi.resetModules()
    vi.doMock('@cdktf/hcl2json', () => {
      throw Object.assign(new Error("Cannot find package '@cdktf/hcl2json'"), {
        code: 'ERR_MODULE_NOT_FOUND',
      })
    })
    const { readTerraform } = await import('./read')
    // WHEN a valid .tf file is read
    const read = readTerraform([{ path: 'main.tf', contents: 'locals {\n  a = 1\n}\n' }])
    // THEN the read fails as a broken install, never as AML_EGRESS_READ_SYNTAX in main.tf
    await expect(read).rejects.toThrow(
      /^the HCL parser @cdktf\/hcl2json could not be loaded .*reinstall @aml-egress\/terraform/,
    )
  })
})
