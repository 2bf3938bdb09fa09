import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { HashRing } from '../../src/ring/index.js'
import { DashboardModel, HISTORY_POINTS, STATE_COLORS, SWITCH_BANNER_MS, type PollResult } from '../../src/tui/view-model.js'
import { clusterInfo, engineStats, member, nodeId, nodeStats, replicationStats } from './fake-source.js'
import type { NodeEvent } from '../../src/node/event-log.js'

const A = nodeId('a')
const B = nodeId('b')

function poll (at: number, over: Partial<PollResult> = {}): PollResult {
  return { at, contactBefore: A, contactAfter: A, ...over }
}

function event (seq: number, time: number, kind: string, message: string): NodeEvent {
  return { seq, time, kind, message }
}

test('rates come from the difference of two snapshots over the time between them', () => {
  const model = new DashboardModel()
  model.apply(poll(1000, { stats: [nodeStats('a', 1000, { requests: { get: 10, put: 4 }, errors: 1 })] }))
  assert.is(model.history.length, 0, 'one snapshot gives no rate')
  assert.is(model.rows[0]?.opsPerSec, undefined)
  model.apply(poll(3000, { stats: [nodeStats('a', 3000, { requests: { get: 210, put: 44, mget: 20 }, errors: 5, engine: engineStats({ evictions: 8, expirations: 2 }) })] }))
  assert.equal(model.history.map((p) => [p.getsPerSec, p.setsPerSec, p.errorsPerSec]), [[110, 20, 2]])
  assert.is(model.rows[0]?.opsPerSec, 130)
  assert.is(model.totals.opsPerSec, 130)
  assert.is(model.totals.evictionsPerSec, 4)
  assert.is(model.totals.expirationsPerSec, 1)
})

test('hints pending add up over members, and read repairs become a rate', () => {
  const model = new DashboardModel()
  const at = (time: number, repairsA: number, repairsB: number, pendingA: number, pendingB: number): PollResult => poll(time, {
    stats: [
      nodeStats('a', time, { replication: replicationStats({ readRepairs: repairsA, hints: { pending: pendingA, delivered: 0, dropped: 0 } }) }),
      nodeStats('b', time, { replication: replicationStats({ readRepairs: repairsB, hints: { pending: pendingB, delivered: 0, dropped: 0 } }) })
    ]
  })
  model.apply(at(0, 0, 10, 0, 0))
  model.apply(at(2000, 6, 14, 40, 2))
  assert.is(model.totals.repairsPerSec, 5)
  assert.is(model.totals.hintsPending, 42)
})

test('rates of several nodes add up; latency is the slowest node\'s', () => {
  const model = new DashboardModel()
  model.apply(poll(0, { stats: [nodeStats('a', 0), nodeStats('b', 0)] }))
  model.apply(poll(1000, {
    stats: [
      nodeStats('a', 1000, { requests: { get: 30 }, latency: { p50Ms: 0.2, p99Ms: 3 } }),
      nodeStats('b', 1000, { requests: { get: 20, put: 5 }, latency: { p50Ms: 0.4, p99Ms: 1 } })
    ]
  }))
  const point = model.history[0]
  assert.equal([point?.getsPerSec, point?.setsPerSec, point?.p50Ms, point?.p99Ms], [50, 5, 0.4, 3])
})

test('a counter that went down (a restarted node) counts from zero', () => {
  const model = new DashboardModel()
  model.apply(poll(0, { stats: [nodeStats('a', 0, { requests: { get: 500 } })] }))
  model.apply(poll(1000, { stats: [nodeStats('a', 1000, { requests: { get: 7 } })] }))
  assert.is(model.history[0]?.getsPerSec, 7)
})

