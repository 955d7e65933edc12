import { describeFuzz } from '../src/describeFuzz'
import { loadFuzzedFormats } from './fuzzedFormats'

// NetworkPolicy and CiliumNetworkPolicy (YAML) share a reader and evaluator.
const kubernetes = ['network-policy', 'cilium']
describeFuzz((await loadFuzzedFormats()).filter((format) => kubernetes.includes(format.name)))
