// A real 3-node libp2p cluster in this process: routing, forwarding, every operation from every node.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { call } from '../../src/node/rpc.js'
import { CACHE_PROTOCOL } from '../../src/node/protocol.js'
import { decodeValue, encodeValue } from '../../src/common/codec.js'
import { createHost, Libp2pTransport } from '../../src/net/libp2p/index.js'
import { startRealCluster, ringsConverged, waitForMembership, type RealCluster } from '../support/real-cluster.js'
import type { CacheRequest, DeleteReply, GetReply, KeyResult, Reply, TtlResult, WriteReply } from '../../src/node/protocol.js'

let cluster: RealCluster

test.before(async () => {
  cluster = await startRealCluster(3)
  await waitForMembership(cluster.nodes, () => ringsConverged(cluster.nodes), 'three members in every ring')
})

test.after(async () => {
  await cluster.stop()
})

test('every member ends up with the same ring after the joins', () => {
  const snapshots = cluster.nodes.map((n) => JSON.stringify(n.node.ring.toJSON()))
  assert.is(new Set(snapshots).size, 1)
  assert.is(cluster.nodes[0]?.node.ring.nodes().length, 3)
})

test('a key written through any member lands on all N=3 replicas, and each reply says how many stored it', async () => {
  const client = await cluster.client()
  for (let i = 0; i < 30; i++) assert.ok((await client.put(`owned:${i}`, i, { consistency: 'all' })).acked === 3)
  for (let i = 0; i < 30; i++) {
    for (const n of cluster.nodes) assert.ok(n.node.engine.getEntry(`owned:${i}`)?.value !== undefined, `owned:${i} on ${n.node.config.name}`)
  }
})

test('every operation works when sent to every member (any member coordinates any key)', async () => {
  const host = await createHost({ listen: [] })
  const transport = new Libp2pTransport(host)
  await transport.start()
  try {
    for (const [i, member] of cluster.nodes.entries()) {
      const to = await transport.connect(member.addresses[0] as string)
      const send = async <T>(req: CacheRequest): Promise<T> => await call<T>(transport, to, req, 5000)
      const key = `via-${i}`
      const put = await send<WriteReply>({ op: 'put', key, value: encodeValue({ from: i }) })
      assert.ok(put.acked >= 2 && put.ts > 0)
      const read = await send<GetReply>({ op: 'get', key })
      assert.equal(decodeValue(read.value as Uint8Array), { from: i })
      assert.is(read.ts, put.ts)
      assert.is((await send<Reply<boolean>>({ op: 'exists', key })).value, true)
      assert.is((await send<Reply<number>>({ op: 'incr', key: `${key}:n`, delta: 5 })).value, 5)
      assert.is((await send<Reply<number>>({ op: 'incr', key: `${key}:n`, delta: -2 })).value, 3)
      assert.equal(decodeValue((await send<Reply<Uint8Array>>({ op: 'getset', key, value: encodeValue('new') })).value), { from: i })
      assert.is((await send<Reply<boolean>>({ op: 'touch', key, ttl: 100 })).value, true)
      const ttl = await send<TtlResult>({ op: 'ttl', key })
      assert.ok(ttl.state === 'expiring' && ttl.seconds > 99 && ttl.seconds <= 100)
      assert.is((await send<TtlResult>({ op: 'ttl', key: `${key}:missing` })).state, 'missing')
      const keys = [key, `${key}:n`, `${key}:missing`]
      const got = await send<Array<KeyResult<GetReply>>>({ op: 'mget', keys })
      assert.equal(got.map((r) => r.ok && r.value.value !== null ? decodeValue(r.value.value) : null), ['new', 3, null])
      const deleted = await send<Array<KeyResult<DeleteReply>>>({ op: 'delete', keys })
      assert.equal(deleted.map((r) => r.ok && r.value.existed), [true, true, false])
      assert.is((await send<Reply<boolean>>({ op: 'exists', key })).value, false)
    }
  } finally {
    await transport.stop()
  }
})

