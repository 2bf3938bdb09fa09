import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { seededRandom } from '../../src/common/random.js'
import { HealthMonitor, Swim, SWIM_PROTOCOL, membersTopic, suspicionTimeout } from '../../src/membership/index.js'
import { encodeMessage, MessageType, decodeMessage, type SwimMessage } from '../../src/membership/messages.js'
import type { MemberUpdate } from '../../src/membership/member-table.js'
import { MemoryNetwork } from '../../src/net/memory/index.js'
import { ManualClock } from '../support/manual-clock.js'
import { drive, slowTransport, startCluster, type SimCluster } from './cluster.js'

const FIVE = ['a', 'b', 'c', 'd', 'e']

/** Longest a suspicion can last in a cluster of n, from the node's own config. */
function maxSuspicionMs (c: SimCluster, n: number): number {
  const cfg = ([...c.swims.values()][0] as Swim).config
  return cfg.suspicionMaxTimeoutMult * suspicionTimeout(cfg.suspicionMult, n, cfg.probeIntervalMs)
}

test('five members joining through one seed all converge to alive', async () => {
  const c = await startCluster({ ids: FIVE, network: { latencyMs: 1 } })
  try {
    await c.clock.advance(c.node('a').config.gossipIntervalMs * 2)
    for (const id of FIVE) {
      assert.equal(c.node(id).aliveMembers().map((m) => m.id).sort(), FIVE, `view of ${id}`)
      for (const other of FIVE) assert.ok(c.events(id).includes(`member:join:${other}`), `${id} saw ${other} join`)
    }
  } finally { await c.stop() }
})

test('an isolated member is suspected, then declared dead by every other member', async () => {
  const c = await startCluster({ ids: FIVE, network: { latencyMs: 1 } })
  try {
    const others = FIVE.filter((id) => id !== 'e')
    c.net.isolate('e')
    const cfg = c.node('a').config
    // Round-robin: every member probes every other within n periods, stretched by at most awarenessMax.
    await c.clock.advance(cfg.probeIntervalMs * FIVE.length)
    assert.ok(others.some((id) => c.node(id).stateOf('e') === 'suspect'), 'someone suspects e')
    await c.clock.advance(maxSuspicionMs(c, FIVE.length) + cfg.gossipIntervalMs)
    assert.ok(c.allSee(others, 'e', 'dead'))
    for (const id of others) {
      const events = c.events(id).filter((e) => e.endsWith(':e'))
      assert.equal(events.slice(-2), ['member:suspect:e', 'member:dead:e'], `events at ${id}`)
    }
  } finally { await c.stop() }
})

test('a killed member (process gone) is declared dead too', async () => {
  const c = await startCluster({ ids: FIVE, network: { latencyMs: 1 } })
  try {
    c.net.remove('d')
    await c.clock.advance(c.node('a').config.probeIntervalMs * FIVE.length + maxSuspicionMs(c, FIVE.length))
    assert.ok(c.allSee(['a', 'b', 'c', 'e'], 'd', 'dead'))
  } finally { await c.stop() }
})

test('a falsely suspected member refutes with a higher incarnation and tells its accuser directly', async () => {
  const c = await startCluster({ ids: ['a', 'b', 'c', 'd'], network: { latencyMs: 1 } })
  // A bare accuser on the network, not a Swim, that records what comes back to it.
  const accuser = c.net.createTransport('x')
  const notices: MemberUpdate[] = []
  await accuser.handle(SWIM_PROTOCOL, async (_from, data) => {
    const message = decodeMessage(data)
    notices.push(...message.updates)
    return encodeMessage({ type: MessageType.Ack, seq: message.seq, updates: [] })
  })
  try {
    const b = c.node('b').localMember
    const claim: SwimMessage = { type: MessageType.Gossip, seq: 1, updates: [{ ...b, state: 'suspect', from: 'x' }] }
    await accuser.publish(membersTopic('default'), encodeMessage(claim))
    await c.clock.advance(c.node('a').config.gossipIntervalMs * 3)
    assert.is(c.node('b').localMember.incarnation, 1)
    for (const id of ['a', 'c', 'd']) {
      assert.is(c.node(id).get('b')?.incarnation, 1)
      assert.equal(c.events(id).filter((e) => e.endsWith(':b')).slice(-2), ['member:suspect:b', 'member:alive:b'])
    }
    assert.ok(notices.some((u) => u.id === 'b' && u.state === 'alive' && u.incarnation === 1), 'refutation sent to the accuser')
    await c.clock.advance(maxSuspicionMs(c, 4))
    assert.ok(c.allSee(['a', 'c', 'd'], 'b', 'alive'))
  } finally { await c.stop(); await accuser.stop() }
})

