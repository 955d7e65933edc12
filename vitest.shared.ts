import { defineConfig } from 'vitest/config'

/** Tests run against `src/` through the `@aml-egress/source` export condition: no build needed. */
export const sharedTestConfig = defineConfig({
  resolve: { conditions: ['@aml-egress/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@aml-egress/source', 'module', 'node', 'import', 'default'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // CI never writes snapshots: a missing or changed golden fails the run.
    update: false,
    // End-to-end tests spawn the CLI and Squid; on a loaded 2-core CI machine 5 s is too tight.
    // A guard against hangs, not a performance assertion.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
