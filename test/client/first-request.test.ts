// A new client asks for the ring without waiting for it: its first request goes to the contact node (which
// coordinates any key) right behind the ring request, and once the ring is in, keys go straight to their first
// replica. Until the ring arrives, the other seeds it was given are its fallbacks.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SimNodes } from '../support/sim-nodes.js'
import { startRealCluster } from '../support/real-cluster.js'
import { connectClient } from '../../src/client/connect.js'
import { DistributedCache } from '../../src/client/distributed-cache.js'
import type { CacheOp } from '../../src/node/protocol.js'

function served (sim: SimNodes, id: string, op: CacheOp): number {
  return sim.node(id).localStats().requests[op] ?? 0
}

test('the first request goes to the contact node without waiting for the ring, and the next key goes to its owner', async () => {
  const sim = await SimNodes.start({ ids: ['a', 'b', 'c'], config: { replicationFactor: 1 } })
  const transport = sim.net.createTransport('client')
  const client = await DistributedCache.open({ transport, close: async () => { sim.net.remove(transport.self) } }, ['a'], { clock: sim.clock })
  try {
    const key = Array.from({ length: 100 }, (_, i) => `first:${i}`).find((k) => sim.node('a').ring.owner(k) === 'c')
    assert.ok(key !== undefined)
    await sim.run(client.put(key, 'v'))
    assert.is(served(sim, 'a', 'cluster'), 1, 'open asked for the ring')
    assert.is(served(sim, 'a', 'put'), 1, 'the contact node coordinated the first request')
    assert.is(served(sim, 'c', 'put'), 0)

    await sim.run(client.get(key))
    await sim.run(client.put(key, 'w'))
    assert.is(served(sim, 'c', 'get') + served(sim, 'c', 'put'), 2, 'with the ring, the key went straight to its owner')
    assert.is(await sim.run(client.get(key)), 'w')
  } finally {
    await client.close()
    await sim.stop()
  }
})

test('connectClient dials past an address that does not answer, and falls back to a later seed before it has a ring', async () => {
  const cluster = await startRealCluster(2)
  try {
    const [first, second] = cluster.nodes.map((n) => n.addresses[0] as string) as [string, string]
    // a closed port with the second node's id: the dial fails at once
    const nothing = second.replace(/\/tcp\/\d+\//, '/tcp/1/')
    const viaSecond = await connectClient([nothing, second])
    try {
      assert.is(viaSecond.contactNode, cluster.nodes[1]?.node.id)
      await viaSecond.put('dialled', 'past')
    } finally {
      await viaSecond.close()
    }

    const client = await connectClient([first, second])
    try {
      assert.is(client.contactNode, cluster.nodes[0]?.node.id)
      await cluster.nodes[0]?.stop()
      assert.is(await client.get('dialled', { consistency: 'one' }), 'past', 'the second seed answered for the stopped contact')
    } finally {
      await client.close()
    }
  } finally {
    await cluster.stop()
  }
})

test.run()
