// A client with a stale ring still gets right answers (members forward); once it relearns the ring, keys go
// straight to their owners.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startRealCluster, ringsConverged, waitForMembership } from '../support/real-cluster.js'
import type { DistributedCache } from '../../src/client/distributed-cache.js'

async function forwardedSoFar (client: DistributedCache): Promise<number> {
  return (await client.getStatistics()).reduce((sum, s) => sum + s.forwarded, 0)
}

test('a stale ring costs a forward, a fresh one sends keys straight to the new owner', async () => {
  const cluster = await startRealCluster(2)
  try {
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'two members in every ring')
    // No background refresh during the test: the ring is relearned only when the test says so.
    const client = await cluster.client({ ringRefreshMs: 3_600_000 })
    const third = await cluster.add('node-3')
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'three members in every ring')
    const ownedByThird = Array.from({ length: 200 }, (_, i) => `route:${i}`).filter((k) => third.node.ring.owner(k) === third.node.id)
    assert.ok(ownedByThird.length > 10)

    const before = await forwardedSoFar(client)
    for (const key of ownedByThird) await client.put(key, key)
    assert.ok(await forwardedSoFar(client) - before >= ownedByThird.length, 'the stale ring sent them to the old owners, which forwarded')
    assert.ok(ownedByThird.every((k) => third.node.engine.exists(k)), 'and they landed on the new owner')

    await client.getClusterInfo()
    const relearned = await forwardedSoFar(client)
    for (const key of ownedByThird) assert.is(await client.get(key), key)
    assert.is(await forwardedSoFar(client), relearned, 'no forwarding once the client knows the ring')
  } finally {
    await cluster.stop()
  }
})

test.run()
