import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { type Clock, systemClock, type TimerId } from '../common/clock.js'
import { ConfigurationError, SerializationError, ValueTooLargeError } from '../common/errors.js'
import {
  COMPRESSION_THRESHOLD_BYTES, EVICTION_POLICIES, EVICTION_POLICY, type EvictionPolicyName,
  MAX_KEY_BYTES, MAX_MEMORY_BYTES, MAX_VALUE_BYTES
} from '../config/defaults.js'
import { decodeValue, decodeValueAt, encodeValue, valueSize } from '../common/codec.js'
import { ENTRY_OVERHEAD_BYTES, SWEEP_INTERVAL_MS, SWEEP_MAX_WORK } from './constants.js'
import { CopyPool } from './copy-pool.js'
import { addToCounter, checkDelta, type CounterDelta } from './counter.js'
import { checkKey, checkValueSize, describeKey } from './input-rules.js'
import { EntryTable, MAX_STORED_VALUE_BYTES } from './entry.js'
import { createEvictionPolicy } from './eviction/create.js'
import type { EvictionPolicy } from './eviction/policy.js'
import { ExpiryIndex } from './expiry.js'
import { KeyIndex } from './key-index.js'
import { type CacheStats, StatsCounters } from './stats.js'
import { storedValueBytes, ValueSlabs } from './value-slabs.js'

export interface LocalCacheInit {
  /** Memory budget in bytes: keys + stored values and metadata + ENTRY_OVERHEAD_BYTES per entry. @default MAX_MEMORY_BYTES (1 GiB) */
  maxMemory?: number
  /** A policy name or your own EvictionPolicy instance. @default EVICTION_POLICY ('lru') */
  evictionPolicy?: EvictionPolicyName | EvictionPolicy
  /** Seconds to live when a put gives no ttl; 0 = no expiry. @default 0 (the cluster node passes its configured 3600) */
  defaultTtl?: number
  /** Longest key in UTF-8 bytes. @default MAX_KEY_BYTES (1 KiB) */
  maxKeyBytes?: number
  /**
   * Largest value in bytes: a string's UTF-8 bytes, a byte array's length, any other value's encoded size (with
   * putEntry: value and metadata together). @default MAX_VALUE_BYTES (1 MiB)
   */
  maxValueBytes?: number
  /** Encoded values at least this large are stored deflated when that saves space; 0 = never. @default COMPRESSION_THRESHOLD_BYTES (4096) */
  compressionThreshold?: number
  /** @default systemClock */
  clock?: Clock
  /** Time between active expiry sweeps once `start()` is called. @default SWEEP_INTERVAL_MS (100) */
  sweepIntervalMs?: number
}

export interface PutOptions {
  /** Seconds to live (fractions allowed); 0 = no expiry; omitted = the cache's defaultTtl. */
  ttl?: number
}

/** A stored entry as replication sees it. */
export interface EntryRecord {
  /** The value's msgpack bytes (as putEncoded takes them), or undefined for a tombstone. A copy: safe to keep. */
  value: Uint8Array | undefined
  /** The opaque metadata stored with it (empty when none). A copy. */
  meta: Uint8Array
  /** Absolute expiry in clock ms; 0 = never. For a tombstone: when it is purged. */
  expiresAt: number
}

export interface PutEntryOptions {
  /** Opaque bytes kept with the entry (copied); the engine never reads them. */
  meta: Uint8Array
  /** Absolute expiry in clock ms (0 = never). A tombstone must have one (> 0). */
  expiresAt: number
  /**
   * Called with the stored entry (live or tombstone) if there is one; the write happens only if it returns true.
   * It must not modify this cache.
   */
  replaceIf?: (stored: EntryRecord) => boolean
}

/** What happened to a key: written (put, putEntry, increment, touch...), deleted, evicted, or expired (tombstones too). */
export type ChangeKind = 'write' | 'delete' | 'evict' | 'expire'
/** Runs inside the operation that made the change: it must not throw or modify the cache (queue the work instead). */
export type ChangeListener = (key: string, change: ChangeKind) => void

/** The bytes of a tombstone's value and of an entry without metadata; never written to. */
const NO_BYTES = new Uint8Array(0)

