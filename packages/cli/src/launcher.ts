#!/usr/bin/env node
// The `aml-egress` binary. It runs the bundled CLI (cli.cjs beside it) with V8's code cache of
// that bundle, made by an earlier run of the same command and format: compiling the bundle and the functions
// a command calls is most of a start. See codeCache.ts for where the cache lives and why it is
// trusted.
import { readFileSync } from 'node:fs'
import nodeModule, { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Script } from 'node:vm'
import { codeCacheSlot, readCodeCache, writeCodeCache } from './codeCache'

const bundlePath = join(__dirname, 'cli.cjs')
const bundle = readFileSync(bundlePath)
const slot = codeCacheSlot(bundle, process.argv.slice(2), {
  env: process.env,
  tmpdir: tmpdir(),
  uid: process.getuid?.(),
  v8Version: process.versions.v8,
  execArgv: process.execArgv,
})
const cachedData = slot && readCodeCache(slot)
const script = new Script(nodeModule.wrap(bundle.toString('utf8')), {
  filename: bundlePath,
  cachedData,
})
// Made at exit, so that the cache holds every function this run compiled.
if (slot && (cachedData === undefined || script.cachedDataRejected))
  process.once('exit', () => writeCodeCache(slot, script.createCachedData()))
const bundleModule = { exports: {} }
script.runInThisContext()(
  bundleModule.exports,
  createRequire(bundlePath),
  bundleModule,
  bundlePath,
  __dirname,
)
