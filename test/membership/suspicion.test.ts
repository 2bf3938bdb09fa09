import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Suspicion } from '../../src/membership/suspicion.js'
import { ManualClock } from '../support/manual-clock.js'

function suspicionOn (clock: ManualClock, k: number, fired: number[]): Suspicion {
  return new Suspicion({ clock, from: 'accuser', k, minMs: 2000, maxMs: 30_000, onTimeout: (n) => { fired.push(n) } })
}

test('with no confirmations a suspicion times out at max', async () => {
  const clock = new ManualClock()
  const fired: number[] = []
  suspicionOn(clock, 3, fired)
  await clock.advance(29_999)
  assert.equal(fired, [])
  await clock.advance(1)
  assert.equal(fired, [0])
})

test('with k = 0 a suspicion times out at min', async () => {
  const clock = new ManualClock()
  const fired: number[] = []
  suspicionOn(clock, 0, fired)
  await clock.advance(2000)
  assert.equal(fired, [0])
})

test('each new confirmation reschedules the timeout to the remaining time; repeats and the accuser do not count', async () => {
  const clock = new ManualClock()
  const fired: number[] = []
  const suspicion = suspicionOn(clock, 3, fired)
  await clock.advance(2000)
  assert.ok(suspicion.confirm('b'))
  assert.not.ok(suspicion.confirm('b'))
  assert.not.ok(suspicion.confirm('accuser'))
  // One confirmation of three: 16 s total, 14 s left.
  await clock.advance(13_999)
  assert.equal(fired, [])
  await clock.advance(1)
  assert.equal(fired, [1])
})

test('the k-th confirmation past the shrunken timeout fires at once; later ones are ignored', async () => {
  const clock = new ManualClock()
  const fired: number[] = []
  const suspicion = suspicionOn(clock, 3, fired)
  await clock.advance(4000)
  suspicion.confirm('b')
  suspicion.confirm('c')
  suspicion.confirm('d')
  await clock.advance(0)
  assert.equal(fired, [3])
  assert.not.ok(suspicion.confirm('e'))
})

test('cancel stops the timer', async () => {
  const clock = new ManualClock()
  const fired: number[] = []
  suspicionOn(clock, 3, fired).cancel()
  await clock.advance(60_000)
  assert.equal(fired, [])
  assert.is(clock.pending, 0)
})

test.run()
