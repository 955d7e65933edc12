import { fileURLToPath } from 'node:url'
import { describeFormat } from '@aml-egress/test-matrix'
import { azureFirewallFormat } from '../src/index'

describeFormat(azureFirewallFormat, {
  goldenDir: fileURLToPath(new URL('./__golden__', import.meta.url)),
})
