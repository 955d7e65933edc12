import { defineFormat } from '@aml-egress/core'
import { squidDescriptor } from './descriptor'
import { evaluateSquid } from './evaluate'
import type { SquidConfig, SquidRenderOptions } from './model'
import { readSquid, squidReferences } from './read'
import { renderSquid } from './render'

/**
 * Squid proxy ACLs: renders an allowlist (include fragment or standalone squid.conf) and reads
 * squid.conf files back to evaluate flows with http_access semantics.
 * @example squidFormat.render(plan, { mode: 'standalone', httpPort: 3128 })
 */
export const squidFormat = defineFormat<SquidConfig, SquidRenderOptions>({
  ...squidDescriptor,
  title: 'Squid proxy ACLs',
  fileExtensions: ['.conf'],
  renderOptions: [
    {
      key: 'mode',
      flag: 'mode',
      description: 'an include fragment for your squid.conf, or a standalone squid.conf',
      type: 'choice',
      choices: ['include', 'standalone'],
      default: 'include',
    },
    {
      key: 'httpPort',
      flag: 'http-port',
      description: 'standalone mode: the port Squid listens on',
      type: 'integer',
      default: '3128',
    },
  ],
  render: renderSquid,
  read: readSquid,
  evaluate: evaluateSquid,
  references: squidReferences,
})
