// mDNS discovery, inside a network namespace this test creates (never on the machine's real interfaces:
// multicast would leave through them). Two nodes started with --mdns and no --join find each other.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { execFileSync } from 'node:child_process'
import { LocalCluster } from '../../src/cli/local-cluster.js'
import { runCli } from '../support/cli.js'

const NAMESPACE = `dcache-mdns-${process.pid}`
const inNamespace = ['ip', 'netns', 'exec', NAMESPACE]

test('two nodes with --mdns and no --join form one cluster in an isolated namespace', async () => {
  execFileSync('ip', ['netns', 'add', NAMESPACE])
  let cluster: LocalCluster | undefined
  try {
    execFileSync('ip', ['netns', 'exec', NAMESPACE, 'ip', 'link', 'set', 'lo', 'up'])
    cluster = await LocalCluster.start({ nodes: 1, nodeArgs: ['--mdns', '--preset', 'local'], wrapper: inNamespace })
    const second = await cluster.startNode('node-2', { nodeArgs: ['--mdns', '--preset', 'local'], wrapper: inNamespace, join: false })
    let alive = 0
    for (let tries = 0; alive < 2 && tries < 60; tries++) {
      const r = await runCli(['node', 'list', '--json', '--node', second.address], { wrapper: inNamespace })
      alive = (JSON.parse(r.stdout) as { members: Array<{ state: string }> }).members.filter((m) => m.state === 'alive').length
      if (alive < 2) await new Promise((resolve) => setTimeout(resolve, 250))
    }
    assert.is(alive, 2, 'the second node found the first by mDNS and joined it')
  } finally {
    await cluster?.stop()
    execFileSync('ip', ['netns', 'delete', NAMESPACE])
  }
})

test.run()
