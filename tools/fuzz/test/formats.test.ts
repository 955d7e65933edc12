import { describeFuzz } from '../src/describeFuzz'
import { loadFuzzedFormats } from './fuzzedFormats'

// Every format but terraform and the Kubernetes formats, which have their own files, so that the
// workers split the time about evenly (a new format lands here).
const elsewhere = ['terraform', 'network-policy', 'cilium']
describeFuzz((await loadFuzzedFormats()).filter((format) => !elsewhere.includes(format.name)))
