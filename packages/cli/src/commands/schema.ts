import { profileJsonSchema } from '@aml-egress/core'
import { defineCliCommand } from '../command'

export const schemaCommand = defineCliCommand({
  meta: { name: 'schema', description: 'Print the JSON Schema of the profile, for editors' },
  args: {},
  examples: [
    'aml-egress schema > aml-egress.schema.json',
    '# then, first line of aml-egress.yaml:  # yaml-language-server: $schema=./aml-egress.schema.json',
  ],
  run: async ({ io }) => {
    io.stdout(`${JSON.stringify(profileJsonSchema(), null, 2)}\n`)
    return 0
  },
})
