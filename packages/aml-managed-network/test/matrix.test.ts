import { fileURLToPath } from 'node:url'
import { describeFormat } from '@aml-egress/test-matrix'
import { amlManagedNetworkFormat } from '../src/index'

describeFormat(amlManagedNetworkFormat, {
  goldenDir: fileURLToPath(new URL('./__golden__', import.meta.url)),
})
