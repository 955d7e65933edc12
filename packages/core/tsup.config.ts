import { defineConfig } from 'tsup'

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/catalogDetails.ts',
    'src/diagnose.ts',
    'src/environmentFiles.ts',
    'src/logReaders.ts',
  ],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
})