test('a poll with no newer snapshot keeps the rates and adds no chart point', () => {
  const model = new DashboardModel()
  model.apply(poll(0, { stats: [nodeStats('a', 0)] }))
  model.apply(poll(1000, { stats: [nodeStats('a', 1000, { requests: { put: 9 } })] }))
  model.apply(poll(1200, { stats: [nodeStats('a', 1000, { requests: { put: 9 } })] }))
  assert.is(model.history.length, 1)
  assert.is(model.rows[0]?.opsPerSec, 9)
})

test('the chart history is bounded', () => {
  const model = new DashboardModel()
  for (let i = 0; i <= HISTORY_POINTS + 5; i++) model.apply(poll(i * 1000, { stats: [nodeStats('a', i * 1000, { requests: { get: i } })] }))
  assert.is(model.history.length, HISTORY_POINTS)
  assert.is(model.history[HISTORY_POINTS - 1]?.time, (HISTORY_POINTS + 5) * 1000)
})

test('rows join members with their statistics; members without statistics show none', () => {
  const model = new DashboardModel()
  const info = clusterInfo([member('a'), member('b', { state: 'dead', incarnation: 3 })])
  model.apply(poll(0, { info, stats: [nodeStats('a', 0, { engine: engineStats({ keys: 12, hits: 3, misses: 1, memoryUsedBytes: 2048 }) })] }))
  const [a, b] = model.rows
  assert.equal([a?.name, a?.keys, a?.hitRatio, a?.memoryUsed, a?.isContact, a?.shortId], ['a', 12, 0.75, 2048, true, A.slice(-8)])
  assert.equal([b?.name, b?.state, b?.incarnation, b?.keys, b?.hitRatio, b?.isContact], ['b', 'dead', 3, undefined, undefined, false])
  assert.equal(model.totals.states, { alive: 1, suspect: 0, dead: 1, left: 0 })
})

test('rows sort by name, then by the chosen column, reversed on a second choice, missing values last', () => {
  const model = new DashboardModel()
  const info = clusterInfo([member('c'), member('a', { state: 'suspect' }), member('b'), member('d', { state: 'dead' })])
  model.apply(poll(0, {
    info,
    stats: [nodeStats('a', 0, { engine: engineStats({ keys: 5 }) }), nodeStats('b', 0, { engine: engineStats({ keys: 50 }) }), nodeStats('c', 0, { engine: engineStats({ keys: 1 }) })]
  }))
  const names = (): string[] => model.rows.map((r) => r.name)
  assert.equal(names(), ['a', 'b', 'c', 'd'])
  model.cycleSort()
  assert.is(model.sortColumn, 'state')
  assert.equal(names(), ['b', 'c', 'a', 'd'], 'alive, suspect, dead; ties by name')
  model.sortBy('keys')
  assert.equal(names(), ['c', 'a', 'b', 'd'])
  model.sortBy('keys')
  assert.is(model.sortDescending, true)
  assert.equal(names(), ['d', 'b', 'a', 'c'])
})

test('each member state has its own colour', () => {
  assert.equal(STATE_COLORS, { alive: 'green', suspect: 'yellow', dead: 'red', left: 'gray' })
  assert.is(new Set(Object.values(STATE_COLORS)).size, 4)
})

test('events show newest first, with levels by kind, and the next poll asks only for newer ones', () => {
  const model = new DashboardModel()
  assert.is(model.eventsSince(A), 0)
  model.apply(poll(0, { events: [event(1, 100, 'member:join', 'b joined'), event(2, 200, 'member:suspect', 'b is suspect')] }))
  model.apply(poll(1000, { events: [event(3, 300, 'member:dead', 'b is dead'), event(4, 300, 'error', 'disk full')] }))
  assert.equal(model.log.map((l) => [l.time, l.level, l.text]), [
    [300, 'error', 'error: disk full'],
    [300, 'error', 'b is dead'],
    [200, 'warn', 'b is suspect'],
    [100, 'info', 'b joined']
  ])
  assert.is(model.eventsSince(A), 4)
})

