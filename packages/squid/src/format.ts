import { defineFormat } from '@aml-egress/core'
import { evaluateSquid } from './evaluate'
import type { SquidConfig, SquidRenderOptions } from './model'
import { readSquid } from './read'
import { renderSquid } from './render'

/**
 * Squid proxy ACLs: renders an allowlist (include fragment or standalone squid.conf) and reads
 * squid.conf files back to evaluate flows with http_access semantics.
 * @example squidFormat.render(plan, { mode: 'standalone', httpPort: 3128 })
 */
export const squidFormat = defineFormat<SquidConfig, SquidRenderOptions>({
  name: 'squid',
  title: 'Squid proxy ACLs',
  capabilities: {
    exactFqdn: true,
    wildcardFqdn: true,
    serviceTag: false,
    cidr: false,
    nonHttpPorts: false,
    udp: false,
    inbound: false,
    inCluster: false,
    urlPath: false,
  },
  render: renderSquid,
  read: async (files) => readSquid(files),
  evaluate: evaluateSquid,
})
