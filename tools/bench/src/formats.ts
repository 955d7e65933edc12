import { azureFirewallFormat } from '@aml-egress/azure-firewall'
import type { Plan, RenderResult } from '@aml-egress/core'
import { ciliumFormat, networkPolicyFormat } from '@aml-egress/network-policy'
import { squidFormat } from '@aml-egress/squid'
import { terraformFormat } from '@aml-egress/terraform'

/** Every format the bench renders, with default options: the full plan each time. */
export const formats: readonly { name: string; render(plan: Plan): RenderResult }[] = [
  azureFirewallFormat,
  terraformFormat,
  networkPolicyFormat,
  ciliumFormat,
  squidFormat,
]