test('a probe of a suspect carries the suspicion, so it refutes at once (buddy system)', async () => {
  // No piggybacking: only the buddy suspicion on the ping can tell b.
  const c = await startCluster({ ids: ['a', 'b', 'c'], init: { maxPiggyback: 0 }, network: { latencyMs: 1 } })
  const accuser = c.net.createTransport('x')
  try {
    // Only a hears the claim, on a direct notify.
    const claim: SwimMessage = { type: MessageType.Notify, seq: 1, updates: [{ ...c.node('b').localMember, state: 'suspect', from: 'x' }] }
    await drive(c.clock, accuser.request('a', SWIM_PROTOCOL, encodeMessage(claim)))
    assert.is(c.node('a').stateOf('b'), 'suspect')
    assert.is(c.node('b').localMember.incarnation, 0)
    // Probes of a member that is already suspected go through the same code path as the loop's.
    for (let i = 0; i < 2 && c.node('a').stateOf('b') === 'suspect'; i++) await drive(c.clock, c.node('a').probe())
    assert.is(c.node('b').localMember.incarnation, 1)
    await c.clock.advance(c.node('a').config.gossipIntervalMs)
    assert.is(c.node('a').stateOf('b'), 'alive')
  } finally { await c.stop(); await accuser.stop() }
})

test('a slow member stays alive, and Lifeguard makes it accuse healthy members less', async () => {
  const ids = ['a', 'b', 'c', 'd', 's']
  async function run (awarenessMax: number): Promise<{ falseSuspicions: number, deaths: number, sHealth: number, sKept: boolean }> {
    const c = await startCluster({
      ids,
      init: { awarenessMax },
      network: { latencyMs: 1 },
      wrap: (id, transport, clock) => id === 's' ? slowTransport(transport, clock, 600) : transport
    })
    try {
      await c.clock.advance(60_000)
      const healthy = ids.filter((id) => id !== 's')
      const everything = ids.flatMap((id) => c.events(id))
      return {
        falseSuspicions: everything.filter((e) => healthy.some((h) => e === `member:suspect:${h}`)).length,
        deaths: everything.filter((e) => e.startsWith('member:dead')).length,
        sHealth: c.node('s').healthScore,
        // s flaps between alive and suspect as it refutes, but stays a member everywhere.
        sKept: healthy.every((h) => ['alive', 'suspect'].includes(c.node(h).stateOf('s') ?? ''))
      }
    } finally { await c.stop() }
  }
  const withLifeguard = await run(8)
  const without = await run(1)
  assert.is(withLifeguard.deaths, 0, 'nobody is declared dead')
  assert.ok(withLifeguard.sKept, 'every member still holds s as a member')
  assert.ok(withLifeguard.sHealth > 0, 's knows it is the slow one')
  assert.ok(withLifeguard.falseSuspicions < without.falseSuspicions, `with ${withLifeguard.falseSuspicions}, without ${without.falseSuspicions}`)
})

test('after a partition heals, push/pull brings both sides back to one view', async () => {
  const left = ['a', 'b', 'c']
  const right = ['d', 'e', 'f']
  const all = [...left, ...right]
  const c = await startCluster({ ids: all, network: { latencyMs: 1 } })
  try {
    const cfg = c.node('a').config
    await c.clock.advance(cfg.gossipIntervalMs * 2)
    c.net.partition(left, right)
    await c.clock.advance(cfg.probeIntervalMs * all.length + maxSuspicionMs(c, all.length))
    for (const id of right) assert.ok(c.allSee(left, id, 'dead'), `left side holds ${id} dead`)
    for (const id of left) assert.ok(c.allSee(right, id, 'dead'), `right side holds ${id} dead`)
    c.net.heal()
    // Gossip lost during the partition is gone; only the push/pull loop (which also tries dead members) repairs it.
    await c.clock.advance(cfg.pushPullIntervalMs + cfg.probeIntervalMs * all.length)
    for (const id of all) assert.equal(c.node(id).aliveMembers().map((m) => m.id).sort(), all, `view of ${id}`)
  } finally { await c.stop() }
})

