// Whole-node simulation (ManualClock): forgetting and reaping take a member out of every ring, the event log says so
// after the member event, and members are found by full id, unique id suffix or name.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { REAP_INTERVAL_MS } from '../../src/membership/index.js'
import { SimNodes } from '../support/sim-nodes.js'
import type { NodeEvent } from '../../src/node/event-log.js'

const IDS = ['x-1', 'y-1', 'z-2', 'w-3']

/** Events about member `id`: its own, and the ring changes that added or removed it (names equal ids here). */
const about = (events: NodeEvent[], id: string): NodeEvent[] => events.filter((e) => e.member?.id === id ||
  (e.kind === 'ring:change' && [e.details?.added, e.details?.removed].some((names) => Array.isArray(names) && names.includes(id))))
const kinds = (events: NodeEvent[], id: string): string[] => about(events, id).map((e) => e.kind)

test('a member forgotten through any member leaves every ring, and each event log has the ring change after the forget', async () => {
  const sim = await SimNodes.start({ ids: IDS })
  try {
    const client = await sim.client('x-1')
    await sim.kill('w-3')
    const survivors = sim.running()
    await sim.until(() => survivors.every((n) => n.membership.stateOf('w-3') === 'dead'), 'w-3 is dead everywhere')
    assert.ok(survivors.every((n) => n.ring.hasNode('w-3')), 'a dead member keeps its ranges until forgotten')

    const reply = await sim.run(client.forgetNode('w-3'))
    assert.equal(reply, { id: 'w-3', name: 'w-3', state: 'dead' })
    await sim.until(() => survivors.every((n) => !n.ring.hasNode('w-3') && n.membership.get('w-3') === undefined), 'every member forgot w-3')
    await sim.advance(1) // the ring change is reported once the burst of member events is over
    for (const node of survivors) {
      assert.equal(kinds(node.events.query({}), 'w-3').slice(-3), ['member:dead', 'member:forget', 'ring:change'], `log of ${node.id}`)
      assert.is(node.placement.n, 3)
    }
    const info = await sim.run(client.getClusterInfo())
    assert.not.ok(info.members.some((m) => m.id === 'w-3'))
    assert.is(info.ring.nodes.length, 3)
  } finally { await sim.stop() }
})

test('every join is logged before the ring change it caused', async () => {
  const sim = await SimNodes.start({ ids: IDS })
  try {
    const log = sim.node('x-1').events.query({})
    for (const id of IDS.slice(1)) {
      assert.equal(kinds(log, id).slice(0, 2), ['member:join', 'ring:change'], `events about ${id}`)
      const [join, ring] = about(log, id)
      assert.ok(join !== undefined && ring !== undefined && join.seq < ring.seq && join.time <= ring.time)
    }
  } finally { await sim.stop() }
})

test('members are found by full id, unique id suffix or name; ambiguity and misses are typed errors', async () => {
  const sim = await SimNodes.start({ ids: IDS })
  try {
    const client = await sim.client('x-1')
    const refusal = async (promise: Promise<unknown>): Promise<Error> => await sim.run(promise).then(() => { throw new Error('accepted') }, (err: Error) => err)

    const missing = await refusal(client.forgetNode('nobody'))
    assert.is(missing.name, 'MemberNotFoundError')
    assert.match(missing.message, /no member matches "nobody"/)
    const ambiguous = await refusal(client.removeNode('-1'))
    assert.is(ambiguous.name, 'InvalidArgumentError')
    assert.match(ambiguous.message, /matches 2 members: x-1 .*y-1/)
    const alive = await refusal(client.forgetNode('-2'))
    assert.is(alive.name, 'InvalidArgumentError')
    assert.match(alive.message, /z-2 \(z-2\) is alive.*node remove/)

    await sim.kill('w-3')
    await sim.until(() => sim.running().every((n) => n.membership.stateOf('w-3') === 'dead'), 'w-3 is dead everywhere')
    const dead = await refusal(client.removeNode('w-3'))
    assert.is(dead.name, 'InvalidArgumentError')
    assert.match(dead.message, /is dead: drop it with `dcache node forget w-3`/)
    assert.is((await sim.run(client.forgetNode('-3'))).id, 'w-3', 'a unique suffix names it')
  } finally { await sim.stop() }
})

test('a member dead for reapAfter is reaped by every member and leaves every ring', async () => {
  const reapAfter = 120
  const sim = await SimNodes.start({ ids: IDS, config: { reapAfter } })
  try {
    await sim.kill('w-3')
    const survivors = sim.running()
    await sim.until(() => survivors.every((n) => n.membership.stateOf('w-3') === 'dead'), 'w-3 is dead everywhere')
    await sim.advance(reapAfter * 1000 / 2)
    assert.ok(survivors.every((n) => n.ring.hasNode('w-3')), 'kept until reapAfter')
    await sim.until(() => survivors.every((n) => !n.ring.hasNode('w-3') && n.membership.get('w-3') === undefined), 'w-3 is reaped', reapAfter * 1000 + REAP_INTERVAL_MS)
    await sim.advance(1)
    for (const node of survivors) assert.equal(kinds(node.events.query({}), 'w-3').slice(-2), ['member:reap', 'ring:change'])
  } finally { await sim.stop() }
})

test('a member that leaves is logged as having left, then out of the ring', async () => {
  const sim = await SimNodes.start({ ids: IDS })
  try {
    await sim.run(sim.node('w-3').leave())
    await sim.until(() => !sim.node('x-1').ring.hasNode('w-3'), 'w-3 is out of the ring')
    await sim.advance(1)
    const [left, ring] = about(sim.node('x-1').events.query({}), 'w-3').slice(-2)
    assert.equal([left?.kind, ring?.kind], ['member:left', 'ring:change'])
    assert.match(left?.message ?? '', /^w-3 w-3 has left \(was alive\), incarnation \d+$/)
    assert.match(ring?.message ?? '', /^ring changed \(-w-3\): 3 members; /)
  } finally { await sim.stop() }
})

test('a member\'s own event log is read by sequence, through any client', async () => {
  const sim = await SimNodes.start({ ids: IDS })
  try {
    const node = sim.node('x-1')
    const all = node.events.query({})
    const middle = all[Math.floor(all.length / 2)] as NodeEvent
    assert.equal(node.events.query({ since: middle.seq }).map((e) => e.seq), all.filter((e) => e.seq > middle.seq).map((e) => e.seq))
    const client = await sim.client('y-1')
    assert.equal(await sim.run(client.getEventsOf('x-1', { since: middle.seq })), node.events.query({ since: middle.seq }))
  } finally { await sim.stop() }
})

test.run()
