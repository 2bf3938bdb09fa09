// Ring changes lose nothing: members keep what they hold when a newcomer takes over ranges, and quorum reads find
// the newest acknowledged value through the join and the leave (reads repair the newcomer's missing copies).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startRealCluster, ringsConverged, waitForMembership } from '../support/real-cluster.js'

test('1,000 keys stay readable while a 4th member joins and then leaves', async () => {
  const cluster = await startRealCluster(3)
  try {
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'three members in every ring')
    const client = await cluster.client()
    const keys = Array.from({ length: 1000 }, (_, i) => `own:${i}`)
    const stored = await client.putMultiple(keys.map((k): [string, string] => [k, `v-${k}`]))
    assert.ok(stored.every((r) => r.ok))
    const readAll = async (): Promise<number> => (await client.getMultiple(keys)).filter((r, i) => r.ok && r.value === `v-${keys[i]}`).length

    const fourth = await cluster.add('node-4')
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'four members in every ring')
    await client.getClusterInfo()
    assert.ok(keys.some((k) => fourth.node.placement.primaries(k).includes(fourth.node.id)), 'the newcomer took over ranges')
    assert.is(await readAll(), 1000, 'every key readable with the newcomer in the ring')

    const stayers = cluster.nodes.slice(0, 3)
    await fourth.node.leave()
    await waitForMembership(stayers, () => stayers.every((n) => !n.node.ring.hasNode(fourth.node.id)), 'the leave to reach every ring')
    await client.getClusterInfo()
    assert.is(await readAll(), 1000, 'every key readable after it left')
  } finally {
    await cluster.stop()
  }
})

test.run()
