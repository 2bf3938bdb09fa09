import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LocalCache, type LocalCacheInit } from '../../src/store/index.js'
import { ENTRY_OVERHEAD_BYTES } from '../../src/store/constants.js'
import { INLINE_KEY_BYTES } from '../../src/store/entry.js'
import { storedValueBytes } from '../../src/store/value-slabs.js'
import { encodeValue } from '../../src/common/codec.js'
import { ManualClock } from '../support/manual-clock.js'

function setup (init: LocalCacheInit = {}): { cache: LocalCache, clock: ManualClock } {
  const clock = new ManualClock()
  return { cache: new LocalCache({ clock, ...init }), clock }
}

const throwsNamed = (fn: () => unknown, name: string): void => {
  assert.throws(fn, (err: Error) => err.name === name)
}

test('put then get returns an equal value of the same type', () => {
  const { cache } = setup()
  const values: unknown[] = ['s', 1, 2n ** 70n, true, null, [1, { a: 2 }], new Uint8Array([1, 2, 3])]
  values.forEach((v, i) => cache.put(`k${i}`, v))
  values.forEach((v, i) => assert.equal(cache.get(`k${i}`), v))
})

test('get of a missing key is undefined, not an error', () => {
  assert.is(setup().cache.get('nope'), undefined)
})

test('put over a key replaces its value', () => {
  const { cache } = setup()
  cache.put('k', 'one')
  cache.put('k', { two: 2 })
  assert.equal(cache.get('k'), { two: 2 })
  assert.is(cache.size, 1)
})

test('delete removes the key and says whether it was there', () => {
  const { cache } = setup()
  cache.put('k', 1)
  assert.is(cache.delete('k'), true)
  assert.is(cache.delete('k'), false)
  assert.is(cache.exists('k'), false)
})

test('exists tells present from missing keys', () => {
  const { cache } = setup()
  cache.put('k', 0)
  assert.is(cache.exists('k'), true)
  assert.is(cache.exists('j'), false)
})

test('clear removes every key and frees all accounted memory', () => {
  const { cache } = setup()
  for (let i = 0; i < 10; i++) cache.put(`k${i}`, 'x'.repeat(i * 10), { ttl: 5 })
  cache.clear()
  assert.is(cache.size, 0)
  assert.is(cache.stats().memoryUsedBytes, 0)
  assert.is(cache.get('k1'), undefined)
  cache.put('k1', 'again')
  assert.is(cache.get('k1'), 'again')
})

test('getMultiple returns values in key order with undefined for misses', () => {
  const { cache } = setup()
  cache.put('a', 1)
  cache.put('c', 3)
  assert.equal(cache.getMultiple(['a', 'b', 'c']), [1, undefined, 3])
  assert.is(cache.stats().hits, 2)
  assert.is(cache.stats().misses, 1)
})

test('putMultiple stores every entry with the given ttl', () => {
  const { cache } = setup()
  cache.putMultiple([['a', 1], ['b', 'two']], { ttl: 10 })
  assert.equal(cache.getMultiple(['a', 'b']), [1, 'two'])
  assert.is(cache.getTtl('b'), 10)
})

test('putMultiple stores nothing when one entry is refused', () => {
  const { cache } = setup()
  throwsNamed(() => cache.putMultiple(new Map<string, unknown>([['a', 1], ['', 2]])), 'InvalidKeyError')
  throwsNamed(() => cache.putMultiple([['a', 1], ['b', () => 0]]), 'SerializationError')
  assert.is(cache.size, 0)
})

test('increment starts a missing key from 0 and steps by delta', () => {
  const { cache } = setup()
  assert.is(cache.increment('n'), 1)
  assert.is(cache.increment('n', 9), 10)
  assert.is(cache.decrement('n'), 9)
  assert.is(cache.decrement('n', 20), -11)
  assert.is(cache.get('n'), -11)
})

test('increment of a string holding a decimal integer counts it and stores a number, as Redis\'s INCR does', () => {
  const { cache } = setup()
  cache.put('n', '5')
  assert.is(cache.increment('n'), 6)
  assert.is(cache.get('n'), 6)
  cache.put('b', new TextEncoder().encode('-3'))
  assert.is(cache.decrement('b', 2), -5)
})