/**
 * One node's entries: values, expiry, eviction under a memory budget, statistics. No network code.
 *
 * Values are msgpack-encoded once on the way in (`codec.ts`) and kept as bytes in shared slabs, so memory
 * accounting counts what is really held and the network path can move the bytes without re-encoding
 * (`putEncoded` / `getEncoded`). Expired entries are removed lazily when touched and by a bounded sweep
 * (`sweepExpired`, run by a timer between `start()` and `stop()`); no operation ever returns one.
 *
 * Counters (`increment`/`decrement`) count a stored integer, or a string holding a decimal integer as Redis's INCR
 * reads one ("42", not "042" or "+42"; see counter.ts), and store the result as a number: exact up to 2^53-1, and a
 * step past it throws NotAnIntegerError; a counter stored as a bigint (or stepped by a bigint) is unbounded.
 *
 * For replication (`getEntry` / `putEntry` / `entries`), an entry can carry opaque metadata bytes, and can be a
 * tombstone: metadata and an expiry but no value. Every other method treats a tombstone as a missing key.
 * `onChange` reports each key that changes.
 */
export class LocalCache {
  readonly maxMemory: number
  readonly defaultTtl: number
  readonly maxKeyBytes: number
  readonly maxValueBytes: number
  readonly compressionThreshold: number
  readonly sweepIntervalMs: number
  readonly policy: EvictionPolicy
  private readonly clock: Clock
  private readonly table = new EntryTable()
  private readonly keyIndex = new KeyIndex(this.table)
  private readonly values = new ValueSlabs()
  private readonly expiry = new ExpiryIndex()
  private readonly counters = new StatsCounters()
  private readonly copies = new CopyPool()
  private memoryUsed = 0
  /** Entries that are tombstones: in the KeyIndex, not in `size`. */
  private tombstoneCount = 0
  /** Undefined while nobody listens, so that each change costs one field check; replaced, never mutated. */
  private changeListeners: readonly ChangeListener[] | undefined
  /** Live values' bytes before and after compression, for the compression ratio. */
  private encodedBytes = 0
  private storedBytes = 0
  /** Encoded length of each compressed value (the stored length is the deflated one). */
  private readonly encodedLengthOfCompressed = new Map<number, number>()
  private sweepTimer: TimerId | undefined
  private running = false

  constructor (init: LocalCacheInit = {}) {
    this.maxMemory = checkNumber('maxMemory', init.maxMemory ?? MAX_MEMORY_BYTES, 1, 'a number of bytes >= 1')
    this.defaultTtl = checkNumber('defaultTtl', init.defaultTtl ?? 0, 0, 'a number of seconds >= 0')
    this.maxKeyBytes = checkInteger('maxKeyBytes', init.maxKeyBytes ?? MAX_KEY_BYTES, 1)
    this.maxValueBytes = checkInteger('maxValueBytes', init.maxValueBytes ?? MAX_VALUE_BYTES, 1)
    this.compressionThreshold = checkInteger('compressionThreshold', init.compressionThreshold ?? COMPRESSION_THRESHOLD_BYTES, 0)
    this.sweepIntervalMs = checkNumber('sweepIntervalMs', init.sweepIntervalMs ?? SWEEP_INTERVAL_MS, 1, 'a number of milliseconds >= 1')
    this.clock = checkClock(init.clock ?? systemClock)
    this.policy = resolvePolicy(init.evictionPolicy ?? EVICTION_POLICY)
  }

  put (key: string, value: unknown, opts?: PutOptions): void {
    this.counters.operations.put++
    this.checkKey(key)
    const now = this.clock.now()
    const expiresAt = this.expiryFor(opts?.ttl, now)
    const encoded = encodeValue(value)
    this.write(key, this.prepare(key, encoded, 0), encoded.length, NO_BYTES, false, expiresAt, now)
  }

  /** Stores bytes made by `encodeValue` as they are (the network path); they are copied, so the caller may reuse them. */
  putEncoded (key: string, encoded: Uint8Array, opts?: PutOptions): void {
    this.counters.operations.put++
    this.checkKey(key)
    if (!(encoded instanceof Uint8Array) || encoded.length === 0) throw new SerializationError('encoded value must be a non-empty Uint8Array')
    const now = this.clock.now()
    const expiresAt = this.expiryFor(opts?.ttl, now)
    this.write(key, this.prepare(key, encoded, 0), encoded.length, NO_BYTES, false, expiresAt, now)
  }

