import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { type ChangeKind, type EntryRecord, LocalCache, type LocalCacheInit } from '../../src/store/index.js'
import { ENTRY_OVERHEAD_BYTES } from '../../src/store/constants.js'
import { encodeValue } from '../../src/common/codec.js'
import { storedValueBytes } from '../../src/store/value-slabs.js'
import { ManualClock } from '../support/manual-clock.js'

function setup (init: LocalCacheInit = {}): { cache: LocalCache, clock: ManualClock } {
  const clock = new ManualClock()
  return { cache: new LocalCache({ clock, ...init }), clock }
}

const throwsNamed = (fn: () => unknown, name: string): void => {
  assert.throws(fn, (err: Error) => err.name === name)
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values)

/** An EntryRecord as plain arrays, so records compare with assert.equal whatever array type holds the bytes. */
const plain = (r: EntryRecord | undefined): unknown =>
  r === undefined ? undefined : { value: r.value === undefined ? undefined : [...r.value], meta: [...r.meta], expiresAt: r.expiresAt }

/** Records every change the cache reports, as 'change:key'. */
function recordChanges (cache: LocalCache): string[] {
  const seen: string[] = []
  cache.onChange((key: string, change: ChangeKind) => { seen.push(`${change}:${key}`) })
  return seen
}

test('putEntry and getEntry round-trip value and metadata, with and without compression', () => {
  const { cache, clock } = setup({ compressionThreshold: 1024 })
  const big = encodeValue('abc'.repeat(5000))
  const small = encodeValue({ n: 1 })
  const meta = bytes(9, 8, 7, 6, 5)
  const expiresAt = clock.now() + 60_000
  assert.ok(cache.putEntry('big', big, { meta, expiresAt }))
  assert.ok(cache.putEntry('small', small, { meta, expiresAt: 0 }))
  assert.is(cache.stats().compressedValues, 1, 'the big value is stored deflated')
  assert.equal(plain(cache.getEntry('big')), { value: [...big], meta: [...meta], expiresAt })
  assert.equal(plain(cache.getEntry('small')), { value: [...small], meta: [...meta], expiresAt: 0 })
  assert.is(cache.getEntry('big')?.value?.constructor, Uint8Array)
  assert.is(cache.get('big'), 'abc'.repeat(5000))
  assert.equal([...(cache.getEncoded('small') as Uint8Array)], [...small])
  assert.is(cache.getTtl('big'), 60)
})

test('entries written by put and putEncoded have empty metadata', () => {
  const { cache, clock } = setup()
  cache.put('a', 'x', { ttl: 5 })
  cache.putEncoded('b', encodeValue(2))
  assert.equal(plain(cache.getEntry('a')), { value: [...encodeValue('x')], meta: [], expiresAt: clock.now() + 5000 })
  assert.equal(plain(cache.getEntry('b')), { value: [...encodeValue(2)], meta: [], expiresAt: 0 })
  assert.is(cache.getEntry('missing'), undefined)
})

test('getEntry returns copies, and putEntry copies its inputs', () => {
  const { cache } = setup()
  const value = encodeValue('v')
  const meta = bytes(1, 2, 3)
  cache.putEntry('k', value, { meta, expiresAt: 0 })
  value.fill(0)
  meta.fill(0)
  const first = cache.getEntry('k') as EntryRecord
  first.value?.fill(0)
  first.meta.fill(0)
  assert.equal(plain(cache.getEntry('k')), { value: [...encodeValue('v')], meta: [1, 2, 3], expiresAt: 0 })
})

