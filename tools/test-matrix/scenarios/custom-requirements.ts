import {
  defineScenario,
  fromAddress,
  fromTag,
  SUBNET,
  toAddress,
  toHost,
  toTag,
} from '../src/scenario'

const WORKSPACE = '6f1c2b9e-4a7d-4c1e-9b2a-3d5e7f8a9b0c'

/**
 * The profile's `extraRequirements`: one endpoint of your own per destination kind (host,
 * wildcard, CIDR, service tag, inbound from a tag and from a CIDR), port ranges, UDP, a duplicate
 * of a catalog host and an entry scoped to compute the profile does not use. Flows written from
 * the entries' meaning (docs/profile.md), not from the plan.
 */
export const customRequirements = defineScenario({
  id: 'custom-requirements',
  title: 'Endpoints of your own next to the catalog, every destination kind',
  profile: {
    workspaces: [{ id: WORKSPACE, region: 'westeurope', storageAccounts: ['contosomlweu'] }],
    compute: ['computeCluster'],
    sourceAddresses: [SUBNET],
    extraRequirements: [
      {
        id: 'contoso-artifactory',
        description: 'Internal PyPI and container mirror',
        destination: 'artifacts.contoso.com',
        ports: [443],
        link: 'https://wiki.contoso.com/artifactory',
      },
      {
        id: 'contoso-hf-proxy',
        description: 'Hugging Face proxy, one host per region',
        destination: '*.hf-proxy.contoso.net',
        ports: [443, '8000-8010'],
        workspaces: [WORKSPACE],
      },
      {
        id: 'contoso-nexus',
        description: 'Nexus by address',
        destination: '10.50.0.0/16',
        ports: [8081],
      },
      {
        id: 'contoso-syslog',
        description: 'Syslog collector',
        destination: '10.60.0.10',
        protocol: 'UDP',
        ports: [514],
      },
      {
        id: 'contoso-cosmos',
        description: 'Feature store in Cosmos DB',
        destination: 'tag:AzureCosmosDB',
        ports: [443],
      },
      {
        id: 'contoso-lb-probe',
        description: 'Load balancer health probe of a sidecar',
        direction: 'inbound',
        source: 'tag:AzureLoadBalancer',
        ports: [8080],
      },
      {
        id: 'contoso-jump-ssh',
        description: 'SSH from the jump hosts of a partner network',
        direction: 'inbound',
        source: '203.0.113.0/24',
        ports: [22],
      },
      {
        id: 'contoso-arm',
        description: 'Already in the catalog: reported, not rendered twice',
        destination: 'management.azure.com',
        ports: [443],
      },
      {
        id: 'contoso-k8s-registry',
        description: 'Only for Kubernetes compute, which this profile does not use',
        destination: 'registry.k8s.contoso.com',
        ports: [443],
        compute: ['kubernetes'],
      },
    ],
  },
  mustAllow: [
    toHost('artifacts.contoso.com', 443, 'contoso-artifactory'),
    toHost('weu.hf-proxy.contoso.net', 443, 'contoso-hf-proxy, wildcard'),
    toHost('weu.hf-proxy.contoso.net', 8005, 'contoso-hf-proxy, inside the 8000-8010 range'),
    toAddress('10.50.3.7', 8081, 'contoso-nexus, inside 10.50.0.0/16'),
    toAddress('10.60.0.10', 514, 'contoso-syslog, UDP', { udp: true }),
    toTag('AzureCosmosDB', 443, 'contoso-cosmos'),
    fromTag('AzureLoadBalancer', 8080, 'contoso-lb-probe, inbound from a tag'),
    fromAddress('203.0.113.5', 22, 'contoso-jump-ssh, inbound from a CIDR'),
    toHost('management.azure.com', 443, 'contoso-arm, covered by the catalog'),
  ],
  mustDeny: [
    toHost('artifacts.contoso.com', 80, 'contoso-artifactory is 443 only'),
    toHost('contoso.com', 443, 'the apex is not the host'),
    toHost('hf-proxy.contoso.net', 443, 'apex of *.hf-proxy.contoso.net'),
    toHost('weu.hf-proxy.contoso.net', 8011, 'one past the 8000-8010 range'),
    toHost('registry.k8s.contoso.com', 443, 'scoped to kubernetes compute, not in this profile'),
    toAddress('10.51.0.1', 8081, 'outside 10.50.0.0/16'),
    toAddress('10.60.0.10', 514, 'contoso-syslog is UDP only'),
    // Not an address outside the jump range: an NSG's default rule admits AzureLoadBalancer, whose
    // ranges it cannot see, so such a flow is unknown to it.
    fromTag('AzureMachineLearning', 8080, 'only the load balancer probes 8080'),
  ],
})