  /**
   * Stores an entry as replication moves it: `value` is msgpack bytes as putEncoded takes them, or undefined for a
   * tombstone. Both `value` and `opts.meta` are copied. maxValueBytes limits value and metadata together; both are
   * charged to the memory budget; only the value is compressed. An expiry at or before now stores nothing and
   * removes the key's entry, as an expiry. Returns false when `opts.replaceIf` refused the write, else true.
   */
  putEntry (key: string, value: Uint8Array | undefined, opts: PutEntryOptions): boolean {
    this.counters.operations.putEntry++
    this.checkKey(key)
    const tombstone = value === undefined
    if (!tombstone && (!(value instanceof Uint8Array) || value.length === 0)) {
      throw new SerializationError('encoded value must be a non-empty Uint8Array, or undefined for a tombstone')
    }
    const { meta, expiresAt, replaceIf } = opts
    if (!(meta instanceof Uint8Array)) throw new SerializationError('meta must be a Uint8Array')
    checkExpiresAt(expiresAt, tombstone)
    const encoded = value ?? NO_BYTES
    const stored = this.prepare(key, encoded, meta.length)
    const now = this.clock.now()
    if (replaceIf !== undefined) {
      const slot = this.storedSlot(key, now)
      if (slot >= 0 && !replaceIf(this.recordAt(slot))) return false
    }
    if (expiresAt !== 0 && expiresAt <= now) {
      const slot = this.storedSlot(key, now)
      if (slot >= 0) this.expire(slot)
      return true
    }
    this.write(key, stored, encoded.length, meta, tombstone, expiresAt, now)
    return true
  }

  /**
   * The entry stored under `key`, live or tombstone (never an expired one), with copies of its bytes; undefined if
   * there is none. Not a read for hit/miss statistics, but a use for the eviction order.
   */
  getEntry (key: string): EntryRecord | undefined {
    this.counters.operations.getEntry++
    this.checkKey(key)
    const slot = this.storedSlot(key, this.clock.now())
    if (slot < 0) return undefined
    const record = this.recordAt(slot) // before the eviction-order update, so that their cache misses overlap
    this.policy.onAccess(slot)
    return record
  }

  /**
   * Counts a read served from getEntry as a hit or a miss: replication reads entries and decides itself whether a
   * client saw a value (a tombstone or an expired sibling is a miss).
   */
  recordRead (hit: boolean): void {
    if (hit) this.counters.hits++
    else this.counters.misses++
  }

  /** Every live entry and tombstone, for hint delivery and anti-entropy; entries that expire meanwhile are skipped. */
  * entries (): IterableIterator<[string, EntryRecord]> {
    for (let slot = 0; slot < this.table.slotLimit; slot++) {
      if (!this.table.isLive(slot)) continue
      const expiresAt = this.table.expiresAt(slot)
      if (expiresAt === 0 || expiresAt > this.clock.now()) yield [this.keyIndex.keyOf(slot), this.recordAt(slot)]
    }
  }

  /**
   * Calls `listener` after every change to a key: 'write' (put, putEncoded, putMultiple, putEntry, increment,
   * decrement, getAndSet, touch), 'delete', 'evict' and 'expire' (tombstones purged included). clear() reports
   * nothing. Returns the function that unsubscribes it.
   */
  onChange (listener: ChangeListener): () => void {
    this.changeListeners = [...(this.changeListeners ?? []), listener]
    return () => {
      const listeners = [...(this.changeListeners ?? [])]
      const at = listeners.indexOf(listener)
      if (at < 0) return
      listeners.splice(at, 1)
      this.changeListeners = listeners.length === 0 ? undefined : listeners
    }
  }

  /** The value, or undefined on a miss (a miss is not an error). */
  get (key: string): unknown {
    this.counters.operations.get++
    this.checkKey(key)
    const slot = this.read(key)
    return slot < 0 ? undefined : this.decodeAt(slot)
  }

  /**
   * The value's msgpack bytes (uncompressed), or undefined on a miss. The result may be a view into the engine's
   * memory, valid until the next write to this cache: use it at once (encode it into a frame) or `slice()` it.
   */
  getEncoded (key: string): Uint8Array | undefined {
    this.counters.operations.get++
    this.checkKey(key)
    const slot = this.read(key)
    return slot < 0 ? undefined : this.encodedAt(slot)
  }

