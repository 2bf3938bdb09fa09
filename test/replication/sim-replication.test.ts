// Replication on whole nodes in a deterministic simulation: MemoryNetwork, ManualClock, fixed seeds.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SimNodes } from '../support/sim-nodes.js'
import type { ConsistencyLevel } from '../../src/config/index.js'

const LEVELS: ConsistencyLevel[] = ['one', 'quorum', 'all']

/** Runs `body` on a fresh simulated cluster and always stops it. */
async function withCluster (ids: string[], body: (sim: SimNodes) => Promise<void>, config = {}, network: { latencyMs?: number, dropRate?: number } = {}): Promise<void> {
  const sim = await SimNodes.start({ ids, config, ...network })
  try {
    await body(sim)
  } finally {
    await sim.stop()
  }
}

/** Copies of `key` held by the running nodes (values only). */
function holders (sim: SimNodes, key: string): string[] {
  return sim.running().filter((n) => n.engine.getEntry(key)?.value !== undefined).map((n) => n.id)
}

test('a put lands on the N replicas of the key\'s preference list and nowhere else', async () => {
  await withCluster(['a', 'b', 'c', 'd', 'e'], async (sim) => {
    const client = await sim.client()
    for (let i = 0; i < 20; i++) await sim.run(client.put(`k${i}`, i))
    await sim.advance(100)
    for (let i = 0; i < 20; i++) {
      const key = `k${i}`
      assert.equal(holders(sim, key).sort(), sim.node('a').placement.primaries(key).sort(), key)
    }
  })
})

test('every operation works at every level', async () => {
  await withCluster(['a', 'b', 'c'], async (sim) => {
    const client = await sim.client()
    for (const level of LEVELS) {
      const c = client.at(level)
      const key = `ops-${level}`
      await sim.run(c.put(key, { level }))
      assert.equal(await sim.run(c.get(key)), { level })
      assert.is(await sim.run(c.exists(key)), true)
      assert.is(await sim.run(c.increment(`${key}:n`, 5)), 5)
      assert.is(await sim.run(c.decrement(`${key}:n`, 2)), 3)
      assert.equal(await sim.run(c.getAndSet(key, 'new')), { level })
      assert.is(await sim.run(c.touch(key, 100)), true)
      const ttl = await sim.run(c.getTtl(key))
      assert.ok(ttl !== null && ttl > 99 && ttl <= 100, `ttl ${String(ttl)}`)
      await sim.run(c.putMultiple({ [`${key}:x`]: 1, [`${key}:y`]: 2 }))
      const got = await sim.run(c.getMultiple([key, `${key}:x`, `${key}:y`, `${key}:missing`]))
      assert.equal(got.map((r) => r.ok ? r.value : r.error.code), ['new', 1, 2, undefined])
      assert.is(await sim.run(c.delete(key, `${key}:x`, `${key}:missing`)), 2)
      assert.is(await sim.run(c.get(key)), undefined)
      assert.is(await sim.run(c.exists(`${key}:x`)), false)
    }
  })
})

test('a quorum write survives the loss of any one of its 3 replicas', async () => {
  for (const victim of ['a', 'b', 'c']) {
    await withCluster(['a', 'b', 'c'], async (sim) => {
      const via = victim === 'a' ? 'b' : 'a'
      const client = await sim.client(via)
      for (let i = 0; i < 30; i++) await sim.run(client.put(`s${i}`, `v${i}`))
      await sim.kill(victim)
      for (let i = 0; i < 30; i++) assert.is(await sim.run(client.get(`s${i}`)), `v${i}`, `s${i} after losing ${victim}`)
    })
  }
})

test('an isolated member cannot reach quorum and says how many replicas answered', async () => {
  await withCluster(['a', 'b', 'c'], async (sim) => {
    const client = await sim.client('a')
    sim.net.isolate('b')
    sim.net.isolate('c')
    await sim.until(() => sim.node('a').membership.aliveMembers().length === 1, 'a sees b and c dead')
    await sim.run(client.getClusterInfo())
    const err = await sim.run(client.put('k', 1).then(() => undefined, (e: unknown) => e)) as { code?: string, details?: Record<string, unknown>, message: string }
    assert.is(err?.code, 'CONSISTENCY')
    assert.equal({ acked: err.details?.acked, required: err.details?.required }, { acked: 1, required: 2 })
    assert.match(err.message, /1 of 2 required/)
    const ok = await sim.run(client.put('k', 1, { consistency: 'one' }))
    assert.is(ok.acked, 1)
  })
})

