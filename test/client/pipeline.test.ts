// Pipelines (redis-cli's -P, ioredis's pipeline()): requests queued and sent as one batch per coordinating member,
// answered in order, each with its own result or error, counted on the nodes as the requests they are.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { InvalidKeyError, NotAnIntegerError } from '../../src/common/errors.js'
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

test.run()
