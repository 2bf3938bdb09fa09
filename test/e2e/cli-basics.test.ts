// The CLI shell: version, help with examples on every command, and the Node version guard.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { DCACHE_BIN } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'
import pkg from '../../package.json' with { type: 'json' }

const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as { commands: Record<string, unknown> }
const commandIds = Object.keys(manifest.commands).sort()

test('--version prints the package version', async () => {
  const r = await runCli(['--version'])
  assert.is(r.code, 0)
  assert.match(r.stdout, new RegExp(`^dcache/${pkg.version.replaceAll('.', '\\.')} `))
})

test('every command has --help with a description and examples', async () => {
  assert.ok(commandIds.length >= 20, `commands in the manifest: ${commandIds.join(', ')}`)
  for (const id of commandIds) {
    const r = await runCli([...id.split(':'), '--help'])
    assert.is(r.code, 0, `${id}: ${r.stderr}`)
    assert.match(r.stdout, /USAGE/, id)
    assert.match(r.stdout, /EXAMPLES/, `${id} --help shows examples`)
  }
})

test('an older Node gets one clear line and exit code 1, not a stack trace', () => {
  const r = spawnSync(process.execPath, ['--import', 'data:text/javascript,Object.defineProperty(process.versions, "node", { value: "20.11.0" })', DCACHE_BIN, '--version'], { encoding: 'utf8' })
  assert.is(r.status, 1)
  assert.match(r.stderr, /^dcache needs Node\.js >= 22/)
  assert.is(r.stderr.trim().split('\n').length, 1)
})

test.run()
