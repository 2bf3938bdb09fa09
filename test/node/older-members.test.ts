// A rolling upgrade: members of the previous version read only msgpack client requests and serve only version 1 of
// the replica protocol. A newer member or client falls back to what they speak, after a refusal that proves nothing
// was done, and remembers it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeValue, encodeValue } from '../../src/common/codec.js'
import { call } from '../../src/node/rpc.js'
import { CACHE_PROTOCOL } from '../../src/node/protocol.js'
import { REPLICA_PROTOCOL } from '../../src/replication/index.js'
import { SimNodes } from '../support/sim-nodes.js'

test('a client sends msgpack to a member that could not decode its binary request, and keeps doing so', async () => {
  const sim = await SimNodes.start({ ids: ['a'] })
  try {
    // an older member: msgpack requests only (decodeValue throws on the binary form, as its version did)
    const old = sim.net.createTransport('old')
    const seen: string[] = []
    await old.handle(CACHE_PROTOCOL, async (_from, data) => {
      const req = decodeValue(data) as { op: string, key: string }
      seen.push(req.op)
      return encodeValue({ value: encodeValue(`value of ${req.key}`), ts: 1 })
    })
    const client = sim.net.createTransport('client')
    const first = await sim.run(call<{ value: Uint8Array }>(client, 'old', { op: 'get', key: 'k' }, 1000))
    assert.is(decodeValue(first.value), 'value of k')
    const second = await sim.run(call<{ value: Uint8Array }>(client, 'old', { op: 'get', key: 'j' }, 1000))
    assert.is(decodeValue(second.value), 'value of j')
    assert.equal(seen, ['get', 'get'], 'each request was served once, the refused binary attempt not at all')
  } finally {
    await sim.stop()
  }
})

test('a write at level all reaches a replica that serves only version 1 of the replica protocol', async () => {
  const sim = await SimNodes.start({ ids: ['a', 'b', 'c'], config: { replicationFactor: 3 } })
  try {
    await sim.net.transportOf('c')?.unhandle(REPLICA_PROTOCOL)
    const client = await sim.client('a')
    for (let i = 0; i < 5; i++) await sim.run(client.put(`mixed:${i}`, i, { consistency: 'all' }))
    for (let i = 0; i < 5; i++) assert.is(await sim.run(client.get(`mixed:${i}`, { consistency: 'all' })), i)
    assert.is(sim.node('c').engine.size >= 5, true, 'the older member holds its copies')
  } finally {
    await sim.stop()
  }
})

test.run()
