import { describeFuzz } from '../src/describeFuzz'
import { fuzzedFormats } from '../src/properties'

// NetworkPolicy and CiliumNetworkPolicy (YAML) share a reader and evaluator.
describeFuzz(fuzzedFormats.filter((format) => ['network-policy', 'cilium'].includes(format.name)))