test('member events become state changes, the state before taken from the previous event about the member', () => {
  const model = new DashboardModel()
  const about = (seq: number, kind: string, state: string, name = 'c'): NodeEvent =>
    ({ ...event(seq, seq * 100, kind, `${name} is ${state}`), member: { id: nodeId(name), name, incarnation: seq, state } })
  model.apply(poll(0, {
    events: [about(1, 'member:join', 'alive'), about(2, 'member:suspect', 'suspect'), about(3, 'member:alive', 'alive'),
      about(4, 'member:dead', 'dead'), about(5, 'member:join', 'alive'), about(6, 'member:left', 'left'), about(7, 'member:dead', 'dead', 'x'),
      event(8, 800, 'error', 'disk full')]
  }))
  const changes = model.log.map((l) => l.change === undefined ? l.text : `${l.change.name} ${l.change.from ?? ''}→${l.change.to} ${l.change.incarnation}`)
  assert.equal(changes.reverse(), [
    'c →joined 1', 'c alive→suspect 2', 'c suspect→alive 3', 'c alive→dead 4', 'c dead→alive 5', 'c →left 6', 'x →dead 7', 'error: disk full'
  ])
  assert.is(model.log[0]?.change, undefined)
  assert.is(model.log[1]?.change?.shortId, nodeId('x').slice(-8))
})

test('after the contact node changes, its log is read from the start and only newer events are added', () => {
  const model = new DashboardModel()
  const info = clusterInfo([member('a'), member('b')])
  model.apply(poll(0, { info, events: [event(1, 100, 'member:join', 'b joined')] }))
  // The contact died during this poll: the events were served by b, in b's numbering, so they are dropped.
  model.apply(poll(1000, { contactAfter: B, events: [event(9, 900, 'member:suspect', 'a is suspect')] }))
  assert.is(model.eventsSince(B), 0)
  model.apply(poll(2000, { contactBefore: B, contactAfter: B, events: [event(1, 50, 'member:join', 'a joined'), event(2, 1500, 'member:suspect', 'a is suspect')] }))
  assert.equal(model.log.map((l) => l.text), ['a is suspect', 'a stopped answering; now reading from b', 'b joined'])
  assert.is(model.eventsSince(B), 2)
})

test('after a contact switch, a transition already shown from the old contact is not shown twice', () => {
  const model = new DashboardModel()
  const dead = (seq: number, time: number): NodeEvent => ({ ...event(seq, time, 'member:dead', 'c is dead'), member: { id: nodeId('c'), name: 'c', incarnation: 2, state: 'dead' } })
  model.apply(poll(0, { info: clusterInfo([member('a'), member('b'), member('c')]), events: [dead(5, 100)] }))
  model.apply(poll(1000, { contactBefore: B, contactAfter: B, events: [dead(3, 140)] }))
  assert.equal(model.log.map((l) => l.text), ['a stopped answering; now reading from b', 'c is dead'])
})

test('a contact switch raises a banner for a while; a failing poll raises one until a poll succeeds', () => {
  const model = new DashboardModel()
  model.apply(poll(0, { info: clusterInfo([member('a'), member('b')]) }))
  assert.is(model.banner(0), undefined)
  model.apply(poll(1000, { contactAfter: B }))
  assert.equal(model.banner(1000), { level: 'warn', text: 'a stopped answering; now reading from b' })
  assert.is(model.banner(1000 + SWITCH_BANNER_MS), undefined)
  const later = 1000 + SWITCH_BANNER_MS
  model.apply(poll(later, { contactBefore: B, contactAfter: B, error: 'no seed node reachable' }))
  model.apply(poll(later + 1000, { contactBefore: B, contactAfter: B, error: 'no seed node reachable' }))
  assert.equal(model.banner(later + 1000), { level: 'error', text: 'cannot reach the cluster: no seed node reachable; retrying' })
  assert.equal(model.log.filter((l) => l.text.startsWith('poll failed')).length, 1, 'one log line per outage')
  model.apply(poll(later + 2000, { contactBefore: B, contactAfter: B }))
  assert.is(model.banner(later + 2000), undefined)
  assert.is(model.log[0]?.text, 'cluster reachable again')
})

