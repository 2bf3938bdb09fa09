// A private cluster: nodes and clients need the same swarm key (libp2p pnet); without it nothing connects.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalCluster } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'

test('keygen writes a private key file; only holders of it reach the cluster', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dcache-pnet-'))
  const keyFile = join(dir, 'swarm.key')
  let cluster: LocalCluster | undefined
  try {
    const made = await runCli(['keygen', keyFile])
    assert.is(made.code, 0, made.stderr)
    assert.is((await stat(keyFile)).mode & 0o777, 0o600)
    assert.is((await runCli(['keygen', keyFile])).code, 2, 'never overwrites a key')

    cluster = await LocalCluster.start({ nodes: 2, nodeArgs: ['--swarm-key', keyFile, '--preset', 'local'] })
    const node = ['--node', cluster.nodes[1]?.address as string]
    const put = await runCli(['put', 'secret', 'kept', '--swarm-key', keyFile, ...node])
    assert.is(put.code, 0, put.stderr)
    const withEnv = await runCli(['get', 'secret', ...node], { env: { DCACHE_SWARM_KEY: keyFile } })
    assert.is(withEnv.stdout, 'kept\n')
    const without = await runCli(['get', 'secret', '--timeout', '2000', ...node])
    assert.is(without.code, 3, 'a client without the key cannot connect')
    const missingFile = await runCli(['get', 'secret', '--swarm-key', join(dir, 'nope.key'), ...node])
    assert.is(missingFile.code, 2)
    assert.match(missingFile.stderr, /cannot read swarm key file/)
  } finally {
    await cluster?.stop()
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
