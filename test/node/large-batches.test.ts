// Batching on real nodes: concurrent gets of large values, coordinated as one read, must still fit the frames between
// members (a replica answers within a byte budget and is asked again for the rest), and the same for writes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ringsConverged, startRealCluster, waitForMembership } from '../support/real-cluster.js'

const VALUE_BYTES = 900 * 1024
const KEYS = Array.from({ length: 16 }, (_, i) => `large:${i}`)

test('concurrent puts and gets of values that add up to more than a frame all succeed at every replica', async () => {
  // generous deadlines and LAN failure detection: megabytes through Noise on a loaded 2-core machine take a while, and
  // neither a timeout nor a member suspected meanwhile is the point
  const cluster = await startRealCluster(2, { replicationFactor: 2, maxValueBytes: '1mb', requestTimeout: 30_000, membershipPreset: 'lan' })
  try {
    await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'both members in both rings')
    const client = await cluster.client({ consistency: 'all', timeout: 30_000 })
    await Promise.all(KEYS.map(async (key, i) => { await client.put(key, new Uint8Array(VALUE_BYTES).fill(i)) }))
    const values = await Promise.all(KEYS.map(async (key) => await client.get<Uint8Array>(key)))
    assert.equal(values.map((v) => [v?.length, v?.[0]]), KEYS.map((_, i) => [VALUE_BYTES, i]))
  } finally {
    await cluster.stop()
  }
})

test.run()
