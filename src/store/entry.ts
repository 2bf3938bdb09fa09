import { grow } from './slot-heap.js'

/**
 * Words (uint32) per slot record: expiresAt as a float64 in words 0-1, the value's location, its length and flag,
 * the key's UTF-8 length, then INLINE_KEY_BYTES for the key itself or, for a longer key, its location in the
 * KeyIndex's slabs.
 */
const WORDS_PER_SLOT = 10
const LOCATION_WORD = 2
const LENGTH_WORD = 3
const KEY_LENGTH_WORD = 4
const KEY_WORD = 5
const BYTES_PER_SLOT = WORDS_PER_SLOT * 4
/** Keys up to this many UTF-8 bytes are kept inside the record, so a lookup compares them with no further miss. */
export const INLINE_KEY_BYTES = (WORDS_PER_SLOT - KEY_WORD) * 4
/** Set in the length word when the stored value is deflated; leaves 31 bits for the length. */
const COMPRESSED_BIT = 0x80000000
/** The longest stored value a record can describe. */
export const MAX_STORED_VALUE_BYTES = COMPRESSED_BIT - 1

/**
 * The entries of one cache, indexed by slot: no object per entry. What a lookup needs (the key or where it is,
 * expiry, value location and length) sits in one 40-byte record per slot, so a read touches one record of the table.
 * The key -> slot table belongs to the KeyIndex. Freed slots are reused first, so slots stay dense.
 */
export class EntryTable {
  private words = new Uint32Array(64 * WORDS_PER_SLOT)
  /** The same memory as `words`, for the float64 expiry at word 0 of each record. */
  private times = new Float64Array(this.words.buffer)
  /** The same memory again, for inline keys (see `inlineKeyOffset`); replaced when the table grows. */
  bytes = new Uint8Array(this.words.buffer)
  private freeSlots: number[] = []
  private highWater = 0

  /** Expiry in clock milliseconds; 0 = never. */
  expiresAt (slot: number): number {
    return this.times[slot * (WORDS_PER_SLOT / 2)]
  }

  setExpiresAt (slot: number, expiresAt: number): void {
    this.times[slot * (WORDS_PER_SLOT / 2)] = expiresAt
  }

  /** Location in ValueSlabs. */
  location (slot: number): number {
    return this.words[slot * WORDS_PER_SLOT + LOCATION_WORD]
  }

  /** Stored (possibly deflated) value length in bytes. */
  valueLength (slot: number): number {
    return (this.words[slot * WORDS_PER_SLOT + LENGTH_WORD] & ~COMPRESSED_BIT) >>> 0
  }

  isCompressed (slot: number): boolean {
    return (this.words[slot * WORDS_PER_SLOT + LENGTH_WORD] & COMPRESSED_BIT) !== 0
  }

  /** Records where the value is stored, its stored length (at most MAX_STORED_VALUE_BYTES) and whether it is deflated. */
  setValue (slot: number, location: number, length: number, compressed: boolean): void {
    const at = slot * WORDS_PER_SLOT
    this.words[at + LOCATION_WORD] = location
    this.words[at + LENGTH_WORD] = compressed ? length | COMPRESSED_BIT : length
  }

  /** UTF-8 length of the key; 0 for a free slot (keys are never empty). */
  keyLength (slot: number): number {
    return this.words[slot * WORDS_PER_SLOT + KEY_LENGTH_WORD]
  }

  setKeyLength (slot: number, length: number): void {
    this.words[slot * WORDS_PER_SLOT + KEY_LENGTH_WORD] = length
  }

  /** Where in `bytes` the key of `slot` sits when it is at most INLINE_KEY_BYTES long. */
  inlineKeyOffset (slot: number): number {
    return slot * BYTES_PER_SLOT + KEY_WORD * 4
  }

  /** Location of a key longer than INLINE_KEY_BYTES (see KeyIndex). */
  keyLocation (slot: number): number {
    return this.words[slot * WORDS_PER_SLOT + KEY_WORD]
  }

  setKeyLocation (slot: number, location: number): void {
    this.words[slot * WORDS_PER_SLOT + KEY_WORD] = location
  }

  /** Whether `slot` holds an entry. */
  isLive (slot: number): boolean {
    return slot < this.highWater && this.keyLength(slot) !== 0
  }

  /** One past the highest slot ever allocated since the last clear. */
  get slotLimit (): number {
    return this.highWater
  }

  /** A free slot, to be given its key at once (KeyIndex.insert). */
  allocate (): number {
    const slot = this.freeSlots.pop() ?? this.highWater++
    if (slot * WORDS_PER_SLOT >= this.words.length) this.grow()
    return slot
  }

  release (slot: number): void {
    this.words[slot * WORDS_PER_SLOT + KEY_LENGTH_WORD] = 0
    this.freeSlots.push(slot)
  }

  clear (): void {
    this.words.fill(0)
    this.freeSlots = []
    this.highWater = 0
  }

  private grow (): void {
    this.words = grow(this.words, this.words.length * 2, 0)
    this.times = new Float64Array(this.words.buffer)
    this.bytes = new Uint8Array(this.words.buffer)
  }
}