test('increment of a non-integer throws NotAnIntegerError and changes nothing', () => {
  const { cache } = setup()
  for (const value of ['05', '+5', ' 5', '1.5', 1.5, { n: 1 }, null]) {
    cache.put('k', value)
    throwsNamed(() => cache.increment('k'), 'NotAnIntegerError')
    assert.equal(cache.get('k'), value)
  }
  throwsNamed(() => cache.increment('k', 0.5), 'NotAnIntegerError')
})

test('increment past 2^53-1 throws NotAnIntegerError; bigint counters are exact beyond it', () => {
  const { cache } = setup()
  cache.put('n', Number.MAX_SAFE_INTEGER)
  throwsNamed(() => cache.increment('n'), 'NotAnIntegerError')
  assert.is(cache.get('n'), Number.MAX_SAFE_INTEGER)
  cache.put('b', BigInt(Number.MAX_SAFE_INTEGER))
  assert.is(cache.increment('b', 2n), 2n ** 53n + 1n)
  assert.is(cache.increment('fresh', 5n), 5n)
  assert.is(cache.decrement('b', 1), 2n ** 53n)
})

test('increment keeps the key\'s expiry', async () => {
  const { cache, clock } = setup()
  cache.put('n', 1, { ttl: 10 })
  await clock.advance(4000)
  cache.increment('n')
  assert.is(cache.getTtl('n'), 6)
})

test('getAndSet returns the previous value and stores the new one', () => {
  const { cache } = setup()
  assert.is(cache.getAndSet('k', 'a'), undefined)
  assert.is(cache.getAndSet('k', 'b'), 'a')
  assert.is(cache.get('k'), 'b')
})

test('getTtl tells no such key, no expiry and seconds left apart', async () => {
  const { cache, clock } = setup()
  cache.put('forever', 1)
  cache.put('short', 1, { ttl: 2.5 })
  assert.is(cache.getTtl('missing'), undefined)
  assert.is(cache.getTtl('forever'), null)
  assert.is(cache.getTtl('short'), 2.5)
  await clock.advance(1000)
  assert.is(cache.getTtl('short'), 1.5)
})

test('an entry expires exactly at its ttl, not a millisecond before', async () => {
  const { cache, clock } = setup()
  cache.put('k', 'v', { ttl: 1 })
  await clock.advance(999)
  assert.is(cache.get('k'), 'v')
  await clock.advance(1)
  assert.is(cache.get('k'), undefined)
  assert.is(cache.exists('k'), false)
  assert.is(cache.getTtl('k'), undefined)
  assert.is(cache.stats().expirations, 1)
})

test('expired keys never come back from any operation', () => {
  const { cache, clock } = setup()
  cache.put('k', 5, { ttl: 1 })
  cache.put('live', 1)
  clock.set(clock.now() + 1000)
  assert.equal([...cache.keys()], ['live'])
  assert.is(cache.size, 1)
  assert.equal(cache.getMultiple(['k']), [undefined])
  assert.is(cache.getEncoded('k'), undefined)
  cache.put('k', 5, { ttl: 1 })
  clock.set(clock.now() + 1000)
  assert.is(cache.getAndSet('k', 1), undefined)
  cache.put('c', 5, { ttl: 1 })
  clock.set(clock.now() + 1000)
  assert.is(cache.increment('c'), 1, 'an expired counter restarts from 0')
  cache.put('d', 5, { ttl: 1 })
  clock.set(clock.now() + 1000)
  assert.is(cache.delete('d'), false)
})

test('touch on an expired key returns false and does not revive it', () => {
  const { cache, clock } = setup()
  cache.put('k', 'v', { ttl: 1 })
  clock.set(clock.now() + 1000)
  assert.is(cache.touch('k', 100), false)
  assert.is(cache.get('k'), undefined)
})

test('touch sets a new ttl, and ttl 0 removes the expiry', async () => {
  const { cache, clock } = setup()
  cache.put('k', 'v', { ttl: 1 })
  assert.is(cache.touch('k', 10), true)
  await clock.advance(5000)
  assert.is(cache.getTtl('k'), 5)
  assert.is(cache.touch('k', 0), true)
  assert.is(cache.getTtl('k'), null)
  await clock.advance(1e9)
  assert.is(cache.get('k'), 'v')
})

test('defaultTtl applies when a put gives none; ttl 0 overrides it', () => {
  const { cache } = setup({ defaultTtl: 60 })
  cache.put('a', 1)
  cache.put('b', 1, { ttl: 0 })
  assert.is(cache.getTtl('a'), 60)
  assert.is(cache.getTtl('b'), null)
})

