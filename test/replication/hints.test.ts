import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { HintStore } from '../../src/replication/hints.js'
import { HybridClock } from '../../src/replication/hlc.js'
import { ManualClock } from '../support/manual-clock.js'

test('a hint is delivered once, unless a newer write refreshed it while it was on its way', () => {
  const hints = new HintStore({ maxHints: 10, maxBytes: 10_000, windowMs: 1000 })
  hints.add('d', 'k', 0)
  const [sent] = hints.batch('d', 10)
  hints.add('d', 'k', 5) // a newer write through this fallback while the first delivery was in flight
  assert.is(hints.settle('d', 'k', sent?.seq as number), false, 'the old delivery does not settle the refreshed hint')
  assert.is(hints.pending, 1)
  const [again] = hints.batch('d', 10)
  assert.is(hints.settle('d', 'k', again?.seq as number), true)
  assert.equal([hints.pending, hints.delivered, hints.dropped], [0, 1, 0])
  assert.equal(hints.targets(), [])
})

test('hints are bounded by count, bytes and age, and every drop is counted', () => {
  const byCount = new HintStore({ maxHints: 2, maxBytes: 10_000, windowMs: 1000 })
  assert.equal(['a', 'b', 'c'].map((k) => byCount.add('d', k, 0)), [true, true, false])
  assert.equal([byCount.pending, byCount.dropped], [2, 1])
  const byBytes = new HintStore({ maxHints: 100, maxBytes: 120, windowMs: 1000 })
  assert.equal(['k1', 'k2', 'k3'].map((k) => byBytes.add('d', k, 0)), [true, true, false])
  const byAge = new HintStore({ maxHints: 100, maxBytes: 10_000, windowMs: 1000 })
  byAge.add('d', 'old', 0)
  byAge.add('e', 'new', 900)
  assert.is(byAge.expire(1500), 1)
  assert.equal([byAge.pending, byAge.dropped, byAge.targets()], [1, 1, ['e']])
  byAge.discard('e', 'new')
  assert.equal([byAge.pending, byAge.dropped], [0, 2])
})

test('the hybrid clock never repeats or goes back, and stays ahead of what it observed', () => {
  const clock = new ManualClock(1000)
  const hlc = new HybridClock(clock)
  const first = hlc.tick()
  const second = hlc.tick()
  assert.ok(second > first, 'same millisecond: the logical part moves')
  hlc.observe(first + 10_000_000) // a member whose clock runs ahead
  assert.ok(hlc.tick() > first + 10_000_000)
  clock.set(500) // the physical clock steps back
  const later = hlc.tick()
  assert.ok(later > second)
})

test.run()
