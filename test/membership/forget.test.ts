// Forgetting and reaping dead and left members (ManualClock, MemoryNetwork): every member drops them, a tombstone
// keeps old claims from bringing them back, a member that is in fact running comes back, and under churn the
// member table and push/pull payloads stay bounded.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { HealthMonitor, REAP_INTERVAL_MS, TOMBSTONE_TTL_MS, suspicionTimeout, type Swim, type SwimInit } from '../../src/membership/index.js'
import { decodeMessage, encodeMessage, MessageType, SWIM_PROTOCOL } from '../../src/membership/messages.js'
import type { MemberUpdate } from '../../src/membership/member-table.js'
import type { NodeId, Transport } from '../../src/net/transport.js'
import { drive, startCluster, type SimCluster } from './cluster.js'

const FOUR = ['a', 'b', 'c', 'd']

/** Time for every member to notice a member is gone and declare it dead, from the config. */
function deathMs (swim: Swim, n: number): number {
  const cfg = swim.config
  return cfg.probeIntervalMs * n * cfg.awarenessMax + cfg.suspicionMaxTimeoutMult * suspicionTimeout(cfg.suspicionMult, n, cfg.probeIntervalMs)
}

async function advanceUntil (c: SimCluster, condition: () => boolean, what: string, limitMs: number, stepMs = 100): Promise<void> {
  for (let waited = 0; !condition(); waited += stepMs) {
    if (waited >= limitMs) throw new Error(`timed out (simulated ${limitMs} ms) waiting until ${what}`)
    await c.clock.advance(stepMs)
  }
}

/** Starts a cluster and lets every member hear of every other. */
async function converged (ids: string[], init: SwimInit): Promise<SimCluster> {
  const c = await startCluster({ ids, network: { latencyMs: 1 }, init })
  await advanceUntil(c, () => ids.every((id) => c.node(id).aliveMembers().length === ids.length), 'every member sees every member', 10_000)
  return c
}

/** Sends one gossip message with `updates` to every member, as if an old claim were still travelling. */
async function publishStale (c: SimCluster, updates: MemberUpdate[]): Promise<void> {
  const sender = c.net.createTransport('stale-sender')
  await sender.publish('dcache/default/members', encodeMessage({ type: MessageType.Gossip, seq: 1, updates }))
  await c.clock.advance(10)
  c.net.remove('stale-sender')
}

test('forget drops a dead member from every table, and an old alive claim about it is ignored', async () => {
  const c = await converged(FOUR, { preset: 'local' })
  try {
    const survivors = ['a', 'b', 'c']
    const last = c.node('d').localMember
    await c.kill('d')
    await advanceUntil(c, () => c.allSee(survivors, 'd', 'dead'), 'd is dead everywhere', deathMs(c.node('a'), 4))

    const forgotten = c.node('a').forget('d')
    assert.is(forgotten.state, 'dead')
    await advanceUntil(c, () => c.allSee(survivors, 'd', undefined), 'every member forgot d', 10_000)
    for (const id of survivors) assert.ok(c.events(id).includes('member:forget:d'), `${id} emitted member:forget`)

    await publishStale(c, [{ ...last, state: 'alive', from: 'd' }])
    await c.clock.advance(c.node('a').config.pushPullIntervalMs * 2)
    assert.ok(c.allSee(survivors, 'd', undefined), 'the stale alive claim did not bring d back')
  } finally { await c.stop() }
})

test('forget refuses live members, this member and unknown ids with typed errors', async () => {
  const c = await converged(['a', 'b'], { preset: 'local' })
  try {
    assert.throws(() => c.node('a').forget('b'), (err: Error) => err.name === 'InvalidArgumentError' && /alive/.test(err.message) && /node remove/.test(err.message))
    assert.throws(() => c.node('a').forget('a'), (err: Error) => err.name === 'InvalidArgumentError')
    assert.throws(() => c.node('a').forget('zz'), (err: Error) => err.name === 'MemberNotFoundError')
    assert.is(c.node('a').stateOf('b'), 'alive')
  } finally { await c.stop() }
})

test('a forgotten member that is in fact running refutes its tombstone and is back everywhere', async () => {
  const c = await converged(FOUR, { preset: 'local' })
  try {
    const survivors = ['a', 'b', 'c']
    c.net.isolate('d')
    await advanceUntil(c, () => c.allSee(survivors, 'd', 'dead'), 'd is dead everywhere', deathMs(c.node('a'), 4))
    const deadAt = c.node('a').get('d')?.incarnation as number
    c.node('a').forget('d')
    await advanceUntil(c, () => c.allSee(survivors, 'd', undefined), 'every member forgot d', 10_000)

    c.net.heal()
    // d reconnects through push/pull with the members it holds dead; whoever holds its tombstone tells it.
    await advanceUntil(c, () => c.allSee([...survivors, 'd'], 'd', 'alive') && survivors.every((id) => c.node('d').stateOf(id) === 'alive'),
      'd is alive again everywhere', TOMBSTONE_TTL_MS)
    assert.ok((c.node('a').get('d')?.incarnation as number) > deadAt, 'd came back with a newer incarnation than its tombstone')
  } finally { await c.stop() }
})