test('records stay intact while many more are read and the entries change', () => {
  const { cache } = setup({ compressionThreshold: 0 })
  const valueOf = (i: number): Uint8Array => encodeValue(`v${i}`.repeat(1 + (i % 40)))
  const metaOf = (i: number): Uint8Array => new Uint8Array(1 + (i % 30)).fill(i % 256)
  for (let i = 0; i < 500; i++) cache.putEntry(`k${i}`, valueOf(i), { meta: metaOf(i), expiresAt: 0 })
  const kept = Array.from({ length: 500 }, (_, i) => cache.getEntry(`k${i}`) as EntryRecord)
  for (let i = 0; i < 500; i++) cache.putEntry(`k${i}`, encodeValue(-i), { meta: bytes(0), expiresAt: 0 })
  kept.forEach((record, i) => {
    assert.equal(plain(record), { value: [...valueOf(i)], meta: [...metaOf(i)], expiresAt: 0 })
  })
  const record = cache.getEntry('k1') as EntryRecord
  record.value?.fill(9)
  assert.equal([...record.meta], [0], 'value and metadata of one record do not overlap')
})

test('metadata stays right through in-place overwrites, chunk class changes and own buffers', () => {
  const { cache } = setup({ compressionThreshold: 0 })
  const steps: Array<[Uint8Array, Uint8Array]> = [
    [encodeValue(1), bytes(1)],
    [encodeValue(2), bytes(2, 2)], // same chunk class: in place
    [encodeValue('x'.repeat(300)), bytes(3, 3, 3)], // larger class
    [encodeValue('y'.repeat(100_000)), new Uint8Array(40).fill(4)], // past the largest slab chunk
    [encodeValue('z'), new Uint8Array(0)]
  ]
  for (const [value, meta] of steps) {
    cache.putEntry('k', value, { meta, expiresAt: 0 })
    assert.equal(plain(cache.getEntry('k')), { value: [...value], meta: [...meta], expiresAt: 0 })
  }
  cache.putEntry('k', undefined, { meta: bytes(5), expiresAt: 1e12 })
  assert.equal(plain(cache.getEntry('k')), { value: undefined, meta: [5], expiresAt: 1e12 })
})

test('a tombstone is a missing key to every plain API, and delete leaves it', () => {
  const { cache, clock } = setup()
  const expiresAt = clock.now() + 10_000
  cache.putEntry('t', undefined, { meta: bytes(7), expiresAt })
  assert.is(cache.get('t'), undefined)
  assert.is(cache.getEncoded('t'), undefined)
  assert.is(cache.exists('t'), false)
  assert.is(cache.getTtl('t'), undefined)
  assert.equal(cache.getMultiple(['t']), [undefined])
  assert.equal([...cache.keys()], [])
  assert.is(cache.size, 0)
  assert.is(cache.touch('t', 100), false)
  assert.is(cache.delete('t'), false)
  const stats = cache.stats()
  assert.equal([stats.keys, stats.tombstones, stats.misses, stats.hits, stats.deletes], [0, 1, 3, 0, 0])
  assert.equal(plain(cache.getEntry('t')), { value: undefined, meta: [7], expiresAt }, 'still there, expiry unchanged')
})

test('put, putEncoded, increment and getAndSet over a tombstone store a plain entry with empty metadata', () => {
  const { cache, clock } = setup({ defaultTtl: 30 })
  const writes: Array<[string, () => unknown, unknown]> = [
    ['put', () => cache.put('k', 'p'), 'p'],
    ['putEncoded', () => cache.putEncoded('k', encodeValue('e')), 'e'],
    ['increment', () => cache.increment('k', 5), 5],
    ['getAndSet', () => cache.getAndSet('k', 'g'), 'g']
  ]
  for (const [name, write, value] of writes) {
    cache.putEntry('k', undefined, { meta: bytes(1, 2), expiresAt: clock.now() + 1000 })
    const result = write()
    if (name === 'increment') assert.is(result, 5, 'a counter over a tombstone starts from 0')
    if (name === 'getAndSet') assert.is(result, undefined, 'nothing was replaced')
    assert.equal(plain(cache.getEntry('k')), { value: [...encodeValue(value)], meta: [], expiresAt: clock.now() + 30_000 }, name)
    assert.is(cache.stats().tombstones, 0, name)
    assert.is(cache.size, 1, name)
  }
})

