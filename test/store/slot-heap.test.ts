import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SlotHeap } from '../../src/store/slot-heap.js'

/** Pushes distinct slots with few distinct keys (many ties), updates and removes some, then pops everything. */
const scenario = fc.record({
  entries: fc.uniqueArray(fc.record({ slot: fc.nat({ max: 200 }), key: fc.nat({ max: 3 }) }), { selector: (e) => e.slot, maxLength: 60 }),
  updates: fc.array(fc.record({ index: fc.nat(), key: fc.nat({ max: 3 }) }), { maxLength: 20 }),
  removals: fc.array(fc.nat(), { maxLength: 10 })
})

function popAll (heap: SlotHeap): number[] {
  const out: number[] = []
  for (let slot = heap.peek(); slot !== -1; slot = heap.peek()) {
    out.push(slot)
    heap.remove(slot)
  }
  return out
}

for (const tiesInPushOrder of [true, false]) {
  test(`SlotHeap pops by key, ties by ${tiesInPushOrder ? 'push order' : 'slot number'}`, () => {
    fc.assert(fc.property(scenario, ({ entries, updates, removals }) => {
      const heap = new SlotHeap(tiesInPushOrder)
      const model = entries.map((e, pushed) => ({ ...e, pushed }))
      for (const e of model) heap.push(e.slot, e.key)
      for (const u of updates) {
        if (model.length === 0) break
        const e = model[u.index % model.length]
        heap.update(e.slot, u.key)
        e.key = u.key
      }
      for (const r of removals) {
        if (model.length === 0) break
        const [e] = model.splice(r % model.length, 1)
        heap.remove(e.slot)
      }
      assert.is(heap.size, model.length)
      const tie = (a: typeof model[number], b: typeof model[number]): number => tiesInPushOrder ? a.pushed - b.pushed : a.slot - b.slot
      const expected = [...model].sort((a, b) => a.key - b.key || tie(a, b)).map((e) => e.slot)
      assert.equal(popAll(heap), expected)
    }), { seed: 20240612, numRuns: 300 })
  })
}

test.run()
