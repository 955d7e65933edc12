import { describeFuzz } from '../src/describeFuzz'
import { fuzzedFormats } from '../src/properties'

// Terraform alone: its reader runs HashiCorp's HCL parser (WebAssembly), half the fuzzing time.
describeFuzz(fuzzedFormats.filter((format) => format.name === 'terraform'))
