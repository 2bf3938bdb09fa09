import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { KeyIndex } from '../../src/store/key-index.js'

/** Short keys over a small alphabet (so keys repeat), with non-ASCII characters and lengths around the 4-byte words. */
const key = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '€', '😀'), minLength: 1, maxLength: 9 })

type Command = { op: 'insert' | 'remove' | 'find', key: string } | { op: 'clear' }

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constantFrom('insert' as const, 'remove' as const, 'find' as const), key }), weight: 20 },
  { arbitrary: fc.record({ op: fc.constant('clear' as const) }), weight: 1 }
)

/** Checks every query of the index against the model: key -> slot. */
function assertSame (index: KeyIndex, model: Map<string, number>, where: string): void {
  assert.is(index.size, model.size, where)
  for (const [k, slot] of model) {
    assert.is(index.find(k), slot, `${where}: find ${k}`)
    assert.ok(index.has(slot), where)
    assert.is(index.keyOf(slot), k, where)
    assert.is(index.keyBytes(slot), Buffer.byteLength(k), where)
  }
  assert.equal(new Set(index.slots()), new Set(model.values()), `${where}: slots`)
}

test('KeyIndex finds, files and removes keys exactly as a Map does', () => {
  fc.assert(fc.property(fc.array(command, { maxLength: 200 }), (commands) => {
    const index = new KeyIndex()
    const model = new Map<string, number>()
    const freeSlots: number[] = []
    let nextSlot = 0
    for (const [i, c] of commands.entries()) {
      const where = `command ${i}: ${JSON.stringify(c)}`
      if (c.op === 'clear') {
        index.clear()
        model.clear()
        freeSlots.length = nextSlot = 0
      } else if (c.op === 'find') {
        assert.is(index.find(c.key), model.get(c.key) ?? -1, where)
      } else if (c.op === 'insert' && !model.has(c.key)) {
        const slot = freeSlots.pop() ?? nextSlot++
        index.insert(c.key, slot)
        model.set(c.key, slot)
      } else if (c.op === 'remove' && model.has(c.key)) {
        const slot = model.get(c.key) as number
        index.remove(slot)
        model.delete(c.key)
        freeSlots.push(slot)
        assert.not.ok(index.has(slot), where)
      }
    }
    assertSame(index, model, 'end')
  }), { seed: 20240611, numRuns: 400 })
})

test('KeyIndex keeps every key findable through growth and long runs of removals', () => {
  const index = new KeyIndex()
  const model = new Map<string, number>()
  const keyOf = (i: number): string => `key:${i}`
  for (let i = 0; i < 20_000; i++) {
    index.insert(keyOf(i), i)
    model.set(keyOf(i), i)
  }
  for (let i = 0; i < 20_000; i += 3) {
    index.remove(i)
    model.delete(keyOf(i))
  }
  assertSame(index, model, 'after removals')
  assert.is(index.find(keyOf(3)), -1)
  assert.is(index.find('key:20000'), -1)
})

test('KeyIndex tells apart keys that differ only in their last bytes or in length', () => {
  const index = new KeyIndex()
  const keys = ['abcd', 'abce', 'abcde', 'abcd\u0000', 'é', 'e\u0301', 'x'.repeat(300), 'x'.repeat(301)]
  keys.forEach((k, slot) => { index.insert(k, slot) })
  keys.forEach((k, slot) => { assert.is(index.find(k), slot, k) })
  assert.is(index.find('abc'), -1)
  assert.is(index.find('x'.repeat(299)), -1)
})

test.run()
