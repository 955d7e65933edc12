/**
 * Every place where Microsoft's docs disagree, are silent or are ambiguous, and what this catalog
 * does about it. Records name the decisions that shaped them in `decisions`; docs/catalog.md lists
 * these with their sources. Ids are stable: never reuse one.
 */
export type Decision = {
  id: string
  /** The question the docs leave open, with the marker of the reference (NOTE/AMBIGUOUS/CONTRADICTION). */
  question: string
  /** What the catalog does. */
  decision: string
  /** Why. */
  rationale: string
  /** Reference record ids the decision is about. */
  records: readonly string[]
}

/** Decisions taken where the docs disagree, by id; records and the resolver cite them. */
export const decisions = [
  {
    id: 'D01',
    question:
      'CONTRADICTION: the firewall article basic table writes `Frontdoor.FirstParty`; every other page writes `AzureFrontDoor.FirstParty`.',
    decision: 'Use `AzureFrontDoor.FirstParty`.',
    rationale:
      'It is the tag name Azure publishes and the spelling of the managed-VNet, recommended-configuration and exfiltration pages; `Frontdoor.FirstParty` is not a tag.',
    records: ['basic-out-09', 'rec-out-02', 'mvnet-req-06'],
  },
  {
    id: 'D02',
    question:
      'CONTRADICTION: hbi workspaces need `Keyvault.<region>` (firewall article, include), while the traffic-flow article lists `AzureKeyVault.region` unconditionally for compute.',
    decision:
      'Use the published tag name `AzureKeyVault.<Region>`, only for workspaces with `hbiWorkspace: true`. The unconditional traffic-flow record stays out of plans (status conflicting).',
    rationale:
      'The firewall article is the newest and the one written for firewall rules; `Keyvault` is not a tag name.',
    records: ['hbi-01', 'hbi-02', 'host-compute-13', 'host-compute-23', 'host-compute-33'],
  },
  {
    id: 'D03',
    question:
      'NOTE: `BatchNodeManagement.<region>` has no protocol in the firewall article (TCP by default) but ANY in the training, include and exfiltration pages.',
    decision:
      'Protocol ANY on port 443, as three pages say. Targets that only carry TCP render TCP and report the narrowing; flows that must pass are TCP.',
    rationale:
      'Under-allowing breaks compute start-up; ANY on a single port to a regional Batch tag adds little exposure.',
    records: ['basic-out-04', 'train-out-01', 'mvnet-req-04'],
  },
  {
    id: 'D04',
    question:
      '`MicrosoftContainerRegistry.<region>` (include, exfiltration page, 2023 firewall article) or `MicrosoftContainerRegistry` (2025+ firewall article)?',
    decision: 'Use the global `MicrosoftContainerRegistry`.',
    rationale:
      'The newest firewall article dropped the region; MCR content is served through global Front Door endpoints. The regional spelling is kept as history.',
    records: ['basic-out-08', 'pia-out-01', 'hist-06'],
  },
  {
    id: 'D05',
    question:
      'CONTRADICTION: compute-instance ports 8787 and 18881 are required (basic table), needed only with a workspace private endpoint (firewall tip), or 18881 required and 8787 RStudio-only (include).',
    decision:
      'Follow the basic table: `AzureMachineLearning` and `*.instances.azureml.ms` on 443, 8787 and 18881 for every compute-instance profile.',
    rationale:
      'A missing port stops notebooks and RStudio from working with no clear error; the extra ports lead only to Azure Machine Learning itself.',
    records: ['basic-out-02', 'host-compute-03'],
  },
  {
    id: 'D06',
    question:
      'CONTRADICTION: public-IP compute needs inbound only from `AzureMachineLearning` on 44224 (firewall, training, managed-VNet pages), or also from Batch on 29876-29877 (traffic-flow page) or `BatchNodeManagement.<region>` (exfiltration page).',
    decision:
      'Only `AzureMachineLearning` → 44224. The Batch inbound records are conflicting and stay out of plans.',
    rationale:
      'The 2025/2026 pages agree; the Batch ports were removed from the firewall article in 2023.',
    records: ['basic-in-01', 'exfil-02', 'flow-in-01', 'hist-01'],
  },
  {
    id: 'D07',
    question:
      'NOTE: the AutoML Front Door host is `automlresources-prod.azureedge.net` (firewall) or `automlresources-prod-d0eaehh7g8andvav.b02.azurefd.net` (exfiltration page).',
    decision:
      'The firewall host for `features.autoML`; the exfiltration host (with `ml.azure.com`) for `features.dataExfiltrationPrevention`, as each page scopes them.',
    rationale: 'Each page is right for its own scenario; both hosts are exact names.',
    records: ['host-aml-11', 'exfil-01', 'exfil-03'],
  },
  {
    id: 'D08',
    question:
      'NOTE: the Government tab lists the public `graph.windows.net` and `*.instances.azureml.ms`; Government and 21Vianet tabs have no Batch host rows.',
    decision:
      'Keep the rows as written. Where a cloud has no Batch hosts, the `BatchNodeManagement.<region>` tag stays in host-style plans, since nothing else covers it.',
    rationale: 'We do not invent hosts the docs do not list.',
    records: ['host-compute-14', 'host-compute-16', 'basic-out-04'],
  },
  {
    id: 'D09',
    question:
      'NOTE: the Kubernetes section writes `<your workspace workspace ID>` and `<your storage account>` in its note and other spellings in its table.',
    decision:
      'All spellings map to one placeholder each: `{workspaceId}`, `{storageAccount}`, `{containerRegistry}`, `{region}`. The docs spelling is kept in `docValue`.',
    rationale: 'They name the same values; the table rows stay reproducible.',
    records: ['k8s-out-04', 'k8s-out-05', 'k8s-out-06', 'k8s-out-07'],
  },
  {
    id: 'D10',
    question:
      'AMBIGUOUS: `*.pythonhosted.org` is worded as needed only "if the index is overwritten", but pip downloads from `files.pythonhosted.org` with the default index too.',
    decision: 'Allow `*.pythonhosted.org` whenever `features.pythonPackages` is on.',
    rationale: 'Without it `pip install` fails against the default index.',
    records: ['pkg-out-05'],
  },
  {
    id: 'D11',
    question: 'Ports and protocols the docs do not state.',
    decision:
      "Host lists and service tags: TCP 443. In-cluster: API server TCP 443; kube-dns UDP and TCP 53; azureml-fe to model pods 5001 (the firewall article's port for the same flow); konnectivity-agent and namespace peers every port. Unspecified protocol: TCP, the firewall article default.",
    rationale:
      'HTTPS is how these services are reached; the in-cluster defaults are the Kubernetes defaults, and the docs name no port for peers they say must talk freely.',
    records: ['k8s-in-01', 'k8s-in-03', 'k8s-in-04', 'k8s-in-10', 'mvnet-req-03'],
  },
  {
    id: 'D12',
    question:
      'AMBIGUOUS: VS Code ports 8704-8710 and custom-application ports 8704-8993 have no direction, protocol or peer.',
    decision: 'Advisories, not egress rules: they describe ports on the compute instance itself.',
    rationale:
      'The VS Code server listens on the instance; an egress rule to them would open nothing useful.',
    records: ['vscode-ports-01', 'rstudio-out-05'],
  },
  {
    id: 'D13',
    question:
      'URL-path entries (VS Code websocket server on github.com, dockerhub.azk8s.cn image paths).',
    decision:
      'Allow the host; keep the path on the rule so targets that cannot filter paths report that TLS inspection is needed.',
    rationale: 'Azure Firewall Standard, managed VNets and plain proxies filter hosts only.',
    records: ['vscode-out-13', 'arc-52'],
  },
  {
    id: 'D14',
    question:
      'Training/inference applicability is given for every record, but the docs split by workload only for Kubernetes compute.',
    decision:
      'The profile `workloads` filters Kubernetes records only; compute instances, clusters and serverless get their records whatever the workloads.',
    rationale:
      'The non-Kubernetes tables have no workload columns; their records are marked training-only by default.',
    records: ['k8s-out-10', 'k8s-out-11'],
  },
  {
    id: 'D15',
    question:
      'The managed-VNet required tags repeat the basic tags without ports, one as `TCP/UDP 18881, 5831`, and an inbound tag without a port.',
    decision:
      'Outbound ones take TCP 443; the `TCP/UDP` record splits into TCP 18881 and UDP 5831; the inbound one takes 44224 and applies only to public-IP compute, as the basic table says.',
    rationale:
      'They restate the basic configuration, which gives the ports and the public-IP condition.',
    records: ['mvnet-req-01', 'mvnet-req-02', 'mvnet-req-09'],
  },
  {
    id: 'D16',
    question:
      'AMBIGUOUS: which peers reach `azureml-fe` on 11001, 12001, 12101, 12201, 20000, 8000, 8001 and 9001, and in which namespace the identity proxy runs.',
    decision:
      'Peers: every pod of the Azure ML namespace. The identity proxy runs in the Azure ML namespace. Labels come from the profile (`kubernetes.labels`).',
    rationale:
      'All Azure ML components run in that namespace; azureml-fe instances coordinate with each other.',
    records: ['k8s-in-06', 'k8s-in-07'],
  },
  {
    id: 'D17',
    question:
      'AKS core egress lists UDP 1194 / TCP 9000 to `*`, `AzureCloud.<Region>` or the API server, and NTP on UDP 123, "not needed" for clusters with konnectivity-agent or nodes after March 2021.',
    decision:
      'Only with `kubernetes.legacyNodeEgress: true`, using `AzureCloud.<Region>` (never `*`) and `ntp.ubuntu.com`.',
    rationale:
      'Current AKS clusters use konnectivity over 443; the regional tag is the narrowest documented form.',
    records: ['aks-core-01', 'aks-core-02', 'aks-core-03'],
  },
  {
    id: 'D18',
    question:
      'The API server IP and custom DNS servers the AKS article needs are only known to the user.',
    decision:
      'Taken from `kubernetes.apiServerAddresses` and `kubernetes.customDnsServers`; when empty the plan carries an unresolved-address diagnostic instead of a guess.',
    rationale: 'Allowing `*` in their place would defeat the firewall.',
    records: ['aks-core-04', 'aks-core-05', 'k8s-in-01'],
  },
  {
    id: 'D19',
    question:
      'Managed-VNet private endpoints, batch-endpoint and prompt-flow private endpoints, service endpoint policies and UDRs are requirements, but not firewall rules.',
    decision:
      'They become advisories of the plan (code AML_EGRESS_ADVISORY) when their condition holds; managed-VNet-only records never apply, since a managed VNet is configured by Azure, not by these rules.',
    rationale: 'Users still need to see them, but no renderer can provide them.',
    records: ['mvnet-pe-01', 'udr-01', 'udr-02', 'exfil-sep-01', 'train-pe-01'],
  },
  {
    id: 'D20',
    question:
      'Service tags are spelled `Storage.region`, `Storage.<region>` and `BatchNodeManagement.uswest` in the docs.',
    decision:
      "Regional tags are looked up, per family, in the cloud's published service-tag names (the snapshot bundled in core, or the file given with `--service-tags`): `Storage.FranceCentral` but `AzureCloud.centralfrance`. The profile takes ARM region names (`francecentral`). A region the names lack gets no tag: an `AML_EGRESS_UNPUBLISHED_SERVICE_TAG` error, never a spelled-out name.",
    rationale:
      'Azure Firewall and NSGs accept only published names. The families spell regions differently (`AzureCloud` is lowercase and shortens ten regions: `centralfrance`, `germanywc`, `norwaye`, …), and files a few weeks old miss new regions.',
    records: ['basic-out-06', 'basic-out-04', 'aks-core-01'],
  },
  {
    id: 'D21',
    question:
      'The docs give the same need as service tags (basic configuration) and as host lists (third-party firewalls). Which one goes into a plan?',
    decision:
      'Profile `destinationStyle`: `hosts` (default) keeps host records and drops tag records that hosts cover; `serviceTags` keeps tag records and drops host records a chosen tag covers on the same protocol and ports. Host rules carry their tag equivalents as `serviceTagFallbacks` for targets that cannot match the host on that port.',
    rationale:
      "Exact hosts are narrower (no other tenants' storage behind `Storage.<region>`), and every target except NSGs can express most of them.",
    records: ['basic-out-06', 'host-compute-08', 'host-compute-12'],
  },
  {
    id: 'D22',
    question:
      'The inference-VNet page asks for `AzureContainerRegistry.{RegionName}` without a port when outbound is restricted for AKS inference.',
    decision: 'Regional `AzureContainerRegistry` tag on TCP 443 for Kubernetes inference profiles.',
    rationale: 'Registries are reached over HTTPS; the region is the workspace region.',
    records: ['inf-out-01'],
  },
  {
    id: 'D23',
    question: 'AKS `<cluster>.hcp.<region>.azmk8s.io` needs the cluster name.',
    decision:
      'Exact host from `kubernetes.clusterDnsPrefix`; without it `*.hcp.<region>.azmk8s.io`, as the AKS core-egress list writes.',
    rationale: 'The wildcard is documented; the exact host is narrower when the user knows it.',
    records: ['k8s-fe-01', 'aks-core-06'],
  },
  {
    id: 'D24',
    question:
      'The in-cluster table allows DNS for the Azure ML namespace only, but real-time inference gives model pods egress rules (to the identity proxy on 9999), which isolates their egress.',
    decision:
      'With inference workloads, model namespaces get the same kube-dns rule (UDP and TCP 53).',
    rationale: 'Egress isolation without DNS breaks every name lookup in the model pods.',
    records: ['k8s-in-03', 'k8s-in-07'],
  },
  {
    id: 'D25',
    question:
      'The docs name `AzureFrontDoor.FirstParty` (and `AzureFrontDoor.FrontEnd`) for every cloud. The US Government and China service-tag files have no `AzureFrontDoor.FirstParty`, and every file spells the other `AzureFrontDoor.Frontend`.',
    decision:
      'Every tag a plan names is looked up in the published names of its cloud and written as published (`AzureFrontDoor.Frontend`). Where the cloud lacks `AzureFrontDoor.FirstParty`, its documented hosts `mcr.microsoft.com` and `*.data.mcr.microsoft.com` (TCP 443) stand for it, with an `AML_EGRESS_SERVICE_TAG_SUBSTITUTED` info. Any other tag a cloud lacks is left out with an `AML_EGRESS_UNPUBLISHED_SERVICE_TAG` error.',
    rationale:
      'A firewall rule or NSG naming a tag its cloud does not have fails to deploy. The exfiltration page gives the MCR hosts as the alternative to the two tags ("MicrosoftContainerRegistry and AzureFrontDoor.FirstParty, or the FQDNs").',
    records: ['basic-out-09', 'rec-out-02', 'mvnet-req-06', 'basic-out-07'],
  },
  {
    id: 'D26',
    question:
      'NOTE: the Azure ML Kubernetes outbound table and the azureml-fe page are written for the public cloud (`*.kusto.windows.net`, `*.table.core.windows.net`, `<workspace>.workspace.<region>.api.azureml.ms`, …). What does a US Government or 21Vianet Kubernetes plan get?',
    decision:
      'Rows that name no cloud (`pypi.org`, `archive.ubuntu.com`, `security.ubuntu.com`, `ppa.launchpad.net`) apply in every cloud. Storage rows are carried with the storage suffix the firewall article gives the cloud (`*.table.core.usgovcloudapi.net`, `<account>.blob.core.chinacloudapi.cn`: records `k8s-out-02@usgov` …). The other rows (Kusto, registries, workspace and experiment hosts, the azureml-fe hosts) have no documented host there: the plan names each one left out in an `AML_EGRESS_NOT_DOCUMENTED` warning, as it does for a Kubernetes table the cloud has no version of (21Vianet AKS cluster extensions).',
    rationale:
      "Guessing sovereign host names would write rules for hosts that may not exist; dropping the rows silently leaves a cluster that cannot reach what it needs without a word. The storage suffixes are the firewall article's own.",
    records: [
      'k8s-out-01',
      'k8s-out-02',
      'k8s-out-06',
      'k8s-out-07',
      'k8s-out-10',
      'k8s-out-13',
      'k8s-fe-01',
    ],
  },
  {
    id: 'D27',
    question:
      'The reference compilation reproduces only the Azure Global rows of the AKS egress article. Its US Government and 21Vianet tables list the tunnel ports (1194, 9000, and 22 in 21Vianet) and NTP without the "not required with konnectivity-agent / after March 2021" notes of the Global table, and write one wildcard as `.data.mcr.microsoft.com`.',
    decision:
      'The US Government and 21Vianet rows are transcribed from the same article and commit (records `aks-core-usgov-*`, `aks-core-china-*`) and apply to every AKS profile of their cloud, tunnel and NTP rows included, as written there; `.data.mcr.microsoft.com` is `*.data.mcr.microsoft.com`, as in the other tables.',
    rationale:
      'Without them a sovereign AKS plan has no API-server hosts and the nodes cannot join. The exemptions are documented for Azure Global only, so they are not assumed elsewhere; `kubernetes.legacyNodeEgress` keeps its meaning for the public cloud (D17).',
    records: ['aks-core-usgov-01', 'aks-core-usgov-06', 'aks-core-china-08', 'aks-core-china-15'],
  },
  {
    id: 'D28',
    question:
      'The Arc network requirements scope some hosts to features: Service Bus, guest notification and `sts.windows.net` "for Cluster Connect and Custom Location based scenarios", `<region>.obo.arc.azure.*:8084` "when Cluster Connect is configured", Microsoft Graph "when Azure RBAC is configured", `dl.k8s.io` "during Azure Arc onboarding". Which does an Azure ML Arc cluster need?',
    decision:
      'Each feature is a profile option, off by default: `kubernetes.arc.clusterConnect` (Cluster Connect or custom locations), `kubernetes.arc.azureRbac`, `kubernetes.arc.onboarding`. The other Arc hosts apply to every Arc profile.',
    rationale:
      'The Azure ML extension needs none of these features. The multi-tenant `*.servicebus.*` wildcard and port 8084 would be open for every cluster otherwise.',
    records: ['arc-08', 'arc-11', 'arc-14', 'arc-15', 'arc-17', 'arc-30', 'arc-31', 'arc-47'],
  },
  {
    id: 'D29',
    question:
      'The US Government Arc page gives the Cluster Connect host as `usgovvirginia.obo.arc.azure.us:8084`, without a `<region>` form.',
    decision:
      'The host is allowed for workspaces in `usgovvirginia`. Elsewhere in US Government the plan has no Cluster Connect host and an `AML_EGRESS_NOT_DOCUMENTED` warning names it.',
    rationale:
      'The public and 21Vianet pages write `<region>.obo.arc.azure.*`; the Government page names one region. A host spelled for another region would be made up.',
    records: ['arc-32'],
  },
] as const satisfies readonly Decision[]

/** Id of a decision taken where the docs disagree (`D01`…). */
export type DecisionId = (typeof decisions)[number]['id']