test('entries() yields live entries and tombstones with their metadata, never expired ones', () => {
  const { cache, clock } = setup()
  cache.put('plain', 1)
  cache.putEntry('meta', encodeValue(2), { meta: bytes(2), expiresAt: clock.now() + 5000 })
  cache.putEntry('dead', undefined, { meta: bytes(3), expiresAt: clock.now() + 1000 })
  cache.put('short', 4, { ttl: 0.5 })
  clock.set(clock.now() + 500)
  const all = Object.fromEntries([...cache.entries()].map(([key, record]) => [key, plain(record)]))
  assert.equal(all, {
    plain: { value: [...encodeValue(1)], meta: [], expiresAt: 0 },
    meta: { value: [...encodeValue(2)], meta: [2], expiresAt: clock.now() + 4500 },
    dead: { value: undefined, meta: [3], expiresAt: clock.now() + 500 }
  })
})

test('a tombstone is purged at its expiresAt, counted in tombstonesPurged and not in expirations', async () => {
  const { cache, clock } = setup({ sweepIntervalMs: 100 })
  const expiresAt = clock.now() + 1000
  cache.putEntry('t', undefined, { meta: bytes(1), expiresAt })
  cache.putEntry('u', undefined, { meta: bytes(1), expiresAt })
  clock.set(expiresAt - 1)
  assert.ok(cache.getEntry('t') !== undefined, 'not a millisecond before')
  clock.set(expiresAt)
  assert.is(cache.getEntry('t'), undefined, 'removed when read at its expiry')
  cache.start()
  try {
    await clock.advance(100)
  } finally {
    cache.stop()
  }
  assert.is(cache.getEntry('u'), undefined, 'removed by the sweep')
  const stats = cache.stats()
  assert.equal([stats.tombstones, stats.tombstonesPurged, stats.expirations, stats.memoryUsedBytes], [0, 2, 0, 0])
})

test('replaceIf sees the stored entry, live or tombstone, and a refusal changes nothing', () => {
  const { cache, clock } = setup()
  let calls = 0
  assert.ok(cache.putEntry('k', encodeValue(1), { meta: bytes(1), expiresAt: 0, replaceIf: () => { calls++; return false } }))
  assert.is(calls, 0, 'not called when nothing is stored')
  const seen: unknown[] = []
  const refused = cache.putEntry('k', encodeValue(2), { meta: bytes(2), expiresAt: 0, replaceIf: (stored) => { seen.push(plain(stored)); return false } })
  assert.is(refused, false)
  assert.equal(seen, [{ value: [...encodeValue(1)], meta: [1], expiresAt: 0 }])
  assert.equal(plain(cache.getEntry('k')), { value: [...encodeValue(1)], meta: [1], expiresAt: 0 })
  const expiresAt = clock.now() + 1000
  assert.ok(cache.putEntry('k', undefined, { meta: bytes(3), expiresAt, replaceIf: (stored) => stored.meta[0] === 1 }))
  assert.ok(cache.putEntry('k', encodeValue(4), { meta: bytes(4), expiresAt: 0, replaceIf: (stored) => stored.value === undefined && stored.meta[0] === 3 }))
  assert.equal(plain(cache.getEntry('k')), { value: [...encodeValue(4)], meta: [4], expiresAt: 0 })
  assert.is(cache.stats().operations.putEntry, 4)
})

test('putEntry with an expiry at or before now stores nothing and removes the key\'s entry, if replaceIf allows', () => {
  const { cache, clock } = setup()
  const changes = recordChanges(cache)
  cache.put('k', 1)
  assert.ok(cache.putEntry('new', encodeValue(1), { meta: bytes(1), expiresAt: clock.now() }))
  assert.is(cache.getEntry('new'), undefined)
  assert.is(cache.putEntry('k', undefined, { meta: bytes(1), expiresAt: clock.now() - 1, replaceIf: () => false }), false)
  assert.is(cache.get('k'), 1)
  assert.ok(cache.putEntry('k', undefined, { meta: bytes(1), expiresAt: clock.now() - 1 }))
  assert.is(cache.getEntry('k'), undefined)
  assert.equal(changes, ['write:k', 'expire:k'])
  const stats = cache.stats()
  assert.equal([stats.keys, stats.expirations, stats.memoryUsedBytes], [0, 1, 0])
})

