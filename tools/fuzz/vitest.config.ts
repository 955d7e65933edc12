import { defineProject, mergeConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.ts'

// The fuzz files are CPU-bound and independent: run them side by side on every core.
export default mergeConfig(sharedTestConfig, defineProject({ test: { maxWorkers: 2 } }))