  /** True if the key was there (a tombstone is not, and stays). */
  delete (key: string): boolean {
    this.counters.operations.delete++
    this.checkKey(key)
    const slot = this.liveSlot(key, this.clock.now())
    if (slot < 0) return false
    this.removeEntry(slot)
    this.counters.deletes++
    if (this.changeListeners !== undefined) this.emit(key, 'delete')
    return true
  }

  /**
   * Removes the key's entry, value or tombstone (delete leaves tombstones), and reports a 'delete'; true if there was
   * one. For replication, to drop a key this member no longer holds: not counted in the statistics.
   */
  remove (key: string): boolean {
    this.checkKey(key)
    const slot = this.storedSlot(key, this.clock.now())
    if (slot < 0) return false
    this.removeEntry(slot)
    if (this.changeListeners !== undefined) this.emit(key, 'delete')
    return true
  }

  /** Whether the key is there; not a read for hit/miss statistics or eviction order. */
  exists (key: string): boolean {
    this.counters.operations.exists++
    this.checkKey(key)
    return this.liveSlot(key, this.clock.now()) >= 0
  }

  clear (): void {
    this.counters.operations.clear++
    this.keyIndex.clear()
    this.table.clear()
    this.values.clear()
    this.expiry.clear()
    this.policy.clear()
    this.encodedLengthOfCompressed.clear()
    this.memoryUsed = this.encodedBytes = this.storedBytes = this.tombstoneCount = 0
  }

  /** Values in the order of `keys`, undefined for each miss. */
  getMultiple (keys: readonly string[]): unknown[] {
    this.counters.operations.getMultiple++
    for (const key of keys) this.checkKey(key)
    return keys.map((key) => {
      const slot = this.read(key)
      return slot < 0 ? undefined : this.decodeAt(slot)
    })
  }

  /** Stores every entry with the same ttl; if any key or value is refused, nothing is stored. */
  putMultiple (entries: Iterable<readonly [string, unknown]>, opts?: PutOptions): void {
    this.counters.operations.putMultiple++
    const now = this.clock.now()
    const expiresAt = this.expiryFor(opts?.ttl, now)
    const prepared = Array.from(entries, ([key, value]) => {
      this.checkKey(key)
      const encoded = encodeValue(value)
      return { key, stored: this.prepare(key, encoded, 0), encodedLength: encoded.length }
    })
    for (const { key, stored, encodedLength } of prepared) this.write(key, stored, encodedLength, NO_BYTES, false, expiresAt, now)
  }

  /** Adds `delta` to the integer at `key` (0 when missing) and returns the result; keeps the key's expiry. */
  increment (key: string, delta: CounterDelta = 1): CounterDelta {
    this.counters.operations.increment++
    checkDelta(delta)
    return this.addTo(key, delta)
  }

  decrement (key: string, delta: CounterDelta = 1): CounterDelta {
    this.counters.operations.decrement++
    checkDelta(delta)
    return this.addTo(key, -delta)
  }

  /** Stores `value` and returns the value it replaced (undefined if none). */
  getAndSet (key: string, value: unknown, opts?: PutOptions): unknown {
    this.counters.operations.getAndSet++
    this.checkKey(key)
    const now = this.clock.now()
    const expiresAt = this.expiryFor(opts?.ttl, now)
    const encoded = encodeValue(value)
    const stored = this.prepare(key, encoded, 0)
    const slot = this.liveSlot(key, now)
    const previous = slot < 0 ? undefined : this.decodeAt(slot)
    if (slot < 0) this.counters.misses++
    else this.counters.hits++
    this.write(key, stored, encoded.length, NO_BYTES, false, expiresAt, now)
    return previous
  }

  /** Gives the key a new ttl in seconds (0 = no expiry); false if the key is not there. */
  touch (key: string, ttl: number): boolean {
    this.counters.operations.touch++
    this.checkKey(key)
    const now = this.clock.now()
    const expiresAt = this.expiryFor(checkTtl(ttl), now)
    const slot = this.liveSlot(key, now)
    if (slot < 0) return false
    this.expiry.change(slot, this.table.expiresAt(slot), expiresAt)
    this.table.setExpiresAt(slot, expiresAt)
    this.policy.onUpdate(slot, expiresAt)
    if (this.changeListeners !== undefined) this.emit(key, 'write')
    return true
  }

