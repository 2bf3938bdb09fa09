import { type EntryTable, INLINE_KEY_BYTES } from './entry.js'
import { decodeKey, encodeKey } from './key-bytes.js'
import { ValueSlabs } from './value-slabs.js'

/** The table doubles once it is fuller than this (linear probing stays short below it). */
const MAX_LOAD = 0.75
const INITIAL_BUCKETS = 16

function randomSeed (): number {
  return crypto.getRandomValues(new Int32Array(1))[0]
}

/**
 * Key -> slot, with no JS string or Map entry per key: an open-addressing hash table (linear probing) over one
 * Int32Array. Each key's bytes (UTF-8, see key-bytes.ts) are kept in the slot's EntryTable record when short
 * (INLINE_KEY_BYTES), else in slabs of their own.
 * A bucket is two words, the slot + 1 (0 = empty) and the key's hash, so a probe rejects other keys without touching
 * their bytes; removal shifts the following buckets back (no tombstones). ASCII keys, the common case, are hashed and
 * compared straight from the string.
 */
export class KeyIndex {
  private buckets = new Int32Array(2 * INITIAL_BUCKETS)
  private mask = INITIAL_BUCKETS - 1
  private count = 0
  private readonly slabs = new ValueSlabs()
  /** UTF-8 bytes of the last non-ASCII key hashed, for the comparisons and the store that follow. */
  private scratch = new Uint8Array(64)
  /** Length of the key in `scratch`, or -1 when the last key hashed was ASCII (read from the string itself). */
  private scratchLength = -1
  /** Where `locateKey` found a slot's key bytes: `keyHolder[keyStart, keyStart + length)`. */
  private keyHolder: Uint8Array = new Uint8Array(0)
  private keyStart = 0

  /**
   * `hashSeed` varies the hash per index so that clients cannot pick keys that all land in one probe run (hash
   * flooding); it changes no result, only where keys sit in the table. Random unless given (tests fix it).
   */
  constructor (private readonly entries: EntryTable, private readonly hashSeed = randomSeed()) {}

  get size (): number {
    return this.count
  }

