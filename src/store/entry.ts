import { grow } from './slot-heap.js'

/**
 * Words (uint32) per slot record: expiresAt as a float64 in words 0-1, the value's location, its length and flag,
 * the key's location (in the KeyIndex's slabs) and its UTF-8 length.
 */
const WORDS_PER_SLOT = 6
const LOCATION_WORD = 2
const LENGTH_WORD = 3
const KEY_LOCATION_WORD = 4
const KEY_LENGTH_WORD = 5
/** Set in the length word when the stored value is deflated; leaves 31 bits for the length. */
const COMPRESSED_BIT = 0x80000000
/** The longest stored value a record can describe. */
export const MAX_STORED_VALUE_BYTES = COMPRESSED_BIT - 1

/**
 * The entries of one cache, indexed by slot: no object per entry. What a lookup needs (where the key is, expiry,
 * value location and length) sits in one 24-byte record per slot, so a read touches one record of the table. The key
 * bytes and the key -> slot table belong to the KeyIndex. Freed slots are reused first, so slots stay dense.
 */
export class EntryTable {
  private words = new Uint32Array(64 * WORDS_PER_SLOT)
  /** The same memory as `words`, for the float64 expiry at word 0 of each record. */
  private times = new Float64Array(this.words.buffer)
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

  /** Location of the key's bytes (see KeyIndex). */
  keyLocation (slot: number): number {
    return this.words[slot * WORDS_PER_SLOT + KEY_LOCATION_WORD]
  }

  /** UTF-8 length of the key; 0 for a free slot (keys are never empty). */
  keyLength (slot: number): number {
    return this.words[slot * WORDS_PER_SLOT + KEY_LENGTH_WORD]
  }

  setKey (slot: number, location: number, length: number): void {
    const at = slot * WORDS_PER_SLOT
    this.words[at + KEY_LOCATION_WORD] = location
    this.words[at + KEY_LENGTH_WORD] = length
  }

  /** Whether `slot` holds an entry. */
  isLive (slot: number): boolean {
    return slot < this.highWater && this.keyLength(slot) !== 0
  }

  /** One past the highest slot ever allocated since the last clear. */
  get slotLimit (): number {
    return this.highWater
  }

  /** A free slot, to be given its key with `setKey` at once. */
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
  }
}