  /** Seconds left (fractional) for a key with an expiry, null for a key without one, undefined for no such key. */
  getTtl (key: string): number | null | undefined {
    this.counters.operations.getTtl++
    this.checkKey(key)
    const now = this.clock.now()
    const slot = this.liveSlot(key, now)
    if (slot < 0) return undefined
    const expiresAt = this.table.expiresAt(slot)
    return expiresAt === 0 ? null : (expiresAt - now) / 1000
  }

  /** Live keys, tombstones left out; keys that expire during the iteration are skipped. */
  * keys (): IterableIterator<string> {
    for (let slot = 0; slot < this.table.slotLimit; slot++) {
      if (!this.table.isLive(slot) || this.table.isTombstone(slot)) continue
      const expiresAt = this.table.expiresAt(slot)
      if (expiresAt === 0 || expiresAt > this.clock.now()) yield this.keyIndex.keyOf(slot)
    }
  }

  /** Number of live keys, tombstones left out (removes the expired entries first). */
  get size (): number {
    this.sweepExpired(Infinity)
    return this.keyIndex.size - this.tombstoneCount
  }

  /**
   * One bounded step of the active expiry: removes expired entries (tombstones included), earliest first, looking
   * at no more than `maxWork` of them. Returns the number removed.
   */
  sweepExpired (maxWork = SWEEP_MAX_WORK): number {
    return this.sweepAt(this.clock.now(), maxWork)
  }

  /** Starts the active expiry sweep on the injected clock. Safe to call twice. */
  start (): void {
    if (this.running) return
    this.running = true
    this.scheduleSweep()
  }

  /** Stops the sweep timer. Safe to call twice. */
  stop (): void {
    this.running = false
    if (this.sweepTimer !== undefined) this.clock.clearTimeout(this.sweepTimer)
    this.sweepTimer = undefined
  }

  close (): void {
    this.stop()
  }

  stats (): CacheStats {
    const c = this.counters
    const reads = c.hits + c.misses
    return {
      hits: c.hits,
      misses: c.misses,
      hitRatio: reads === 0 ? 0 : c.hits / reads,
      sets: c.sets,
      deletes: c.deletes,
      evictions: c.evictions,
      evictionsByPolicy: { [this.policy.name]: c.evictions },
      expirations: c.expirations,
      keys: this.size,
      tombstones: this.tombstoneCount, // after `size` has purged the expired ones
      tombstonesPurged: c.tombstonesPurged,
      memoryUsedBytes: this.memoryUsed,
      maxMemoryBytes: this.maxMemory,
      evictionPolicy: this.policy.name,
      compressedValues: this.encodedLengthOfCompressed.size,
      compressionRatio: this.storedBytes === 0 ? 1 : this.encodedBytes / this.storedBytes,
      operations: { ...c.operations }
    }
  }

  private sweepAt (now: number, maxWork: number): number {
    const e = this.table
    let removed = 0
    for (let work = 0; work < maxWork; work++) {
      const slot = this.expiry.due(now)
      if (slot < 0) break
      // The slot's entry may have been removed since it was filed (removals leave the heap alone).
      const expiresAt = e.isLive(slot) ? e.expiresAt(slot) : 0
      if (expiresAt === 0) {
        this.expiry.drop(slot)
      } else if (expiresAt <= now) {
        this.expiry.drop(slot)
        this.expire(slot)
        removed++
      } else {
        this.expiry.refile(slot, expiresAt)
      }
    }
    return removed
  }

  private scheduleSweep (): void {
    this.sweepTimer = this.clock.setTimeout(() => {
      this.sweepExpired()
      if (this.running) this.scheduleSweep()
    }, this.sweepIntervalMs)
  }

  private addTo (key: string, delta: CounterDelta): CounterDelta {
    this.checkKey(key)
    const now = this.clock.now()
    const slot = this.liveSlot(key, now)
    const current = slot < 0 ? 0 : this.decodeAt(slot)
    const next = addToCounter(key, current, delta)
    const encoded = encodeValue(next)
    const expiresAt = slot < 0 ? this.expiryFor(undefined, now) : this.table.expiresAt(slot)
    this.write(key, this.prepare(key, encoded, 0), encoded.length, NO_BYTES, false, expiresAt, now)
    return next
  }

  /** The live slot of `key` for a value read, counting the hit or miss; -1 on a miss. */
  private read (key: string): number {
    const slot = this.liveSlot(key, this.clock.now())
    if (slot < 0) {
      this.counters.misses++
      return -1
    }
    this.counters.hits++
    this.policy.onAccess(slot)
    return slot
  }

