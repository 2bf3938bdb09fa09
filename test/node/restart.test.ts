// A node restarted with the same data dir keeps its PeerId; while it is down it stays in the rings as a dead member
// (fallbacks stand in for it), and it is alive again in every ring once back.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { join } from 'node:path'
import { stat } from 'node:fs/promises'
import { PRIVATE_KEY_FILE } from '../../src/node/index.js'
import { startRealCluster, ringsConverged, waitForMembership } from '../support/real-cluster.js'

test('a restarted node keeps its PeerId, its key file is private, keeps its ranges while dead, and is alive in every ring again', async () => {
  const cluster = await startRealCluster(3)
  try {
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'three members in every ring')
    const third = cluster.nodes[2]
    assert.ok(third !== undefined)
    const id = third.node.id
    const mode = (await stat(join(cluster.baseDir, 'node-3', PRIVATE_KEY_FILE))).mode & 0o777
    assert.is(mode, 0o600)

    await third.stop()
    cluster.nodes.splice(2, 1)
    const survivors = [...cluster.nodes]
    await waitForMembership(survivors, () => survivors.every((n) => n.node.membership.stateOf(id) === 'dead'), 'the stopped node to be dead everywhere', 30_000)
    assert.ok(survivors.every((n) => n.node.ring.hasNode(id)), 'a dead member keeps its ranges')

    const again = await cluster.add('node-3')
    assert.is(again.node.id, id, 'same PeerId after restart')
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes) && cluster.nodes.every((n) => n.node.membership.stateOf(id) === 'alive'),
      'the restarted node to be alive in every ring', 30_000)
  } finally {
    await cluster.stop()
  }
})

test.run()
