// A private cluster: nodes and clients need the same swarm key (libp2p pnet); without it nothing connects.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalCluster, type LocalNode } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'

/** What `node` prints from now on; `until` resolves once a line matches (or fails after a while). */
function outputOf (node: LocalNode): { until: (wanted: RegExp, timeoutMs?: number) => Promise<void> } {
  let text = ''
  const checks = new Set<() => void>()
  node.process.stdout?.on('data', (d) => {
    text += String(d)
    for (const check of [...checks]) check()
  })
  return {
    until: async (wanted, timeoutMs = 30_000) => {
      const { promise, resolve, reject } = Promise.withResolvers<void>()
      const check = (): void => { if (wanted.test(text)) resolve() }
      const timer = setTimeout(() => { reject(new Error(`${node.name} never printed ${String(wanted)}:\n${text}`)) }, timeoutMs)
      checks.add(check)
      try {
        check()
        await promise
      } finally {
        clearTimeout(timer)
        checks.delete(check)
      }
    }
  }
}

test('keygen writes a private key file; only holders of it reach the cluster; a missing or other key is a handshake failure that says so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dcache-pnet-'))
  const keyFile = join(dir, 'swarm.key')
  const otherKeyFile = join(dir, 'other.key')
  let cluster: LocalCluster | undefined
  try {
    const made = await runCli(['keygen', keyFile])
    assert.is(made.code, 0, made.stderr)
    assert.is((await stat(keyFile)).mode & 0o777, 0o600)
    assert.is((await runCli(['keygen', keyFile])).code, 2, 'never overwrites a key')

    cluster = await LocalCluster.start({ nodes: 2, nodeArgs: ['--swarm-key', keyFile, '--preset', 'local'] })
    const seed = cluster.nodes[0] as LocalNode
    const seedOutput = outputOf(seed)
    const node = ['--node', cluster.nodes[1]?.address as string]
    const put = await runCli(['put', 'secret', 'kept', '--swarm-key', keyFile, ...node])
    assert.is(put.code, 0, put.stderr)
    const withEnv = await runCli(['get', 'secret', ...node], { env: { DCACHE_SWARM_KEY: keyFile } })
    assert.is(withEnv.stdout, 'kept\n')
    const handshake = /handshake failed with \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+: does the cluster need a swarm key, or a different one\?/
    const without = await runCli(['get', 'secret', ...node])
    assert.is(without.code, 3, 'a client without the key cannot connect')
    assert.match(without.stderr, handshake)
    assert.ok((await runCli(['keygen', otherKeyFile])).code === 0)
    const otherKey = await runCli(['get', 'secret', '--swarm-key', otherKeyFile, ...node])
    assert.is(otherKey.code, 3, 'nor one with another key')
    assert.match(otherKey.stderr, handshake)
    const intruder = await runCli(['node', 'start', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', join(dir, 'intruder'), '--swarm-key', otherKeyFile, '--join', seed.address])
    assert.is(intruder.code, 3, 'a node with another key cannot join')
    assert.match(intruder.stderr, handshake)
    await seedOutput.until(/ warn  connection:refused refused a connection from \/ip4\/127\.0\.0\.1\/tcp\/\d+: it sent no libp2p handshake: does it lack the swarm key, or use a different one\?/)
    const missingFile = await runCli(['get', 'secret', '--swarm-key', join(dir, 'nope.key'), ...node])
    assert.is(missingFile.code, 2)
    assert.match(missingFile.stderr, /cannot read swarm key file/)
  } finally {
    await cluster?.stop()
    await rm(dir, { recursive: true, force: true })
  }
})

test('on a member\'s machine the CLI needs no swarm key: it uses the member\'s local socket, and goes over the network (with the key) only when that member hangs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dcache-pnet-'))
  const keyFile = join(dir, 'swarm.key')
  let cluster: LocalCluster | undefined
  let paused: LocalNode | undefined
  try {
    assert.is((await runCli(['keygen', keyFile])).code, 0)
    cluster = await LocalCluster.start({ nodes: 2, nodeArgs: ['--swarm-key', keyFile, '--preset', 'local'] })
    const seed = cluster.nodes[0] as LocalNode
    const onSeed = { DCACHE_DATA_DIR: seed.dataDir }
    const put = await runCli(['put', 'local', 'socket'], { env: onSeed })
    assert.is(put.code, 0, put.stderr)
    const get = await runCli(['get', 'local'], { env: onSeed })
    assert.is(get.stdout, 'socket\n', get.stderr)
    const overNetwork = await runCli(['get', 'local', '--node', seed.address])
    assert.is(overNetwork.code, 3, 'naming the node goes over the network, where the key is needed')

    // paused: the socket still accepts, nothing answers; after half the deadline the remembered member does
    paused = seed
    process.kill(seed.pid, 'SIGSTOP')
    const fallback = await runCli(['get', 'local', '--timeout', '2000', '--consistency', 'one'], { env: { ...onSeed, DCACHE_SWARM_KEY: keyFile } })
    assert.is(fallback.code, 0, fallback.stderr)
    assert.is(fallback.stdout, 'socket\n')
  } finally {
    if (paused !== undefined) process.kill(paused.pid, 'SIGCONT')
    await cluster?.stop()
    await rm(dir, { recursive: true, force: true })
  }
})

test.run()
