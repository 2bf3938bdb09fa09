import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { encodeValue } from '../../src/common/codec.js'
import { type EntryRecord, LocalCache } from '../../src/store/index.js'
import { ManualClock } from '../support/manual-clock.js'

/**
 * LocalCache against a plain model: a Map in least-recently-used order holding at most CAPACITY entries (every
 * entry costs the same: 2-byte keys, small integer values), with expiry times. Expired entries count against the
 * capacity until something removes them, exactly as in the engine: an access to that key, a sweep, `size`, or the
 * engine making room (which drops every expired entry before evicting a live one).
 * putEntry adds metadata (at most 6 bytes, so a value and its metadata still fit the same 8-byte chunk) and
 * tombstones, which the plain operations treat as missing keys without removing them.
 */
const CAPACITY = 3
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4']
const TTLS = [undefined, 0, 0.5, 1, 2.5]

type Command =
  | { op: 'put', key: string, value: number, ttl: number | undefined }
  | { op: 'get' | 'delete' | 'exists' | 'getTtl' | 'increment', key: string }
  | { op: 'touch', key: string, ttl: number }
  | { op: 'getAndSet', key: string, value: number }
  | { op: 'advance', ms: number }
  | { op: 'sweep' | 'size' }
  /** expiresIn: ms from now (<= 0: already expired), or null for no expiry; value null: a tombstone. */
  | { op: 'putEntry', key: string, value: number | null, meta: number, expiresIn: number | null, refuse: boolean }
  | { op: 'getEntry', key: string }

const key = fc.constantFrom(...KEYS)
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key, value: fc.integer({ min: -100, max: 100 }), ttl: fc.constantFrom(...TTLS) }),
  fc.record({ op: fc.constantFrom('get' as const, 'delete' as const, 'exists' as const, 'getTtl' as const, 'increment' as const), key }),
  fc.record({ op: fc.constant('touch' as const), key, ttl: fc.constantFrom(0, 1, 3) }),
  fc.record({ op: fc.constant('getAndSet' as const), key, value: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(0, 250, 500, 1000, 2500) }),
  fc.record({ op: fc.constantFrom('sweep' as const, 'size' as const) }),
  fc.record({
    op: fc.constant('putEntry' as const), key, value: fc.integer({ min: 0, max: 9 }), meta: fc.integer({ min: 0, max: 6 }),
    expiresIn: fc.constantFrom(null, -100, 0, 500, 1000, 2500), refuse: fc.boolean()
  }),
  fc.record({
    op: fc.constant('putEntry' as const), key, value: fc.constant(null), meta: fc.integer({ min: 0, max: 6 }),
    expiresIn: fc.constantFrom(-100, 0, 500, 1000, 2500), refuse: fc.boolean()
  }),
  fc.record({ op: fc.constant('getEntry' as const), key })
)

/** value null: a tombstone; meta: the length of its metadata (bytes all equal to it). */
interface ModelEntry { value: number | null, meta: number, expiresAt: number }

class Model {
  /** Insertion order of the Map = recency order, least recent first. */
  readonly entries = new Map<string, ModelEntry>()
  constructor (private readonly clock: ManualClock) {}

  private expired (e: ModelEntry): boolean {
    return e.expiresAt !== 0 && e.expiresAt <= this.clock.now()
  }

  /** The live entry, removing it if expired; `use` moves it to most recent. */
  live (key: string, use: boolean): ModelEntry | undefined {
    const e = this.entries.get(key)
    if (e === undefined) return undefined
    if (this.expired(e)) {
      this.entries.delete(key)
      return undefined
    }
    if (use) {
      this.entries.delete(key)
      this.entries.set(key, e)
    }
    return e
  }

  /** The live entry with a value: what the plain operations see (a tombstone is neither removed nor used). */
  valued (key: string, use: boolean): (ModelEntry & { value: number }) | undefined {
    const e = this.entries.get(key)
    if (e === undefined || (e.value === null && !this.expired(e))) return undefined
    return this.live(key, use) as (ModelEntry & { value: number }) | undefined
  }

  purge (): void {
    for (const [k, e] of this.entries) if (this.expired(e)) this.entries.delete(k)
  }

  write (key: string, value: number | null, expiresAt: number, meta = 0): void {
    if (this.live(key, true) !== undefined) {
      this.entries.set(key, { value, meta, expiresAt })
      return
    }
    if (this.entries.size >= CAPACITY) this.purge()
    if (this.entries.size >= CAPACITY) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(key, { value, meta, expiresAt })
  }

