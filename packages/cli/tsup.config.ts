import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { defineConfig } from 'tsup'

// yaml's ES module build (published as its browser entry; plain ECMAScript): unlike its CommonJS
// build for Node, it is scope-hoisted and tree-shaken into the bundle.
const yamlModule = join(
  dirname(createRequire(import.meta.url).resolve('yaml/package.json')),
  'browser/index.js',
)

export default defineConfig([
  // The library entry: dependencies stay external, as for any package.
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
  },
  // The `aml-egress` binary: the CLI as one minified CommonJS bundle with its dependencies
  // (cli.cjs), so that it can be compiled from V8's code cache, and the launcher that does that
  // (aml-egress.cjs). Commands and formats stay lazy inside the bundle: a render runs only its
  // own module code. The HCL parser (WebAssembly) stays external and lazy.
  {
    entry: { 'aml-egress': 'src/launcher.ts', cli: 'src/bin.ts' },
    outDir: 'dist/bin',
    format: ['cjs'],
    noExternal: [/.*/],
    esbuildOptions(options) {
      options.external = ['@cdktf/hcl2json']
      options.alias = { yaml: yamlModule }
      // `import()` becomes `require()`: code run from a vm.Script has no ES module loader of its
      // own (Node 22 warns that lending it the main one is experimental).
      options.supported = { 'dynamic-import': false }
    },
    minify: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
  },
])
