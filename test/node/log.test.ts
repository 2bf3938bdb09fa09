// What a node logs: one line per event of its event log, one ring change per burst of member events, hint summaries.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createLog, type LogLevel } from '../../src/common/log.js'
import { EventLog, type NodeEvent } from '../../src/node/event-log.js'
import { logNodeEvent, NodeReports } from '../../src/node/log.js'
import { HintStore } from '../../src/replication/index.js'
import { HashRing } from '../../src/ring/index.js'
import { ManualClock } from '../support/manual-clock.js'
import { SimNodes } from '../support/sim-nodes.js'

interface Line { level: LogLevel, event: string, msg: string, [field: string]: unknown }

function jsonLog (level: LogLevel = 'debug'): { lines: Line[], log: ReturnType<typeof createLog> } {
  const lines: Line[] = []
  return { lines, log: createLog({ level, format: 'json', write: (line) => lines.push(JSON.parse(line) as Line) }) }
}

function reports (rf: number): { clock: ManualClock, ring: HashRing, events: NodeEvent[], hints: HintStore, lines: Line[], reports: NodeReports } {
  const clock = new ManualClock()
  const ring = new HashRing({ virtualNodes: 64 })
  ring.addNode('a')
  const { lines, log } = jsonLog()
  const events: NodeEvent[] = []
  const eventLog = new EventLog(clock, (e) => { events.push(e); logNodeEvent(log, e) })
  const hints = new HintStore({ maxHints: 100, maxBytes: 1 << 20, windowMs: 60_000 })
  const r = new NodeReports({ clock, log, events: eventLog, ring, hints, self: 'a', replicationFactor: rf, nameOf: (id) => `node-${id}` })
  return { clock, ring, events, hints, lines, reports: r }
}

test('member events are logged at their level: suspect and dead warn, a node\'s own errors error, the rest info', () => {
  const { lines, log } = jsonLog('info')
  const clock = new ManualClock()
  const events = new EventLog(clock, (e) => { logNodeEvent(log, e) })
  const member = { id: 'id-b', name: 'b', incarnation: 3, state: 'suspect' }
  events.record('member:join', 'b is alive', { ...member, state: 'alive' })
  events.record('member:suspect', 'b is suspect', member)
  events.record('member:dead', 'b is dead', { ...member, state: 'dead' })
  events.record('error', 'cannot reach x')
  events.record('member:forgotten', 'b is forgotten', { ...member, state: 'dead' })
  assert.equal(lines.map((l) => [l.level, l.event]), [
    ['info', 'member:join'], ['warn', 'member:suspect'], ['warn', 'member:dead'], ['error', 'error'], ['info', 'member:forgotten']
  ])
  assert.equal([lines[1]?.member, lines[1]?.name, lines[1]?.state, lines[1]?.incarnation], ['id-b', 'b', 'suspect', 3])
  const quiet = jsonLog('warn')
  logNodeEvent(quiet.log, { seq: 1, time: 0, kind: 'member:join', message: 'not at warn' })
  assert.equal(quiet.lines, [])
})

test('a burst of ring changes is one ring:change event, with the share of the key space this member holds', async () => {
  const { clock, ring, events, lines, reports: r } = reports(1)
  r.ringMayChange({ id: 'b', name: 'node-b' })
  ring.addNode('b')
  r.ringMayChange({ id: 'c', name: 'node-c' })
  ring.addNode('c')
  await clock.advance(0)
  assert.is(events.length, 1)
  const [change] = events
  assert.is(change?.kind, 'ring:change')
  assert.equal([change?.details?.added, change?.details?.removed, change?.details?.members, change?.details?.previousShare], [['node-b', 'node-c'], [], 3, 1])
  // with one replica per key, the share this member holds is its ownership of the ring
  assert.ok(Math.abs((change?.details?.share as number) - (ring.ownership().get('a') as number)) < 1e-4)
  assert.match(change?.message ?? '', /^ring changed \(\+node-b, \+node-c\): 3 members; this member holds copies of \d+\.\d% of the key space \(was 100\.0%\)$/)
  assert.is(lines[0]?.event, 'ring:change')

  r.ringMayChange({ id: 'c', name: 'gone-c' })
  ring.removeNode('c')
  await clock.advance(0)
  assert.equal(events[1]?.details?.removed, ['gone-c'], 'named as its event named it, though no longer in the table')
  assert.ok(Math.abs((events[1]?.details?.share as number) - (ring.ownership().get('a') as number)) < 1e-4)

  r.ringMayChange({ id: 'b', name: 'node-b' })
  await clock.advance(0)
  assert.is(events.length, 2, 'no event when the ring did not change')
  r.stop()
})

test('hints are summed up when something changed: pending per member, delivered, dropped, fallback copies dropped', () => {
  const { hints, lines, reports: r } = reports(3)
  hints.add('b', 'k1', 0)
  hints.add('b', 'k2', 0)
  r.reportHints()
  assert.equal(lines.map((l) => [l.event, l.pending, l.delivered, l.dropped, l.targets]), [['hints', 2, 0, 0, ['node-b']]])
  r.reportHints()
  assert.is(lines.length, 1, 'nothing new, no line')
  const [first] = hints.batch('b', 1)
  hints.settle('b', first?.key as string, first?.seq as number)
  r.copyDropped()
  r.reportHints()
  assert.equal([lines[1]?.pending, lines[1]?.delivered, lines[1]?.copiesDropped], [1, 1, 1])
  assert.match(lines[1]?.msg as string, /^hints: 1 pending for node-b; 1 delivered and 0 dropped since the last report; 1 fallback copies dropped after delivery$/)
})

test('a running node logs joins, the ring change after them, and a death', async () => {
  const { lines, log } = jsonLog('info')
  const sim = await SimNodes.start({ ids: ['a', 'b', 'c'], log: (id) => id === 'a' ? log : undefined })
  try {
    const joined = lines.filter((l) => l.event === 'member:join').map((l) => l.name)
    assert.equal(joined.sort(), ['b', 'c'])
    const firstJoin = lines.findIndex((l) => l.event === 'member:join')
    const lastChange = lines.findLastIndex((l) => l.event === 'ring:change')
    assert.ok(lastChange > firstJoin, 'a ring change follows the join that caused it')
    assert.is(lines[lastChange]?.members, 3)
    assert.ok(lines.every((l) => !l.event.startsWith('dcache:')), 'membership\'s own lines are debug lines')

    await sim.kill('c')
    await sim.until(() => sim.node('a').membership.stateOf('c') === 'dead', 'a sees c dead')
    // a member may hear of the death before it suspects c itself, so only the death is certain
    const warned = lines.filter((l) => l.name === 'c' && l.level === 'warn').map((l) => l.event)
    assert.is(warned.at(-1), 'member:dead')
    assert.ok(warned.every((e) => e === 'member:suspect' || e === 'member:dead'), warned.join())
  } finally {
    await sim.stop()
  }
})

test.run()
