#!/usr/bin/env -S node --import tsx
// Runs src/commands/*.ts through tsx, ignoring dist/ and the manifest (both may be stale while developing).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { execute } from '@oclif/core'

const root = fileURLToPath(new URL('..', import.meta.url))
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
pjson.oclif.commands = './src/commands'
// the bundle's init hook loads bundled commands, which development mode finds in src/commands itself
delete pjson.oclif.hooks.init
await execute({ development: true, dir: import.meta.url, loadOptions: { root, pjson, isRoot: true, ignoreManifest: true } })
