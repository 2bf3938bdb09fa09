import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ReadTally, WriteTally, requiredFor } from '../../src/replication/quorum.js'
import type { Sibling } from '../../src/replication/version.js'

const found = (ts: number): { ok: true, state: Sibling[] } => ({ ok: true, state: [{ actor: 1, ts, context: [], value: new Uint8Array([1]), expiresAt: 0 }] })
const miss = { ok: true as const, state: undefined }
const error = { ok: false as const, error: { code: 'TIMEOUT', message: 'timed out' } }

test('required replicas per level and N', () => {
  const table: Array<[Parameters<typeof requiredFor>[0], number, number]> = [
    ['one', 1, 1], ['one', 3, 1], ['quorum', 1, 1], ['quorum', 2, 2], ['quorum', 3, 2], ['quorum', 4, 3], ['quorum', 5, 3],
    ['all', 3, 3], ['all', 5, 5], ['quorum', 0, 0]
  ]
  for (const [level, n, required] of table) assert.is(requiredFor(level, n), required, `${level} of ${n}`)
})

test('a read is decided by a found answer at R, or by every answer when all missed', () => {
  const cases: Array<{ name: string, asked: number, required: number, answers: Array<[string, typeof miss | ReturnType<typeof found> | typeof error]>, outcome: string }> = [
    { name: 'R found answers', asked: 3, required: 2, answers: [['a', found(5)], ['b', found(5)]], outcome: 'ok' },
    { name: 'a miss and a hit make R', asked: 3, required: 2, answers: [['a', miss], ['b', found(5)]], outcome: 'ok' },
    { name: 'two misses wait for the third', asked: 3, required: 2, answers: [['a', miss], ['b', miss]], outcome: 'pending' },
    { name: 'three misses are a miss', asked: 3, required: 2, answers: [['a', miss], ['b', miss], ['c', miss]], outcome: 'ok' },
    { name: 'one at R=1 waits past a miss', asked: 3, required: 1, answers: [['a', miss]], outcome: 'pending' },
    { name: 'two failures of three at R=2', asked: 3, required: 2, answers: [['a', error], ['b', error]], outcome: 'failed' },
    { name: 'fewer targets than required', asked: 1, required: 2, answers: [['a', found(1)]], outcome: 'failed' },
    { name: 'duplicates count once', asked: 3, required: 2, answers: [['a', found(1)], ['a', found(1)]], outcome: 'pending' }
  ]
  for (const c of cases) {
    const tally = new ReadTally(c.asked, c.required)
    for (const [from, answer] of c.answers) tally.add(from, answer)
    assert.is(tally.outcome, c.outcome, c.name)
  }
})

test('an answer older than the session is not usable, and the merge is still the newest', () => {
  const tally = new ReadTally(3, 1, 10)
  tally.add('a', found(5))
  assert.is(tally.outcome, 'pending')
  tally.add('b', found(12))
  assert.is(tally.outcome, 'ok')
  assert.is(tally.merged('lww', 8).state?.[0]?.ts, 12)
  assert.equal(tally.stale(tally.merged('lww', 8).state), ['a'])
  assert.equal(tally.failures().map((f) => f.error.message), ['behind the session'])
})

test('a write succeeds at W acks and fails once the rest cannot make it', () => {
  const w = new WriteTally(3, 2)
  w.ack('a')
  assert.is(w.outcome, 'pending')
  w.fail('b', { code: 'TIMEOUT', message: 'timeout' })
  assert.is(w.outcome, 'pending')
  w.ack('c')
  assert.is(w.outcome, 'ok')
  const lost = new WriteTally(3, 2)
  lost.fail('a', { code: 'TIMEOUT', message: 'x' })
  lost.fail('b', { code: 'NETWORK', message: 'y' })
  assert.is(lost.outcome, 'failed')
  assert.is(lost.acked, 0)
})

test.run()
