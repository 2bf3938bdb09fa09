// A CLI on a member's machine talks to that member over its local socket (no libp2p host, no handshake); requests
// to other members (keys routed to their owners, fallbacks) go over a network connection opened on first use.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { connectLocalMember } from '../../src/client/local-member.js'
import { MEMBERS_FILE } from '../../src/client/members-file.js'
import type { DistributedCache } from '../../src/client/distributed-cache.js'
import { ADDRESS_FILE } from '../../src/config/defaults.js'
import { LOCAL_SOCKET_FILE, LocalSocketServer } from '../../src/net/local-socket.js'
import { CACHE_PROTOCOL, type CacheOp } from '../../src/node/protocol.js'
import type { RunningNode } from '../../src/node/index.js'
import { startRealCluster, type RealCluster } from '../support/real-cluster.js'

/** A two-member cluster (one copy per key) and the clients a test opens; all of it is stopped afterwards. */
async function withCluster (fn: (cluster: RealCluster, open: (dataDir: string, timeout?: number) => Promise<DistributedCache | undefined>) => Promise<void>): Promise<void> {
  const cluster = await startRealCluster(2, { replicationFactor: 1 })
  const clients: DistributedCache[] = []
  try {
    await fn(cluster, async (dataDir, timeout) => {
      const client = await connectLocalMember(dataDir, { timeout })
      if (client !== undefined) clients.push(client)
      return client
    })
  } finally {
    await Promise.allSettled(clients.map(async (c) => { await c.close() }))
    await cluster.stop()
  }
}

function served (node: RunningNode, op: CacheOp): number {
  return node.node.localStats().requests[op] ?? 0
}

test('a member serves its data dir\'s local socket: the client\'s first request goes there, keys of other members go straight to them', async () => {
  await withCluster(async (cluster, open) => {
    const [local, other] = cluster.nodes as [RunningNode, RunningNode]
    const dataDir = join(cluster.baseDir, 'node-1')
    assert.is(local.localSocket, join(dataDir, LOCAL_SOCKET_FILE))
    const client = await open(dataDir)
    assert.ok(client !== undefined)
    assert.is(client.contactNode, local.node.id)
    await client.put('local:first', 'v')
    assert.is(served(local, 'put'), 1)

    await client.getClusterInfo()
    const key = Array.from({ length: 200 }, (_, i) => `local:${i}`).find((k) => client.nodeFor(k) === other.node.id) as string
    await client.put(key, 'there')
    assert.is(await client.get(key), 'there')
    assert.is(served(other, 'put') + served(other, 'get'), 2, 'the other member\'s key went to it over the network')
    assert.is(await client.get('local:first'), 'v')
    // the members' network counters come with their statistics: frames share writes, never the other way round
    const stats = await client.getStatistics()
    assert.is(stats.length, 2)
    for (const { transport } of stats) assert.ok(transport !== undefined && transport.requestsIn > 0 && transport.framesOut >= transport.writes, JSON.stringify(transport))
  })
})

test('no client through a data dir whose member is not serving: never started, stopped, or killed (a file left behind)', async () => {
  await withCluster(async (cluster, open) => {
    assert.is(await open(join(cluster.baseDir, 'nobody')), undefined)
    const dataDir = join(cluster.baseDir, 'node-2')
    await cluster.nodes[1]?.stop()
    assert.is(await open(dataDir), undefined)
    await writeFile(join(dataDir, LOCAL_SOCKET_FILE), 'what a killed node leaves')
    assert.is(await open(dataDir), undefined)
  })
})

test('a local member that hangs gets half the deadline, then a remembered member answers over the network', async () => {
  await withCluster(async (cluster, open) => {
    const [, other] = cluster.nodes as [RunningNode, RunningNode]
    await (await cluster.client()).put('hang:key', 'still here')
    // a data dir whose member accepts requests and never answers (as a paused process would), next to a remembered member
    const dataDir = join(cluster.baseDir, 'hanging')
    await mkdir(dataDir)
    const hanging = await LocalSocketServer.listen(join(dataDir, LOCAL_SOCKET_FILE), { [CACHE_PROTOCOL]: async () => await new Promise<never>(() => {}) })
    try {
      const hangingId = cluster.nodes[0]?.node.id as string
      await writeFile(join(dataDir, ADDRESS_FILE), `/ip4/127.0.0.1/tcp/1/p2p/${hangingId}\n`)
      await writeFile(join(dataDir, MEMBERS_FILE), `${other.addresses[0] as string}\n`)
      const client = await open(dataDir, 1000)
      assert.ok(client !== undefined)
      assert.is(await client.get('hang:key'), 'still here')
    } finally {
      await hanging.close()
    }
  })
})

test.run()