test('writes while a replica is dead go to a fallback with a hint, which drains once it is back', async () => {
  await withCluster(['a', 'b', 'c', 'd'], async (sim) => {
    const client = await sim.client('a')
    const keys = Array.from({ length: 40 }, (_, i) => `h${i}`)
    await sim.kill('d')
    await sim.until(() => sim.node('a').membership.stateOf('d') === 'dead', 'd is dead')
    for (const key of keys) await sim.run(client.put(key, `${key}-while-down`))
    const pending = sim.running().reduce((sum, n) => sum + n.hints.pending, 0)
    const ownedByD = keys.filter((k) => sim.node('a').placement.primaries(k).includes('d'))
    assert.ok(ownedByD.length > 0)
    assert.is(pending, ownedByD.length)
    const d = await sim.restart('d', 'a')
    await sim.until(() => sim.running().every((n) => n.hints.pending === 0), 'hints delivered')
    for (const key of ownedByD) assert.is(d.engine.getEntry(key)?.value !== undefined, true, `${key} on d`)
    assert.is(sim.running().reduce((sum, n) => sum + n.hints.delivered, 0), ownedByD.length)
    // a fallback keeps no copy of what it held only for d
    for (const key of ownedByD) assert.equal(holders(sim, key).sort(), sim.node('a').placement.primaries(key).sort(), key)
  })
})

test('concurrent writes converge to one value everywhere under lww', async () => {
  await withCluster(['a', 'b', 'c'], async (sim) => {
    const [x, y] = [await sim.client('a'), await sim.client('b')]
    await Promise.all([sim.run(x.put('race', 'from-x', { consistency: 'one' })), sim.run(y.put('race', 'from-y', { consistency: 'one' }))])
    await sim.advance(200)
    const read = await sim.run(x.get('race', { consistency: 'all' }))
    await sim.advance(200)
    const values = sim.running().map((n) => n.engine.getEntry('race')?.value)
    assert.ok(read === 'from-x' || read === 'from-y')
    assert.is(new Set(values.map((v) => v === undefined ? 'none' : Buffer.from(v).toString('hex'))).size, 1)
  })
})

test('concurrent writes survive as siblings until a put with their context resolves them', async () => {
  await withCluster(['a', 'b', 'c'], async (sim) => {
    const [x, y] = [await sim.client('a'), await sim.client('b')]
    await sim.run(x.put('doc', 'one'))
    await sim.run(y.put('doc', 'two'))
    const siblings = await sim.run(x.getSiblings<string>('doc'))
    assert.equal(siblings.values.sort(), ['one', 'two'])
    await sim.run(x.put('doc', 'merged', { context: siblings.context }))
    const after = await sim.run(y.getSiblings<string>('doc', { consistency: 'all' }))
    assert.equal(after.values, ['merged'])
  }, { conflictResolution: 'siblings' })
})

test('a merge function given to the client resolves siblings on read and writes the result back', async () => {
  await withCluster(['a', 'b', 'c'], async (sim) => {
    const x = await sim.client('a', { merge: (values) => (values as number[][]).flat().sort() })
    await sim.run(x.put('set', [1]))
    await sim.run(x.put('set', [2]))
    assert.equal(await sim.run(x.get('set')), [1, 2])
    assert.equal((await sim.run(x.getSiblings('set'))).values, [[1, 2]])
  }, { conflictResolution: 'siblings' })
})

test('no tombstone is undone by a late replica or a late hint', async () => {
  await withCluster(['a', 'b', 'c', 'd'], async (sim) => {
    const client = await sim.client('a')
    const key = Array.from({ length: 100 }, (_, i) => `t${i}`).find((k) => sim.node('a').placement.primaries(k).includes('d') && !sim.node('a').placement.primaries(k).includes('a')) as string
    await sim.run(client.put(key, 'old'))
    await sim.advance(100)
    // d keeps the old value while it is cut off; the delete is acknowledged by the others
    sim.net.isolate('d')
    await sim.until(() => sim.node('a').membership.stateOf('d') === 'dead', 'd declared dead')
    assert.is(await sim.run(client.delete(key)), 1)
    sim.net.heal()
    await sim.until(() => sim.running().every((n) => n.membership.aliveMembers().length === 4), 'd alive again')
    await sim.until(() => sim.running().every((n) => n.hints.pending === 0), 'hints delivered')
    for (const level of LEVELS) assert.is(await sim.run(client.get(key, { consistency: level })), undefined, level)
    assert.is(sim.node('d').engine.getEntry(key)?.value, undefined)
  })
})

