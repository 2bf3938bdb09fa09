// The coordinator's batching, with replica legs faked in memory: requests of one level that arrive in one turn go out
// as one leg per replica, each caller still gets its own answers and errors, writes past the byte budget are split,
// and a replica that answers only part of a read (its byte budget) is asked again for the rest.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ManualClock } from '../support/manual-clock.js'
import { Coordinator, HybridClock, ReplicationCounters, type KeyState, type ReplicaLegs, type ReplicaWriteAck, type ReplicaWriteItem } from '../../src/replication/index.js'

const REPLICAS = ['r1', 'r2', 'r3']

interface Legs extends ReplicaLegs {
  reads: Array<{ to: string, keys: string[] }>
  writes: Array<{ to: string, keys: string[] }>
  stored: Map<string, Map<string, KeyState>>
}

/** Replicas in memory: `down` ones fail every leg; each read answers at most `readLimit` keys. */
function fakeLegs (down: string[] = [], readLimit = Infinity): Legs {
  const stored = new Map(REPLICAS.map((r) => [r, new Map<string, KeyState>()]))
  const legs: Legs = {
    reads: [],
    writes: [],
    stored,
    read: async (to, keys) => {
      legs.reads.push({ to, keys })
      if (down.includes(to)) throw new Error(`${to} is down`)
      return keys.slice(0, readLimit).map((key) => stored.get(to)?.get(key) ?? null)
    },
    write: async (to, _kind, items: ReplicaWriteItem[]): Promise<ReplicaWriteAck[]> => {
      legs.writes.push({ to, keys: items.map((i) => i.key) })
      if (down.includes(to)) throw new Error(`${to} is down`)
      return items.map(({ key, state }) => {
        stored.get(to)?.set(key, state)
        return { ok: true, existed: false }
      })
    }
  }
  return legs
}

function coordinator (legs: ReplicaLegs, batchBytes?: number): Coordinator {
  return new Coordinator(
    { legs, targets: () => REPLICAS.map((replica) => ({ replica })), n: () => REPLICAS.length, hlc: new HybridClock(new ManualClock()), counters: new ReplicationCounters() },
    { actor: 1, strategy: 'lww', maxSiblings: 4, legTimeoutMs: 1000, batchBytes }
  )
}

const value = (text: string): Uint8Array => new TextEncoder().encode(text)
const change = (text: string): { value: Uint8Array, expiresAt: number, context: [] } => ({ value: value(text), expiresAt: 0, context: [] })

test('reads and writes of one level in one turn go out as one leg per replica, each caller getting its own answers', async () => {
  const legs = fakeLegs()
  const c = coordinator(legs)
  const writes = await Promise.all(['a', 'b', 'c'].map(async (key) => await c.write([{ key, change: change(`v-${key}`) }], 'quorum')))
  assert.equal(legs.writes.map((w) => w.keys), [['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c']])
  assert.ok(writes.every(([r]) => r?.ok === true))

  const [one, two, many] = await Promise.all([c.read(['a'], 'quorum'), c.read(['b'], 'quorum'), c.read(['c', 'nope'], 'quorum')])
  assert.equal(legs.reads.map((r) => r.keys), [['a', 'b', 'c', 'nope'], ['a', 'b', 'c', 'nope'], ['a', 'b', 'c', 'nope']])
  const text = (r: { ok: boolean, state?: KeyState }): string | undefined => r.ok && r.state !== undefined ? new TextDecoder().decode(r.state[0]?.value ?? undefined) : undefined
  assert.equal([one, two, many].map((results) => results.map((r) => text(r as { ok: boolean, state?: KeyState }))), [['v-a'], ['v-b'], ['v-c', undefined]])
})

test('levels are batched apart, and a key that misses its level fails alone', async () => {
  const legs = fakeLegs(['r2', 'r3'])
  const c = coordinator(legs)
  const [atOne, atAll] = await Promise.all([c.write([{ key: 'x', change: change('1') }], 'one'), c.write([{ key: 'y', change: change('2') }], 'all')])
  assert.is(legs.writes.length, 6, 'two batches of three legs')
  assert.is(atOne[0]?.ok, true)
  assert.is(atAll[0]?.ok, false)
})

test('reads and writes that would pass the batch\'s bytes (keys, versions and values) go out as more than one batch', async () => {
  const legs = fakeLegs()
  // at most 60 bytes: one small write (a 2-character key, a version, a 7-byte value) fits, two do not
  const c = coordinator(legs, 60)
  await Promise.all(['k1', 'k2', 'k3'].map(async (key) => await c.write([{ key, change: change('123456') }], 'all')))
  assert.equal(legs.writes.filter((w) => w.to === 'r1').map((w) => w.keys), [['k1'], ['k2'], ['k3']])
  const long = 'k'.repeat(4)
  await Promise.all([`${long}1`, `${long}2`].map(async (key) => await c.read([key], 'one')))
  assert.equal(legs.reads.filter((r) => r.to === 'r1').map((r) => r.keys), [[`${long}1`, `${long}2`]], 'two keys of 5 characters fit')
  const longer = 'k'.repeat(20)
  await Promise.all([`${longer}1`, `${longer}2`].map(async (key) => await c.read([key], 'one')))
  assert.equal(legs.reads.filter((r) => r.to === 'r1').slice(1).map((r) => r.keys), [[`${longer}1`], [`${longer}2`]], 'keys of 21 characters go one by one')
})

test('a replica that answers part of a read is asked again for the keys left', async () => {
  const legs = fakeLegs([], 2)
  const c = coordinator(legs)
  await c.write(['k1', 'k2', 'k3', 'k4', 'k5'].map((key) => ({ key, change: change(key) })), 'all')
  const results = await c.read(['k1', 'k2', 'k3', 'k4', 'k5'], 'all')
  assert.equal(legs.reads.filter((r) => r.to === 'r1').map((r) => r.keys), [['k1', 'k2', 'k3', 'k4', 'k5'], ['k3', 'k4', 'k5'], ['k5']])
  assert.ok(results.every((r) => r.ok && r.state !== undefined))
})

test.run()