  /** The slot of `key` if it holds a value that has not expired, else -1 (tombstones are missing keys). */
  private liveSlot (key: string, now: number): number {
    const slot = this.storedSlot(key, now)
    return slot >= 0 && this.table.isTombstone(slot) ? -1 : slot
  }

  /** The slot of `key`'s entry, value or tombstone, if not expired (an expired one is removed on the spot), else -1. */
  private storedSlot (key: string, now: number): number {
    const slot = this.keyIndex.find(key)
    if (slot < 0) return -1
    const expiresAt = this.table.expiresAt(slot)
    if (expiresAt !== 0 && expiresAt <= now) {
      this.expire(slot)
      return -1
    }
    return slot
  }

  /** The value's msgpack bytes: a view of the slab, or the inflated copy of a compressed value. */
  private encodedAt (slot: number): Uint8Array {
    const e = this.table
    const location = e.location(slot)
    const held = e.heldLength(slot)
    const start = this.values.offsetOf(location, held)
    const stored = this.values.holderOf(location, held).subarray(start, start + e.valueLength(slot))
    return e.isCompressed(slot) ? inflateRawSync(stored) : stored
  }

  /** The typed value in `slot`, decoded straight out of its slab. */
  private decodeAt (slot: number): unknown {
    const e = this.table
    if (e.isCompressed(slot)) return decodeValue(this.encodedAt(slot))
    const location = e.location(slot)
    const held = e.heldLength(slot)
    const start = this.values.offsetOf(location, held)
    return decodeValueAt(this.values.holderOf(location, held), start, start + e.valueLength(slot))
  }