test('an invalid ttl is refused and changes nothing', () => {
  const { cache } = setup()
  for (const ttl of [-1, NaN, Infinity]) throwsNamed(() => cache.put('k', 1, { ttl }), 'ConfigurationError')
  assert.is(cache.size, 0)
})

test('sweepExpired removes expired entries with bounded work per call', () => {
  const { cache, clock } = setup()
  for (let i = 0; i < 10; i++) cache.put(`k${i}`, i, { ttl: 1 + i })
  cache.put('forever', 1)
  clock.set(clock.now() + 5000)
  assert.is(cache.sweepExpired(2), 2)
  assert.is(cache.sweepExpired(100), 3)
  assert.is(cache.sweepExpired(100), 0)
  assert.is(cache.stats().expirations, 5)
  assert.is(cache.size, 6)
})

test('an expiry moved later by an overwrite is honoured by the sweep', () => {
  const { cache, clock } = setup()
  cache.put('k', 1, { ttl: 1 })
  cache.put('k', 2, { ttl: 10 })
  clock.set(clock.now() + 5000)
  assert.is(cache.sweepExpired(), 0)
  assert.is(cache.get('k'), 2)
  clock.set(clock.now() + 5000)
  assert.is(cache.sweepExpired(), 1)
})

test('start runs the sweep on the injected clock and stop clears its timer', async () => {
  const { cache, clock } = setup({ sweepIntervalMs: 100 })
  try {
    cache.put('k', 1, { ttl: 0.5 })
    cache.start()
    cache.start()
    assert.is(clock.pending, 1)
    await clock.advance(600)
    assert.is(cache.stats().expirations, 1, 'removed by the sweep, not by an access')
  } finally {
    cache.stop()
    cache.close()
  }
  assert.is(clock.pending, 0)
})

test('empty, non-string and over-long keys are refused with InvalidKeyError and change nothing', () => {
  const { cache } = setup({ maxKeyBytes: 8 })
  throwsNamed(() => cache.put('', 1), 'InvalidKeyError')
  throwsNamed(() => cache.put(42 as unknown as string, 1), 'InvalidKeyError')
  throwsNamed(() => cache.put('123456789', 1), 'InvalidKeyError')
  throwsNamed(() => cache.put('ééééé', 1), 'InvalidKeyError') // 10 UTF-8 bytes, 5 characters
  throwsNamed(() => cache.get(''), 'InvalidKeyError')
  cache.put('12345678', 1)
  cache.put('éééé', 1)
  assert.is(cache.size, 2)
})

test('the default key limit is MAX_KEY_BYTES (1 KiB)', () => {
  const { cache } = setup()
  cache.put('k'.repeat(1024), 1)
  throwsNamed(() => cache.put('k'.repeat(1025), 1), 'InvalidKeyError')
})

test('values over maxValueBytes are refused with ValueTooLargeError naming key, size and limit, and change nothing', () => {
  const { cache } = setup({ maxValueBytes: 100 })
  cache.put('k', 'small')
  assert.throws(() => cache.put('k', 'x'.repeat(101)), (err: Error) => err.name === 'ValueTooLargeError' && err.message === 'value of k is 101 bytes; the limit (maxValueBytes) is 100')
  throwsNamed(() => cache.put('k', new Uint8Array(101)), 'ValueTooLargeError')
  throwsNamed(() => cache.putEncoded('k', new Uint8Array(101)), 'ValueTooLargeError')
  assert.is(cache.get('k'), 'small')
})

test('maxValueBytes is the value\'s own size: a string or byte array of exactly the limit fits (its msgpack header is not counted)', () => {
  const { cache } = setup({ maxValueBytes: 1024 * 1024, compressionThreshold: 0 })
  cache.put('s', 'x'.repeat(1024 * 1024))
  cache.put('b', new Uint8Array(1024 * 1024))
  cache.put('u', 'é'.repeat(512 * 1024)) // 2 UTF-8 bytes each
  assert.is((cache.get('b') as Uint8Array).length, 1024 * 1024)
  throwsNamed(() => cache.put('u', 'é'.repeat(512 * 1024) + 'x'), 'ValueTooLargeError')
})

test('unsupported values are refused with SerializationError and change nothing', () => {
  const { cache } = setup()
  cache.put('k', 1)
  for (const bad of [() => 1, Symbol('s'), undefined, [Symbol('t')]]) throwsNamed(() => cache.put('k', bad), 'SerializationError')
  throwsNamed(() => cache.putEncoded('k', 'text' as unknown as Uint8Array), 'SerializationError')
  assert.is(cache.get('k'), 1)
})

