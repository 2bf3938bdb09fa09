import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { EvictionPolicyName } from '../../src/config/defaults.js'
import { type EvictionPolicy, LocalCache, LruPolicy } from '../../src/store/index.js'
import { ManualClock } from '../support/manual-clock.js'

/** Every entry below costs the same (2-byte key, 1-byte value), so a budget of 3 entries holds exactly 3. */
function threeEntryCache (evictionPolicy: EvictionPolicyName | EvictionPolicy): { cache: LocalCache, clock: ManualClock, evicted: () => string[] } {
  const clock = new ManualClock()
  const probe = new LocalCache({ clock })
  probe.put('k0', 0)
  const cache = new LocalCache({ clock, evictionPolicy, maxMemory: 3 * probe.stats().memoryUsedBytes })
  const present = new Set<string>()
  const gone: string[] = []
  // Which keys vanished since the last call, in the order they were noticed.
  const evicted = (): string[] => {
    const now = new Set(cache.keys())
    for (const key of present) if (!now.has(key)) gone.push(key)
    present.clear()
    for (const key of now) present.add(key)
    return gone
  }
  return { cache, clock, evicted }
}

function putAll (c: ReturnType<typeof threeEntryCache>, keys: string[], ttl?: number): void {
  for (const key of keys) {
    c.cache.put(key, 1, ttl === undefined ? undefined : { ttl })
    c.evicted()
  }
}

test('LRU evicts the least recently read or written key', () => {
  const c = threeEntryCache('lru')
  putAll(c, ['ka', 'kb', 'kc'])
  c.cache.get('ka')
  putAll(c, ['kd'])
  c.cache.put('kc', 2)
  putAll(c, ['ke', 'kf'])
  assert.equal(c.evicted(), ['kb', 'ka', 'kd'])
  assert.is(c.cache.stats().evictions, 3)
  assert.equal(c.cache.stats().evictionsByPolicy, { lru: 3 })
})

test('LRU counts touch as a use but not exists or getTtl', () => {
  const c = threeEntryCache('lru')
  putAll(c, ['ka', 'kb', 'kc'])
  c.cache.touch('ka', 100)
  c.cache.exists('kb')
  c.cache.getTtl('kb')
  putAll(c, ['kd'])
  assert.equal(c.evicted(), ['kb'])
})

test('FIFO evicts in insertion order; reads and overwrites do not change it', () => {
  const c = threeEntryCache('fifo')
  putAll(c, ['ka', 'kb', 'kc'])
  c.cache.get('ka')
  c.cache.put('ka', 2)
  putAll(c, ['kd', 'ke'])
  c.cache.get('kc')
  putAll(c, ['kf'])
  assert.equal(c.evicted(), ['ka', 'kb', 'kc'])
})

test('LFU evicts the least used key; ties go to the key that reached that count first', () => {
  const c = threeEntryCache('lfu')
  putAll(c, ['ka', 'kb', 'kc'])
  c.cache.get('ka')
  c.cache.get('ka')
  c.cache.get('kb')
  putAll(c, ['kd']) // ka=3 kb=2 kc=1: kc goes; the age becomes 1 and kd enters at 2
  putAll(c, ['ke']) // kb and kd are at 2, kb got there first
  assert.equal(c.evicted(), ['kc', 'kb'])
})

test('LFU ageing: a key popular long ago is overtaken by newer keys and leaves', () => {
  const c = threeEntryCache('lfu')
  putAll(c, ['kh'])
  for (let i = 0; i < 5; i++) c.cache.get('kh')
  for (let i = 0; i < 7; i++) {
    putAll(c, [`x${i}`])
    c.cache.get(`x${i}`)
  }
  // Worked out by hand: each eviction raises the age, new keys enter level with the survivors.
  assert.equal(c.evicted(), ['x0', 'x1', 'x2', 'x3', 'kh'])
})

test('TTL evicts the soonest expiry first, keys without expiry last in insertion order', () => {
  const c = threeEntryCache('ttl')
  putAll(c, ['ka'], 10)
  putAll(c, ['kb'], 5)
  putAll(c, ['kc'])
  putAll(c, ['kd'], 7)
  putAll(c, ['ke'], 7)
  putAll(c, ['kf', 'kg', 'kh'])
  assert.equal(c.evicted(), ['kb', 'kd', 'ke', 'ka', 'kc'])
})

test('TTL policy follows touch and overwrites that change the expiry', () => {
  const c = threeEntryCache('ttl')
  putAll(c, ['ka'], 5)
  putAll(c, ['kb'], 10)
  putAll(c, ['kc'], 20)
  c.cache.touch('ka', 30)
  c.cache.put('kc', 2, { ttl: 1 })
  putAll(c, ['kd', 'ke'], 100)
  assert.equal(c.evicted(), ['kc', 'kb'])
})

test('expired entries make room before any live entry is evicted', () => {
  const c = threeEntryCache('lru')
  putAll(c, ['ka', 'kb'])
  putAll(c, ['kc'], 1)
  c.clock.set(c.clock.now() + 1000)
  putAll(c, ['kd'])
  assert.equal(c.evicted(), ['kc'])
  const stats = c.cache.stats()
  assert.is(stats.expirations, 1)
  assert.is(stats.evictions, 0)
})

test('a user-defined EvictionPolicy plugs in (here: evict the newest key)', () => {
  class NewestFirst implements EvictionPolicy {
    readonly name = 'newest'
    private readonly slots: number[] = []
    onInsert (slot: number): void { this.slots.push(slot) }
    onAccess (): void {}
    onUpdate (): void {}
    onRemove (slot: number): void { this.slots.splice(this.slots.indexOf(slot), 1) }
    victim (): number { return this.slots.at(-1) ?? -1 }
    clear (): void { this.slots.length = 0 }
  }
  const c = threeEntryCache(new NewestFirst())
  putAll(c, ['ka', 'kb', 'kc', 'kd', 'ke'])
  assert.equal(c.evicted(), ['kc', 'kd'])
  assert.equal(c.cache.stats().evictionsByPolicy, { newest: 2 })
})

test('policies name slots directly: LRU victim after insert, access and remove', () => {
  const lru = new LruPolicy()
  for (const slot of [0, 1, 2]) lru.onInsert(slot)
  lru.onAccess(0)
  assert.is(lru.victim(), 1)
  lru.onRemove(1)
  assert.is(lru.victim(), 2)
  lru.clear()
  assert.is(lru.victim(), -1)
})

test.run()
