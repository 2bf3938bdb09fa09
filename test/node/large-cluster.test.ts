// More than 15 nodes on 127.0.0.1: past gossipsub's IP-colocation threshold (FACTS section 7), members must still
// hear each other's gossip and agree on the ring.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startRealCluster, ringsConverged, waitForMembership, type RealCluster } from '../support/real-cluster.js'
import type { RunningNode } from '../../src/node/index.js'

const NODES = 18
let cluster: RealCluster | undefined
const nodes = (): RunningNode[] => (cluster as RealCluster).nodes

test.before(async () => {
  // LAN timings: 18 members in one process on a machine busy with other tests can take longer than the local preset's
  // 1 s to answer a join's state exchange
  cluster = await startRealCluster(NODES, { membershipPreset: 'lan' })
})

test.after(async () => {
  await cluster?.stop()
})

test(`${NODES} nodes on one IP converge to the same ring`, async () => {
  await waitForMembership(nodes(), () => ringsConverged(nodes()), `${NODES} members in every ring`, 60_000)
  assert.is(nodes()[0]?.node.ring.nodes().length, NODES)
})

test('a gossipsub publish reaches every other member on the same IP', async () => {
  const topic = 'dcache/test/colocation'
  const [publisher, ...others] = nodes()
  assert.ok(publisher !== undefined)
  const received = others.map((n) => new Promise<string>((resolve) => {
    const unsubscribe = n.transport.subscribe(topic, (_from, data) => { unsubscribe(); resolve(new TextDecoder().decode(data)) })
  }))
  await publisher.transport.waitForTopicPeers(topic, others.length, AbortSignal.timeout(30_000))
  await publisher.transport.publish(topic, new TextEncoder().encode('hello all'))
  assert.equal(await Promise.all(received), others.map(() => 'hello all'))
})

test('a member that leaves is marked left by every other member', async () => {
  const leaver = nodes()[NODES - 1]
  assert.ok(leaver !== undefined)
  const others = nodes().slice(0, -1)
  await leaver.node.leave()
  await waitForMembership(others, () => others.every((n) => n.node.membership.stateOf(leaver.node.id) === 'left'), 'every member to see the leave', 30_000)
  assert.ok(others.every((n) => !n.node.ring.hasNode(leaver.node.id)))
})

test.run()
