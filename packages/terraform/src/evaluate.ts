/**
 * Does a Terraform config allow a flow? Outbound traffic from the compute subnet passes the
 * subnet NSG and then the firewall (UDR next hop), so both must allow it: the firewall part is
 * answered by the azure-firewall evaluator on the same model, the NSG part with NSG semantics.
 * Inbound traffic (the 44224 rule) is answered by the NSGs alone.
 */
import { evaluateAzureFirewall } from '@aml-egress/azure-firewall'
import { describeFlow, type Flow, type Verdict } from '@aml-egress/core'
import type { OpaqueElement, TerraformConfig } from './model'
import { decidedBy, evaluatePreparedNsg, flowSides } from './nsgEvaluate'
import { currentNsgIndex } from './nsgIndex'

function opaqueVerdict(element: OpaqueElement, flow: Flow): Verdict {
  return {
    verdict: 'unknown',
    decidedBy: decidedBy(element.address, element.origin),
    reason: `${describeFlow(flow)}: ${element.address} may decide it, but ${element.reason}.`,
  }
}

/** Evaluates every NSG of the config; NSGs that disagree make the answer unknown. */
function nsgVerdict(config: TerraformConfig, flow: Flow): Verdict | undefined {
  const opaque = config.opaque.find((element) => element.affects === 'nsg')
  const index = currentNsgIndex(config)
  if (index.nsgs.length === 0) return opaque ? opaqueVerdict(opaque, flow) : undefined
  const sides = flowSides(flow, index.ranges)
  const direction = flow.direction === 'inbound' ? 'Inbound' : 'Outbound'
  const verdicts = index.nsgs.map(({ nsg, prepared }) =>
    evaluatePreparedNsg({ prepared: prepared[direction], flow, sides, nsg }),
  )
  const [first] = verdicts
  if (!first) return undefined
  if (opaque && first.verdict !== 'unknown') return opaqueVerdict(opaque, flow)
  const disagree = verdicts.find((verdict) => verdict.verdict !== first.verdict)
  if (!disagree) return first
  return {
    verdict: 'unknown',
    ...(first.decidedBy ? { decidedBy: first.decidedBy } : {}),
    reason: `${describeFlow(flow)}: the NSGs in these files disagree (${first.reason} / ${disagree.reason}); which one guards the compute subnet is not in the config.`,
  }
}

function firewallVerdict(config: TerraformConfig, flow: Flow): Verdict | undefined {
  const opaque = config.opaque.find((element) => element.affects === 'firewall')
  if (opaque) return opaqueVerdict(opaque, flow)
  if (config.firewallPolicy.ruleCollectionGroups.length === 0) return undefined
  return evaluateAzureFirewall(config.firewallPolicy, flow)
}

/**
 * Evaluates one flow against a Terraform config.
 * @example evaluateTerraform(config, { direction: 'inbound', source: { kind: 'serviceTag', tag: 'AzureMachineLearning' }, destination: { kind: 'address', address: '10.0.0.4' }, protocol: 'TCP', port: 44224 })
 */
export function evaluateTerraform(config: TerraformConfig, flow: Flow): Verdict {
  if (flow.direction === 'inCluster')
    return {
      verdict: 'unknown',
      reason: `${describeFlow(flow)} stays inside the cluster: Azure firewall and NSG rules never see it; check the cluster's NetworkPolicy.`,
    }
  if (flow.direction === 'inbound')
    return (
      nsgVerdict(config, flow) ?? {
        verdict: 'denied',
        reason: `${describeFlow(flow)}: no NSG rule in these files allows it, and NSGs deny inbound traffic by default (DenyAllInBound).`,
      }
    )
  const firewall = firewallVerdict(config, flow)
  const nsg = nsgVerdict(config, flow)
  const [first, second] = [firewall, nsg].filter((verdict) => verdict !== undefined)
  if (!first)
    return {
      verdict: 'denied',
      reason: `${describeFlow(flow)}: these files hold no firewall rule collection group and no NSG rule that allows it.`,
    }
  // Both the NSG and the firewall must pass the traffic: any deny decides, then any unknown.
  for (const verdict of ['denied', 'unknown'] as const) {
    const deciding = [first, second].find((part) => part?.verdict === verdict)
    if (deciding) return deciding
  }
  // Both allow it: the firewall's rule decided, the NSG's agreed.
  return second
    ? { ...first, reason: `${first.reason} The NSG passes it too (${second.reason}).` }
    : first
}
