// Pipelines (redis-cli's -P, ioredis's pipeline()): requests queued and sent as one batch per coordinating member,
// answered in order, each with its own result or error, counted on the nodes as the requests they are.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InvalidKeyError, NotAnIntegerError, ProtocolError } from '../../src/common/errors.js'
import { encodeValue } from '../../src/common/codec.js'
import { DistributedCache } from '../../src/client/distributed-cache.js'
import { CACHE_PROTOCOL, type CacheRequest } from '../../src/node/protocol.js'
import { decodeRequest } from '../../src/node/request-codec.js'
import { SimNodes } from '../support/sim-nodes.js'

async function withSim (body: (sim: SimNodes) => Promise<void>): Promise<void> {
  const sim = await SimNodes.start({ ids: ['a', 'b', 'c'], config: { replicationFactor: 3 } })
  try {
    await body(sim)
  } finally {
    await sim.stop()
  }
}

const served = (sim: SimNodes, op: 'put' | 'get' | 'incr' | 'delete' | 'exists' | 'batch'): number =>
  ['a', 'b', 'c'].reduce((sum, id) => sum + (sim.node(id).localStats().requests[op] ?? 0), 0)

test('a pipeline answers every request in order, one result or error each', async () => {
  await withSim(async (sim) => {
    const client = await sim.client()
    await sim.run(client.put('text', 'not a number'))
    const results = await sim.run(client.pipeline()
      .put('p:1', 'one').put('p:2', { two: 2 }).get('p:1').get('p:missing').increment('p:n', 5).increment('text').exists('p:2').delete('p:1').get('p:1')
      .exec())
    assert.equal(results.map((r) => r.ok ? r.value : r.error.code), [true, true, 'one', undefined, 5, new NotAnIntegerError().code, true, true, undefined])
    const failed = results[5]
    assert.ok(failed !== undefined && !failed.ok && failed.error instanceof NotAnIntegerError)
    assert.equal(await sim.run(client.get('p:2')), { two: 2 })
  })
})

test('the nodes count a pipeline as its requests, and go one message per coordinating member', async () => {
  await withSim(async (sim) => {
    const client = await sim.client()
    await sim.run(client.getClusterInfo())
    const before = { put: served(sim, 'put'), get: served(sim, 'get') }
    const keys = Array.from({ length: 30 }, (_, i) => `count:${i}`)
    const pipeline = client.pipeline()
    for (const key of keys) pipeline.put(key, key)
    for (const key of keys) pipeline.get(key)
    const results = await sim.run(pipeline.exec())
    assert.ok(results.every((r) => r.ok))
    assert.is(served(sim, 'put') - before.put, 30)
    assert.is(served(sim, 'get') - before.get, 30)
    assert.is(served(sim, 'batch'), 0, 'a batch is not a request of its own in the statistics')
    const owners = new Set(keys.map((key) => client.nodeFor(key)))
    assert.ok(owners.size > 1, 'the keys span several owners')
  })
})

test('a bad key anywhere in a pipeline refuses the whole pipeline before anything is sent, and a pipeline runs once', async () => {
  await withSim(async (sim) => {
    const client = await sim.client()
    const pipeline = client.pipeline().put('fine', 1).put('', 2)
    const err = await sim.run(pipeline.exec()).catch((e: unknown) => e)
    assert.instance(err, InvalidKeyError)
    assert.is(await sim.run(client.get('fine')), undefined)
    const again = await pipeline.exec().catch((e: unknown) => e)
    assert.match(String(again), 'runs once')
    const empty = await sim.run(client.pipeline().exec())
    assert.equal(empty, [])
  })
})

test('a session pipeline reads its own writes', async () => {
  await withSim(async (sim) => {
    const client = await sim.client()
    const session = client.session()
    await sim.run(session.pipeline({ consistency: 'one' }).put('mine', 'v1').exec())
    assert.ok(session.sessionToken !== undefined && session.sessionToken.minTs('mine') > 0)
    const [read] = await sim.run(session.pipeline({ consistency: 'one' }).get('mine').exec())
    assert.equal(read, { ok: true, value: 'v1' })
  })
})

/**
 * A member that answers puts and gets from a map; `withBatch` false plays a member of an older version, which has no
 * batch. Records the sizes of the batches it was sent.
 */
async function fakeMember (sim: SimNodes, id: string, withBatch: boolean): Promise<{ batches: number[] }> {
  const store = new Map<string, Uint8Array>()
  const batches: number[] = []
  const answer = (req: CacheRequest): unknown => {
    if (req.op === 'put') store.set(req.key, req.value.slice())
    if (req.op === 'get') return { value: store.get(req.key) ?? null, ts: 1 }
    return { acked: 1, ts: 1 }
  }
  await sim.net.createTransport(id).handle(CACHE_PROTOCOL, async (_from, data) => {
    const req = decodeRequest(data).request as CacheRequest
    if (req.op !== 'batch') return encodeValue(answer(req))
    if (!withBatch) throw new ProtocolError('unknown operation "batch"')
    batches.push(req.ops.length)
    return encodeValue(req.ops.map((op) => ({ ok: true, value: answer(op) })))
  })
  return { batches }
}

async function clientOf (sim: SimNodes, member: string): Promise<DistributedCache> {
  const transport = sim.net.createTransport(`client-of-${member}`)
  return await DistributedCache.open({ transport, close: async () => {} }, [member], { clock: sim.clock, ringRefreshMs: Infinity })
}

test('a member of an older version, which has no batch, gets a pipeline\'s requests one by one, in order', async () => {
  const sim = await SimNodes.start({ ids: [] })
  try {
    await fakeMember(sim, 'old', false)
    const client = await clientOf(sim, 'old')
    const results = await sim.run(client.pipeline().put('a', 'first').get('a').put('a', 'second').get('a').exec())
    assert.equal(results.map((r) => r.ok ? r.value : r.error.code), [true, 'first', true, 'second'])
  } finally {
    await sim.stop()
  }
})

test('a pipeline larger than a batch carries goes as several, one after another', async () => {
  const sim = await SimNodes.start({ ids: [] })
  try {
    const member = await fakeMember(sim, 'm', true)
    const client = await clientOf(sim, 'm')
    const big = new Uint8Array(600 * 1024)
    const results = await sim.run(client.pipeline().put('x', big).put('y', big).put('z', big).get('x').exec())
    assert.ok(results.every((r) => r.ok))
    assert.equal((results[3] as { value: Uint8Array }).value.length, big.length)
    assert.equal(member.batches, [1, 1, 2], 'about a megabyte of values per batch')
  } finally {
    await sim.stop()
  }
})

test.run()