test('invalid putEntry arguments are refused and change nothing', () => {
  const { cache } = setup()
  throwsNamed(() => cache.putEntry('k', undefined, { meta: bytes(1), expiresAt: 0 }), 'ConfigurationError') // tombstone without expiry
  for (const expiresAt of [-1, NaN, Infinity]) throwsNamed(() => cache.putEntry('k', encodeValue(1), { meta: bytes(), expiresAt }), 'ConfigurationError')
  throwsNamed(() => cache.putEntry('k', new Uint8Array(0), { meta: bytes(), expiresAt: 0 }), 'SerializationError')
  throwsNamed(() => cache.putEntry('k', encodeValue(1), { meta: 'm' as unknown as Uint8Array, expiresAt: 0 }), 'SerializationError')
  throwsNamed(() => cache.putEntry('', encodeValue(1), { meta: bytes(), expiresAt: 0 }), 'InvalidKeyError')
  throwsNamed(() => cache.getEntry(''), 'InvalidKeyError')
  assert.is(cache.getEntry('k'), undefined)
})

test('maxValueBytes limits value and metadata together', () => {
  const { cache } = setup({ maxValueBytes: 100 })
  const value = new Uint8Array(60).fill(0xc0) // 60 msgpack nils: any bytes will do, the engine does not decode them here
  assert.ok(cache.putEntry('k', value, { meta: new Uint8Array(40), expiresAt: 0 }))
  throwsNamed(() => cache.putEntry('k', value, { meta: new Uint8Array(41), expiresAt: 0 }), 'ValueTooLargeError')
  throwsNamed(() => cache.putEntry('t', undefined, { meta: new Uint8Array(101), expiresAt: 1e12 }), 'ValueTooLargeError')
  assert.is(cache.getEntry('k')?.meta.length, 40)
  assert.is(cache.getEntry('t'), undefined)
})

test('memory accounting charges metadata and tombstones, and returns to 0 once everything is gone', () => {
  const { cache, clock } = setup({ compressionThreshold: 0 })
  const charge = (key: string, held: number): number => Buffer.byteLength(key) + storedValueBytes(held) + ENTRY_OVERHEAD_BYTES
  const soon = clock.now() + 1000
  const used = (): number => cache.stats().memoryUsedBytes
  cache.put('plain', 'x'.repeat(50))
  assert.is(used(), charge('plain', 52))
  cache.putEntry('meta', encodeValue('y'.repeat(50)), { meta: new Uint8Array(24), expiresAt: 0 })
  assert.is(used(), charge('plain', 52) + charge('meta', 52 + 24))
  cache.putEntry('tomb', undefined, { meta: new Uint8Array(24), expiresAt: soon })
  const big = encodeValue('z'.repeat(100_000)) // past the largest slab chunk: a buffer of its own
  cache.putEntry('big', big, { meta: new Uint8Array(30), expiresAt: soon })
  assert.is(used(), charge('plain', 52) + charge('meta', 76) + charge('tomb', 24) + charge('big', big.length + 30))
  cache.putEntry('plain', undefined, { meta: new Uint8Array(8), expiresAt: soon }) // a live entry becomes a tombstone
  assert.is(used(), charge('plain', 8) + charge('meta', 76) + charge('tomb', 24) + charge('big', big.length + 30))
  cache.put('meta', 1) // and a value with metadata becomes a plain one
  assert.is(used(), charge('plain', 8) + charge('meta', 1) + charge('tomb', 24) + charge('big', big.length + 30))
  cache.delete('meta')
  clock.set(soon)
  cache.sweepExpired()
  assert.equal([used(), cache.stats().tombstones, cache.size], [0, 0, 0])
})