  /** The entry in `slot` with copies of its bytes: one copy for value and metadata, made last (see CopyPool). */
  private recordAt (slot: number): EntryRecord {
    const e = this.table
    const expiresAt = e.expiresAt(slot)
    const location = e.location(slot)
    const held = e.heldLength(slot)
    const holder = this.values.holderOf(location, held)
    const start = this.values.offsetOf(location, held)
    const valueLength = e.valueLength(slot)
    const copies = this.copies
    if (e.isTombstone(slot)) {
      copies.take(held)
      copies.fill(holder, start, held)
      return { value: undefined, meta: copies.view(0, held), expiresAt }
    }
    if (e.isCompressed(slot)) {
      const inflated = this.encodedAt(slot) // already a copy
      const value = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length)
      copies.take(held - valueLength)
      copies.fill(holder, start + valueLength, held - valueLength)
      return { value, meta: copies.view(0, held - valueLength), expiresAt }
    }
    copies.take(held)
    const record = { value: copies.view(0, valueLength), meta: copies.view(valueLength, held - valueLength), expiresAt }
    copies.fill(holder, start, held)
    return record
  }

  /** Throws InvalidKeyError for a key this cache refuses (empty, not a string, longer than maxKeyBytes). */
  checkKey (key: string): void {
    checkKey(key, this.maxKeyBytes)
  }

  /** Expiry time for a ttl in seconds (undefined = defaultTtl); 0 = none. */
  private expiryFor (ttl: number | undefined, now: number): number {
    const seconds = ttl === undefined ? this.defaultTtl : checkTtl(ttl)
    return seconds === 0 ? 0 : now + seconds * 1000
  }

  /**
   * Checks an encoded value and the length of its metadata against the limits, and compresses the value if worth
   * it; changes nothing.
   */
  private prepare (key: string, encoded: Uint8Array, metaLength: number): Uint8Array {
    checkValueSize(key, valueSize(encoded) + metaLength, this.maxValueBytes)
    // the entry table's own bound, whatever maxValueBytes says
    if (encoded.length + metaLength > MAX_STORED_VALUE_BYTES) throw new ValueTooLargeError(`value of ${describeKey(key)} is over ${MAX_STORED_VALUE_BYTES} bytes encoded`)
    let stored = encoded
    if (this.compressionThreshold > 0 && encoded.length >= this.compressionThreshold) {
      const deflated = deflateRawSync(encoded)
      if (deflated.length < encoded.length) stored = deflated
    }
    const cost = storedValueBytes(stored.length + metaLength) + ENTRY_OVERHEAD_BYTES
    if (cost + key.length * 3 > this.maxMemory && cost + Buffer.byteLength(key) > this.maxMemory) {
      throw new ValueTooLargeError(`entry needs more than maxMemory (${this.maxMemory} bytes)`)
    }
    return stored
  }

  /**
   * Stores prepared bytes and metadata under `key`, over its entry if it has one (value or tombstone): in place when
   * the budget allows, else as a new entry.
   */
  private write (key: string, stored: Uint8Array, encodedLength: number, meta: Uint8Array, tombstone: boolean, expiresAt: number, now: number): void {
    if (!tombstone) this.counters.sets++
    const slot = this.storedSlot(key, now)
    if (slot < 0) {
      this.insert(key, stored, encodedLength, meta, tombstone, expiresAt, now)
    } else if (!this.overwrite(slot, stored, encodedLength, meta, tombstone, expiresAt)) {
      // It only fits after evictions: store it afresh, so the policy never has to skip the key being written.
      this.removeEntry(slot)
      this.insert(key, stored, encodedLength, meta, tombstone, expiresAt, now)
    }
    if (this.changeListeners !== undefined) this.emit(key, 'write')
  }

  /** Replaces the entry in `slot` in place; false (nothing changed) if that would pass the memory budget. */
  private overwrite (slot: number, stored: Uint8Array, encodedLength: number, meta: Uint8Array, tombstone: boolean, expiresAt: number): boolean {
    const e = this.table
    const oldHeld = e.heldLength(slot)
    const held = stored.length + meta.length
    const oldCharge = this.chargeOf(slot)
    const charge = oldCharge - storedValueBytes(oldHeld) + storedValueBytes(held)
    if (this.memoryUsed - oldCharge + charge > this.maxMemory) return false
    const location = this.values.reallocate(e.location(slot), oldHeld, held) // first: it may throw
    this.fill(location, stored, meta)
    this.untrackValue(slot)
    this.trackValue(slot, location, stored.length, encodedLength)
    if (e.isTombstone(slot) !== tombstone) this.tombstoneCount += tombstone ? 1 : -1
    e.setMeta(slot, meta.length, tombstone)
    this.memoryUsed += charge - oldCharge
    this.expiry.change(slot, e.expiresAt(slot), expiresAt)
    e.setExpiresAt(slot, expiresAt)
    this.policy.onUpdate(slot, expiresAt)
    return true
  }

  private insert (key: string, stored: Uint8Array, encodedLength: number, meta: Uint8Array, tombstone: boolean, expiresAt: number, now: number): void {
    const held = stored.length + meta.length
    const charge = utf8Length(key) + storedValueBytes(held) + ENTRY_OVERHEAD_BYTES
    this.makeRoom(charge, now)
    const location = this.values.allocate(held) // first: it may throw, and nothing else has changed yet
    const e = this.table
    const slot = e.allocate()
    try {
      this.keyIndex.insert(key, slot)
    } catch (err) { // the key slabs are full
      this.values.release(location, held)
      e.release(slot)
      throw err
    }
    this.fill(location, stored, meta)
    this.trackValue(slot, location, stored.length, encodedLength)
    e.setMeta(slot, meta.length, tombstone)
    if (tombstone) this.tombstoneCount++
    this.memoryUsed += charge
    e.setExpiresAt(slot, expiresAt)
    this.expiry.add(slot, expiresAt)
    this.policy.onInsert(slot, expiresAt)
  }

  /** Copies the stored value and then its metadata into the allocation at `location`. */
  private fill (location: number, stored: Uint8Array, meta: Uint8Array): void {
    const held = stored.length + meta.length
    const holder = this.values.holderOf(location, held)
    const start = this.values.offsetOf(location, held)
    holder.set(stored, start)
    if (meta.length !== 0) holder.set(meta, start + stored.length)
  }

  /** Frees `charge` bytes of budget: expired entries go first, then the policy's victims. */
  private makeRoom (charge: number, now: number): void {
    if (this.memoryUsed + charge <= this.maxMemory) return
    this.sweepAt(now, SWEEP_MAX_WORK)
    while (this.memoryUsed + charge > this.maxMemory) {
      const victim = this.policy.victim()
      if (victim < 0 || !this.table.isLive(victim)) return
      this.counters.evictions++
      this.removeReporting(victim, 'evict')
    }
  }

  private expire (slot: number): void {
    if (this.table.isTombstone(slot)) this.counters.tombstonesPurged++
    else this.counters.expirations++
    this.removeReporting(slot, 'expire')
  }

  /** Removes the entry in `slot` and tells the listeners, looking its key up only when someone listens. */
  private removeReporting (slot: number, change: ChangeKind): void {
    if (this.changeListeners === undefined) {
      this.removeEntry(slot)
      return
    }
    const key = this.keyIndex.keyOf(slot)
    this.removeEntry(slot)
    this.emit(key, change)
  }

  private emit (key: string, change: ChangeKind): void {
    for (const listener of this.changeListeners ?? []) listener(key, change)
  }

  /** Removes the entry in `slot`; its expiry-heap node stays for the sweep to drop (see ExpiryIndex). */
  private removeEntry (slot: number): void {
    const e = this.table
    this.memoryUsed -= this.chargeOf(slot)
    if (e.isTombstone(slot)) this.tombstoneCount--
    this.keyIndex.remove(slot)
    this.policy.onRemove(slot)
    this.untrackValue(slot)
    this.values.release(e.location(slot), e.heldLength(slot))
    e.release(slot)
  }

  /** Bytes the entry in `slot` is charged against the memory budget. */
  private chargeOf (slot: number): number {
    return this.table.keyLength(slot) + storedValueBytes(this.table.heldLength(slot)) + ENTRY_OVERHEAD_BYTES
  }

  /** Records the value now stored for `slot` at `location`. */
  private trackValue (slot: number, location: number, storedLength: number, encodedLength: number): void {
    const compressed = storedLength < encodedLength
    this.table.setValue(slot, location, storedLength, compressed)
    if (compressed) this.encodedLengthOfCompressed.set(slot, encodedLength)
    this.encodedBytes += encodedLength
    this.storedBytes += storedLength
  }

  private untrackValue (slot: number): void {
    const storedLength = this.table.valueLength(slot)
    let encodedLength = storedLength
    if (this.table.isCompressed(slot)) {
      encodedLength = this.encodedLengthOfCompressed.get(slot) as number
      this.encodedLengthOfCompressed.delete(slot)
    }
    this.encodedBytes -= encodedLength
    this.storedBytes -= storedLength
  }
}

