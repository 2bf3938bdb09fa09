// With one owner per key and no hand-off yet, a key that moves away must not come back stale when ownership
// returns: a member drops the keys a newcomer now owns.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startRealCluster, ringsConverged, waitForMembership } from '../support/real-cluster.js'

test('keys moved to a newcomer are dropped by the old owners, so its leave brings back misses, not stale values', async () => {
  const cluster = await startRealCluster(2)
  try {
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'two members in every ring')
    const client = await cluster.client()
    const keys = Array.from({ length: 300 }, (_, i) => `own:${i}`)
    await client.putMultiple(keys.map((k): [string, string] => [k, 'old']))
    const ring = (): Array<string | undefined> => keys.map((k) => cluster.nodes[0]?.node.ring.owner(k))
    const ownersBefore = ring()

    const third = await cluster.add('node-3')
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'three members in every ring')
    const ownersWithThird = ring()
    const moved = keys.filter((k) => third.node.ring.owner(k) === third.node.id)
    assert.ok(moved.length > 20)
    for (const n of cluster.nodes.slice(0, 2)) {
      assert.ok(moved.every((k) => !n.node.engine.exists(k)), `${n.node.config.name} dropped the keys it no longer owns`)
    }
    await client.getClusterInfo()
    for (const k of moved) await client.put(k, 'new')

    const stayers = cluster.nodes.slice(0, 2)
    await third.node.leave()
    await waitForMembership(stayers, () => stayers.every((n) => !n.node.ring.hasNode(third.node.id)), 'the leave to reach both rings')
    await client.getClusterInfo()
    const after = await client.getMultiple(moved)
    assert.ok(after.every((r) => r.ok && r.value === undefined), 'misses, not the old values')
    // The ring's balancing also shifts a little between the old members when one joins: only keys whose owner
    // never changed keep their value.
    const ownersAfter = ring()
    const kept = keys.filter((_, i) => ownersBefore[i] === ownersWithThird[i] && ownersWithThird[i] === ownersAfter[i])
    assert.ok(kept.length > keys.length / 2)
    assert.ok((await client.getMultiple(kept)).every((r) => r.ok && r.value === 'old'), 'keys that never moved are untouched')
  } finally {
    await cluster.stop()
  }
})

test.run()