test('tombstones are evicted under memory pressure and counted as evictions', () => {
  const clock = new ManualClock()
  const probe = new LocalCache({ clock })
  probe.put('k0', 0)
  // Every entry below costs the same: a 2-byte key and a value or metadata in one 8-byte chunk.
  const cache = new LocalCache({ clock, maxMemory: 2 * probe.stats().memoryUsedBytes })
  const changes = recordChanges(cache)
  cache.putEntry('t1', undefined, { meta: bytes(1), expiresAt: clock.now() + 60_000 })
  cache.put('k1', 1)
  cache.put('k2', 2)
  assert.is(cache.getEntry('t1'), undefined)
  const stats = cache.stats()
  assert.equal([stats.evictions, stats.tombstones, stats.keys, stats.tombstonesPurged], [1, 0, 2, 0])
  assert.equal(changes, ['write:t1', 'write:k1', 'evict:t1', 'write:k2'])
})

test('onChange reports writes, deletes, evictions and expiries in order, and unsubscribing stops it', () => {
  const clock = new ManualClock()
  const probe = new LocalCache({ clock })
  probe.put('k0', 0)
  const cache = new LocalCache({ clock, maxMemory: 2 * probe.stats().memoryUsedBytes })
  const changes = recordChanges(cache)
  const other: string[] = []
  const unsubscribe = cache.onChange((key, change) => { other.push(`${change}:${key}`) })
  cache.put('ka', 1, { ttl: 1 })
  cache.putEncoded('kb', encodeValue(2))
  cache.increment('kb')
  cache.getAndSet('kb', 3)
  cache.touch('kb', 10)
  cache.touch('zz', 10) // no such key: nothing to report
  cache.delete('zz')
  clock.set(clock.now() + 1000)
  cache.get('ka') // expired on access
  cache.putEntry('kc', undefined, { meta: bytes(1), expiresAt: clock.now() + 1000 })
  unsubscribe()
  unsubscribe() // twice is harmless
  cache.putMultiple([['kd', 4]]) // evicts kb, the least recently used
  cache.delete('kd')
  clock.set(clock.now() + 1000)
  cache.sweepExpired() // purges the tombstone kc
  cache.put('ke', 5)
  cache.clear()
  assert.equal(changes, [
    'write:ka', 'write:kb', 'write:kb', 'write:kb', 'write:kb', 'expire:ka', 'write:kc',
    'evict:kb', 'write:kd', 'delete:kd', 'expire:kc', 'write:ke'
  ])
  assert.equal(other, changes.slice(0, 7))
})

test('clear resets the tombstone count and reports no key', () => {
  const { cache, clock } = setup()
  cache.putEntry('t', undefined, { meta: bytes(1), expiresAt: clock.now() + 1000 })
  const changes = recordChanges(cache)
  cache.clear()
  assert.equal(changes, [])
  assert.equal([cache.stats().tombstones, cache.stats().memoryUsedBytes], [0, 0])
})

test('remove drops the key\'s entry, value or tombstone, and reports a delete', () => {
  const { cache, clock } = setup()
  cache.put('v', 1)
  cache.putEntry('t', undefined, { meta: bytes(1), expiresAt: clock.now() + 1000 })
  const changes = recordChanges(cache)
  assert.equal([cache.remove('v'), cache.remove('t'), cache.remove('t'), cache.remove('none')], [true, true, false, false])
  assert.equal(changes, ['delete:v', 'delete:t'])
  const stats = cache.stats()
  assert.equal([stats.keys, stats.tombstones, stats.deletes, stats.memoryUsedBytes], [0, 0, 0, 0])
})

test('getEntry counts as an operation, not as a hit or miss', () => {
  const { cache } = setup()
  cache.put('k', 1)
  cache.getEntry('k')
  cache.getEntry('j')
  const stats = cache.stats()
  assert.equal([stats.operations.getEntry, stats.hits, stats.misses], [2, 0, 0])
})

test.run()
