import { describeFuzz } from '../src/describeFuzz'
import { fuzzedFormats } from '../src/properties'

// Squid and Azure Firewall (ARM JSON) in one file; terraform and the Kubernetes formats have theirs,
// so the workers split the time about evenly.
describeFuzz(fuzzedFormats.filter((format) => ['squid', 'azure-firewall'].includes(format.name)))
