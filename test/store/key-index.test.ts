import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { EntryTable, INLINE_KEY_BYTES } from '../../src/store/entry.js'
import { KeyIndex } from '../../src/store/key-index.js'

/**
 * Short keys over a small alphabet (so keys repeat), with non-ASCII characters, lone surrogates (which may pair up)
 * and lengths around the 4-byte words.
 */
const key = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '€', '😀', '\ud83d', '\ude00'), minLength: 1, maxLength: 9 })

type Command = { op: 'insert' | 'remove' | 'find', key: string } | { op: 'clear' }

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constantFrom('insert' as const, 'remove' as const, 'find' as const), key }), weight: 20 },
  { arbitrary: fc.record({ op: fc.constant('clear' as const) }), weight: 1 }
)

/** A KeyIndex over the slots of an EntryTable, as LocalCache uses them. */
class Keys {
  readonly entries = new EntryTable()
  readonly index: KeyIndex

  constructor (hashSeed = 0x5eed) {
    this.index = new KeyIndex(this.entries, hashSeed)
  }

  insert (key: string): number {
    const slot = this.entries.allocate()
    this.index.insert(key, slot)
    return slot
  }

  remove (slot: number): void {
    this.index.remove(slot)
    this.entries.release(slot)
  }

  clear (): void {
    this.index.clear()
    this.entries.clear()
  }
}

/** Checks every query of the index against the model: key -> slot. */
function assertSame (keys: Keys, model: Map<string, number>, where: string): void {
  assert.is(keys.index.size, model.size, where)
  for (const [k, slot] of model) {
    assert.is(keys.index.find(k), slot, `${where}: find ${k}`)
    assert.is(keys.index.keyOf(slot), k, where)
    assert.is(keys.entries.keyLength(slot), Buffer.byteLength(k), where)
  }
  const live = Array.from({ length: keys.entries.slotLimit }, (_, slot) => slot).filter((slot) => keys.entries.isLive(slot))
  assert.equal(new Set(live), new Set(model.values()), `${where}: live slots`)
}

test('KeyIndex finds, files and removes keys exactly as a Map does, whatever its hash seed', () => {
  fc.assert(fc.property(fc.integer(), fc.array(command, { maxLength: 200 }), (hashSeed, commands) => {
    const keys = new Keys(hashSeed)
    const model = new Map<string, number>()
    for (const [i, c] of commands.entries()) {
      const where = `command ${i}: ${JSON.stringify(c)}`
      if (c.op === 'clear') {
        keys.clear()
        model.clear()
      } else if (c.op === 'find') {
        assert.is(keys.index.find(c.key), model.get(c.key) ?? -1, where)
      } else if (c.op === 'insert' && !model.has(c.key)) {
        model.set(c.key, keys.insert(c.key))
      } else if (c.op === 'remove' && model.has(c.key)) {
        const slot = model.get(c.key) as number
        keys.remove(slot)
        model.delete(c.key)
        assert.not.ok(keys.entries.isLive(slot), where)
      }
    }
    assertSame(keys, model, 'end')
  }), { seed: 20240611, numRuns: 400 })
})

test('KeyIndex keeps every key findable through growth and long runs of removals', () => {
  const keys = new Keys()
  const model = new Map<string, number>()
  const keyOf = (i: number): string => `key:${i}`
  for (let i = 0; i < 20_000; i++) model.set(keyOf(i), keys.insert(keyOf(i)))
  for (let i = 0; i < 20_000; i += 3) {
    keys.remove(model.get(keyOf(i)) as number)
    model.delete(keyOf(i))
  }
  assertSame(keys, model, 'after removals')
  assert.is(keys.index.find(keyOf(3)), -1)
  assert.is(keys.index.find('key:20000'), -1)
})

test('KeyIndex tells apart keys that differ only in their last bytes or in length', () => {
  const keys = new Keys()
  // Around INLINE_KEY_BYTES too: keys kept in the slot's record and keys kept in slabs.
  const texts = ['abcd', 'abce', 'abcde', 'abcd\u0000', 'é', 'e\u0301', 'x'.repeat(300), 'x'.repeat(301), 'a\ud800', 'a\udc00', 'a\ufffd',
    'k'.repeat(INLINE_KEY_BYTES - 1), 'k'.repeat(INLINE_KEY_BYTES), 'k'.repeat(INLINE_KEY_BYTES + 1), 'é'.repeat(INLINE_KEY_BYTES / 2)]
  const slots = texts.map((k) => keys.insert(k))
  texts.forEach((k, i) => { assert.is(keys.index.find(k), slots[i], k) })
  assert.is(keys.index.find('abc'), -1)
  assert.is(keys.index.find('x'.repeat(299)), -1)
  texts.forEach((k, i) => { assert.is(keys.index.keyOf(slots[i]), k) })
})

test.run()