test('the key inspector gives the hash position, the preference list and the replicas, owner first', () => {
  const model = new DashboardModel()
  assert.is(model.inspectKey('user:1'), undefined, 'no ring before the first poll')
  const members = ['a', 'b', 'c', 'd'].map((n) => member(n))
  const info = clusterInfo(members)
  model.apply(poll(0, { info }))
  const ring = HashRing.fromJSON(info.ring)
  const seen = model.inspectKey('user:1')
  assert.ok(seen !== undefined)
  assert.is(seen.position, ring.position('user:1'))
  assert.ok(seen.fraction >= 0 && seen.fraction < 1)
  assert.is(seen.n, 3)
  assert.equal(seen.preferenceList.map((r) => r.id), ring.preferenceList('user:1', 3))
  assert.is(seen.preferenceList[0]?.id, ring.owner('user:1'))
  assert.equal(seen.replicas.map((r) => [r.id, r.standsInFor]), seen.preferenceList.map((r) => [r.id, undefined]), 'all alive: the replicas are the preference list')
  assert.equal(seen.preferenceList.map((r) => r.name), seen.preferenceList.map((r) => members.find((m) => m.id === r.id)?.name))
})

test('a replica that is not alive is stood in for by the next live member along the ring, as a coordinator does', () => {
  const model = new DashboardModel()
  const names = ['a', 'b', 'c', 'd', 'e']
  const ring = HashRing.fromJSON(clusterInfo(names.map((n) => member(n))).ring)
  const [first, second, third, fourth] = ring.preferenceList('user:1', 5)
  const nameOf = (id: string | undefined): string => names.find((n) => nodeId(n) === id) as string
  // the second replica is suspect and the third dead: neither counts as alive, and each gets a stand-in in ring order
  const info = clusterInfo(names.map((n) => member(n, { state: nodeId(n) === second ? 'suspect' : nodeId(n) === third ? 'dead' : 'alive' })), first)
  model.apply(poll(0, { info }))
  const seen = model.inspectKey('user:1')
  assert.equal(seen?.preferenceList.map((r) => [r.name, r.state]), [[nameOf(first), 'alive'], [nameOf(second), 'suspect'], [nameOf(third), 'dead']])
  const fifth = ring.preferenceList('user:1', 5)[4]
  assert.equal(seen?.replicas.map((r) => [r.name, r.standsInFor?.name]), [
    [nameOf(first), undefined], [nameOf(fourth), nameOf(second)], [nameOf(fifth), nameOf(third)]
  ])
})

test('the contact\'s address comes from its member entry, with its id', () => {
  const model = new DashboardModel()
  assert.is(model.contactAddress, undefined)
  model.apply(poll(0, { info: clusterInfo([member('a', { addresses: ['/ip4/127.0.0.1/tcp/7700'] }), member('b')]) }))
  assert.is(model.contactAddress, `/ip4/127.0.0.1/tcp/7700/p2p/${A}`)
})

test('the ring view gives each node a share, a glyph and the arcs it owns', () => {
  const model = new DashboardModel()
  const info = clusterInfo([member('a'), member('b'), member('c', { vnodes: 300 })])
  model.apply(poll(0, { info }))
  const ring = model.ring
  assert.ok(ring !== undefined)
  assert.equal(ring.nodes.map((n) => n.glyph), ['A', 'B', 'C'])
  assert.ok(Math.abs(ring.nodes.reduce((a, n) => a + n.share, 0) - 1) < 1e-9)
  const strip = ring.strip(200)
  assert.is(strip.length, 200)
  assert.equal([...new Set(strip)].sort(), [0, 1, 2])
  const c = ring.nodes.findIndex((n) => n.name === 'c')
  assert.ok(strip.filter((i) => i === c).length > 60, 'the node with twice the vnodes owns about half the arcs')
})

test.run()