test('a paused owner that comes back serves the new value and keeps a deleted key deleted', async () => {
  await withCluster(['a', 'b', 'c'], async (sim) => {
    const client = await sim.client('a')
    const owned = (k: string): boolean => sim.node('a').placement.primaries(k)[0] === 'c'
    const keys = Array.from({ length: 100 }, (_, i) => `p${i}`).filter(owned)
    const [changed, removed] = keys as [string, string]
    await sim.run(client.put(changed, 'OLD'))
    await sim.run(client.put(removed, 'GONE-SOON'))
    sim.net.isolate('c')
    await sim.until(() => sim.node('a').membership.stateOf('c') === 'dead', 'c declared dead')
    await sim.run(client.put(changed, 'NEW'))
    assert.is(await sim.run(client.delete(removed)), 1)
    sim.net.heal()
    await sim.until(() => sim.running().every((n) => n.membership.aliveMembers().length === 3), 'c alive again')
    const viaC = await sim.client('c')
    assert.is(await sim.run(viaC.get(changed)), 'NEW')
    assert.is(await sim.run(viaC.get(removed)), undefined)
    assert.is(await sim.run(viaC.get(changed, { consistency: 'one' })), 'NEW')
  })
})

test('read your writes and monotonic reads at one while a replica lags', async () => {
  await withCluster(['a', 'b', 'c'], async (sim) => {
    const client = await sim.client('a')
    const session = client.session()
    const key = Array.from({ length: 100 }, (_, i) => `r${i}`).find((k) => sim.node('a').placement.primaries(k)[0] === 'a') as string
    await sim.run(session.put(key, 'v1', { consistency: 'all' }))
    // b and c stop hearing a's writes: the next write reaches a only (level one)
    sim.net.partition('a', ['b', 'c'])
    await sim.run(session.put(key, 'v2', { consistency: 'one' }))
    sim.net.heal()
    // a session reading through c, whose replica is behind, must still see v2
    const viaC = (await sim.client('c')).session(session.sessionToken)
    assert.is(await sim.run(viaC.get(key, { consistency: 'one' })), 'v2')
    // a client without the session may see the older value at one; the session never goes back
    for (let i = 0; i < 5; i++) assert.is(await sim.run(viaC.get(key, { consistency: 'one' })), 'v2')
  })
})

test('client reads count as hits and misses on the replicas that serve them', async () => {
  await withCluster(['a', 'b', 'c'], async (sim) => {
    const client = await sim.client('a')
    await sim.run(client.put('present', 'v', { consistency: 'all' }))
    await sim.run(client.get('present', { consistency: 'all' }))
    await sim.run(client.get('absent', { consistency: 'all' }))
    for (const id of ['a', 'b', 'c']) {
      const { hits, misses } = sim.node(id).localStats().engine
      assert.equal([hits, misses], [1, 1], id)
    }
  })
})

test('a read repairs the replicas that answered with an older version', async () => {
  await withCluster(['a', 'b', 'c'], async (sim) => {
    const client = await sim.client('a')
    const key = 'repair-me'
    await sim.run(client.put(key, 'v1', { consistency: 'all' }))
    const lagging = sim.node('a').placement.primaries(key).find((id) => id !== 'a') as string
    sim.net.partition('a', lagging)
    await sim.run(client.put(key, 'v2', { consistency: 'quorum' }).catch(() => undefined))
    sim.net.heal()
    await sim.advance(50)
    await sim.run(client.get(key, { consistency: 'all' }))
    await sim.advance(100)
    const stats = sim.node('a').localStats()
    assert.ok(stats.replication.readRepairs >= 1, `repairs ${stats.replication.readRepairs}`)
  })
})

test('with latency and message loss, no acknowledged write is lost', async () => {
  await withCluster(['a', 'b', 'c', 'd'], async (sim) => {
    const [x, y] = [await sim.client('a'), await sim.client('c')]
    // per key: the last acknowledged value, and the values of later writes that failed (a failed write may still
    // have reached a replica: it is not undone, so a read may return it)
    const allowed = new Map<string, Set<string>>()
    let failed = 0
    for (let i = 0; i < 60; i++) {
      const key = `lossy${i % 20}`
      const value = `v${i}`
      try {
        await sim.run((i % 2 === 0 ? x : y).put(key, value))
        allowed.set(key, new Set([value]))
      } catch (err) {
        assert.ok(['CONSISTENCY', 'TIMEOUT', 'NETWORK'].includes((err as { code: string }).code), String(err))
        allowed.get(key)?.add(value)
        failed++
      }
    }
    assert.ok(allowed.size > 10, `most keys have an acknowledged write (${allowed.size}, ${failed} writes failed)`)
    for (const [key, values] of allowed) {
      let read: unknown
      for (let tries = 0; tries < 5 && read === undefined; tries++) read = await sim.run(x.get(key)).catch(() => undefined)
      assert.ok(values.has(read as string), `${key}: read ${String(read)}, allowed ${[...values].join(', ')}`)
    }
  }, {}, { latencyMs: 2, dropRate: 0.05 })
})

test.run()