test('a graceful leave is seen as left, never as dead, while a killed member is dead', async () => {
  const c = await startCluster({ ids: FIVE, network: { latencyMs: 1 } })
  try {
    await drive(c.clock, c.node('e').leave())
    await c.node('e').stop()
    c.net.remove('e')
    c.net.remove('d')
    await c.clock.advance(c.node('a').config.probeIntervalMs * FIVE.length + maxSuspicionMs(c, FIVE.length))
    assert.ok(c.allSee(['a', 'b', 'c'], 'e', 'left'))
    assert.ok(c.allSee(['a', 'b', 'c'], 'd', 'dead'))
    for (const id of ['a', 'b', 'c']) {
      assert.ok(c.events(id).includes('member:left:e'))
      assert.not.ok(c.events(id).includes('member:dead:e'))
      assert.not.ok(c.events(id).includes('member:suspect:e'))
    }
  } finally { await c.stop() }
})

test('setLocalMeta reaches every member as member:update with a new incarnation', async () => {
  const c = await startCluster({ ids: FIVE, network: { latencyMs: 1 } })
  try {
    c.node('c').setLocalMeta({ vnodes: 64 })
    await c.clock.advance(c.node('a').config.gossipIntervalMs * 2)
    for (const id of FIVE.filter((x) => x !== 'c')) {
      assert.equal(c.node(id).get('c')?.meta, { vnodes: 64 })
      assert.is(c.node(id).get('c')?.incarnation, 1)
      assert.ok(c.events(id).includes('member:update:c'))
    }
  } finally { await c.stop() }
})

test('the health monitor records acks, round trips and flaps', async () => {
  const c = await startCluster({ ids: ['a', 'b', 'c'], network: { latencyMs: 5 } })
  const monitor = new HealthMonitor(c.node('a'), c.clock.now())
  try {
    await c.clock.advance(c.node('a').config.probeIntervalMs * 3)
    const b = monitor.get('b')
    assert.is(b?.lastRttMs, 10)
    assert.ok(b?.lastAckAt !== undefined)
    c.net.isolate('b')
    await c.clock.advance(c.node('a').config.probeIntervalMs * 3)
    assert.is(monitor.get('b')?.state, 'suspect')
    c.net.heal()
    await c.clock.advance(c.node('a').config.probeIntervalMs * 3)
    assert.is(monitor.get('b')?.state, 'alive')
    assert.is(monitor.get('b')?.flaps, 1)
  } finally { monitor.close(); await c.stop() }
})

test('start and stop are idempotent and stop leaves no timer behind', async () => {
  const clock = new ManualClock()
  const net = new MemoryNetwork({ clock, random: seededRandom(1) })
  const swim = new Swim({ transport: net.createTransport('solo'), clock, random: seededRandom(2) })
  await swim.start()
  await swim.start()
  await clock.advance(5000)
  await swim.stop()
  await swim.stop()
  assert.is(clock.pending, 0)
  assert.is(swim.stateOf('solo'), 'alive')
})

test('join rejects when no seed answers', async () => {
  const clock = new ManualClock()
  const net = new MemoryNetwork({ clock, random: seededRandom(1) })
  const swim = new Swim({ transport: net.createTransport('lonely'), clock, random: seededRandom(2) })
  await swim.start()
  try {
    let error: Error | undefined
    await swim.join(['nobody']).catch((err: Error) => { error = err })
    assert.is(error?.name, 'NodeUnavailableError')
  } finally { await swim.stop() }
})

test('300 members join through one seed, converge, and all declare an isolated member dead', async () => {
  const ids = Array.from({ length: 300 }, (_, i) => `m${i}`)
  // Zero latency delivers on microtasks, which keeps this many members fast on the ManualClock.
  const c = await startCluster({ ids, network: { latencyMs: 0 } })
  try {
    const cfg = c.node('m0').config
    await c.clock.advance(cfg.gossipIntervalMs * 2)
    assert.ok(ids.every((id) => c.node(id).aliveMembers().length === ids.length), 'every member sees all 300 alive')
    c.net.isolate('m7')
    await c.clock.advance(cfg.probeIntervalMs * 5 + maxSuspicionMs(c, ids.length))
    assert.ok(c.allSee(ids.filter((id) => id !== 'm7'), 'm7', 'dead'))
  } finally { await c.stop() }
})

test.run()
