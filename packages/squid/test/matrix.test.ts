import { fileURLToPath } from 'node:url'
import { describeFormat } from '@aml-egress/test-matrix'
import { squidFormat } from '../src/index'

describeFormat(squidFormat, { goldenDir: fileURLToPath(new URL('./__golden__', import.meta.url)) })