test('unknown operations, malformed bodies and missing fields get typed errors and the node keeps serving', async () => {
  const host = await createHost({ listen: [] })
  const transport = new Libp2pTransport(host)
  await transport.start()
  try {
    const member = cluster.nodes[0]
    assert.ok(member !== undefined)
    const to = await transport.connect(member.addresses[0] as string)
    const rejection = async (data: Uint8Array): Promise<string> => {
      try {
        await transport.request(to, CACHE_PROTOCOL, data)
      } catch (err) {
        return (err as Error).name
      }
      return 'no error'
    }
    assert.is(await rejection(encodeValue({ op: 'bogus' })), 'ProtocolError')
    assert.is(await rejection(new Uint8Array([0xc1, 0xff, 0x00])), 'SerializationError')
    assert.is(await rejection(encodeValue({ op: 'get' })), 'InvalidKeyError')
    assert.is((await call<Reply<boolean>>(transport, to, { op: 'exists', key: 'still-serving' }, 5000)).value, false)
  } finally {
    await transport.stop()
  }
})

test('the client splits getMultiple and putMultiple by first replica and returns per-key results in order', async () => {
  const client = await cluster.client()
  const entries = Array.from({ length: 50 }, (_, i): [string, string] => [`multi:${i}`, `v${i}`])
  const stored = await client.putMultiple(entries)
  assert.is(stored.length, 50)
  assert.ok(stored.every((r, i) => r.ok && r.key === `multi:${i}`))
  const owners = new Set(entries.map(([k]) => cluster.nodes[0]?.node.ring.owner(k)))
  assert.is(owners.size, 3, 'the keys spread over all three members')
  const read = await client.getMultiple([...entries.map(([k]) => k), 'multi:none'])
  assert.equal(read.map((r) => r.ok ? r.value : 'error'), [...entries.map(([, v]) => v), undefined])
})

test('a non-integer counter is refused with a typed error and left unchanged', async () => {
  const client = await cluster.client()
  await client.put('text', 'hello')
  try {
    await client.increment('text')
    assert.unreachable('increment of a string must fail')
  } catch (err) {
    assert.is((err as Error).name, 'NotAnIntegerError')
  }
  assert.is(await client.get('text'), 'hello')
})

test('bigint counters pass through unchanged, past 2^53', async () => {
  const client = await cluster.client()
  const big = 2n ** 60n
  assert.is(await client.increment('big-counter', big), big)
  assert.is(await client.decrement('big-counter', 1n), big - 1n)
})

test('wire strings that name Object members are unknown, not crashes', async () => {
  const host = await createHost({ listen: [] })
  const transport = new Libp2pTransport(host)
  await transport.start()
  try {
    const to = await transport.connect(cluster.nodes[1]?.addresses[0] as string)
    for (const op of ['constructor', 'toString', '__proto__']) {
      const err = await transport.request(to, CACHE_PROTOCOL, encodeValue({ op })).then(() => undefined, (e: unknown) => e as Error)
      assert.is(err?.name, 'ProtocolError', op)
    }
  } finally {
    await transport.stop()
  }
})

test('clear empties every member and stats report every member', async () => {
  const client = await cluster.client()
  await client.putMultiple(Array.from({ length: 20 }, (_, i): [string, number] => [`c:${i}`, i]))
  const stats = await client.getStatistics()
  assert.is(stats.length, 3)
  assert.ok(stats.reduce((sum, s) => sum + s.engine.keys, 0) >= 20)
  await client.clear()
  for (const n of cluster.nodes) assert.is(n.node.engine.size, 0)
  // few keys: a count under 16 is one msgpack byte, which must not pass for a binary answer
  assert.is(await client.clear(), 0)
  await client.put('c:one', 1)
  assert.ok(await client.clear() >= 1)
})

test.run()
