import { fileURLToPath } from 'node:url'
import { describeFormat } from '@aml-egress/test-matrix'
import { terraformFormat } from '../src/index'

describeFormat(terraformFormat, {
  goldenDir: fileURLToPath(new URL('./__golden__', import.meta.url)),
})