test('an entry larger than maxMemory is refused', () => {
  const { cache } = setup({ maxMemory: 500, compressionThreshold: 0 })
  throwsNamed(() => cache.put('k', 'x'.repeat(600)), 'ValueTooLargeError')
  assert.is(cache.size, 0)
})

test('putEncoded and getEncoded move msgpack bytes without re-encoding', () => {
  const { cache } = setup()
  const encoded = encodeValue({ a: [1, 2n] })
  cache.putEncoded('k', encoded)
  assert.equal([...(cache.getEncoded('k') as Uint8Array)], [...encoded])
  assert.equal(cache.get('k'), { a: [1, 2n] })
  cache.put('j', 'text')
  assert.equal([...(cache.getEncoded('j') as Uint8Array)], [...encodeValue('text')])
})

test('putEncoded copies the bytes, so the caller may reuse its buffer', () => {
  const { cache } = setup()
  const encoded = encodeValue('abc')
  cache.putEncoded('k', encoded)
  encoded.fill(0)
  assert.is(cache.get('k'), 'abc')
})

test('memory accounting follows keys and stored value sizes through puts, overwrites and deletes', () => {
  const { cache } = setup({ compressionThreshold: 0 })
  const charge = (key: string, value: unknown): number =>
    Buffer.byteLength(key) + storedValueBytes(encodeValue(value).length) + ENTRY_OVERHEAD_BYTES
  const values: Array<[string, unknown]> = [['a', 1], ['bé', 'x'.repeat(200)], ['c', new Uint8Array(5000)], ['d', 'y'.repeat(100_000)]]
  let expected = 0
  for (const [key, value] of values) {
    cache.put(key, value)
    expected += charge(key, value)
    assert.is(cache.stats().memoryUsedBytes, expected)
  }
  cache.put('bé', 'short')
  expected += charge('bé', 'short') - charge('bé', 'x'.repeat(200))
  assert.is(cache.stats().memoryUsedBytes, expected)
  cache.delete('d')
  expected -= charge('d', 'y'.repeat(100_000))
  assert.is(cache.stats().memoryUsedBytes, expected)
  for (const key of ['a', 'bé', 'c']) cache.delete(key)
  assert.is(cache.stats().memoryUsedBytes, 0)
})

test('large compressible values are stored deflated, read back intact, and the ratio is reported', () => {
  const { cache } = setup({ compressionThreshold: 1024 })
  const big = { text: 'abc'.repeat(10_000), list: Array.from({ length: 500 }, (_, i) => i) }
  cache.put('big', big)
  cache.put('small', 'x'.repeat(100))
  assert.equal(cache.get('big'), big)
  assert.equal([...(cache.getEncoded('big') as Uint8Array)], [...encodeValue(big)])
  const stats = cache.stats()
  assert.is(stats.compressedValues, 1)
  assert.ok(stats.compressionRatio > 5, `ratio ${stats.compressionRatio}`)
  assert.ok(stats.memoryUsedBytes < 5000)
  cache.delete('big')
  assert.is(cache.stats().compressionRatio, 1)
})

test('incompressible values above the threshold are stored as they are', () => {
  const { cache } = setup({ compressionThreshold: 100 })
  let x = 1
  const noise = Uint8Array.from({ length: 4000 }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24)
  cache.put('noise', noise)
  assert.equal(cache.get('noise'), noise)
  assert.is(cache.stats().compressedValues, 0)
})

test('stats counts hits, misses, sets, deletes and operations by type, as a plain serialisable object', () => {
  const { cache } = setup({ evictionPolicy: 'lfu' })
  cache.put('a', 1)
  cache.get('a')
  cache.get('b')
  cache.exists('a')
  cache.delete('a')
  cache.increment('n')
  const stats = cache.stats()
  assert.is(stats.hits, 1)
  assert.is(stats.misses, 1)
  assert.is(stats.hitRatio, 0.5)
  assert.is(stats.sets, 2)
  assert.is(stats.deletes, 1)
  assert.is(stats.keys, 1)
  assert.is(stats.evictionPolicy, 'lfu')
  assert.equal(stats.evictionsByPolicy, { lfu: 0 })
  assert.is(stats.operations.get, 2)
  assert.is(stats.operations.increment, 1)
  assert.is(stats.maxMemoryBytes, 1024 ** 3)
  assert.equal(JSON.parse(JSON.stringify(stats)), stats)
})

