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
  // The `aml-egress` binary: one minified bundle with its dependencies, split per command and
  // format so that a render loads only its own. Resolving dozens of module files costs more start-up
  // time than the rendering itself. The HCL parser (WebAssembly) stays external and lazy.
  {
    entry: { 'aml-egress': 'src/bin.ts' },
    outDir: 'dist/bin',
    format: ['esm'],
    noExternal: [/.*/],
    esbuildOptions(options) {
      options.external = ['@cdktf/hcl2json']
      options.alias = { yaml: yamlModule }
    },
    // Bundled CommonJS dependencies (yaml) require Node built-ins, which ESM has no `require` for.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    splitting: true,
    minify: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
  },
])
