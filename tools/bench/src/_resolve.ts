import { parseProfile, resolvePlan } from '@aml-egress/core'
import { fleetProfile } from '@aml-egress/test-matrix/bench'

const profile = parseProfile(fleetProfile(10_000))
const cpu: number[] = []
for (let i = 0; i < 6; i++) {
  const c = process.cpuUsage()
  const plan = resolvePlan(profile)
  const d = process.cpuUsage(c)
  cpu.push((d.user + d.system) / 1000)
  if (plan.rules.length !== 40072) throw new Error('rules')
}
console.log(
  'resolve cpu ms',
  cpu.map((x) => x.toFixed(0)).join(' '),
  'median',
  cpu.sort((a, b) => a - b)[3]?.toFixed(0),
)