  /** Live keys with a value. */
  valuedKeys (): string[] {
    return [...this.entries].filter(([, e]) => e.value !== null).map(([k]) => k)
  }

  expiryFor (ttl: number | undefined): number {
    return ttl === undefined || ttl === 0 ? 0 : this.clock.now() + ttl * 1000
  }
}

function run (commands: Command[]): void {
  const clock = new ManualClock()
  const probe = new LocalCache({ clock })
  probe.put('k0', 0)
  const cache = new LocalCache({ clock, maxMemory: CAPACITY * probe.stats().memoryUsedBytes })
  const model = new Model(clock)
  for (const [i, c] of commands.entries()) {
    const where = `command ${i}: ${JSON.stringify(c)}`
    switch (c.op) {
      case 'put':
        cache.put(c.key, c.value, { ttl: c.ttl })
        model.write(c.key, c.value, model.expiryFor(c.ttl))
        break
      case 'get':
        assert.is(cache.get(c.key), model.valued(c.key, true)?.value, where)
        break
      case 'delete':
        assert.is(cache.delete(c.key), model.valued(c.key, false) !== undefined && model.entries.delete(c.key), where)
        break
      case 'exists':
        assert.is(cache.exists(c.key), model.valued(c.key, false) !== undefined, where)
        break
      case 'getTtl': {
        const e = model.valued(c.key, false)
        const expected = e === undefined ? undefined : e.expiresAt === 0 ? null : (e.expiresAt - clock.now()) / 1000
        assert.is(cache.getTtl(c.key), expected, where)
        break
      }
      case 'increment': {
        const e = model.valued(c.key, false)
        const next = (e?.value ?? 0) + 1
        assert.is(cache.increment(c.key), next, where)
        model.write(c.key, next, e?.expiresAt ?? 0)
        break
      }
      case 'touch': {
        const e = model.valued(c.key, true)
        assert.is(cache.touch(c.key, c.ttl), e !== undefined, where)
        if (e !== undefined) e.expiresAt = model.expiryFor(c.ttl)
        break
      }
      case 'getAndSet':
        assert.is(cache.getAndSet(c.key, c.value), model.valued(c.key, false)?.value, where)
        model.write(c.key, c.value, 0)
        break
      case 'advance':
        clock.set(clock.now() + c.ms)
        break
      case 'sweep':
        cache.sweepExpired()
        model.purge()
        break
      case 'size':
        model.purge()
        assert.is(cache.size, model.valuedKeys().length, where)
        break
      case 'putEntry': {
        const expiresAt = c.expiresIn === null ? 0 : clock.now() + c.expiresIn
        const stored = model.live(c.key, false)
        const applied = cache.putEntry(c.key, c.value === null ? undefined : encodeValue(c.value), {
          meta: metaBytes(c.meta), expiresAt, replaceIf: c.refuse ? () => false : undefined
        })
        assert.is(applied, !c.refuse || stored === undefined, where)
        if (!applied) break
        if (expiresAt !== 0 && expiresAt <= clock.now()) model.entries.delete(c.key)
        else model.write(c.key, c.value, expiresAt, c.meta)
        break
      }
      case 'getEntry':
        assert.equal(plain(cache.getEntry(c.key)), plainModel(model.live(c.key, true)), where)
        break
    }
  }
  model.purge()
  assert.equal(new Set(cache.keys()), new Set(model.valuedKeys()), 'same live keys at the end')
  assert.equal(new Map([...cache.entries()].map(([k, r]) => [k, plain(r)])), new Map([...model.entries].map(([k, e]) => [k, plainModel(e)])),
    'same entries and tombstones at the end')
  assert.is(cache.stats().tombstones, model.entries.size - model.valuedKeys().length)
}

const metaBytes = (length: number): Uint8Array => new Uint8Array(length).fill(length)

const plain = (r: EntryRecord | undefined): unknown =>
  r === undefined ? undefined : { value: r.value === undefined ? undefined : [...r.value], meta: [...r.meta], expiresAt: r.expiresAt }

const plainModel = (e: ModelEntry | undefined): unknown =>
  e === undefined ? undefined : { value: e.value === null ? undefined : [...encodeValue(e.value)], meta: [...metaBytes(e.meta)], expiresAt: e.expiresAt }

test('LocalCache (LRU, 3 entries) behaves like the model under random operation sequences', () => {
  fc.assert(fc.property(fc.array(command, { maxLength: 60 }), (commands) => { run(commands) }), { seed: 20240601, numRuns: 500 })
})

test.run()
