// A member that accepts requests but never answers must not make a healthy node look unreachable to its client:
// the node's own legs give up first (a third of the request deadline) and it answers with what it has.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { MEMBER_PROTOCOL } from '../../src/node/handlers/cluster.js'
import { startRealCluster, ringsConverged, waitForMembership } from '../support/real-cluster.js'

test('stats from a healthy node leave out a silent member, within the client deadline, on the same contact node', async () => {
  const cluster = await startRealCluster(3, { requestTimeout: 2000 })
  try {
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'three members in every ring')
    const [first, , silent] = cluster.nodes
    assert.ok(first !== undefined && silent !== undefined)
    const client = await cluster.client({ timeout: 2000 })
    const contact = client.contactNode
    await silent.transport.handle(MEMBER_PROTOCOL, async () => await new Promise<Uint8Array>(() => {}))

    const stats = await client.getStatistics()
    assert.equal(stats.map((s) => s.name).sort(), ['node-1', 'node-2'])
    assert.is(client.contactNode, contact, 'the client did not give up on its contact node')
  } finally {
    await cluster.stop()
  }
})

test.run()
