import { describeFuzz } from '../src/describeFuzz'
import { loadFuzzedFormats } from './fuzzedFormats'

// Terraform alone: its reader runs HashiCorp's HCL parser (WebAssembly), half the fuzzing time.
describeFuzz((await loadFuzzedFormats()).filter((format) => format.name === 'terraform'))
