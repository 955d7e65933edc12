import { fileURLToPath } from 'node:url'
import { describeFormat } from '@aml-egress/test-matrix'
import { ciliumFormat, networkPolicyFormat } from '../src/index'

describeFormat(networkPolicyFormat, {
  goldenDir: fileURLToPath(new URL('./__golden__/network-policy', import.meta.url)),
})
describeFormat(ciliumFormat, {
  goldenDir: fileURLToPath(new URL('./__golden__/cilium', import.meta.url)),
})