  /** The slot holding `key`, or -1. */
  find (key: string): number {
    const hash = this.hashOf(key)
    const buckets = this.buckets
    const mask = this.mask
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slotPlusOne = buckets[2 * i]
      if (slotPlusOne === 0) return -1
      if (buckets[2 * i + 1] === hash && this.matches(slotPlusOne - 1, key)) return slotPlusOne - 1
    }
  }

  /** Files `key`, which must not be in the index, under the free `slot`. */
  insert (key: string, slot: number): void {
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) this.resize(2 * (this.mask + 1))
    const hash = this.hashOf(key)
    const length = this.scratchLength < 0 ? key.length : this.scratchLength
    if (length > INLINE_KEY_BYTES) this.entries.setKeyLocation(slot, this.slabs.allocate(length)) // may throw: first
    this.entries.setKeyLength(slot, length)
    this.locateKey(slot, length)
    const holder = this.keyHolder
    const start = this.keyStart
    if (this.scratchLength < 0) for (let i = 0; i < length; i++) holder[start + i] = key.charCodeAt(i)
    else for (let i = 0; i < length; i++) holder[start + i] = this.scratch[i]
    this.place(slot, hash)
    this.count++
  }

  /** Removes the key filed under `slot`. */
  remove (slot: number): void {
    const length = this.entries.keyLength(slot)
    this.locateKey(slot, length)
    const buckets = this.buckets
    const mask = this.mask
    let hole = hashBytes(this.hashSeed, this.keyHolder, this.keyStart, length) & mask
    while (buckets[2 * hole] !== slot + 1) hole = (hole + 1) & mask
    // Backward shift: move up each following bucket whose home is not between the hole and itself.
    for (let i = (hole + 1) & mask; buckets[2 * i] !== 0; i = (i + 1) & mask) {
      const home = buckets[2 * i + 1] & mask
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        buckets[2 * hole] = buckets[2 * i]
        buckets[2 * hole + 1] = buckets[2 * i + 1]
        hole = i
      }
    }
    buckets[2 * hole] = 0
    buckets[2 * hole + 1] = 0
    if (length > INLINE_KEY_BYTES) this.slabs.release(this.entries.keyLocation(slot), length)
    this.count--
  }

  keyOf (slot: number): string {
    const length = this.entries.keyLength(slot)
    this.locateKey(slot, length)
    return decodeKey(this.keyHolder, this.keyStart, length)
  }

  clear (): void {
    this.buckets = new Int32Array(2 * INITIAL_BUCKETS)
    this.mask = INITIAL_BUCKETS - 1
    this.count = 0
    this.slabs.clear()
  }

  /** Hash of the key's UTF-8 bytes; leaves them in `scratch` when the key is not ASCII. */
  private hashOf (key: string): number {
    const n = key.length
    let hash = this.hashSeed ^ n
    let seen = 0
    let i = 0
    for (; i + 4 <= n; i += 4) {
      const a = key.charCodeAt(i)
      const b = key.charCodeAt(i + 1)
      const c = key.charCodeAt(i + 2)
      const d = key.charCodeAt(i + 3)
      seen |= a | b | c | d
      hash = mix(hash, a | (b << 8) | (c << 16) | (d << 24))
    }
    let tail = 0
    for (let shift = 0; i < n; i++, shift += 8) {
      const c = key.charCodeAt(i)
      seen |= c
      tail |= c << shift
    }
    if (seen < 0x80) {
      this.scratchLength = -1
      return finish(hash, tail)
    }
    return this.hashOfEncoded(key)
  }

  private hashOfEncoded (key: string): number {
    if (this.scratch.length < key.length * 3) this.scratch = new Uint8Array(key.length * 3)
    this.scratchLength = encodeKey(key, this.scratch)
    return hashBytes(this.hashSeed, this.scratch, 0, this.scratchLength)
  }

  /** Whether the key in `slot` is `key`, as last hashed by `hashOf`. */
  private matches (slot: number, key: string): boolean {
    const length = this.entries.keyLength(slot)
    const ascii = this.scratchLength < 0
    if (length !== (ascii ? key.length : this.scratchLength)) return false
    this.locateKey(slot, length)
    const holder = this.keyHolder
    const start = this.keyStart
    if (ascii) {
      for (let i = 0; i < length; i++) if (holder[start + i] !== key.charCodeAt(i)) return false
      return true
    }
    const scratch = this.scratch
    for (let i = 0; i < length; i++) if (holder[start + i] !== scratch[i]) return false
    return true
  }

  private locateKey (slot: number, length: number): void {
    if (length <= INLINE_KEY_BYTES) {
      this.keyHolder = this.entries.bytes
      this.keyStart = this.entries.inlineKeyOffset(slot)
    } else {
      const location = this.entries.keyLocation(slot)
      this.keyHolder = this.slabs.holderOf(location, length)
      this.keyStart = this.slabs.offsetOf(location, length)
    }
  }

  private place (slot: number, hash: number): void {
    const buckets = this.buckets
    const mask = this.mask
    let i = hash & mask
    while (buckets[2 * i] !== 0) i = (i + 1) & mask
    buckets[2 * i] = slot + 1
    buckets[2 * i + 1] = hash
  }

  private resize (bucketCount: number): void {
    const old = this.buckets
    this.buckets = new Int32Array(2 * bucketCount)
    this.mask = bucketCount - 1
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.place(old[i] - 1, old[i + 1])
  }
}

/** One 4-byte word into the hash. */
function mix (hash: number, word: number): number {
  const h = Math.imul(hash ^ word, 0x9e3779b1)
  return h ^ (h >>> 15)
}

/** The last partial word, then a full avalanche so that the low bits (the bucket) depend on every byte. */
function finish (hash: number, tail: number): number {
  let h = mix(hash, tail)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/** The same hash as KeyIndex.hashOf, over UTF-8 bytes. */
function hashBytes (seed: number, bytes: Uint8Array, start: number, length: number): number {
  let hash = seed ^ length
  let i = 0
  for (; i + 4 <= length; i += 4) {
    const at = start + i
    hash = mix(hash, bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24))
  }
  let tail = 0
  for (let shift = 0; i < length; i++, shift += 8) tail |= bytes[start + i] << shift
  return finish(hash, tail)
}
