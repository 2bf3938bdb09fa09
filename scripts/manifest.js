// Writes oclif.manifest.json (every command's flags, args and help, read by oclif at start-up instead of building
// it from the command classes) from the commands the CLI bundle exports, without the 221-package `oclif` CLI.
// Run after scripts/bundle-cli.js.
import { writeFileSync } from 'node:fs'
import { Plugin } from '@oclif/core'

// the bundle loads a command when it runs (its init hook); the manifest needs them all
await (await import('../dist/bundle/dcache.js')).loadCommands()
const plugin = new Plugin({ root: process.cwd(), type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true })
await plugin.load()
writeFileSync('oclif.manifest.json', JSON.stringify(plugin.manifest, null, 2) + '\n')