/** UTF-8 byte length of a key; plain ASCII keys, the common case, skip the native call. */
function utf8Length (key: string): number {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) >= 0x80) return Buffer.byteLength(key)
  return key.length
}

function checkExpiresAt (expiresAt: unknown, tombstone: boolean): void {
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt < 0) {
    throw new ConfigurationError('invalid expiresAt; must be a finite number of clock milliseconds >= 0', 'expiresAt')
  }
  if (tombstone && expiresAt === 0) throw new ConfigurationError('invalid expiresAt; a tombstone must have one > 0', 'expiresAt')
}

function checkTtl (ttl: unknown): number {
  if (typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0) return ttl
  throw new ConfigurationError('invalid ttl; must be a finite number of seconds >= 0', 'ttl')
}

function checkNumber (field: string, value: unknown, min: number, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= min) return value
  throw new ConfigurationError(`invalid ${field}; must be ${what}`, field)
}

function checkInteger (field: string, value: unknown, min: number): number {
  if (Number.isSafeInteger(value) && (value as number) >= min) return value as number
  throw new ConfigurationError(`invalid ${field}; must be an integer >= ${min}`, field)
}

function checkClock (clock: Clock): Clock {
  const ok = typeof clock?.now === 'function' && typeof clock.setTimeout === 'function' && typeof clock.clearTimeout === 'function'
  if (!ok) throw new ConfigurationError('invalid clock; must have now, setTimeout and clearTimeout', 'clock')
  return clock
}

const POLICY_METHODS = ['onInsert', 'onAccess', 'onUpdate', 'onRemove', 'victim', 'clear'] as const

function resolvePolicy (policy: EvictionPolicyName | EvictionPolicy): EvictionPolicy {
  if (typeof policy === 'string' && (EVICTION_POLICIES as readonly string[]).includes(policy)) return createEvictionPolicy(policy)
  if (typeof policy === 'object' && policy !== null && POLICY_METHODS.every((m) => typeof policy[m] === 'function')) return policy
  throw new ConfigurationError(`invalid evictionPolicy; must be one of ${EVICTION_POLICIES.join(', ')} or an EvictionPolicy`, 'evictionPolicy')
}
