import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LocalCache } from '../../src/store/index.js'
import { ManualClock } from '../support/manual-clock.js'

/**
 * LocalCache against a plain model: a Map in least-recently-used order holding at most CAPACITY entries (every
 * entry costs the same: 2-byte keys, small integer values), with expiry times. Expired entries count against the
 * capacity until something removes them, exactly as in the engine: an access to that key, a sweep, `size`, or the
 * engine making room (which drops every expired entry before evicting a live one).
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

const key = fc.constantFrom(...KEYS)
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key, value: fc.integer({ min: -100, max: 100 }), ttl: fc.constantFrom(...TTLS) }),
  fc.record({ op: fc.constantFrom('get' as const, 'delete' as const, 'exists' as const, 'getTtl' as const, 'increment' as const), key }),
  fc.record({ op: fc.constant('touch' as const), key, ttl: fc.constantFrom(0, 1, 3) }),
  fc.record({ op: fc.constant('getAndSet' as const), key, value: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(0, 250, 500, 1000, 2500) }),
  fc.record({ op: fc.constantFrom('sweep' as const, 'size' as const) })
)

interface ModelEntry { value: number, expiresAt: number }

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

  purge (): void {
    for (const [k, e] of this.entries) if (this.expired(e)) this.entries.delete(k)
  }

  write (key: string, value: number, expiresAt: number): void {
    if (this.live(key, true) !== undefined) {
      this.entries.set(key, { value, expiresAt })
      return
    }
    if (this.entries.size >= CAPACITY) this.purge()
    if (this.entries.size >= CAPACITY) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(key, { value, expiresAt })
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
        assert.is(cache.get(c.key), model.live(c.key, true)?.value, where)
        break
      case 'delete':
        assert.is(cache.delete(c.key), model.live(c.key, false) !== undefined && model.entries.delete(c.key), where)
        break
      case 'exists':
        assert.is(cache.exists(c.key), model.live(c.key, false) !== undefined, where)
        break
      case 'getTtl': {
        const e = model.live(c.key, false)
        const expected = e === undefined ? undefined : e.expiresAt === 0 ? null : (e.expiresAt - clock.now()) / 1000
        assert.is(cache.getTtl(c.key), expected, where)
        break
      }
      case 'increment': {
        const e = model.live(c.key, false)
        const next = (e?.value ?? 0) + 1
        assert.is(cache.increment(c.key), next, where)
        model.write(c.key, next, e?.expiresAt ?? 0)
        break
      }
      case 'touch': {
        const e = model.live(c.key, true)
        assert.is(cache.touch(c.key, c.ttl), e !== undefined, where)
        if (e !== undefined) e.expiresAt = model.expiryFor(c.ttl)
        break
      }
      case 'getAndSet':
        assert.is(cache.getAndSet(c.key, c.value), model.live(c.key, false)?.value, where)
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
        assert.is(cache.size, model.entries.size, where)
        break
    }
  }
  model.purge()
  assert.equal(new Set(cache.keys()), new Set(model.entries.keys()), 'same live keys at the end')
}

test('LocalCache (LRU, 3 entries) behaves like the model under random operation sequences', () => {
  fc.assert(fc.property(fc.array(command, { maxLength: 60 }), (commands) => { run(commands) }), { seed: 20240601, numRuns: 500 })
})

test.run()
