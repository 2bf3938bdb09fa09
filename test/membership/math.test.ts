import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { pickRandom, pushPullScale, remainingSuspicionTime, retransmitLimit, suspicionTimeout } from '../../src/membership/math.js'
import { seededRandom } from '../../src/common/random.js'

test('remainingSuspicionTime shrinks from max towards min as confirmations arrive (memberlist table)', () => {
  const s = 1000
  const cases: Array<[n: number, k: number, elapsed: number, min: number, max: number, expected: number]> = [
    [0, 3, 0, 2 * s, 30 * s, 30 * s],
    [1, 3, 2 * s, 2 * s, 30 * s, 14 * s],
    [2, 3, 3 * s, 2 * s, 30 * s, 4810],
    [3, 3, 4 * s, 2 * s, 30 * s, -2 * s],
    [4, 3, 5 * s, 2 * s, 30 * s, -3 * s],
    [5, 3, 10 * s, 2 * s, 30 * s, -8 * s]
  ]
  for (const [n, k, elapsed, min, max, expected] of cases) {
    assert.is(remainingSuspicionTime(n, k, elapsed, min, max), expected, `n=${n} k=${k} elapsed=${elapsed}`)
  }
})

test('suspicionTimeout grows with log10 of the cluster size (memberlist table)', () => {
  const perMult: Array<[n: number, expected: number]> = [[5, 1000], [10, 1000], [50, 1698], [100, 2000], [500, 2698], [1000, 3000]]
  for (const [n, expected] of perMult) assert.is(suspicionTimeout(3, n, 1000) / 3, expected, `n=${n}`)
})

test('retransmitLimit is mult * ceil(log10(n + 1))', () => {
  assert.is(retransmitLimit(3, 0), 0)
  assert.is(retransmitLimit(3, 1), 3)
  assert.is(retransmitLimit(3, 99), 6)
  assert.is(retransmitLimit(4, 1000), 16)
})

test('pushPullScale keeps the interval up to 32 members, then adds one per doubling', () => {
  for (let n = 0; n <= 32; n++) assert.is(pushPullScale(1000, n), 1000, `n=${n}`)
  for (let n = 33; n <= 64; n++) assert.is(pushPullScale(1000, n), 2000, `n=${n}`)
  for (let n = 65; n <= 128; n++) assert.is(pushPullScale(1000, n), 3000, `n=${n}`)
})

test('pickRandom returns distinct accepted items, at most k', () => {
  const items = [1, 2, 3, 4, 5, 6, 7, 8]
  const picked = pickRandom(seededRandom(1), items, 3, (x) => x % 2 === 0)
  assert.is(picked.length, 3)
  assert.is(new Set(picked).size, 3)
  assert.ok(picked.every((x) => x % 2 === 0))
  assert.equal(pickRandom(seededRandom(1), items, 10, (x) => x > 6).sort(), [7, 8])
  assert.equal(pickRandom(seededRandom(1), items, 0, () => true), [])
})

test.run()
