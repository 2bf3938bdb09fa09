// A client with a stale ring still gets right answers (any member coordinates any key); once it relearns the ring,
// each key goes straight to the first of its replicas.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startRealCluster, ringsConverged, waitForMembership } from '../support/real-cluster.js'
import type { DistributedCache } from '../../src/client/distributed-cache.js'

async function requestsOn (client: DistributedCache, name: string): Promise<number> {
  const stats = (await client.getStatistics()).find((s) => s.name === name)
  return Object.values(stats?.requests ?? {}).reduce((sum, n) => sum + n, 0)
}

test('a stale ring still answers right, a fresh one sends keys straight to their new first replica', async () => {
  const cluster = await startRealCluster(2, { replicationFactor: 1 })
  try {
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'two members in every ring')
    // No background refresh during the test: the ring is relearned only when the test says so.
    const client = await cluster.client({ ringRefreshMs: 3_600_000 })
    const third = await cluster.add('node-3')
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'three members in every ring')
    const ownedByThird = Array.from({ length: 200 }, (_, i) => `route:${i}`).filter((k) => third.node.ring.owner(k) === third.node.id)
    assert.ok(ownedByThird.length > 10)

    const before = await requestsOn(client, 'node-3')
    for (const key of ownedByThird) await client.put(key, key)
    assert.ok(await requestsOn(client, 'node-3') - before < ownedByThird.length, 'the stale ring sent them to the old members')
    assert.ok(ownedByThird.every((k) => third.node.engine.getEntry(k)?.value !== undefined), 'and they landed on the new replica')

    await client.getClusterInfo()
    const relearned = await requestsOn(client, 'node-3')
    for (const key of ownedByThird) assert.is(await client.get(key), key)
    assert.ok(await requestsOn(client, 'node-3') - relearned >= ownedByThird.length, 'the fresh ring sends each key to node-3')
  } finally {
    await cluster.stop()
  }
})

test.run()
