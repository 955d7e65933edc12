import { azureFirewallFormat } from '@aml-egress/azure-firewall'
import { type ReadbackRow, readAndEvaluate } from '@aml-egress/test-matrix/bench'
import { fleetPolicy } from './fleet'

/**
 * Renders a fleet whose policy has about `rules` firewall rules, reads the ARM files back and
 * evaluates every flow of its plan.
 */
export async function firewallReadback(rules: number): Promise<ReadbackRow> {
  // The bench fleet has 89 estate-wide firewall rules plus 6 per workspace.
  const fleet = fleetPolicy(Math.ceil((rules - 89) / 6))
  const { files } = azureFirewallFormat.render(fleet.plan)
  const measured = await readAndEvaluate({ format: azureFirewallFormat, files, plan: fleet.plan })
  return {
    label: 'Azure Firewall policy',
    size: `${fleet.rules.toLocaleString('en-US')} rules`,
    bytes: files.reduce((sum, file) => sum + Buffer.byteLength(file.contents), 0),
    ...measured,
  }
}