test('keys yields live keys only and size counts them', () => {
  const { cache, clock } = setup()
  cache.put('a', 1)
  cache.put('b', 1, { ttl: 1 })
  cache.put('c', 1)
  assert.equal([...cache.keys()].sort(), ['a', 'b', 'c'])
  clock.set(clock.now() + 1000)
  assert.equal([...cache.keys()].sort(), ['a', 'c'])
  assert.is(cache.size, 2)
})

const BAD_INIT: Array<[keyof LocalCacheInit, unknown]> = [
  ['maxMemory', 0], ['maxMemory', 'big'], ['evictionPolicy', 'random'], ['evictionPolicy', {}], ['defaultTtl', -1],
  ['maxKeyBytes', 0], ['maxKeyBytes', 1.5], ['maxValueBytes', -1], ['compressionThreshold', -1],
  ['clock', {}], ['sweepIntervalMs', 0]
]
for (const [field, value] of BAD_INIT) {
  test(`init ${field}=${String(value)} is refused with a ConfigurationError naming the field`, () => {
    assert.throws(() => new LocalCache({ [field]: value }),
      (err: Error & { field?: string }) => err.name === 'ConfigurationError' && err.field === field && err.message.includes(field))
  })
}

test('putEncoded copies a large value held in a Node Buffer, so the caller may reuse it', () => {
  const { cache } = setup({ compressionThreshold: 0 })
  const text = 'z'.repeat(100_000) // past the largest slab chunk: the value gets a buffer of its own
  const frame = Buffer.from(encodeValue(text))
  cache.putEncoded('k', frame)
  frame.fill(0)
  assert.is(cache.get('k'), text)
})

test('a slot freed by delete and reused keeps expiring on time, and the old entry never counts as expired', () => {
  const { cache, clock } = setup()
  cache.put('old', 1, { ttl: 1 })
  cache.delete('old')
  cache.put('new', 2, { ttl: 10 }) // takes the freed slot
  clock.set(clock.now() + 5000)
  assert.is(cache.sweepExpired(), 0)
  assert.is(cache.get('new'), 2)
  clock.set(clock.now() + 5000)
  assert.is(cache.sweepExpired(), 1)
  assert.is(cache.stats().expirations, 1)
})

test('a slot freed by eviction and reused without a ttl is never swept', () => {
  const clock = new ManualClock()
  const probe = new LocalCache({ clock })
  probe.put('k0', 0)
  const cache = new LocalCache({ clock, maxMemory: probe.stats().memoryUsedBytes })
  cache.put('k1', 1, { ttl: 1 })
  cache.put('k2', 2, { ttl: 0 }) // evicts k1 and reuses its slot
  clock.set(clock.now() + 5000)
  assert.is(cache.sweepExpired(), 0)
  assert.is(cache.get('k2'), 2)
  assert.equal([cache.stats().evictions, cache.stats().expirations], [1, 0])
})

test('an expiry moved earlier by touch is honoured by the sweep', () => {
  const { cache, clock } = setup()
  cache.put('k', 1, { ttl: 10 })
  cache.touch('k', 1)
  clock.set(clock.now() + 2000)
  assert.is(cache.sweepExpired(), 1)
  assert.is(cache.exists('k'), false)
})

test('the sweep does not count a deleted entry with a ttl as expired', () => {
  const { cache, clock } = setup()
  cache.put('gone', 1, { ttl: 1 })
  cache.put('stays', 2, { ttl: 1 })
  cache.delete('gone')
  clock.set(clock.now() + 2000)
  assert.is(cache.sweepExpired(), 1)
  assert.is(cache.stats().expirations, 1)
  assert.is(cache.size, 0)
})

test('keys of every shape are distinct entries and come back exactly from keys()', () => {
  const { cache } = setup()
  const inline = INLINE_KEY_BYTES // the longest key kept in the entry's record
  const keys = ['k', 'é', '😀', 'a\ud800', 'a\udc00', 'a\ufffd', 'x'.repeat(inline), 'x'.repeat(inline + 1), 'é'.repeat(inline / 2 + 1), 'y'.repeat(1024)]
  keys.forEach((k, i) => cache.put(k, i))
  keys.forEach((k, i) => assert.is(cache.get(k), i, k))
  assert.equal([...cache.keys()].sort(), [...keys].sort())
  keys.forEach((k) => assert.ok(cache.delete(k), k))
  assert.is(cache.size, 0)
})

test.run()
