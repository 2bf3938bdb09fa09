import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Awareness } from '../../src/membership/awareness.js'

test('awareness clamps its score to 0..max-1 and scales timeouts by score + 1 (memberlist table)', () => {
  const cases: Array<[delta: number, score: number, timeoutMs: number]> = [
    [0, 0, 1000], [-1, 0, 1000], [-10, 0, 1000], [1, 1, 2000], [-1, 0, 1000], [10, 7, 8000],
    [-1, 6, 7000], [-1, 5, 6000], [-1, 4, 5000], [-1, 3, 4000], [-1, 2, 3000], [-1, 1, 2000], [-1, 0, 1000], [-1, 0, 1000]
  ]
  const awareness = new Awareness(8)
  cases.forEach(([delta, score, timeoutMs], i) => {
    awareness.applyDelta(delta)
    assert.is(awareness.healthScore, score, `step ${i}`)
    assert.is(awareness.scaleTimeout(1000), timeoutMs, `step ${i}`)
  })
})

test('awarenessMax 1 turns awareness off', () => {
  const awareness = new Awareness(1)
  awareness.applyDelta(5)
  assert.is(awareness.scaleTimeout(500), 500)
})

test.run()