test('dead and left members are reaped after reapAfterMs, on every member, and their tombstones expire', async () => {
  const reapAfterMs = 60_000
  const c = await converged([...FOUR, 'e'], { preset: 'local', reapAfterMs })
  try {
    const survivors = ['a', 'b', 'c']
    await drive(c.clock, c.node('e').leave())
    await c.kill('e')
    await c.kill('d')
    await advanceUntil(c, () => c.allSee(survivors, 'd', 'dead') && c.allSee(survivors, 'e', 'left'), 'd dead and e left everywhere', deathMs(c.node('a'), 5))
    assert.is(c.node('a').members().length, 5, 'kept until reapAfterMs')

    await c.clock.advance(reapAfterMs + REAP_INTERVAL_MS)
    for (const id of survivors) {
      assert.equal(c.node(id).members().map((m) => m.id).sort(), survivors, `${id} reaped d and e`)
      assert.ok(c.events(id).includes('member:reap:d') && c.events(id).includes('member:reap:e'), `${id} emitted member:reap`)
      assert.is(c.node(id).tombstoneCount, 2)
    }
    await c.clock.advance(TOMBSTONE_TTL_MS + REAP_INTERVAL_MS)
    for (const id of survivors) assert.is(c.node(id).tombstoneCount, 0, `${id} dropped the tombstones`)
  } finally { await c.stop() }
})

test('reapAfterMs 0 keeps dead members forever', async () => {
  const c = await converged(['a', 'b', 'c'], { preset: 'local', reapAfterMs: 0 })
  try {
    await c.kill('c')
    await c.clock.advance(deathMs(c.node('a'), 3) + 10 * REAP_INTERVAL_MS)
    assert.is(c.node('a').stateOf('c'), 'dead')
    assert.is(c.node('a').reap().length, 0)
  } finally { await c.stop() }
})

test('1,000 restarts with new identities: the member table, health map, tombstones and push/pull payloads stay bounded', async () => {
  const RESTARTS = 1000
  const STABLE = ['a', 'b', 'c']
  const ROUND_MS = 5_000
  const reapAfterMs = 30_000
  let largestPushPull = 0
  let largestPushPullMembers = 0
  const c = await startCluster({
    ids: STABLE,
    network: { latencyMs: 1 },
    init: { preset: 'local', reapAfterMs },
    // Measures every push/pull the stable members send.
    wrap: (id: NodeId, inner: Transport): Transport => STABLE.includes(id)
      ? {
          ...inner,
          request: async (to, protocol, data, opts) => {
            if (protocol === SWIM_PROTOCOL) {
              const message = decodeMessage(data)
              if (message.type === MessageType.PushPull) {
                largestPushPull = Math.max(largestPushPull, data.length)
                largestPushPullMembers = Math.max(largestPushPullMembers, message.members.length)
              }
            }
            return await inner.request(to, protocol, data, opts)
          },
          handle: async (protocol, fn) => { await inner.handle(protocol, fn) },
          unhandle: async (protocol) => { await inner.unhandle(protocol) },
          subscribe: (topic, fn) => inner.subscribe(topic, fn),
          publish: async (topic, data) => { await inner.publish(topic, data) },
          addresses: () => inner.addresses(),
          addAddresses: (peer, addrs) => { inner.addAddresses(peer, addrs) },
          connect: async (addr, o) => await inner.connect(addr, o)
        }
      : inner
  })
  const health = new HealthMonitor(c.node('a'), c.clock.now())
  try {
    // Each identity joins, lives one round, then dies (odd) or leaves (even); the next identity joins at once.
    let largestTable = 0
    let largestTombstones = 0
    let previous: string | undefined
    for (let i = 0; i < RESTARTS; i++) {
      const id = `n${i}`
      await c.add(id, STABLE[i % STABLE.length] as NodeId)
      if (previous !== undefined) {
        if (i % 2 === 0) await drive(c.clock, c.node(previous).leave())
        await c.kill(previous)
      }
      previous = id
      await c.clock.advance(ROUND_MS)
      const a = c.node('a')
      largestTable = Math.max(largestTable, a.members().length)
      largestTombstones = Math.max(largestTombstones, a.tombstoneCount)
      assert.is(health.list().length, a.members().length, 'the health map follows the table')
    }
    // Down members are kept for reapAfterMs plus one reap interval plus the time to declare them dead.
    const keptRounds = Math.ceil((reapAfterMs + REAP_INTERVAL_MS + deathMs(c.node('a'), 5)) / ROUND_MS)
    assert.ok(largestTable <= STABLE.length + 1 + keptRounds, `largest table ${largestTable}`)
    assert.ok(largestPushPullMembers <= STABLE.length + 1 + keptRounds, `largest push/pull table ${largestPushPullMembers}`)
    assert.ok(largestTombstones <= Math.ceil((TOMBSTONE_TTL_MS + REAP_INTERVAL_MS) / ROUND_MS) + 1, `largest tombstone count ${largestTombstones}`)
    console.log(`1000 restarts: largest member table ${largestTable}, largest push/pull ${largestPushPull} bytes with ${largestPushPullMembers} members, ` +
      `largest tombstone count ${largestTombstones}; simulated ${(RESTARTS * ROUND_MS / 3600_000).toFixed(1)} h`)

    await c.kill(previous as NodeId)
    await c.clock.advance(reapAfterMs + REAP_INTERVAL_MS + deathMs(c.node('a'), 4))
    for (const id of STABLE) assert.equal(c.node(id).members().map((m) => m.id).sort(), STABLE, `${id} is back to the stable members`)
  } finally {
    health.close()
    await c.stop()
  }
})

test.run()
